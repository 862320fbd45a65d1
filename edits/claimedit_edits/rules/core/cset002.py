"""CSET002: a procedure code or its qualifier is not in the form HCPCS/CPT codes take."""

from __future__ import annotations

import re
from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.core._sources import IG_SV1

_CPT_OR_HCPCS = re.compile(r"^(\d{5}|\d{4}[FTU]|[A-V]\d{4})$")


@edit(
    code="CSET002",
    name="procedure-code-format",
    family="core",
    category="code-set",
    severity="error",
    since="0.1.0",
)
def procedure_code_format(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A service line's procedure code (SV101-2) is not five characters in CPT or HCPCS Level II form
        (five digits; four digits and F, T or U; or a letter A-V and four digits), or its qualifier
        (SV101-1) is not HC.

    Why:
        A malformed code cannot be priced or edited; it is usually a dropped or extra digit ("1700" for
        17000). Professional claims for these services carry HCPCS/CPT codes with qualifier HC.

    Failing example:
        SV1*HC:1700*100*UN*1 (four digits).

    Passing example:
        SV1*HC:17000*100*UN*1.

    Fix:
        Correct the code to the five-character CPT/HCPCS code performed (replace_code).

    Options:
        None.

    References:
        ASC X12 005010X222A1, 2400 SV101; CPT and HCPCS Level II code structure.
    """
    for line in ctx.claim.service_lines:
        code = line.procedure_code
        if line.procedure_qualifier != "HC":
            yield Hit(
                line=line.number,
                message=(
                    f"Line {line.number} qualifies its procedure code with {line.procedure_qualifier or 'nothing'}; "
                    "these services are reported as HCPCS/CPT codes with qualifier HC."
                ),
                source=IG_SV1,
                fix=Fix(
                    action="replace_code",
                    line=line.number,
                    current=line.procedure_qualifier,
                    suggested="HC",
                    detail="Send the code with qualifier HC (SV101-1).",
                ),
            )
        if not _CPT_OR_HCPCS.match(code):
            yield Hit(
                line=line.number,
                message=(
                    f"Line {line.number} procedure code {code!r} is not a CPT or HCPCS code: codes are five "
                    "characters (e.g. 17000, 0001T, G0168)."
                ),
                source=IG_SV1,
                fix=Fix(
                    action="replace_code",
                    line=line.number,
                    current=code,
                    detail="Correct the procedure code to the five-character code performed.",
                ),
            )
