"""DAT006: a place of service where the line's procedure family is not performed without a reason."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.data._scope import scope_rule


@edit(
    code="DAT006",
    name="place-of-service-suits-procedure",
    family="data",
    category="claim-data",
    severity="warning",
    since="0.2.0",
)
def place_of_service_suits_procedure(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A line of a skin lesion family whose place of service (SV105, else CLM05-1) is not one where those
        procedures are performed: office 11, home 12, assisted living 13, group home 14, temporary lodging
        16, outpatient hospital 19/22, ASC 24, skilled nursing and nursing facilities 31/32, custodial care
        33, clinics 49/50/71/72. Inpatient (21), emergency room (23), telehealth (02, 10) and every other
        place draw the warning. Invalid codes are DAT005's.

    Why:
        An office destruction billed from the emergency room or an inpatient stay is usually a wrong place
        of service (it changes the payment rate) or needs a reason the payer will ask for.

    Failing example:
        CLM*PCN1*100***23:B:1 with SV1*HC:17000*100*UN*1***1.

    Passing example:
        CLM*PCN1*100***11:B:1 with the same line.

    Fix:
        Correct the place of service, or keep the documentation of why the procedure was done there
        (replace_code).

    Options:
        None.

    References:
        CMS Place of Service code set definitions; claimedit place-of-service scope table (edition in the
        finding).
    """
    for date in ctx.dates:
        rules = ctx.codesets.at("pos-scope", date.day)
        codes = ctx.codesets.at("pos", date.day)
        for line in date.lines:
            family = date.tables.lesion_codes.get(line.procedure_code)
            pos = line.place_of_service or ctx.claim.place_of_service
            if family is None or not pos or pos not in codes:
                continue
            rule = scope_rule(rules, family.family, pos)
            if rule is not None and rule[0]:
                continue
            entry = codes.get(pos)
            name = entry.label if entry is not None else pos
            reason = rule[1] if rule is not None else f"{family.family} procedures are not performed there"
            yield Hit(
                line=line.number,
                message=(
                    f"Line {line.number} ({line.procedure_code}) is billed at place of service {pos} ({name}): "
                    f"{reason}."
                ),
                source=rules.edition,
                fix=Fix(
                    action="replace_code",
                    line=line.number,
                    current=pos,
                    detail="Send the place where the procedure was performed, or document why it was done there.",
                ),
            )
