"""HST004: a procedure inside the post-operative days of a procedure on an earlier claim, without 58, 78 or 79."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.rules.common.global_periods import add_58_78_79, procedures_within
from claimedit_edits.rules.history._periods import earlier_periods


@edit(
    code="HST004",
    name="procedure-in-earlier-claims-postoperative-period-needs-58-78-79",
    family="history",
    needs_history=True,
    category="modifier",
    severity="error",
    since="0.3.0",
)
def procedure_in_earlier_claims_postoperative_period_needs_58_78_79(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A procedure (MPFS global days 000, 010 or 090) dated within the post-operative days of a procedure on an
        earlier accepted claim of the same patient and billing provider, without 58, 78 or 79. GLB002 is the
        same rule inside one claim.

    Why:
        A procedure during another's global period is paid only when a modifier says how it relates to the
        first (staged 58, related return 78, unrelated 79), whichever claim the first was billed on.

    Failing example:
        SV1*HC:17000*100*UN*1 on 2025-03-03 on one claim; SV1*HC:11102*120*UN*1 on 2025-03-07 on the next
        claim of the same patient and provider, no modifier.

    Passing example:
        SV1*HC:11102:79*120*UN*1 on 2025-03-07.

    Fix:
        Add 58, 78 or 79, whichever describes the second procedure (add_modifier; 79 suggested).

    Options:
        None.

    References:
        CMS Medicare Claims Processing Manual ch. 12 §40; NCCI Policy Manual ch. I; MPFS RVU file GLOB DAYS;
        CPT modifiers 58, 78, 79.
    """
    for date, line, period in procedures_within(ctx, earlier_periods(ctx)):
        yield Hit(
            line=line.number,
            message=(
                f"{line.procedure_code} on line {line.number} ({date.label}) falls within the global period of "
                f"{period.named}: a procedure then needs 58 (staged), 78 (related return) or 79 (unrelated)."
            ),
            source=period.cited,
            fix=add_58_78_79(line),
        )
