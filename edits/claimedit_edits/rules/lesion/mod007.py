"""MOD007: RT/LT contradicting the side of the pointed diagnosis."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Diagnosis, Fix

_SIDE_TEXT = {"RT": "right", "LT": "left"}


@edit(
    code="MOD007",
    name="laterality-contradicts-diagnosis",
    family="lesion",
    category="modifier",
    severity="error",
    since="0.1.0",
    needs_any=("RT", "LT"),
)
def laterality_contradicts_diagnosis(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A line with RT or LT whose pointed diagnoses name a side, none of them the modifier's side. The side
        is read on the right ICD-10-CM axis: C44 eyelid, ear, upper and lower limb (C44.1-, C44.2-, C44.6-,
        C44.7-) by the 6th character (1 unspecified, 2 right, 9 left); C43, C4A, D03, D04, D22, D23 eyelid,
        ear and limbs by the 5th character (0 unspecified, 1 right, 2 left). Face and trunk characters are
        sub-sites (nose, anal skin, breast), never sides; unspecified sides are not checked.

    Why:
        A right-side modifier on a left-side lesion is a contradiction on the claim; payers reject it and it
        signals a wrong pointer or a wrong modifier.

    Failing example:
        SV1*HC:11602:RT*300*UN*1***1 with HI*ABK:C44619 (basal cell carcinoma of left upper limb).

    Passing example:
        SV1*HC:11602:LT*300*UN*1***1 with HI*ABK:C44619; SV1*HC:11642:RT*300*UN*1***1 with HI*ABK:C44311
        (nose: the 6th character is a sub-site, not a side).

    Fix:
        Swap the modifier (replace_modifier RT <-> LT), or point the line to the diagnosis of its side.

    Options:
        None.

    References:
        ICD-10-CM tabular laterality axis of C43, C4A, C44, D03, D04, D22, D23; claimedit laterality table.
    """
    for line, tables in ctx.lines_with_tables():
        sided = [modifier for modifier in ("RT", "LT") if modifier in line.modifiers]
        if len(sided) != 1 or not line.diagnosis_codes:
            continue
        modifier = sided[0]
        sides = {code: tables.laterality.side_of(code) for code in line.diagnosis_codes}
        named = {side for side in sides.values() if side is not None}
        if not named or modifier in named:
            continue
        other = "LT" if modifier == "RT" else "RT"
        codes = ", ".join(
            Diagnosis(position=0, qualifier="", code=code).dotted for code, side in sides.items() if side is not None
        )
        yield Hit(
            line=line.number,
            message=(
                f"Line {line.number} ({line.procedure_code}) carries {modifier} ({_SIDE_TEXT[modifier]}), but its "
                f"diagnosis {codes} is on the {_SIDE_TEXT[other]} side."
            ),
            source=f"ICD-10-CM laterality axis; {tables.laterality.edition.label}",
            fix=Fix(
                action="replace_modifier",
                line=line.number,
                current=modifier,
                suggested=other,
                detail=f"Use {other}, or point line {line.number} to the diagnosis of the {_SIDE_TEXT[modifier]} side.",
            ),
        )
