"""GLB002: another procedure inside the post-operative days of a procedure on the claim, without 58, 78 or 79."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.rules.common.global_periods import add_58_78_79, postoperative_periods, procedures_within


@edit(
    code="GLB002",
    name="procedure-in-postoperative-period-needs-58-78-79",
    family="visit",
    category="modifier",
    severity="error",
    since="0.2.0",
)
def procedure_in_postoperative_period_needs_58_78_79(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A procedure (a code with MPFS global days 000, 010 or 090) dated within the post-operative days of
        another procedure on the same claim, without 58 (staged or more extensive), 78 (unplanned return,
        related) or 79 (unrelated).

    Why:
        A procedure during another's global period is paid only when a modifier says how it relates to the
        first; without one it is denied as part of the first procedure's package. A biopsy days after an AK
        destruction is billed with 79.

    Failing example:
        SV1*HC:17000*100*UN*1 on 2025-03-03 and SV1*HC:11102*120*UN*1 on 2025-03-07, no modifier.

    Passing example:
        The same with SV1*HC:11102:79*120*UN*1.

    Fix:
        Add 58, 78 or 79, whichever describes the second procedure (add_modifier; 79 suggested).

    Options:
        None.

    References:
        CMS Medicare Claims Processing Manual ch. 12 §40; NCCI Policy Manual ch. I; MPFS RVU file GLOB DAYS;
        CPT modifiers 58, 78, 79.
    """
    for date, line, period in procedures_within(ctx, postoperative_periods(ctx)):
        yield Hit(
            line=line.number,
            message=(
                f"{line.procedure_code} on line {line.number} ({date.label}) falls within the {period.days} "
                f"post-operative days of {period.line.procedure_code} (line {period.line.number}, "
                f"{period.day.isoformat()}): a procedure then needs 58 (staged), 78 (related return) or 79 "
                "(unrelated)."
            ),
            source=period.cited,
            fix=add_58_78_79(line),
        )
