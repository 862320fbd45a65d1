"""The first date of service of a claim's lines, shared by the edits that pick a code-set edition by it."""

from __future__ import annotations

import datetime as dt

from claimedit_edits.model import Claim

__all__ = ["first_service_day"]


def first_service_day(claim: Claim) -> dt.date | None:
    """The earliest line date of service (a line without one takes the claim's); None without lines or dates.

    Edits share one answer per claim: ``ctx.derived(first_service_day)``."""
    claim_day = claim.date_of_service
    first: dt.date | None = None
    for line in claim.service_lines:  # min() of a generator, written out: run for every claim
        day = line.date_of_service or claim_day  # Claim.line_date, inlined
        if day is not None and (first is None or day < first):
            first = day
    return first
