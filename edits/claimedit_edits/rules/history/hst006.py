"""HST006: destruction codes that exclude each other (17004 with 17000/17003, 17111 with 17110) on one date
of service across the patient's claims."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.common.destruction_counting import (
    ADDITIONAL_LESIONS,
    BENIGN_15_OR_MORE,
    BENIGN_UP_TO_14,
    CPT_DESTRUCTION_SOURCE,
    FIFTEEN_OR_MORE,
    FIRST_LESION,
)
from claimedit_edits.rules.history._prior import earlier_lines_by_date, same_billing_priors

_EXCLUDES: dict[str, frozenset[str]] = {
    FIFTEEN_OR_MORE: frozenset({FIRST_LESION, ADDITIONAL_LESIONS}),
    FIRST_LESION: frozenset({FIFTEEN_OR_MORE}),
    ADDITIONAL_LESIONS: frozenset({FIFTEEN_OR_MORE}),
    BENIGN_15_OR_MORE: frozenset({BENIGN_UP_TO_14}),
    BENIGN_UP_TO_14: frozenset({BENIGN_15_OR_MORE}),
}
"""A code of this claim and the codes that, billed for the same day on an earlier claim, exclude it."""


@edit(
    code="HST006",
    name="destruction-counting-across-claims",
    family="history",
    needs_history=True,
    category="lesion-units",
    severity="error",
    since="0.3.0",
)
def destruction_counting_across_claims(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        17004 (15 or more premalignant lesions) on a date for which an earlier accepted claim of the same
        patient and billing provider holds 17000 or 17003, or the reverse; 17111 (15 or more benign lesions)
        with 17110 on an earlier claim of that date, or the reverse.

    Why:
        The destruction codes count every lesion treated that day: 17004 replaces 17000 + 17003 when there are
        15 or more, and 17111 replaces 17110. Split over two claims, the day is billed twice; LES005/LES006 see
        it only inside one claim.

    Failing example:
        SV1*HC:17004*300*UN*1 on 2025-03-04 after an accepted claim with SV1*HC:17000*100*UN*1 on 2025-03-04.

    Passing example:
        SV1*HC:17004*300*UN*1 on 2025-03-05 (another day).

    Fix:
        Replace the earlier claim (frequency 7) with one claim that counts every lesion of the day, and remove
        this line (remove_line).

    Options:
        None.

    References:
        CPT destruction code descriptors (17000-17004, 17110-17111); NCCI PTP pairs 17004/17000, 17004/17003,
        17111/17110.
    """
    for date, earlier in earlier_lines_by_date(ctx, same_billing_priors(ctx)):
        for line in date.lines:
            excluded = _EXCLUDES.get(line.procedure_code)
            if not excluded:
                continue
            found = next(((p, pl) for p, pl in earlier if pl.code in excluded), None)
            if found is None:
                continue
            prior, prior_line = found
            yield Hit(
                line=line.number,
                message=(
                    f"{line.procedure_code} on line {line.number} ({date.label}) and {prior_line.code} on line "
                    f"{prior_line.number} of {prior.named} count the lesions of the same day twice: the day takes "
                    "either the 15-or-more code or the per-lesion codes, on one claim."
                ),
                source=CPT_DESTRUCTION_SOURCE,
                fix=Fix(
                    action="remove_line",
                    line=line.number,
                    detail=(
                        f"Replace claim {prior.claim_id} (frequency 7) with one claim counting every lesion of "
                        f"{date.label}, and remove line {line.number}."
                    ),
                ),
            )
