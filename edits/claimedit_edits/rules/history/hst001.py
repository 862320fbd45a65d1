"""HST001: a service line already billed on an earlier accepted claim (exact duplicate)."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.history._duplicates import earlier_same_code, is_exact_duplicate


@edit(
    code="HST001",
    name="exact-duplicate-of-earlier-claim",
    family="history",
    needs_history=True,
    category="duplicate",
    severity="error",
    since="0.3.0",
)
def exact_duplicate_of_earlier_claim(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A service line with the same patient, billing and rendering provider, date of service, procedure code,
        modifiers and units as a line of an earlier accepted claim, without 76 or 77 on the new line.

    Why:
        A duplicate claim or line is the most common Medicare denial (CARC 18): the payer pays a service once.
        A redelivery of the same input (same idempotency key) is never its own duplicate; a replacement (7) or
        void (8) is compared without the original it replaces.

    Failing example:
        SV1*HC:17000*100*UN*1 on 2025-03-04, already billed on an earlier claim of the same patient and
        provider with the same code, modifiers, units and date.

    Passing example:
        The same line with 76 (repeat procedure by the same physician), or a first submission.

    Fix:
        Remove the line (remove_line), or send a replacement claim (frequency 7 with REF*F8) if the earlier
        claim was wrong, or add 76/77 when the service was truly repeated that day.

    Options:
        None.

    References:
        CMS Medicare Claims Processing Manual ch. 1 §120 (duplicate claims); CARC 18; CPT modifiers 76 and 77.
    """
    for date, line, same_code in earlier_same_code(ctx):
        found = next(((p, pl) for p, pl in same_code if is_exact_duplicate(ctx.claim, line, p, pl)), None)
        if found is None:
            continue
        prior, prior_line = found
        yield Hit(
            line=line.number,
            message=(
                f"{line.procedure_code} on line {line.number} ({date.label}) was already billed on line "
                f"{prior_line.number} of {prior.named}: same provider, date, code, modifiers and units. A "
                "duplicate is denied; a service truly repeated that day takes 76 or 77."
            ),
            source="CMS Claims Processing Manual ch. 1 §120; CARC 18",
            fix=Fix(
                action="remove_line",
                line=line.number,
                detail=(
                    f"Remove line {line.number}, or replace claim {prior.claim_id} (frequency 7), or add 76/77 if "
                    "the service was repeated."
                ),
            ),
        )
