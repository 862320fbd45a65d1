"""DAT012: a line older than the payer's timely filing limit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from pydantic import Field

from claimedit_edits.engine import EditContext, EditOptions, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.data._received import received_on
from claimedit_edits.rules.data._sources import TIMELY_MEDICARE

_MEDICARE = frozenset({"MA", "MB"})


class TimelyFilingOptions(EditOptions):
    limit_days: int | None = Field(default=None, ge=1)
    """The payer's filing limit in days from the date of service. Unset: Medicare claims (SBR09 MA/MB) get
    Medicare's 12 months; other payers are not checked until a payer layer sets their limit."""


def _months_later(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


@edit(
    code="DAT012",
    name="timely-filing",
    family="data",
    category="claim-data",
    severity="warning",
    since="0.2.0",
    options=TimelyFilingOptions,
    default_enabled=False,
)
def timely_filing(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A line whose date of service is older than the payer's filing limit on the date the claim was
        received (DTP*050) or sent (BHT04, ISA09): Medicare (SBR09 MA/MB) 12 months from the date of
        service; other payers the ``limit_days`` a payer layer sets. Opt-in (``extend_select = ["DAT012"]``):
        a replay of historical files would otherwise warn on every old claim.

    Why:
        A claim filed after the limit is denied and cannot be billed to the patient; catching it before
        submission lets the practice look for proof of timely filing or write the service off.

    Failing example:
        A Medicare claim sent 2026-01-15 with DTP*472*D8*20241201.

    Passing example:
        The same claim with DTP*472*D8*20250301.

    Fix:
        Check the date of service; if it is right, attach proof of timely filing (an earlier rejection) or
        do not bill (replace_code on the date).

    Options:
        limit_days: the payer's limit in days, e.g. 90 or 180 in a commercial payer's layer.

    References:
        42 CFR 424.44 (Medicare, 12 months after the date of service); payer contracts for other limits.
    """
    received = ctx.derived(received_on)
    if received is None:
        return
    today, what = received
    limit = ctx.options_as(TimelyFilingOptions).limit_days
    medicare = ctx.claim.payer.filing_indicator in _MEDICARE
    if limit is None and not medicare:
        return
    for line in ctx.claim.service_lines:
        served = ctx.claim.line_date(line)
        if served is None:
            continue
        if limit is not None:
            deadline, rule, source = served + dt.timedelta(days=limit), f"{limit} days", "payer layer limit_days"
        else:
            deadline, rule, source = _months_later(served, 12), "12 months (Medicare)", TIMELY_MEDICARE
        if today <= deadline:
            continue
        yield Hit(
            line=line.number,
            message=(
                f"Line {line.number} ({line.procedure_code}) dated {served.isoformat()} is past the filing limit of "
                f"{rule}: the limit ended {deadline.isoformat()}, and {what} is {today.isoformat()}."
            ),
            source=source,
            fix=Fix(
                action="replace_code",
                line=line.number,
                current=served.isoformat(),
                detail="Check the date of service; if right, attach proof of timely filing or do not bill the line.",
            ),
        )
