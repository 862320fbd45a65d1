"""CSET005: a diagnosis code sent with its decimal point."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix


@edit(
    code="CSET005",
    name="diagnosis-without-decimal-point",
    family="core",
    category="code-set",
    severity="error",
    since="0.2.0",
)
def diagnosis_without_decimal_point(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A diagnosis code in the HI segment carries a decimal point (HI*ABK:C44.311).

    Why:
        The implementation guide sends ICD codes without the decimal point; the point is implied after the
        third character. Payers reject a code with a point as invalid, even when the code itself is right.

    Failing example:
        HI*ABK:C44.311.

    Passing example:
        HI*ABK:C44311.

    Fix:
        Send the code without the point (replace_diagnosis, suggested value = the code without it).

    Options:
        None.

    References:
        ASC X12 005010X222A1, 2300 HI01-2 (diagnosis code: "do not transmit the decimal point").
    """
    for diagnosis in ctx.claim.diagnoses:
        if "." not in diagnosis.code:
            continue
        dotless = diagnosis.code.replace(".", "")
        yield Hit(
            message=(
                f"Diagnosis {diagnosis.position} ({diagnosis.code}) is sent with a decimal point; diagnosis codes "
                f"are sent without it: {dotless}."
            ),
            source="005010X222A1 implementation guide, 2300 HI (codes without the decimal point)",
            fix=Fix(
                action="replace_diagnosis",
                current=diagnosis.code,
                suggested=dotless,
                detail=f"Send {dotless}: the decimal point is implied after the third character.",
            ),
        )
