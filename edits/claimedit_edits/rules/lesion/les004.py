"""LES004: 17004, 17110 or 17111 over one unit on a date of service."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit, line_list
from claimedit_edits.model import Fix
from claimedit_edits.rules.common.destruction_counting import (
    BENIGN_15_OR_MORE,
    BENIGN_UP_TO_14,
    CPT_DESTRUCTION_SOURCE,
    FIFTEEN_LESIONS,
    FIFTEEN_OR_MORE,
)

_MEANING = {
    FIFTEEN_OR_MORE: "15 or more premalignant lesions",
    BENIGN_UP_TO_14: "up to 14 benign lesions",
    BENIGN_15_OR_MORE: "15 or more benign lesions",
}


@edit(
    code="LES004",
    name="destruction-single-unit-codes",
    family="lesion",
    category="lesion-units",
    severity="error",
    since="0.1.0",
    needs_any=(FIFTEEN_OR_MORE, BENIGN_UP_TO_14, BENIGN_15_OR_MORE),
)
def destruction_single_unit_codes(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        17004, 17110 or 17111 summed over the lines of one date of service exceeds one unit.

    Why:
        Each of these codes already covers a whole count of lesions (17004: 15 or more premalignant;
        17110: up to 14 benign; 17111: 15 or more benign), so it is one unit per date of service whatever
        the number of lesions.

    Failing example:
        SV1*HC:17110*240*UN*6: six warts billed as six units.

    Passing example:
        SV1*HC:17110*150*UN*1: six warts.

    Fix:
        One unit (change_units); 17110 with 15 or more units becomes 17111 x1 (replace_code).

    Options:
        None.

    References:
        CPT destruction code descriptors 17004, 17110, 17111; NCCI MUE = 1 per date of service (MAI 2).
    """
    for date in ctx.dates:
        for code in (FIFTEEN_OR_MORE, BENIGN_UP_TO_14, BENIGN_15_OR_MORE):
            total = date.units_of(code)
            if total <= 1:
                continue
            lines = date.with_code(code)
            line = lines[0]
            if code == BENIGN_UP_TO_14 and total >= FIFTEEN_LESIONS:
                fix = Fix(
                    action="replace_code",
                    line=line.number,
                    current=code,
                    suggested=BENIGN_15_OR_MORE,
                    detail=f"{total} benign lesions are 17111 x1 in place of {line_list(lines)}.",
                )
            else:
                fix = Fix(
                    action="change_units" if len(lines) == 1 else "merge_lines",
                    line=line.number,
                    current=str(total),
                    suggested="1",
                    detail=f"Report {code} once on {date.label}, whatever the number of lesions.",
                )
            yield Hit(
                line=line.number,
                message=(
                    f"{code} is reported with {total} units on {date.label} ({line_list(lines)}): {code} covers "
                    f"{_MEANING[code]} in one unit per date of service."
                ),
                source=CPT_DESTRUCTION_SOURCE,
                fix=fix,
            )
