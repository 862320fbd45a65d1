"""Global surgical periods opened by procedures on the patient's earlier claims with the same billing provider."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from claimedit_edits.engine import EditContext, PriorClaim, PriorLine
from claimedit_edits.rules.common.global_periods import GlobalPeriod, postoperative_days
from claimedit_edits.rules.history._prior import same_billing_priors

__all__ = ["EarlierPeriod", "earlier_periods"]

_LONGEST = 90


@dataclass(frozen=True)
class EarlierPeriod(GlobalPeriod):
    """A procedure of an earlier claim with a 10- or 90-day global period (``day`` is its line's date)."""

    prior: PriorClaim
    line: PriorLine

    @property
    def named(self) -> str:
        return (
            f"{self.line.code} ({self.line.day.isoformat()}, line {self.line.number} of {self.prior.named}, "
            f"{self.days} post-operative days through {self.last_day.isoformat()})"
        )


def earlier_periods(ctx: EditContext) -> Iterator[EarlierPeriod]:
    """Every 010/090 procedure of an earlier claim of the same billing provider, with its MPFS global days."""
    for prior in same_billing_priors(ctx, days_before=_LONGEST):
        for line in prior.lines:
            tables = ctx.tables_at(line.day)
            indicators = tables.mpfs.get(line.code)
            days = postoperative_days(indicators.global_days) if indicators is not None else None
            if days is not None:
                yield EarlierPeriod(line.day, days, f"{tables.mpfs.edition.label}, GLOB DAYS", prior=prior, line=line)
