"""LES002: 17003 over 13 units on a date of service."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit, line_list, units
from claimedit_edits.model import Fix
from claimedit_edits.rules.common.destruction_counting import (
    ADDITIONAL_LESIONS,
    CPT_COUNTING_LIMITS,
    CPT_DESTRUCTION_SOURCE,
    FIFTEEN_LESIONS,
    FIRST_LESION,
)


@edit(
    code="LES002",
    name="premalignant-additional-lesions-over-13",
    family="lesion",
    category="lesion-units",
    severity="error",
    since="0.1.0",
    needs_any=(ADDITIONAL_LESIONS,),
)
def premalignant_additional_lesions_over_13(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        17003 (premalignant lesions 2 to 14) summed over the lines of one date of service exceeds 13 units,
        while the lesions counted with 17000 stay under 15 (15 or more is LES003).

    Why:
        17003 covers the second through the fourteenth lesion: 13 units at most. A split over several lines
        is summed, as the payer does.

    Failing example:
        SV1*HC:17003*560*UN*14 alone on a date: 14 lesions reported as additional lesions.

    Passing example:
        SV1*HC:17000*100*UN*1 and SV1*HC:17003*520*UN*13: 14 lesions.

    Fix:
        Report the first lesion with 17000 x1 and 13 units of 17003 (change_units).

    Options:
        None.

    References:
        CPT destruction code descriptors 17000/17003; NCCI MUE 17003 = 13 per date of service (MAI 2).
    """
    limit = CPT_COUNTING_LIMITS[ADDITIONAL_LESIONS]
    for date in ctx.dates:
        additional = date.units_of(ADDITIONAL_LESIONS)
        if additional <= limit or additional + date.units_of(FIRST_LESION) >= FIFTEEN_LESIONS:
            continue
        additional_lines = date.with_code(ADDITIONAL_LESIONS)
        line = additional_lines[-1]
        suggested = max(units(line) - (additional - limit), 0)
        yield Hit(
            line=line.number,
            message=(
                f"17003 is reported {additional} times on {date.label} ({line_list(additional_lines)}): 17003 counts "
                f"lesions 2 to 14, so at most {limit} units per date of service. The first lesion is 17000."
            ),
            source=CPT_DESTRUCTION_SOURCE,
            fix=Fix(
                action="change_units",
                line=line.number,
                current=str(units(line)),
                suggested=str(suggested),
                detail=f"Report 17000 x1 for the first lesion and 17003 x{limit} in all on {date.label}.",
            ),
        )
