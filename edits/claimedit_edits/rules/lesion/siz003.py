"""SIZ003 (opt-in): a sized lesion code whose line carries no readable size."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.rules.lesion._sized import required_tier


@edit(
    code="SIZ003",
    name="size-not-documented",
    family="lesion",
    category="size-tier",
    severity="info",
    since="0.1.0",
    default_enabled=False,
)
def size_not_documented(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        An excision (114xx, 116xx) or malignant destruction (172xx) line whose notes (NTE*ADD) carry no size
        that the size edits can read, or sizes that contradict each other. Opt-in: select SIZ003 to run it.

    Why:
        Lesion size is not an 837P data element; a claim without a size note is normal. Practices that put
        sizes in line notes may still want to know which lines SIZ001/SIZ002 could not check. Always info,
        never a warning.

    Failing example:
        SV1*HC:11402*200*UN*1 with no NTE*ADD (reported as info).

    Passing example:
        SV1*HC:11402*200*UN*1 with NTE*ADD*EXCISED DIAMETER 1.6 CM.

    Fix:
        None: add "LESION x CM MARGINS y CM" or "EXCISED DIAMETER x CM" to the line note if you want the size
        tier checked.

    Options:
        Enable with extend_select = ["SIZ003"].

    References:
        ASC X12 005010X222A1 2400 NTE (NTE01 = ADD, free text); CPT excision and destruction size guidelines.
    """
    for line, tables in ctx.lines_with_tables():
        lesion = tables.lesion_codes.get(line.procedure_code)
        if lesion is None or lesion.tier is None:
            continue
        evidence = required_tier(line, lesion.size_basis) if line.notes else None
        if evidence is None or evidence is False:
            reason = "no size could be read from its notes" if evidence is None else "its notes give conflicting sizes"
            yield Hit(
                line=line.number,
                message=f"{line.procedure_code} on line {line.number}: {reason}, so its size tier was not checked.",
                source="ASC X12 005010X222A1 2400 NTE*ADD line note",
            )
