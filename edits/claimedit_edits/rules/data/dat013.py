"""DAT013: a code the payer layer lists as needing prior authorization, billed without REF*G1."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, EditOptions, Hit, edit, option_set
from claimedit_edits.model import Fix
from claimedit_edits.rules.data._sources import IG_REF_G1


class PriorAuthorizationOptions(EditOptions):
    codes: tuple[str, ...] = ()
    """HCPCS/CPT codes the payer requires a prior authorization for (set in that payer's layer)."""


@edit(
    code="DAT013",
    name="prior-authorization-missing",
    family="data",
    category="claim-data",
    severity="error",
    since="0.2.0",
    options=PriorAuthorizationOptions,
)
def prior_authorization_missing(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A line whose code the payer's configuration layer lists in ``codes`` has no prior authorization
        number, neither on the line (2400 REF*G1) nor on the claim (2300 REF*G1). Silent until a payer
        layer lists codes.

    Why:
        A service that needed authorization is denied without the number on the claim, even when it was
        authorized; adding it before submission saves an appeal.

    Failing example:
        A claim to a payer whose layer sets codes = ["11606"], with SV1*HC:11606*900*UN*1***1 and no REF*G1.

    Passing example:
        The same claim with REF*G1*AUTH12345 in the 2300 loop.

    Fix:
        Add REF*G1 with the authorization number the payer issued (add_line is not needed: the number goes in
        the claim or the line).

    Options:
        codes: the codes this payer authorizes in advance, e.g. ["11606", "11646", "17311"].

    References:
        ASC X12 005010X222A1, 2300/2400 REF*G1; the payer's prior authorization list.
    """
    needed = option_set(ctx.options_as(PriorAuthorizationOptions).codes)
    if not needed or ctx.claim.prior_authorization:
        return
    for line in ctx.claim.service_lines:
        if line.procedure_code not in needed or line.prior_authorization:
            continue
        yield Hit(
            line=line.number,
            message=(
                f"Line {line.number} ({line.procedure_code}) needs a prior authorization for this payer, and the "
                "claim carries no authorization number (REF*G1)."
            ),
            source=f"{IG_REF_G1}; payer layer prior authorization list",
            fix=Fix(
                action="replace_code",
                line=line.number,
                detail="Add REF*G1 with the payer's authorization number to the claim or the line.",
            ),
        )
