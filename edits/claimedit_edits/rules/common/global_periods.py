"""Global surgical periods from the MPFS global days of each date of service (visit and history families)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

from claimedit_edits.engine import DateOfService, EditContext
from claimedit_edits.model import Fix, ServiceLine

__all__ = [
    "IN_GLOBAL_MODIFIERS",
    "MINOR_GLOBAL_DAYS",
    "GlobalPeriod",
    "PostOperative",
    "add_24",
    "add_58_78_79",
    "em_lines",
    "is_em",
    "modifier_text",
    "postoperative_days",
    "postoperative_periods",
    "procedures_within",
    "visits_within",
]

MINOR_GLOBAL_DAYS = frozenset({"000", "010"})
"""MPFS GLOB DAYS of a minor procedure: 0 or 10 post-operative days (090 is a major procedure)."""
_POSTOP_DAYS = {"010": 10, "090": 90}
_SURGICAL_DAYS = frozenset({"000", "010", "090"})
IN_GLOBAL_MODIFIERS = frozenset({"58", "78", "79"})
"""A procedure inside another's global period: staged (58), related return (78), unrelated (79)."""


_P = TypeVar("_P", bound="GlobalPeriod")


def postoperative_days(global_days: str) -> int | None:
    """10 or 90 for an MPFS GLOB DAYS of 010 or 090; None for any other value (000, XXX, YYY, ZZZ ...)."""
    return _POSTOP_DAYS.get(global_days)


def is_em(line: ServiceLine, date: DateOfService) -> bool:
    return line.procedure_code in date.tables.em_codes


def em_lines(date: DateOfService) -> list[ServiceLine]:
    return [line for line in date.lines if is_em(line, date)]


def modifier_text(modifiers: frozenset[str]) -> str:
    return " or ".join(sorted(modifiers))


@dataclass(frozen=True)
class GlobalPeriod:
    """The post-operative days of a procedure done on ``day``: the ``days`` days after it, MPFS ``source``."""

    day: dt.date
    days: int
    source: str

    @property
    def last_day(self) -> dt.date:
        return self.day + dt.timedelta(days=self.days)

    def covers(self, day: dt.date | None) -> bool:
        return day is not None and self.day < day <= self.last_day

    @property
    def cited(self) -> str:
        """How a finding cites the rule and the MPFS edition the days were read from."""
        return f"CMS global surgery rules; {self.source}"


@dataclass(frozen=True)
class PostOperative(GlobalPeriod):
    """A procedure of this claim with a 10- or 90-day global period."""

    line: ServiceLine


def postoperative_periods(ctx: EditContext) -> Iterator[PostOperative]:
    """Every 010/090 procedure of the claim, with its global days read from the MPFS edition of its date; none
    on a claim of one date, as the post-operative days start the day after the procedure."""
    if len(ctx.dates) < 2:
        return
    for date in ctx.dates:
        if date.day is None:
            continue
        for line in date.lines:
            indicators = date.tables.mpfs.get(line.procedure_code)
            days = postoperative_days(indicators.global_days) if indicators is not None else None
            if days is not None:
                yield PostOperative(date.day, days, f"{date.tables.mpfs.edition.label}, GLOB DAYS", line=line)


def _first_covering(periods: Sequence[_P], day: dt.date | None) -> _P | None:
    return next((period for period in periods if period.covers(day)), None)


def visits_within(ctx: EditContext, periods: Iterable[_P]) -> Iterator[tuple[DateOfService, ServiceLine, _P]]:
    """E/M lines without 24 on a date one of ``periods`` covers, each with the first period covering it."""
    listed = list(periods)
    if not listed:
        return
    for date in ctx.dates:
        for visit in em_lines(date):
            if "24" in visit.modifiers:
                continue
            period = _first_covering(listed, date.day)
            if period is not None:
                yield date, visit, period


def procedures_within(ctx: EditContext, periods: Iterable[_P]) -> Iterator[tuple[DateOfService, ServiceLine, _P]]:
    """Procedures with a global period of their own, without 58/78/79, on a date one of ``periods`` covers."""
    listed = list(periods)
    if not listed:
        return
    for date in ctx.dates:
        mpfs = date.tables.mpfs
        for line in date.lines:
            indicators = mpfs.get(line.procedure_code)
            if indicators is None or indicators.global_days not in _SURGICAL_DAYS or is_em(line, date):
                continue
            if IN_GLOBAL_MODIFIERS & set(line.modifiers):
                continue
            period = _first_covering(listed, date.day)
            if period is not None:
                yield date, line, period


def add_24(visit: ServiceLine) -> Fix:
    """The fix of a visit inside a global period (GLB001, HST003): 24 when the problem was unrelated."""
    return Fix(
        action="add_modifier",
        line=visit.number,
        suggested="24",
        detail=f"Add 24 to line {visit.number} if the visit was for an unrelated problem; else remove it.",
    )


def add_58_78_79(line: ServiceLine) -> Fix:
    """The fix of a procedure inside another's global period (GLB002, HST004): the modifier saying how they relate."""
    return Fix(
        action="add_modifier",
        line=line.number,
        suggested="79",
        detail=f"Add 58, 78 or 79 to line {line.number}, whichever describes it.",
    )
