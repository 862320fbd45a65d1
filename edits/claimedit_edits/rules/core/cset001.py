"""CSET001: a diagnosis code is not a valid, billable code of the code set its date of service calls for."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.core._dx_dates import (
    HIPAA_CODE_SETS,
    ICD9_QUALIFIERS,
    ICD10_QUALIFIERS,
    code_set_for,
    diagnosis_day,
)


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
        A diagnosis in the HI segment is not in the code set the date of service calls for, or is a category
        or subcategory header that is not billable (it has more specific codes below it). Dates of service
        before 2015-10-01 are coded in ICD-9-CM (qualifiers BK/BF), from that date in ICD-10-CM (ABK/ABF);
        the wrong code set for the date is the error. The ICD-10-CM edition is the one in effect on the
        date of service (fiscal-year editions from October 1, April updates), named in the finding. A code
        sent with its decimal point is checked without it (CSET005 reports the point).

    Why:
        Only the most specific code (a leaf of the tabular list) may be reported. C44.31 (basal cell
        carcinoma of other parts of face) is a header: C44.310, C44.311 or C44.319 must be used. A payer
        rejects the whole claim for an invalid diagnosis.

    Failing example:
        HI*ABK:C4431 (header), HI*ABK:D228 (no such code), or HI*BK:1733 on a 2025 date of service.

    Passing example:
        HI*ABK:C44311 (basal cell carcinoma of nose); HI*BK:17331 on a 2014 date of service (ICD-9-CM).

    Fix:
        Replace the code with a billable one; for a header the message lists the codes below it
        (replace_diagnosis).

    Options:
        None.

    References:
        ICD-10-CM Official Guidelines for Coding and Reporting, section I.A.2 (codes reported to the highest
        number of characters available); 45 CFR 162.1002 (HIPAA code sets by date); CMS ICD-10-CM code files
        and ICD-9-CM v32 diagnosis codes, edition in the finding.
    """
    day = ctx.derived(diagnosis_day)
    kind = code_set_for(day)
    codes = ctx.codesets.at(kind, day)
    wanted = ICD9_QUALIFIERS if kind == "icd9cm" else ICD10_QUALIFIERS
    for diagnosis in ctx.claim.diagnoses:
        if diagnosis.qualifier in wanted and codes.is_billable(diagnosis.code.replace(".", "")):
            continue  # the usual case: nothing to say, no message built
        name = "ICD-9-CM" if kind == "icd9cm" else "ICD-10-CM"
        first, rest = ("BK", "BF") if kind == "icd9cm" else ("ABK", "ABF")
        when = f"the date of service {day.isoformat()}" if day else "a claim without a date of service"
        if diagnosis.qualifier not in wanted:
            other = "ICD-10-CM (ABK/ABF)" if kind == "icd9cm" else "ICD-9-CM (BK/BF)"
            yield Hit(
                message=(
                    f"Diagnosis {diagnosis.position} ({diagnosis.code}) is sent as {other} with qualifier "
                    f"{diagnosis.qualifier}, but {when} calls for {name}: "
                    f"{'before' if kind == 'icd9cm' else 'from'} 2015-10-01 diagnoses are coded in {name} "
                    f"({first} principal, {rest} other)."
                ),
                source=f"{HIPAA_CODE_SETS}; 005010X222A1 implementation guide, 2300 HI",
                fix=Fix(
                    action="replace_diagnosis",
                    current=f"{diagnosis.qualifier}:{diagnosis.code}",
                    detail=f"Code the diagnosis in {name} with qualifier {first} (first) or {rest}.",
                ),
            )
            continue
        code = diagnosis.code.replace(".", "")
        dotted = diagnosis.dotted if "." not in diagnosis.code else diagnosis.code
        if not codes.is_valid(code):
            yield Hit(
                message=(
                    f"Diagnosis {diagnosis.position} ({dotted}) is not an {name} code in the edition for {when}. "
                    "Check the code for a typing error, or whether it was added or deleted in that edition."
                ),
                source=codes.edition,
                fix=Fix(
                    action="replace_diagnosis",
                    current=dotted,
                    detail=f"Replace it with the valid {name} code documented in the record.",
                ),
            )
        elif not codes.is_billable(code):
            below = codes.children(code)
            shown = ", ".join(below[:6]) + (" ..." if len(below) > 6 else "")
            yield Hit(
                message=(
                    f"Diagnosis {diagnosis.position} ({dotted}) is a category header, not a billable "
                    f"code: report one of the more specific codes below it ({shown})."
                ),
                source=f"{name} Official Guidelines for Coding and Reporting (highest specificity); {codes.edition}",
                fix=Fix(
                    action="replace_diagnosis",
                    current=dotted,
                    suggested=below[0] if len(below) == 1 else None,
                    detail=f"Use the most specific code: one of {shown}.",
                ),
            )
