"""BAL001: the claim total charge (CLM02) is not the sum of the line charges (SV102)."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.core._sources import IG_CLM02


@edit(
    code="BAL001",
    name="claim-total-equals-line-charges",
    family="core",
    category="balancing",
    severity="error",
    since="0.1.0",
)
def claim_total_equals_line_charges(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        The total claim charge in CLM02 differs from the sum of the service line charges in SV102.

    Why:
        The implementation guide requires CLM02 to equal the sum of all SV102 amounts of the claim. Payers
        and clearinghouses reject an unbalanced claim before any coding review.

    Failing example:
        CLM*PCN1*250***11:B:1 with SV1*HC:17000*100*UN*1 and SV1*HC:17003*100*UN*1 (lines sum to 200).

    Passing example:
        CLM*PCN1*200***11:B:1 with the same two lines.

    Fix:
        Correct CLM02 to the sum of the line charges, or correct the line charge that is wrong
        (correct_amount, suggested value = the line sum).

    Options:
        None.

    References:
        ASC X12 005010X222A1, 2300 CLM02 and 2400 SV102.
    """
    if not ctx.claim.service_lines:
        return
    lines_total = sum((line.charge for line in ctx.claim.service_lines), start=ctx.claim.total_charge * 0)
    if lines_total == ctx.claim.total_charge:
        return
    yield Hit(
        message=(
            f"The claim total (CLM02) is {ctx.claim.total_charge} but the {len(ctx.claim.service_lines)} service line "
            f"charge(s) add up to {lines_total}. The total charge must equal the sum of the line charges."
        ),
        source=IG_CLM02,
        fix=Fix(
            action="correct_amount",
            current=str(ctx.claim.total_charge),
            suggested=str(lines_total),
            detail=f"Set CLM02 to {lines_total}, or correct the line charge that is wrong.",
        ),
    )
