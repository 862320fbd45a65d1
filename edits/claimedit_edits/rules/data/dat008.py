"""DAT008: a replacement or void without the payer's claim control number (REF*F8)."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.data._sources import IG_REF_F8


@edit(
    code="DAT008",
    name="replacement-needs-payer-claim-number",
    family="data",
    category="claim-data",
    severity="error",
    since="0.2.0",
)
def replacement_needs_payer_claim_number(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A claim with frequency code 7 (replacement) or 8 (void) that carries no payer claim control number
        (2300 REF*F8).

    Why:
        The payer finds the claim to replace or void by its own control number (the ICN/DCN of the original);
        without it the replacement is rejected, or processed as a duplicate of the original.

    Failing example:
        CLM*PCN1*100***11:B:7*Y*A*Y*Y with no REF*F8.

    Passing example:
        CLM*PCN1*100***11:B:7*Y*A*Y*Y with REF*F8*ICN20250304001.

    Fix:
        Add REF*F8 with the payer's claim control number of the original claim (from its remittance).

    Options:
        None.

    References:
        ASC X12 005010X222A1, 2300 REF*F8 (required when CLM05-3 is 7 or 8).
    """
    claim = ctx.claim
    if claim.frequency_code not in ("7", "8") or claim.payer_claim_control_number:
        return
    kind = "replacement" if claim.frequency_code == "7" else "void"
    yield Hit(
        message=(
            f"The claim is a {kind} (frequency {claim.frequency_code}) but carries no payer claim control number "
            "(REF*F8) naming the claim it changes."
        ),
        source=IG_REF_F8,
        fix=Fix(
            action="replace_code",
            detail="Add REF*F8 with the payer's control number of the original claim, from its remittance advice.",
        ),
    )
