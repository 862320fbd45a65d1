"""SIZ001: excision code whose size tier disagrees with the excised diameter in the line note."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import LINE_NOTES, EditContext, Hit, edit
from claimedit_edits.rules.lesion._size_hit import size_tier_hits


@edit(
    code="SIZ001",
    name="excision-size-tier",
    family="lesion",
    category="size-tier",
    severity="error",
    since="0.1.0",
    needs_any=(LINE_NOTES,),
)
def excision_size_tier(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        An excision code (11400-11446 benign, 11600-11646 malignant) whose size tier (last digit) disagrees
        with the size in the line note (NTE*ADD). The excised diameter is the lesion's greatest diameter plus
        twice the narrowest margin: "LESION 2.0 CM MARGINS 0.6 CM" is 3.2 cm. "EXCISED DIAMETER 3.4 CM" is
        taken as stated. A lesion size without margins ("LESION 1.5 CM", "15 MM") is a lower bound: only a
        code below that tier is flagged. Tier upper bounds are inclusive (1.0 cm is 0.6-1.0 cm).

    Why:
        The excision codes are priced by excised diameter. A tier below the documented size under-bills; a
        tier above it over-bills and fails a records review.

    Failing example:
        SV1*HC:11602*300*UN*1 with NTE*ADD*LESION 2.0 CM MARGINS 0.6 CM: 3.2 cm is 11604.

    Passing example:
        SV1*HC:11604*450*UN*1 with NTE*ADD*LESION 2.0 CM MARGINS 0.6 CM.

    Fix:
        Replace the code with the same family and site group at the documented tier (replace_code).

    Options:
        None. A line without a size note is not checked (see SIZ003).

    References:
        CPT excision guidelines (excised diameter = lesion + twice the narrowest margin; tiers 0.5, 1.0, 2.0,
        3.0, 4.0 cm and over 4.0 cm).
    """
    yield from size_tier_hits(ctx, "excised-diameter")
