"""DAT009: the same diagnosis code listed twice on the claim."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.data._sources import IG_HI


@edit(
    code="DAT009",
    name="diagnosis-listed-twice",
    family="data",
    category="claim-data",
    severity="error",
    since="0.2.0",
)
def diagnosis_listed_twice(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A diagnosis code appears more than once in the claim's HI segments (compared without a decimal
        point).

    Why:
        Each condition is listed once and lines point at it; a repeated code is rejected by many payers and
        clearinghouses and usually means a pointer aims at the wrong position.

    Failing example:
        HI*ABK:L570*ABF:L570.

    Passing example:
        HI*ABK:L570*ABF:D485.

    Fix:
        Remove the repeated code and point the lines at the first one (replace_diagnosis).

    Options:
        None.

    References:
        ASC X12 005010X222A1, 2300 HI; ICD-10-CM Official Guidelines (a code is reported once per encounter).
    """
    first: dict[str, int] = {}
    for diagnosis in ctx.claim.diagnoses:
        code = diagnosis.code.replace(".", "")
        if code not in first:
            first[code] = diagnosis.position
            continue
        yield Hit(
            message=(
                f"Diagnosis {diagnosis.position} ({diagnosis.dotted}) repeats diagnosis {first[code]}: each code is "
                "listed once."
            ),
            source=IG_HI,
            fix=Fix(
                action="replace_diagnosis",
                current=diagnosis.dotted,
                detail=f"Remove diagnosis {diagnosis.position} and point its lines at diagnosis {first[code]}.",
            ),
        )
