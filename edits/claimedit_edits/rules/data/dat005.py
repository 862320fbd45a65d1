"""DAT005: a place of service code that is not in the CMS place of service code set for the date."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.common.service_days import first_service_day
from claimedit_edits.rules.data._sources import IG_CLM05


@edit(
    code="DAT005",
    name="place-of-service-valid",
    family="data",
    category="claim-data",
    severity="error",
    since="0.2.0",
)
def place_of_service_valid(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        The claim's place of service (CLM05-1) or a line's (SV105) is not a code of the CMS place of service
        code set, or was not yet in effect on the date of service (10, telehealth in the patient's home,
        from 2022-01-01).

    Why:
        The place of service prices the service (facility or non-facility rate) and is validated by every
        payer; an unassigned code rejects the claim or the line.

    Failing example:
        CLM*PCN1*100***1A:B:1 or SV1*HC:17000*100*UN*1*40**1 (40 is unassigned).

    Passing example:
        CLM*PCN1*100***11:B:1 (office).

    Fix:
        Send the two-digit CMS place of service where the service was performed (replace_code).

    Options:
        None.

    References:
        CMS Place of Service code set (edition in the finding); ASC X12 005010X222A1 CLM05-1, SV105.
    """
    claim = ctx.claim
    checked: list[tuple[int | None, str, dt.date | None]] = []
    if claim.place_of_service:
        checked.append((None, claim.place_of_service, ctx.derived(first_service_day)))
    checked += [
        (line.number, line.place_of_service, claim.line_date(claim.line(line.number) or line))
        for line in claim.service_lines
        if line.place_of_service
    ]
    for number, pos, day in checked:
        codes = ctx.codesets.at("pos", day)
        entry = codes.get(pos)
        if entry is not None and entry.active_on(day):
            continue
        where = "claim (CLM05-1)" if number is None else f"line {number} (SV105)"
        state = "is not a CMS place of service code" if entry is None else f"was not in effect on {day}"
        yield Hit(
            line=number,
            message=f"The place of service {pos} of the {where} {state}.",
            source=f"{codes.edition}; {IG_CLM05}",
            fix=Fix(
                action="replace_code",
                line=number,
                current=pos,
                detail="Send the two-digit CMS place of service code where the service was performed.",
            ),
        )
