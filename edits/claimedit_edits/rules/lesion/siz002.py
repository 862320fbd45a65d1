"""SIZ002: malignant destruction code whose size tier disagrees with the lesion diameter in the line note."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import LINE_NOTES, EditContext, Hit, edit
from claimedit_edits.rules.lesion._size_hit import size_tier_hits


@edit(
    code="SIZ002",
    name="destruction-size-tier",
    family="lesion",
    category="size-tier",
    severity="error",
    since="0.1.0",
    needs_any=(LINE_NOTES,),
)
def destruction_size_tier(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A malignant destruction code (17260-17286) whose size tier (last digit) disagrees with the lesion
        diameter in the line note (NTE*ADD). Destruction is sized on the lesion alone: margins in the note
        are ignored. Tier upper bounds are inclusive.

    Why:
        The destruction codes are priced by lesion diameter; a wrong tier is a wrong code.

    Failing example:
        SV1*HC:17272*250*UN*1 with NTE*ADD*LESION 2.5 CM: 2.5 cm is 17273.

    Passing example:
        SV1*HC:17273*300*UN*1 with NTE*ADD*25 MM.

    Fix:
        Replace the code with the same site group at the documented tier (replace_code).

    Options:
        None. A line without a size note is not checked (see SIZ003).

    References:
        CPT destruction of malignant lesions guidelines (lesion diameter; tiers 0.5, 1.0, 2.0, 3.0, 4.0 cm and
        over 4.0 cm).
    """
    yield from size_tier_hits(ctx, "lesion-diameter")
