"""The first date of service of a claim's lines, shared by the edits that pick a code-set edition by it."""

from __future__ import annotations

import datetime as dt

from claimedit_edits.model import Claim

__all__ = ["first_service_day"]


def first_service_day(claim: Claim) -> dt.date | None:
    """The earliest line date of service (a line without one takes the claim's); None without lines or dates.

    Edits share one answer per claim: ``ctx.derived(first_service_day)``."""
    return min((day for line in claim.service_lines if (day := claim.line_date(line))), default=None)
