"""LES001: 17000 reported for more than one lesion on a date of service."""

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
    code="LES001",
    name="premalignant-first-lesion-units",
    family="lesion",
    category="lesion-units",
    severity="error",
    since="0.1.0",
    needs_any=(FIRST_LESION,),
)
def premalignant_first_lesion_units(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        17000 (destruction of the first premalignant lesion) reported with more than one unit on one date of
        service, counting every 17000 line of that date.

    Why:
        17000 is the first lesion only. Lesions 2 to 14 are 17003, one unit each; 15 or more are 17004 x1
        alone (LES003 reports that case). A payer pays one unit of 17000 per day and denies the rest.

    Failing example:
        SV1*HC:17000*300*UN*3, actinic keratoses L57.0: three lesions billed as 17000 x3.

    Passing example:
        SV1*HC:17000*100*UN*1 and SV1*HC:17003*40*UN*2 on the same date: three lesions.

    Fix:
        Change 17000 to one unit and report the other lesions as 17003, one unit per lesion (change_units).

    Options:
        None.

    References:
        CPT destruction code descriptors 17000/17003; NCCI MUE 17000 = 1 per date of service (MAI 2).
    """
    for date in ctx.dates:
        first_units = date.units_of(FIRST_LESION)
        lesions = first_units + date.units_of(ADDITIONAL_LESIONS)
        if first_units <= 1 or lesions >= FIFTEEN_LESIONS:
            continue
        first_lines = date.with_code(FIRST_LESION)
        line = first_lines[0]
        extra = lesions - 1
        yield Hit(
            line=line.number,
            message=(
                f"17000 is reported {first_units} times on {date.label} ({line_list(first_lines)}): 17000 is the "
                f"first premalignant lesion only, once per date of service. The other {extra} lesion(s) are 17003, "
                "one unit per lesion."
            ),
            source=CPT_DESTRUCTION_SOURCE,
            fix=Fix(
                action="change_units" if len(first_lines) == 1 else "merge_lines",
                line=line.number,
                current=str(first_units),
                suggested="1",
                detail=f"Report 17000 x1 and 17003 x{extra} for the {lesions} lesions of {date.label}.",
            ),
        )
