"""MOD005: modifier 51 on a code whose multiple procedure indicator is 0."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.rules.fee_schedule._indicator_modifier import indicator_modifier_hits

_MODIFIERS = ("51",)
"""The modifiers this edit checks: a claim without them is not checked (``needs_any``)."""


@edit(
    code="MOD005",
    name="multiple-procedure-modifier-not-applicable",
    family="fee-schedule",
    category="modifier",
    severity="error",
    since="0.1.0",
    needs_any=_MODIFIERS,
)
def multiple_procedure_modifier_not_applicable(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        Modifier 51 (multiple procedures) on a code whose MPFS multiple procedure indicator is 0: the add-on
        codes (17003, 11103, 11105, 11107), 17004 and the E/M codes.

    Why:
        Add-on codes are already priced as additional work and never take 51; indicator 0 means no multiple
        procedure reduction applies. Some payers deny the line.

    Failing example:
        SV1*HC:17003:51*80*UN*2.

    Passing example:
        SV1*HC:17003*80*UN*2.

    Fix:
        Remove modifier 51 (remove_modifier).

    Options:
        None.

    References:
        CMS Medicare Physician Fee Schedule RVU file, multiple procedure indicator; CPT add-on code
        guidelines (exempt from modifier 51).
    """
    yield from indicator_modifier_hits(
        ctx,
        modifiers=_MODIFIERS,
        indicator=lambda fees: fees.multiple_procedure,
        indicator_name="multiple procedure indicator",
        refused="0",
        meaning="no multiple procedure reduction applies; add-on codes never take 51",
    )
