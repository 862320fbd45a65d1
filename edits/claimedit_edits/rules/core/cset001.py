"""CSET001: a diagnosis code is not a valid, billable ICD-10-CM code."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix


@edit(
    code="CSET001",
    name="diagnosis-valid-and-billable",
    family="core",
    category="code-set",
    severity="error",
    since="0.1.0",
)
def diagnosis_valid_and_billable(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A diagnosis in the HI segment is not in ICD-10-CM, or is a category or subcategory header that is
        not billable (it has more specific codes below it).

    Why:
        Only the most specific code (a leaf of the tabular list) may be reported. C44.31 (basal cell
        carcinoma of other parts of face) is a header: C44.310, C44.311 or C44.319 must be used. A payer
        rejects the whole claim for an invalid diagnosis.

    Failing example:
        HI*ABK:C4431 (header) or HI*ABK:D228 (no such code).

    Passing example:
        HI*ABK:C44311 (basal cell carcinoma of nose).

    Fix:
        Replace the code with a billable one; for a header the message lists the codes below it
        (replace_diagnosis).

    Options:
        None.

    References:
        ICD-10-CM Official Guidelines for Coding and Reporting, section I.A.2 (codes reported to the highest
        number of characters available); ICD-10-CM tabular list, edition in the finding.
    """
    icd = ctx.icd10cm
    for diagnosis in ctx.claim.diagnoses:
        if diagnosis.qualifier not in ("ABK", "ABF"):
            yield Hit(
                message=(
                    f"Diagnosis {diagnosis.position} ({diagnosis.code}) has qualifier {diagnosis.qualifier}: "
                    "5010 professional claims carry ICD-10-CM codes with ABK (principal) and ABF (other); "
                    "BK/BF are ICD-9-CM."
                ),
                source=f"005010X222A1 implementation guide, 2300 HI; {icd.edition}",
                fix=Fix(
                    action="replace_diagnosis",
                    current=f"{diagnosis.qualifier}:{diagnosis.code}",
                    detail="Code the diagnosis in ICD-10-CM with qualifier ABK (first) or ABF.",
                ),
            )
            continue
        code = diagnosis.code
        if not icd.is_valid(code):
            yield Hit(
                message=(
                    f"Diagnosis {diagnosis.position} ({diagnosis.dotted}) is not an ICD-10-CM code. "
                    "Check the code for a typing error."
                ),
                source=icd.edition,
                fix=Fix(
                    action="replace_diagnosis",
                    current=diagnosis.dotted,
                    detail="Replace it with the valid ICD-10-CM code documented in the record.",
                ),
            )
        elif not icd.is_billable(code):
            below = icd.children(code)
            shown = ", ".join(below[:6]) + (" ..." if len(below) > 6 else "")
            yield Hit(
                message=(
                    f"Diagnosis {diagnosis.position} ({diagnosis.dotted}) is a category header, not a billable "
                    f"code: report one of the more specific codes below it ({shown})."
                ),
                source=f"ICD-10-CM Official Guidelines I.A.2; {icd.edition}",
                fix=Fix(
                    action="replace_diagnosis",
                    current=diagnosis.dotted,
                    suggested=below[0] if len(below) == 1 else None,
                    detail=f"Use the most specific code: one of {shown}.",
                ),
            )
