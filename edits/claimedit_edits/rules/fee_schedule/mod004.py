"""MOD004: modifier 50 on a code whose bilateral surgery indicator is 0."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.rules.fee_schedule._indicator_modifier import indicator_modifier_hits

_MODIFIERS = ("50",)
"""The modifiers this edit checks: a claim without them is not checked (``needs_any``)."""


@edit(
    code="MOD004",
    name="bilateral-modifier-not-applicable",
    family="fee-schedule",
    category="modifier",
    severity="error",
    since="0.1.0",
    needs_any=_MODIFIERS,
)
def bilateral_modifier_not_applicable(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        Modifier 50 (bilateral procedure) on a code whose MPFS bilateral surgery indicator is 0: every
        lesion, biopsy and destruction code.

    Why:
        Indicator 0 means the bilateral payment adjustment does not apply: lesions on both sides are
        separate lesions, reported on their own lines (with RT/LT or 59/XS where needed). A line with 50 is
        denied or mispriced.

    Failing example:
        SV1*HC:17264:50*400*UN*1.

    Passing example:
        SV1*HC:17264:RT*200*UN*1 and SV1*HC:17264:LT:XS*200*UN*1.

    Fix:
        Remove modifier 50 (remove_modifier) and report each lesion on its own line.

    Options:
        None.

    References:
        CMS Medicare Physician Fee Schedule RVU file, bilateral surgery indicator (edition by date of service).
    """
    yield from indicator_modifier_hits(
        ctx,
        modifiers=_MODIFIERS,
        indicator=lambda fees: fees.bilateral,
        indicator_name="bilateral surgery indicator",
        refused="0",
        meaning="the bilateral adjustment does not apply; report each lesion on its own line",
    )
