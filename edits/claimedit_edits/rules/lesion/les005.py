"""LES005: 17004 reported with 17000 or 17003 on the same date of service."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.common.destruction_counting import ADDITIONAL_LESIONS, FIFTEEN_OR_MORE, FIRST_LESION


@edit(
    code="LES005",
    name="premalignant-17004-with-17000-17003",
    family="lesion",
    category="lesion-units",
    severity="error",
    since="0.1.0",
    needs_any=(FIFTEEN_OR_MORE,),
)
def premalignant_17004_with_17000_17003(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        17004 and 17000 or 17003 on the same date of service.

    Why:
        17004 (15 or more premalignant lesions) replaces 17000 and 17003: it is reported alone. NCCI pairs
        17004/17000 and 17004/17003 have modifier indicator 0: no modifier makes them payable together.
        (MOD001 leaves these pairs to this edit.)

    Failing example:
        SV1*HC:17004*300*UN*1 and SV1*HC:17000*100*UN*1 on the same date.

    Passing example:
        SV1*HC:17004*300*UN*1 alone.

    Fix:
        Remove the 17000/17003 line (remove_line); 17004 covers every lesion of the day.

    Options:
        None.

    References:
        CPT destruction code descriptors; NCCI PTP 17004/17000 and 17004/17003, modifier indicator 0.
    """
    for date in ctx.dates:
        if FIFTEEN_OR_MORE not in date.codes:
            continue
        for line in date.with_code(FIRST_LESION, ADDITIONAL_LESIONS):
            yield Hit(
                line=line.number,
                message=(
                    f"{line.procedure_code} is reported with 17004 on {date.label}: 17004 (15 or more premalignant "
                    "lesions) already covers every lesion of the day and is reported alone."
                ),
                source=f"CPT destruction code descriptors; {date.tables.ptp.edition.label} (indicator 0)",
                fix=Fix(
                    action="remove_line",
                    line=line.number,
                    current=line.procedure_code,
                    detail=f"Remove {line.procedure_code}; keep 17004 x1 for all the lesions of {date.label}.",
                ),
            )
