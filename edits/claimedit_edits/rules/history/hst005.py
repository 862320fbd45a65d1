"""HST005: units of a code for one date of service, summed over the patient's claims, above its MUE (MAI 2/3)."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit, line_list
from claimedit_edits.model import Fix
from claimedit_edits.rules.history._prior import earlier_lines_by_date, same_billing_priors

_MAI_TEXT = {2: "per date of service (MAI 2, policy)", 3: "per date of service (MAI 3, clinical)"}


@edit(
    code="HST005",
    name="units-across-claims-over-mue",
    family="history",
    needs_history=True,
    category="lesion-units",
    severity="error",
    since="0.3.0",
)
def units_across_claims_over_mue(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        The units of a code on one date of service, summed over this claim and the earlier accepted claims of
        the same patient and billing provider, above the code's NCCI MUE value when its adjudication indicator
        is 2 or 3 (a limit per date of service). This covers the destruction counting of 17000 (1), 17003 (13),
        17004 (1), 17110 (1) and 17111 (1). LES007 checks one claim alone; this edit speaks only when an
        earlier claim holds units of the code for that date.

    Why:
        An MAI 2/3 limit is per patient, provider and day, whatever the number of claims: 17003 x8 on one claim
        and 17003 x8 on another of the same day are 16 additional lesions against a limit of 13, and the payer
        denies the excess.

    Failing example:
        SV1*HC:17003*160*UN*8 on 2025-03-04 after an accepted claim with SV1*HC:17003*160*UN*8 on 2025-03-04
        for the same patient and provider.

    Passing example:
        SV1*HC:17003*100*UN*5 on that date after the claim with 8 units (13 in all).

    Fix:
        Reduce the units of this claim to what is left of the day's limit (change_units), or replace the
        earlier claim with one claim for the whole day (frequency 7).

    Options:
        None.

    References:
        CMS NCCI Practitioner Services MUE table, adjudication indicators 2 and 3 (edition by date of service);
        CPT destruction code descriptors (17000-17004, 17110-17111).
    """
    for date, lines_that_day in earlier_lines_by_date(ctx, same_billing_priors(ctx)):
        earlier: dict[str, list[tuple[str, int]]] = {}
        for prior, prior_line in lines_that_day:
            earlier.setdefault(prior_line.code, []).append((prior.named, prior_line.units))
        for code in sorted(date.codes & earlier.keys()):
            limit = date.tables.mue.get(code)
            if limit is None or not limit.per_date_of_service:
                continue
            lines = date.with_code(code)
            here = date.units_of(code)
            before = sum(n for _, n in earlier[code])
            if here + before <= limit.units:
                continue
            left = max(limit.units - before, 0)
            named = ", ".join(sorted({name for name, _ in earlier[code]}))
            yield Hit(
                line=lines[0].number,
                message=(
                    f"{code} has {here} units on {date.label} ({line_list(lines)}) and {before} on {named}: "
                    f"{here + before} for the patient and provider that day; the MUE is {limit.units} "
                    f"{_MAI_TEXT.get(limit.mai, 'per date of service')}."
                ),
                source=f"{date.tables.mue.edition.label}",
                fix=Fix(
                    action="change_units" if left else "remove_line",
                    line=lines[0].number,
                    current=str(here),
                    suggested=str(left) if left else None,
                    detail=(
                        f"Bill at most {left} units of {code} on this claim for {date.label}."
                        if left
                        else f"The day's {limit.units} units of {code} were billed already: remove {line_list(lines)}."
                    ),
                ),
            )
