"""LES003: 15 or more premalignant lesions reported with 17000/17003 instead of 17004."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit, line_list
from claimedit_edits.model import Fix
from claimedit_edits.rules.common.destruction_counting import (
    ADDITIONAL_LESIONS,
    CPT_DESTRUCTION_SOURCE,
    FIFTEEN_LESIONS,
    FIRST_LESION,
)


@edit(
    code="LES003",
    name="premalignant-15-or-more-use-17004",
    family="lesion",
    category="lesion-units",
    severity="error",
    since="0.1.0",
    needs_any=(FIRST_LESION, ADDITIONAL_LESIONS),
)
def premalignant_15_or_more_use_17004(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        17000 and 17003 together count 15 or more premalignant lesions on one date of service.

    Why:
        From 15 lesions on, CPT replaces 17000 and 17003 with 17004, reported once, alone. 17000 + 17003 x14
        is denied (17003 is capped at 13) and 17004 cannot be added to them (indicator 0 pair).

    Failing example:
        SV1*HC:17000*100*UN*1 and SV1*HC:17003*560*UN*14: 15 actinic keratoses.

    Passing example:
        SV1*HC:17004*300*UN*1: 15 or more actinic keratoses.

    Fix:
        Replace the 17000 line by 17004 x1 and remove the 17003 lines (replace_code).

    Options:
        None.

    References:
        CPT destruction code descriptors 17000/17003/17004; NCCI PTP 17004/17000 and 17004/17003, indicator 0.
    """
    for date in ctx.dates:
        lesions = date.units_of(FIRST_LESION, ADDITIONAL_LESIONS)
        if lesions < FIFTEEN_LESIONS:
            continue
        counted = date.with_code(FIRST_LESION, ADDITIONAL_LESIONS)
        line = counted[0]
        yield Hit(
            line=line.number,
            message=(
                f"{lesions} premalignant lesions are reported with 17000/17003 on {date.label} "
                f"({line_list(counted)}): 15 or more lesions are one unit of 17004, reported alone."
            ),
            source=CPT_DESTRUCTION_SOURCE,
            fix=Fix(
                action="replace_code",
                line=line.number,
                current=line.procedure_code,
                suggested="17004",
                detail=f"Report 17004 x1 in place of {line_list(counted)}.",
            ),
        )
