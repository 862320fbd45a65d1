"""MOD009: 25 on a code that is not an E/M, or 59/X{EPSU} on an E/M code."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.ncci._ptp import DISTINCT_SERVICE_MODIFIERS

_SURGICAL_GLOBAL_DAYS = frozenset({"000", "010", "090", "ZZZ"})


@edit(
    code="MOD009",
    name="modifier-on-wrong-kind-of-code",
    family="ncci",
    category="modifier",
    severity="error",
    since="0.2.0",
    needs_any=("25", *DISTINCT_SERVICE_MODIFIERS),
)
def modifier_on_wrong_kind_of_code(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        Modifier 25 on a procedure line (a code with a global surgical period in the MPFS file: 000, 010,
        090 or ZZZ), or 59, XE, XP, XS or XU on an E/M line (the E/M code table). Codes without a global
        period (XXX, e.g. eye examinations 92002-92014, which may carry 25) are left alone.

    Why:
        25 describes a significant, separately identifiable E/M service and belongs on the E/M only; 59 and
        X{EPSU} mark a distinct procedure and are never used on an E/M (NCCI: use 25 there). A misplaced
        modifier bypasses nothing and payers deny or return the line.

    Failing example:
        SV1*HC:17000:25*100*UN*1, or SV1*HC:99213:59*120*UN*1.

    Passing example:
        SV1*HC:99213:25*120*UN*1 and SV1*HC:17000*100*UN*1.

    Fix:
        Move 25 to the E/M line, or replace 59/X{EPSU} on the E/M with 25 (replace_modifier / remove_modifier).

    Options:
        None.

    References:
        CPT modifier definitions (25, 59); CMS X{EPSU} modifier guidance; NCCI Policy Manual chapter I.
    """
    for line, tables in ctx.lines_with_tables():
        em = line.procedure_code in tables.em_codes
        indicators = tables.mpfs.get(line.procedure_code)
        surgical = indicators is not None and indicators.global_days in _SURGICAL_GLOBAL_DAYS and not em
        for modifier in line.modifiers:
            if modifier == "25" and surgical:
                yield Hit(
                    line=line.number,
                    message=(
                        f"Modifier 25 on line {line.number} is on the procedure {line.procedure_code} (global period "
                        f"{indicators.global_days if indicators else ''}): 25 belongs on the E/M visit billed with the "
                        "procedure."
                    ),
                    source=f"CPT modifier 25; {tables.mpfs.edition.label}, GLOB DAYS",
                    fix=Fix(
                        action="remove_modifier",
                        line=line.number,
                        current="25",
                        detail=f"Remove 25 from line {line.number}; put it on the E/M line if one was separate.",
                    ),
                )
            elif modifier in DISTINCT_SERVICE_MODIFIERS and em:
                yield Hit(
                    line=line.number,
                    message=(
                        f"Modifier {modifier} on line {line.number} is on the E/M code {line.procedure_code}: 59 and "
                        "XE/XP/XS/XU mark a distinct procedure and never go on an E/M; a separate E/M takes 25."
                    ),
                    source=f"CPT modifier 59; CMS X{{EPSU}} guidance; {tables.em_codes.edition.label}",
                    fix=Fix(
                        action="replace_modifier",
                        line=line.number,
                        current=modifier,
                        suggested="25",
                        detail=f"Replace {modifier} with 25 on line {line.number}.",
                    ),
                )
