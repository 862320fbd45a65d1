"""What the history edits share: the claim's span of dates, provider identity and the earlier claims."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence

from claimedit_edits.engine import DateOfService, EditContext, PriorClaim, PriorLine
from claimedit_edits.model import Claim, ServiceLine
from claimedit_edits.rules.common.providers import line_npi

__all__ = ["EarlierLine", "earlier_lines_by_date", "prior_claims", "same_billing_priors", "same_provider"]

EarlierLine = tuple[PriorClaim, PriorLine]
"""A line of an earlier claim, with the claim it was billed on."""


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


def same_billing_priors(ctx: EditContext, days_before: int = 0) -> list[PriorClaim]:
    """The earlier claims of :func:`prior_claims` sent by this claim's billing provider: the edits that count one
    provider's services across claims look only at these."""
    billing = ctx.claim.billing_provider.npi
    return [prior for prior in prior_claims(ctx, days_before) if prior.billing_npi == billing]


def earlier_lines_by_date(
    ctx: EditContext, priors: Sequence[PriorClaim]
) -> Iterator[tuple[DateOfService, list[EarlierLine]]]:
    """Each date of service of the claim with the lines of ``priors`` on its day, in the priors' order; a date
    without a day, or without an earlier line that day, is left out (no edit comparing with the past speaks there)."""
    if not priors:
        return
    for date in ctx.dates:
        if date.day is None:
            continue
        earlier = [(prior, prior_line) for prior in priors for prior_line in prior.lines if prior_line.day == date.day]
        if earlier:
            yield date, earlier
