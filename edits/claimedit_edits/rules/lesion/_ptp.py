"""NCCI procedure-to-procedure pairs present on a date of service, and what bypasses them."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from claimedit_edits.model import ServiceLine
from claimedit_edits.rules.lesion._view import DateOfService
from claimedit_edits.tables import PtpEdit

__all__ = [
    "DEFAULT_BYPASS_MODIFIERS",
    "EM_BYPASS_MODIFIER",
    "EM_CODES",
    "PairOnDate",
    "pairs_on",
]

DEFAULT_BYPASS_MODIFIERS = ("59", "XE", "XP", "XS", "XU")
"""NCCI-associated modifiers that mark a distinct service on the column 2 code of an indicator-1 pair."""
EM_BYPASS_MODIFIER = "25"
EM_CODES = frozenset({"99211", "99212", "99213", "99214", "99215"})
"""Established-patient office E/M codes: an indicator-1 pair with one of them is bypassed by 25 on the E/M."""


@dataclass(frozen=True)
class PairOnDate:
    column1: ServiceLine
    column2: ServiceLine
    edit: PtpEdit

    @property
    def em_line(self) -> ServiceLine | None:
        """The E/M line of the pair, which carries modifier 25 when the pair is bypassed."""
        if self.column2.procedure_code in EM_CODES:
            return self.column2
        if self.column1.procedure_code in EM_CODES:
            return self.column1
        return None


def pairs_on(date: DateOfService) -> Iterator[PairOnDate]:
    """Every active PTP pair between two lines of the date (each ordered pair once)."""
    ptp = date.tables.ptp
    candidates = [line for line in date.lines if line.procedure_code in ptp.codes]
    for first in candidates:
        for second in candidates:
            if first is second or first.procedure_code == second.procedure_code:
                continue
            edit = ptp.get(first.procedure_code, second.procedure_code)
            if edit is not None and edit.active_on(date.day):
                yield PairOnDate(first, second, edit)
