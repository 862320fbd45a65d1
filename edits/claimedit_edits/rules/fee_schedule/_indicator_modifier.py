"""A modifier that a fee schedule indicator says does not apply to the code."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from claimedit_edits.engine import EditContext, Hit
from claimedit_edits.model import Fix
from claimedit_edits.tables import FeeIndicators

__all__ = ["indicator_modifier_hits"]


def indicator_modifier_hits(
    ctx: EditContext,
    *,
    modifiers: tuple[str, ...],
    indicator: Callable[[FeeIndicators], str],
    indicator_name: str,
    refused: str,
    meaning: str,
) -> Iterator[Hit]:
    for line, tables in ctx.lines_with_tables():
        present = [modifier for modifier in modifiers if modifier in line.modifiers]
        if not present:
            continue
        indicators = tables.mpfs.get(line.procedure_code)
        if indicators is None or indicator(indicators) != refused:
            continue
        for modifier in present:
            yield Hit(
                line=line.number,
                message=(
                    f"Modifier {modifier} on line {line.number} does not apply to {line.procedure_code}: its fee "
                    f"schedule {indicator_name} is {refused} ({meaning})."
                ),
                source=f"{tables.mpfs.edition.label}, {indicator_name}",
                fix=Fix(
                    action="remove_modifier",
                    line=line.number,
                    current=modifier,
                    detail=f"Remove {modifier} from line {line.number}.",
                ),
            )
