"""Global surgical periods opened by procedures on the patient's earlier claims with the same billing provider."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from claimedit_edits.engine import EditContext, PriorClaim, PriorLine
from claimedit_edits.rules.common.global_periods import postoperative_days
from claimedit_edits.rules.history._prior import prior_claims

__all__ = ["EarlierPeriod", "earlier_periods"]

_LONGEST = 90


@dataclass(frozen=True)
class EarlierPeriod:
    prior: PriorClaim
    line: PriorLine
    days: int
    source: str

    @property
    def last_day(self) -> dt.date:
        return self.line.day + dt.timedelta(days=self.days)

    def covers(self, day: dt.date | None) -> bool:
        return day is not None and self.line.day < day <= self.last_day

    @property
    def named(self) -> str:
        return (
            f"{self.line.code} ({self.line.day.isoformat()}, line {self.line.number} of {self.prior.named}, "
            f"{self.days} post-operative days through {self.last_day.isoformat()})"
        )


def earlier_periods(ctx: EditContext) -> Iterator[EarlierPeriod]:
    """Every 010/090 procedure of an earlier claim of the same billing provider, with its MPFS global days."""
    billing = ctx.claim.billing_provider.npi
    for prior in prior_claims(ctx, days_before=_LONGEST):
        if prior.billing_npi != billing:
            continue
        for line in prior.lines:
            tables = ctx.tables_at(line.day)
            indicators = tables.mpfs.get(line.code)
            days = postoperative_days(indicators.global_days) if indicators is not None else None
            if days is not None:
                yield EarlierPeriod(prior, line, days, f"{tables.mpfs.edition.label}, GLOB DAYS")
