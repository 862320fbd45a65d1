"""MOD008: a modifier value that is not a known CPT or HCPCS Level II modifier."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimedit_edits.engine import EditContext, EditOptions, Hit, edit
from claimedit_edits.model import Fix

_WELL_FORMED = re.compile(r"^[0-9A-Z]{2}$")


class UnknownModifierOptions(EditOptions):
    extra_modifiers: tuple[str, ...] = ()
    """Modifiers this payer or practice uses that the modifier table does not list."""


@edit(
    code="MOD008",
    name="unknown-modifier",
    family="core",
    category="modifier",
    severity="warning",
    since="0.1.0",
    options=UnknownModifierOptions,
)
def unknown_modifier(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A well-formed two-character modifier (SV101-3 to SV101-6) that is not in the modifier table of
        claimedit (CPT modifiers and the HCPCS Level II modifiers seen on practitioner claims), nor in the
        configured extra modifiers. Malformed values are the code-set edits' business.

    Why:
        A typo such as "95" for "59" or "XX" makes the payer reject the line or ignore the modifier, which
        then fails the PTP edit it was meant to bypass. The table is a curated subset, so this is a warning.

    Failing example:
        SV1*HC:17000:X5*100*UN*1.

    Passing example:
        SV1*HC:17000:XS*100*UN*1.

    Fix:
        Correct or remove the modifier (remove_modifier).

    Options:
        extra_modifiers: further modifiers your payers accept, e.g. ["GW", "SA"].

    References:
        CPT Appendix A (modifiers); CMS HCPCS Level II modifier list; claimedit modifier table.
    """
    accepted = frozenset(ctx.options_as(UnknownModifierOptions).extra_modifiers)
    for line, tables in ctx.lines_with_tables():
        for modifier in line.modifiers:
            if not _WELL_FORMED.match(modifier) or modifier in tables.modifiers or modifier in accepted:
                continue
            yield Hit(
                line=line.number,
                message=f"Modifier {modifier} on line {line.number} ({line.procedure_code}) is not a known modifier.",
                source=tables.modifiers.edition.label,
                fix=Fix(
                    action="remove_modifier",
                    line=line.number,
                    current=modifier,
                    detail=f"Correct or remove {modifier}; if your payer accepts it, add it to extra_modifiers.",
                ),
            )
