"""CSET004: a diagnosis pointer points past the diagnoses of the claim, or no diagnosis is pointed at."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.core._sources import IG_SV1


@edit(
    code="CSET004",
    name="diagnosis-pointer-in-range",
    family="core",
    category="code-set",
    severity="error",
    since="0.1.0",
)
def diagnosis_pointer_in_range(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A service line's diagnosis code pointer (SV107) names a position beyond the diagnoses listed in
        the claim's HI segment, or the line points at no diagnosis at all.

    Why:
        Each line must point at one to four of the claim's diagnoses; the first pointer is the primary
        reason for that service. A pointer to a diagnosis that is not there leaves the line without
        medical necessity, and the payer rejects it.

    Failing example:
        HI*ABK:L570*ABF:D485 (two diagnoses) with SV1*HC:17000*100*UN*1***5.

    Passing example:
        The same HI with SV1*HC:17000*100*UN*1***1.

    Fix:
        Re-point the line to the diagnosis it treats (repoint_diagnosis).

    Options:
        None.

    References:
        ASC X12 005010X222A1, 2400 SV107 (diagnosis code pointers 1-12 into 2300 HI).
    """
    count = len(ctx.claim.diagnoses)
    for line in ctx.claim.service_lines:
        if not line.diagnosis_pointers:
            yield Hit(
                line=line.number,
                message=f"Line {line.number} ({line.procedure_code}) points at no diagnosis (SV107 is empty).",
                source=IG_SV1,
                fix=Fix(
                    action="repoint_diagnosis",
                    line=line.number,
                    suggested="1" if count else None,
                    detail="Point the line at the diagnosis the service treats.",
                ),
            )
            continue
        outside = [pointer for pointer in line.diagnosis_pointers if not 1 <= pointer <= count]
        if outside:
            yield Hit(
                line=line.number,
                message=(
                    f"Line {line.number} ({line.procedure_code}) points at diagnosis "
                    f"{', '.join(str(p) for p in outside)} but the claim lists only {count} diagnosis code(s)."
                ),
                source=IG_SV1,
                fix=Fix(
                    action="repoint_diagnosis",
                    line=line.number,
                    current=":".join(str(p) for p in line.diagnosis_pointers),
                    detail=f"Use pointers between 1 and {count}, to the diagnosis the service treats.",
                ),
            )
