"""MOD006: modifier 26 or TC on a code whose PC/TC indicator is 0."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.rules.fee_schedule._indicator_modifier import indicator_modifier_hits

_MODIFIERS = ("26", "TC")
"""The modifiers this edit checks: a claim without them is not checked (``needs_any``)."""


@edit(
    code="MOD006",
    name="professional-technical-modifier-not-applicable",
    family="fee-schedule",
    category="modifier",
    severity="error",
    since="0.1.0",
    needs_any=_MODIFIERS,
)
def professional_technical_modifier_not_applicable(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        Modifier 26 (professional component) or TC (technical component) on a code whose MPFS PC/TC indicator
        is 0: a physician service with no separate components (every lesion, biopsy, destruction and E/M code).

    Why:
        Only diagnostic tests such as the pathology codes 88304/88305 (indicator 1) split into professional
        and technical parts. 26 or TC on a procedure is invalid and the line is denied.

    Failing example:
        SV1*HC:11102:26*120*UN*1.

    Passing example:
        SV1*HC:11102*120*UN*1; SV1*HC:88305:26*70*UN*1 (pathology interpretation).

    Fix:
        Remove the modifier (remove_modifier).

    Options:
        None.

    References:
        CMS Medicare Physician Fee Schedule RVU file, PC/TC indicator (edition by date of service).
    """
    yield from indicator_modifier_hits(
        ctx,
        modifiers=_MODIFIERS,
        indicator=lambda fees: fees.pctc,
        indicator_name="PC/TC indicator",
        refused="0",
        meaning="a physician service without professional and technical components",
    )
