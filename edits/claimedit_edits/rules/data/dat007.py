"""DAT007: a claim frequency code other than 1 (original), 7 (replacement) or 8 (void)."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.data._sources import IG_CLM05

_FREQUENCIES = {"1": "original", "7": "replacement of a prior claim", "8": "void of a prior claim"}


@edit(
    code="DAT007",
    name="claim-frequency-code",
    family="data",
    category="claim-data",
    severity="error",
    since="0.2.0",
)
def claim_frequency_code(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        The claim frequency type code (CLM05-3) is not 1 (original), 7 (replacement of a prior claim) or 8
        (void/cancel of a prior claim), the values professional claims use.

    Why:
        The frequency code tells the payer whether the claim is new or changes one it already has; other
        values (institutional billing frequencies such as 2-6, or a blank) are rejected on an 837P.

    Failing example:
        CLM*PCN1*100***11:B:6*Y*A*Y*Y.

    Passing example:
        CLM*PCN1*100***11:B:1*Y*A*Y*Y.

    Fix:
        Send 1 for a new claim, 7 to replace or 8 to void one the payer has (replace_code).

    Options:
        None.

    References:
        ASC X12 005010X222A1, 2300 CLM05-3; NUBC frequency codes as the guide restricts them for 837P.
    """
    code = ctx.claim.frequency_code
    if code in _FREQUENCIES:
        return
    yield Hit(
        message=(
            f"The claim frequency code (CLM05-3) is {code or 'empty'}: professional claims send 1 (original), 7 "
            "(replacement) or 8 (void)."
        ),
        source=IG_CLM05,
        fix=Fix(
            action="replace_code",
            current=code,
            suggested="1",
            detail="Send 1 for a new claim; 7 or 8 with the payer's claim control number (REF*F8) to change one.",
        ),
    )
