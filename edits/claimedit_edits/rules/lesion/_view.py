"""A claim's lines grouped by date of service with their tables: computed once per claim, shared by the edits."""

from __future__ import annotations

import datetime as dt
import math
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from claimedit_edits.engine.reference import Reference
from claimedit_edits.model import Claim, ServiceLine
from claimedit_edits.tables import TableSet

__all__ = ["ClaimView", "DateOfService", "line_list", "units", "view_of"]


def units(line: ServiceLine) -> int:
    """SV104 as a whole number of units (a fractional count rounds up: 1.5 lesions are 2)."""
    return math.ceil(line.units)


def line_list(lines: Iterable[ServiceLine]) -> str:
    numbers = [str(line.number) for line in lines]
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    return "lines " + ", ".join(numbers[:-1]) + " and " + numbers[-1]


@dataclass(frozen=True)
class DateOfService:
    """The lines of one date of service and the table editions for that date."""

    day: dt.date | None
    lines: tuple[ServiceLine, ...]
    tables: TableSet

    @property
    def label(self) -> str:
        return self.day.isoformat() if self.day else "the claim's date of service"

    def with_code(self, *codes: str) -> list[ServiceLine]:
        return [line for line in self.lines if line.procedure_code in codes]

    def units_of(self, *codes: str) -> int:
        return sum(units(line) for line in self.lines if line.procedure_code in codes)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(line.procedure_code for line in self.lines)


@dataclass(frozen=True)
class ClaimView:
    claim: Claim
    dates: tuple[DateOfService, ...]

    def __iter__(self) -> Iterator[DateOfService]:
        return iter(self.dates)

    def lines_with_tables(self) -> Iterator[tuple[ServiceLine, TableSet]]:
        for date in self.dates:
            for line in date.lines:
                yield line, date.tables


_last = threading.local()


def view_of(claim: Claim, reference: Reference) -> ClaimView:
    """The claim grouped by date of service. The last view per thread is kept: every edit reuses it."""
    cached: tuple[Claim, Reference, ClaimView] | None = getattr(_last, "entry", None)
    if cached is not None and cached[0] is claim and cached[1] is reference:
        return cached[2]
    grouped: dict[dt.date | None, list[ServiceLine]] = {}
    for line in claim.service_lines:
        grouped.setdefault(claim.line_date(line), []).append(line)
    view = ClaimView(
        claim,
        tuple(DateOfService(day, tuple(lines), reference.tables_at(day)) for day, lines in grouped.items()),
    )
    _last.entry = (claim, reference, view)
    return view
