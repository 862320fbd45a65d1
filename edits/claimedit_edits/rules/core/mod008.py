"""MOD008: a modifier value that is not a known CPT or HCPCS Level II modifier."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimedit_edits.engine import MODIFIED, EditContext, EditOptions, Hit, edit, option_set
from claimedit_edits.model import Fix

_WELL_FORMED = re.compile(r"^[0-9A-Z]{2}$")
_AMBULANCE = re.compile(r"^[DEGHIJNPRS][DEGHIJNPRSX]$")
"""Ambulance origin/destination modifiers: one letter each, combined (RH residence to hospital). The HCPCS file
lists the letters, not the pairs (Medicare Claims Processing Manual, chapter 15, section 30.A)."""


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
    needs_any=(MODIFIED,),
)
def unknown_modifier(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A well-formed two-character modifier (SV101-3 to SV101-6) that is not a CPT or HCPCS Level II modifier
        in effect on the line's date of service in the modifier edition for that date (the packaged edition:
        every HCPCS Level II modifier of the CMS July 2024 file and the CPT modifier codes; newer editions
        with effective and termination dates from `claimedit tables import-hcpcs`), nor in the configured
        extra modifiers. Ambulance origin/destination pairs (RH, SH ...) are formed from the letters and
        always accepted. The finding names the edition. Malformed values are the code-set edits' business.

    Why:
        A typo such as "95" for "59" or "XX" makes the payer reject the line or ignore the modifier, which
        then fails the PTP edit it was meant to bypass. A payer may still know a local modifier, so this is a
        warning.

    Failing example:
        SV1*HC:17000:X9*100*UN*1.

    Passing example:
        SV1*HC:17000:XS*100*UN*1; SV1*HC:E0100:RR:KH*50*UN*1 (DME rental modifiers).

    Fix:
        Correct or remove the modifier (remove_modifier).

    Options:
        extra_modifiers: further modifiers your payers accept, e.g. ["GW", "SA"].

    References:
        CPT Appendix A (modifiers); Medicare Claims Processing Manual ch. 15 section 30.A (ambulance
        origin/destination modifiers); CMS HCPCS Level II file (modifier records, ADD/TERM dates), edition in
        the finding.
    """
    accepted = option_set(ctx.options_as(UnknownModifierOptions).extra_modifiers)
    for date in ctx.dates:
        modifiers = ctx.codesets.at("modifiers", date.day)
        for line in date.lines:
            for modifier in line.modifiers:
                if not _WELL_FORMED.match(modifier) or modifier in accepted or _AMBULANCE.match(modifier):
                    continue
                entry = modifiers.get(modifier)
                if entry is not None and entry.active_on(date.day):
                    continue
                state = "is not a CPT or HCPCS Level II modifier" if entry is None else "is not in effect"
                yield Hit(
                    line=line.number,
                    message=(
                        f"Modifier {modifier} on line {line.number} ({line.procedure_code}) {state} on {date.label} "
                        f"in the modifier edition {modifiers.info.edition}."
                    ),
                    source=modifiers.edition,
                    fix=Fix(
                        action="remove_modifier",
                        line=line.number,
                        current=modifier,
                        detail=f"Correct or remove {modifier}; if your payer accepts it, add it to extra_modifiers.",
                    ),
                )
