"""NCCI procedure-to-procedure pairs among the codes of a date of service, and the modifiers that bypass them.

The search looks up, for each distinct code of the date, the codes the PTP table pairs it with and keeps
those present: its cost follows the codes billed and their table partners, never lines x lines.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from claimedit_edits.engine import DateOfService
from claimedit_edits.model import ServiceLine
from claimedit_edits.tables import PtpEdit, TableSet

__all__ = [
    "ANATOMIC_MODIFIERS",
    "DISTINCT_SERVICE_MODIFIERS",
    "EM_BYPASS_MODIFIERS",
    "NCCI_ASSOCIATED_MODIFIERS",
    "CodePair",
    "anatomic",
    "code_pairs_on",
    "distinct",
    "is_repair_pair",
    "lines_needing_bypass",
]

ANATOMIC_MODIFIERS = frozenset(
    {"E1", "E2", "E3", "E4", "FA", *(f"F{n}" for n in range(1, 10)), "TA", *(f"T{n}" for n in range(1, 10))}
    | {"LT", "RT", "LC", "LD", "LM", "RC", "RI"}
)
"""Anatomic NCCI-associated modifiers (eyelids, fingers, toes, sides, coronary arteries): NCCI manual ch. I."""
GLOBAL_MODIFIERS = frozenset({"24", "25", "57", "58", "78", "79"})
DISTINCT_SERVICE_MODIFIERS = frozenset({"59", "XE", "XP", "XS", "XU"})
NCCI_ASSOCIATED_MODIFIERS = ANATOMIC_MODIFIERS | GLOBAL_MODIFIERS | DISTINCT_SERVICE_MODIFIERS | {"27", "91"}
"""Every modifier that may bypass an indicator-1 pair (NCCI Policy Manual ch. I; NGS Medicare modifier article)."""
EM_BYPASS_MODIFIERS = frozenset({"25", "57"})
"""On the E/M line of a pair: significant, separately identifiable E/M (25) or decision for surgery (57)."""


def anatomic(line: ServiceLine) -> frozenset[str]:
    return frozenset(line.modifiers) & ANATOMIC_MODIFIERS


def distinct(line: ServiceLine, accepted: frozenset[str]) -> bool:
    """The line carries a non-anatomic modifier that marks a distinct service."""
    return any(modifier in accepted for modifier in line.modifiers)


@dataclass(frozen=True)
class CodePair:
    """An active PTP edit whose two codes are both billed on the date, with the lines of each."""

    edit: PtpEdit
    column1: tuple[ServiceLine, ...]
    column2: tuple[ServiceLine, ...]
    em_column: int | None
    """1 or 2 when that column's code is an E/M code (the pair is then bypassed by 25 or 57 on the E/M)."""

    @property
    def codes(self) -> tuple[str, str]:
        return self.edit.column1, self.edit.column2

    @property
    def em_lines(self) -> tuple[ServiceLine, ...]:
        return self.column1 if self.em_column == 1 else self.column2 if self.em_column == 2 else ()

    def other_code(self, line: ServiceLine) -> str:
        return self.edit.column2 if line.procedure_code == self.edit.column1 else self.edit.column1


def code_pairs_on(date: DateOfService) -> Iterator[CodePair]:
    """Every active PTP edit between two different codes billed on the date, once per ordered code pair.

    Found once per date of a claim and shared by the PTP edits (MOD001-MOD003, REP001)."""
    return iter(date.derived(_code_pairs))


def _code_pairs(date: DateOfService) -> tuple[CodePair, ...]:
    return tuple(_find_code_pairs(date))


def _find_code_pairs(date: DateOfService) -> Iterator[CodePair]:
    ptp = date.tables.ptp
    by_code: dict[str, list[ServiceLine]] = {}
    for line in date.lines:
        if line.procedure_code in ptp.codes:
            by_code.setdefault(line.procedure_code, []).append(line)
    if len(by_code) < 2:
        return
    present = by_code.keys()
    em_codes = date.tables.em_codes
    for code, lines in by_code.items():
        partners = ptp.partners_of(code)
        others = (
            [other for other in present if other in partners]
            if len(present) < len(partners)
            else [other for other in partners if other in by_code]
        )
        for other in others:
            edit = ptp.get(code, other)
            if edit is None or not edit.active_on(date.day):
                continue
            em_column = 1 if code in em_codes else 2 if other in em_codes else None
            yield CodePair(edit, tuple(lines), tuple(by_code[other]), em_column)


def lines_needing_bypass(
    pair: CodePair, accepted: frozenset[str], *, either_code: bool = True
) -> list[tuple[ServiceLine, ServiceLine]]:
    """The (line to fix, line it is bundled with) of an indicator-1 pair that no modifier bypasses.

    E/M pairs: the E/M line needs 25 or 57. Other pairs: a distinct-service or global modifier (``accepted``)
    on either line, or anatomic modifiers that differ between the two lines (RT on one, LT on the other),
    bypass the pair; with ``either_code`` False only the column 2 line's modifiers count.
    """
    if pair.em_column is not None:
        others = pair.column2 if pair.em_column == 1 else pair.column1
        return [(line, others[0]) for line in pair.em_lines if not distinct(line, EM_BYPASS_MODIFIERS)]
    plain_first = [line for line in pair.column1 if not (either_code and distinct(line, accepted))]
    sites = {anatomic(line): line for line in plain_first}
    needing: list[tuple[ServiceLine, ServiceLine]] = []
    for line in pair.column2:
        if distinct(line, accepted):
            continue
        side = anatomic(line)
        partner = sites.get(side) if either_code or side else pair.column1[0]
        if partner is not None:
            needing.append((line, partner))
    return needing


def is_repair_pair(pair: CodePair, tables: TableSet) -> bool:
    """A procedure (column 1) with a wound repair (column 2): REP001 reports these with the repair rules."""
    repairs = tables.repair_codes
    return (
        pair.em_column is None
        and repairs.type_of(pair.edit.column2) is not None
        and repairs.type_of(pair.edit.column1) is None
    )
