"""What the history edits share: the claim's span of dates, provider identity and the earlier claims."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from claimedit_edits.engine import EditContext, PriorClaim, PriorLine
from claimedit_edits.model import Claim, ServiceLine
from claimedit_edits.rules.common.providers import line_npi

__all__ = ["REPEAT_MODIFIERS", "lines_on", "prior_claims", "same_provider"]

REPEAT_MODIFIERS = frozenset({"76", "77"})
"""Repeat procedure by the same (76) or another (77) physician: a repeat is not a duplicate."""


def same_provider(claim: Claim, line: ServiceLine, prior: PriorClaim, prior_line: PriorLine) -> bool:
    return prior.billing_npi == claim.billing_provider.npi and prior_line.rendering_npi == line_npi(claim, line)


def prior_claims(ctx: EditContext, days_before: int = 0) -> Sequence[PriorClaim]:
    """Earlier claims with a line from ``days_before`` days before the claim's first date to its last date."""
    if ctx.history is None:
        return ()
    days = [date.day for date in ctx.dates if date.day is not None]
    if not days:
        return ()
    return ctx.history.claims_between(min(days) - dt.timedelta(days=days_before), max(days))


def lines_on(priors: Sequence[PriorClaim], day: dt.date) -> Iterator[tuple[PriorClaim, PriorLine]]:
    for prior in priors:
        for prior_line in prior.lines:
            if prior_line.day == day:
                yield prior, prior_line
