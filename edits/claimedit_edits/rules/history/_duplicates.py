"""What the duplicate edits (HST001 exact, HST002 suspected) share: which new lines are compared with the earlier
claims' lines of the same code and day, and what makes a pair an exact duplicate."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import DateOfService, EditContext, PriorClaim, PriorLine, units
from claimedit_edits.model import Claim, ServiceLine
from claimedit_edits.rules.history._prior import EarlierLine, earlier_lines_by_date, prior_claims, same_provider

__all__ = ["REPEAT_MODIFIERS", "earlier_same_code", "is_exact_duplicate"]

REPEAT_MODIFIERS = frozenset({"76", "77"})
"""Repeat procedure by the same (76) or another (77) physician: a repeat is not a duplicate."""


def earlier_same_code(ctx: EditContext) -> Iterator[tuple[DateOfService, ServiceLine, list[EarlierLine]]]:
    """Each line of the claim without 76 or 77, with the earlier claims' lines of its code on its day (a line with
    none is left out)."""
    for date, earlier in earlier_lines_by_date(ctx, prior_claims(ctx)):
        for line in date.lines:
            if REPEAT_MODIFIERS & set(line.modifiers):
                continue
            same_code = [(prior, prior_line) for prior, prior_line in earlier if prior_line.code == line.procedure_code]
            if same_code:
                yield date, line, same_code


def is_exact_duplicate(claim: Claim, line: ServiceLine, prior: PriorClaim, prior_line: PriorLine) -> bool:
    """Same modifiers, units and provider (the code and day already match): HST001's finding, not HST002's."""
    return (
        set(prior_line.modifiers) == set(line.modifiers)
        and prior_line.units == units(line)
        and same_provider(claim, line, prior, prior_line)
    )
