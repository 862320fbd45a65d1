"""SIZ004: an excision line whose note gives only an ellipse, incision or defect length."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import LINE_NOTES, EditContext, Hit, edit
from claimedit_edits.rules.lesion._sized import lengths_only


@edit(
    code="SIZ004",
    name="length-is-not-excised-diameter",
    family="lesion",
    category="size-tier",
    severity="warning",
    since="0.2.0",
    needs_any=(LINE_NOTES,),
)
def length_is_not_excised_diameter(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        An excision line (114xx, 116xx) whose notes give a length of the ellipse, incision, defect or
        closure ("EXCISED IN A 4.5 X 1.5 CM ELLIPSE") and no lesion or excised diameter.

    Why:
        The excision code's size tier is the excised diameter measured before excision (lesion + twice the
        narrowest margin); the ellipse is about three times longer than that and never sets the tier. SIZ001
        ignores such lengths; this warning asks for the measure that does set the tier.

    Failing example:
        SV1*HC:11403*300*UN*1 with NTE*ADD*EXCISED IN A 4.5 X 1.5 CM ELLIPSE.

    Passing example:
        SV1*HC:11403*300*UN*1 with NTE*ADD*LESION 2.0 CM MARGINS 0.3 CM EXCISED IN A 7.5 CM ELLIPSE.

    Fix:
        None: add the lesion diameter and margins, or the excised diameter, to the line note.

    Options:
        None.

    References:
        CPT excision guidelines (excised diameter); AAPC measuring guidance (ellipse length is not the size).
    """
    for line, tables in ctx.lines_with_tables():
        lesion = tables.lesion_codes.get(line.procedure_code)
        if lesion is None or lesion.size_basis != "excised-diameter" or not line.notes:
            continue
        lengths = lengths_only(line)
        if lengths:
            yield Hit(
                line=line.number,
                message=(
                    f"{line.procedure_code} on line {line.number}: the note gives only a length "
                    f"({lengths[0].text.strip()}) of the ellipse, incision or defect, which never sets the size tier;"
                    " add the excised diameter (lesion + twice the narrowest margin) so the tier can be checked."
                ),
                source="CPT excision guidelines: excised diameter = lesion + twice the narrowest margin",
            )
