"""GLB001: an E/M visit inside the post-operative days of a procedure on the claim, without modifier 24."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EM_VISIT, EditContext, Hit, edit
from claimedit_edits.rules.common.global_periods import add_24, postoperative_periods, visits_within


@edit(
    code="GLB001",
    name="em-in-postoperative-period-needs-24",
    family="visit",
    category="modifier",
    severity="error",
    since="0.2.0",
    needs_any=(EM_VISIT,),
)
def em_in_postoperative_period_needs_24(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        An E/M code dated within the 10 or 90 post-operative days (MPFS global days of the procedure's date
        of service) after a procedure on the same claim, without modifier 24.

    Why:
        Follow-up visits for the procedure are included in its global surgical package. An E/M for an
        unrelated problem during that period is paid only with 24; without it the visit is bundled.

    Failing example:
        SV1*HC:11602*300*UN*1 on 2025-03-03 and SV1*HC:99213*120*UN*1 on 2025-03-10, no 24.

    Passing example:
        The same with SV1*HC:99213:24*120*UN*1 (an unrelated problem), or the visit on 2025-03-20.

    Fix:
        Add 24 when the visit was for an unrelated problem; otherwise remove the visit (add_modifier).

    Options:
        None.

    References:
        CMS Medicare Claims Processing Manual ch. 12 §40 (global surgery); NCCI Policy Manual ch. I; MPFS RVU
        file GLOB DAYS (edition by date of service); CPT modifier 24.
    """
    for date, visit, period in visits_within(ctx, postoperative_periods(ctx)):
        yield Hit(
            line=visit.number,
            message=(
                f"{visit.procedure_code} on line {visit.number} ({date.label}) falls within the {period.days} "
                f"post-operative days of {period.line.procedure_code} (line {period.line.number}, "
                f"{period.day.isoformat()}, through {period.last_day.isoformat()}): a visit then is part of the "
                "global surgical package unless it is for an unrelated problem, shown by modifier 24."
            ),
            source=period.cited,
            fix=add_24(visit),
        )
