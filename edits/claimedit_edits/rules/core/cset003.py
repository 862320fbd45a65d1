"""CSET003: a modifier is not two letters or digits."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.core._sources import IG_SV1

_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")


@edit(
    code="CSET003",
    name="modifier-format",
    family="core",
    category="code-set",
    severity="error",
    since="0.1.0",
)
def modifier_format(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A procedure modifier (SV101-3 to SV101-6) is not exactly two upper-case letters or digits.

    Why:
        CPT and HCPCS modifiers are two characters. A lower-case, one-character or three-character value
        is a keying error that payers reject; whether a well-formed modifier exists at all is checked by
        the modifier edits.

    Failing example:
        SV1*HC:11402:rt*150*UN*1 or SV1*HC:17000:5*100*UN*1.

    Passing example:
        SV1*HC:11402:RT*150*UN*1.

    Fix:
        Correct the modifier to its two-character form (replace_modifier).

    Options:
        None.

    References:
        ASC X12 005010X222A1, 2400 SV101-3 to SV101-6; CPT Appendix A and HCPCS Level II modifiers.
    """
    for line in ctx.claim.service_lines:
        for modifier in line.modifiers:
            if _MODIFIER.match(modifier):
                continue
            suggested = modifier.upper() if _MODIFIER.match(modifier.upper()) else None
            yield Hit(
                line=line.number,
                message=(
                    f"Line {line.number} ({line.procedure_code}) carries modifier {modifier!r}: modifiers are two "
                    "upper-case letters or digits."
                ),
                source=IG_SV1,
                fix=Fix(
                    action="replace_modifier",
                    line=line.number,
                    current=modifier,
                    suggested=suggested,
                    detail="Send the modifier as its two-character code.",
                ),
            )
