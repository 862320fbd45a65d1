"""DXS001: no pointed diagnosis supports the lesion code's family."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Claim, Diagnosis, Fix, ServiceLine
from claimedit_edits.rules.lesion._family_text import FAMILY_TEXT, procedure_kind
from claimedit_edits.tables import LesionCode, TableSet


@edit(
    code="DXS001",
    name="diagnosis-supports-family",
    family="lesion",
    category="diagnosis",
    severity="error",
    since="0.1.0",
)
def diagnosis_supports_family(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A lesion excision or destruction line none of whose pointed diagnoses supports its family:
        premalignant destruction needs actinic keratosis (L57.0); malignant excision and destruction need
        C43, C4A, C44, D03, D04 (or genital skin cancer C51, C52, C60, C63.2); benign excision needs D22,
        D23, L82.0/L82.1, L72.0/L72.11/L72.3, D17.0-D17.3, L91.0, D18.01, L98.0, B07, B08.1 or the
        uncertain/unspecified behaviour codes D48.5/D49.2; benign destruction the same benign list.
        Biopsies are not checked.

    Why:
        The family is chosen by the diagnosis: a malignant excision pointed at a nevus, or a benign excision
        pointed at a carcinoma, is a wrong code or a wrong pointer, and is denied as not supported.

    Failing example:
        SV1*HC:11402*200*UN*1***1 with HI*ABK:C44519 (basal cell carcinoma of trunk): 11602 fits.

    Passing example:
        SV1*HC:11602*300*UN*1***1 with HI*ABK:C44519.

    Fix:
        Re-point the line to a claim diagnosis that supports the family (repoint_diagnosis); otherwise use the
        family that fits the diagnosis, same site group and size tier (replace_code: 11402 -> 11602).

    Options:
        None.

    References:
        ICD-10-CM tabular (neoplasm and skin chapters); CPT excision and destruction family definitions;
        claimedit diagnosis support table (edition by date of service).
    """
    if any(diagnosis.qualifier in ("BK", "BF") for diagnosis in ctx.claim.diagnoses):
        return  # the support table is ICD-10-CM: ICD-9-CM claims (dates before 2015-10-01) are not checked here
    for line, tables in ctx.lines_with_tables():
        lesion = tables.lesion_codes.get(line.procedure_code)
        if lesion is None or not line.diagnosis_codes:
            continue
        support = tables.dx_support
        if support.supports(lesion.family, "") is None:
            continue
        if any(support.supports(lesion.family, code) for code in line.diagnosis_codes):
            continue
        pointed = ", ".join(Diagnosis(position=0, qualifier="", code=code).dotted for code in line.diagnosis_codes)
        yield Hit(
            line=line.number,
            message=(
                f"{line.procedure_code} on line {line.number} is {FAMILY_TEXT[lesion.family]}, but its diagnoses "
                f"({pointed}) do not support that family."
            ),
            source=f"ICD-10-CM; {support.edition.label}",
            fix=_fix(ctx.claim, line, lesion, tables),
        )


def _fix(claim: Claim, line: ServiceLine, lesion: LesionCode, tables: TableSet) -> Fix:
    support = tables.dx_support
    for diagnosis in claim.diagnoses:
        if support.supports(lesion.family, diagnosis.code):
            return Fix(
                action="repoint_diagnosis",
                line=line.number,
                current=",".join(str(pointer) for pointer in line.diagnosis_pointers),
                suggested=str(diagnosis.position),
                detail=f"Point line {line.number} to diagnosis {diagnosis.position} ({diagnosis.dotted}).",
            )
    first = line.diagnosis_codes[0]
    fitting = [
        family for family in support.families_of(first) if procedure_kind(family) == procedure_kind(lesion.family)
    ] or support.families_of(first)
    if not fitting:
        return Fix(
            action="replace_diagnosis",
            line=line.number,
            current=first,
            detail=f"Point the line to a diagnosis that supports {FAMILY_TEXT[lesion.family]}.",
        )
    family = fitting[0]
    code = tables.lesion_codes.code_for(family, lesion.site_group, lesion.tier) if lesion.tier is not None else None
    return Fix(
        action="replace_code",
        line=line.number,
        current=line.procedure_code,
        suggested=code,
        detail=f"The diagnosis fits {FAMILY_TEXT[family]}" + (f": {code}." if code else "."),
    )
