"""DAT003: a provider taxonomy code that is not in the NUCC code set."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.common.service_days import first_service_day
from claimedit_edits.rules.data._parties import parties


@edit(
    code="DAT003",
    name="taxonomy-in-nucc-code-set",
    family="data",
    category="claim-data",
    severity="error",
    since="0.2.0",
)
def taxonomy_in_nucc_code_set(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        The taxonomy code of the billing provider (2000A PRV*BI) or a rendering provider (2310B, 2420A
        PRV*PE) is not in the NUCC Health Care Provider Taxonomy code set in effect on the claim's date of
        service (the packaged NUCC 25.1, or an edition imported with `claimedit tables import-nucc`).

    Why:
        Payers match the taxonomy against the provider's enrolment; a code that does not exist (a typo, a
        truncated "207Q", or a retired code) is rejected as invalid provider information.

    Failing example:
        PRV*BI*PXC*207Q (truncated) or PRV*PE*PXC*207N0000X.

    Passing example:
        PRV*BI*PXC*207N00000X (Dermatology).

    Fix:
        Send the provider's ten-character NUCC taxonomy code (replace_code).

    Options:
        None.

    References:
        NUCC Health Care Provider Taxonomy code set, edition in the finding; ASC X12 005010X222A1 PRV03.
    """
    day = ctx.derived(first_service_day)
    taxonomy = ctx.codesets.at("taxonomy", day)
    for party in ctx.derived(parties):
        code = party.provider.taxonomy
        if not code or code in taxonomy:
            continue
        yield Hit(
            line=party.line,
            message=f"The taxonomy code {code} of the {party.role} is not in the NUCC taxonomy code set.",
            source=taxonomy.edition,
            fix=Fix(
                action="replace_code",
                line=party.line,
                current=code,
                detail="Send the provider's ten-character NUCC taxonomy code, as enrolled with the payer.",
            ),
        )
