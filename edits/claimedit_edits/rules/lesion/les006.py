"""LES006: 17111 reported with 17110 on the same date of service."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.common.destruction_counting import BENIGN_15_OR_MORE, BENIGN_UP_TO_14


@edit(
    code="LES006",
    name="benign-17111-with-17110",
    family="lesion",
    category="lesion-units",
    severity="error",
    since="0.1.0",
    needs_any=(BENIGN_15_OR_MORE,),
)
def benign_17111_with_17110(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        17111 (15 or more benign lesions) and 17110 (up to 14) on the same date of service.

    Why:
        The two codes are alternatives for one count of lesions: 15 or more is 17111 alone. NCCI pair
        17111/17110 has modifier indicator 0. (MOD001 leaves this pair to this edit.)

    Failing example:
        SV1*HC:17111*200*UN*1 and SV1*HC:17110*150*UN*1 on the same date: 20 warts.

    Passing example:
        SV1*HC:17111*200*UN*1 alone: 20 warts.

    Fix:
        Remove the 17110 line (remove_line).

    Options:
        None.

    References:
        CPT destruction code descriptors 17110/17111; NCCI PTP 17111/17110, modifier indicator 0.
    """
    for date in ctx.dates:
        if BENIGN_15_OR_MORE not in date.codes:
            continue
        for line in date.with_code(BENIGN_UP_TO_14):
            yield Hit(
                line=line.number,
                message=(
                    f"17110 is reported with 17111 on {date.label}: 17111 (15 or more benign lesions) covers every "
                    "lesion of the day; 17110 (up to 14) is its alternative, never its companion."
                ),
                source=f"CPT destruction code descriptors; {date.tables.ptp.edition.label} (indicator 0)",
                fix=Fix(
                    action="remove_line",
                    line=line.number,
                    current=BENIGN_UP_TO_14,
                    detail=f"Remove 17110; keep 17111 x1 for all the benign lesions of {date.label}.",
                ),
            )
