"""HST003: an E/M visit inside the post-operative days of a procedure on an earlier claim, without 24."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.rules.common.global_periods import add_24, visits_within
from claimedit_edits.rules.history._periods import earlier_periods


@edit(
    code="HST003",
    name="em-in-earlier-claims-postoperative-period-needs-24",
    family="history",
    needs_history=True,
    category="modifier",
    severity="error",
    since="0.3.0",
)
def em_in_earlier_claims_postoperative_period_needs_24(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        An E/M code dated within the 10 or 90 post-operative days (MPFS global days of the procedure's date of
        service) of a procedure billed on an earlier accepted claim of the same patient and billing provider,
        without modifier 24. GLB001 is the same rule inside one claim.

    Why:
        The follow-up visit is part of the global surgical package whichever claim it travels on: sent on its
        own claim three days after the excision, it is denied unless it was for an unrelated problem (24).

    Failing example:
        SV1*HC:11602*300*UN*1 on 2025-03-03 on one claim; SV1*HC:99213*120*UN*1 on 2025-03-10 on the next
        claim of the same patient and provider, no 24.

    Passing example:
        SV1*HC:99213:24*120*UN*1 on 2025-03-10 (unrelated problem), or the visit after the global period.

    Fix:
        Add 24 when the visit was for an unrelated problem; otherwise remove the visit (add_modifier).

    Options:
        None.

    References:
        CMS Medicare Claims Processing Manual ch. 12 §40 (global surgery); NCCI Policy Manual ch. I; MPFS RVU
        file GLOB DAYS (edition by date of service); CPT modifier 24.
    """
    for date, visit, period in visits_within(ctx, earlier_periods(ctx)):
        yield Hit(
            line=visit.number,
            message=(
                f"{visit.procedure_code} on line {visit.number} ({date.label}) falls within the global period of "
                f"{period.named}: a visit then is part of the surgical package unless it is for an unrelated "
                "problem, shown by modifier 24."
            ),
            source=period.cited,
            fix=add_24(visit),
        )
