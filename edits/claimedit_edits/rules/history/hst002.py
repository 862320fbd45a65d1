"""HST002: the same code on the same date for the patient on an earlier claim, by another provider or with
other modifiers or units (suspected duplicate)."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.history._duplicates import earlier_same_code, is_exact_duplicate
from claimedit_edits.rules.history._prior import same_provider


@edit(
    code="HST002",
    name="suspected-duplicate-of-earlier-claim",
    family="history",
    needs_history=True,
    category="duplicate",
    severity="warning",
    since="0.3.0",
)
def suspected_duplicate_of_earlier_claim(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A service line whose procedure code and date of service match a line of an earlier accepted claim of
        the same patient, where the provider, the modifiers or the units differ (an exact match is HST001),
        without 76 or 77 on the new line.

    Why:
        Payers pend or deny a code billed twice for a patient on one day by different providers or with other
        modifiers as a suspected duplicate; the new line needs 76/77 or a modifier that tells the services apart.

    Failing example:
        SV1*HC:11102*120*UN*1 on 2025-03-04 by provider B, after an accepted claim from provider A with 11102
        on the same date for the same patient.

    Passing example:
        The new line with 77 (repeat by another physician), or another date of service.

    Fix:
        Add 76 or 77 when the service was repeated (add_modifier), or remove the line.

    Options:
        None.

    References:
        CMS Medicare Claims Processing Manual ch. 1 §120; CPT modifiers 76 and 77; CARC 18.
    """
    claim = ctx.claim
    for date, line, same_code in earlier_same_code(ctx):
        if any(is_exact_duplicate(claim, line, p, pl) for p, pl in same_code):
            continue
        prior, prior_line = same_code[0]
        differs = "another provider" if not same_provider(claim, line, prior, prior_line) else "other modifiers"
        if differs == "other modifiers" and set(prior_line.modifiers) == set(line.modifiers):
            differs = "other units"
        yield Hit(
            line=line.number,
            message=(
                f"{line.procedure_code} on line {line.number} ({date.label}) was billed for this patient on line "
                f"{prior_line.number} of {prior.named} by {differs}: a suspected duplicate unless the service was "
                "repeated (76 same physician, 77 another)."
            ),
            source="CMS Claims Processing Manual ch. 1 §120; CPT modifiers 76, 77",
            fix=Fix(
                action="add_modifier",
                line=line.number,
                suggested="76" if differs != "another provider" else "77",
                detail=f"Add 76 or 77 to line {line.number} if the service was repeated; else remove the line.",
            ),
        )
