"""Global surgical periods from the MPFS global days of each date of service (visit and history families)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from claimedit_edits.engine import DateOfService, EditContext
from claimedit_edits.model import ServiceLine

__all__ = [
    "MINOR_GLOBAL_DAYS",
    "PostOperative",
    "em_lines",
    "is_em",
    "modifier_text",
    "postoperative_days",
    "postoperative_periods",
]

MINOR_GLOBAL_DAYS = frozenset({"000", "010"})
"""MPFS GLOB DAYS of a minor procedure: 0 or 10 post-operative days (090 is a major procedure)."""
_POSTOP_DAYS = {"010": 10, "090": 90}


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
class PostOperative:
    """A procedure with a 10- or 90-day global period and the days after it that the period covers."""

    line: ServiceLine
    day: dt.date
    days: int
    source: str

    @property
    def last_day(self) -> dt.date:
        return self.day + dt.timedelta(days=self.days)

    def covers(self, day: dt.date | None) -> bool:
        return day is not None and self.day < day <= self.last_day


def postoperative_periods(ctx: EditContext) -> Iterator[PostOperative]:
    """Every 010/090 procedure of the claim, with its global days read from the MPFS edition of its date."""
    for date in ctx.dates:
        if date.day is None:
            continue
        for line in date.lines:
            indicators = date.tables.mpfs.get(line.procedure_code)
            days = _POSTOP_DAYS.get(indicators.global_days) if indicators is not None else None
            if days is not None:
                yield PostOperative(line, date.day, days, f"{date.tables.mpfs.edition.label}, GLOB DAYS")
