"""DAT011: a service date after the date the claim was received (or sent)."""

from __future__ import annotations

from collections.abc import Iterator

from claimedit_edits.engine import EditContext, Hit, edit
from claimedit_edits.model import Fix
from claimedit_edits.rules.data._received import received_on


@edit(
    code="DAT011",
    name="service-date-after-receipt",
    family="data",
    category="claim-data",
    severity="error",
    since="0.2.0",
)
def service_date_after_receipt(ctx: EditContext) -> Iterator[Hit]:
    """
    What:
        A line's date of service (the end of its range when it has one, else DTP*472 of the line or claim)
        falls after the date the claim was received (2300 DTP*050) or, without one, after the date the
        transaction was created (BHT04) or the interchange date (ISA09).

    Why:
        A service cannot be billed before it is performed; a future date is a keying error (wrong year or
        month) and payers reject the line.

    Failing example:
        DTP*472*D8*20260301 on a claim in a transaction created on 2026-01-15 (BHT04 20260115).

    Passing example:
        DTP*472*D8*20260105 in the same transaction.

    Fix:
        Correct the date of service (replace_code on the date).

    Options:
        None.

    References:
        ASC X12 005010X222A1, 2300 DTP*050, 2400 DTP*472, BHT04, ISA09.
    """
    received = ctx.derived(received_on)
    if received is None:
        return
    day, what = received
    claim_day = ctx.claim.date_of_service
    for line in ctx.claim.service_lines:
        served = line.date_of_service_end or line.date_of_service or claim_day  # Claim.line_date, inlined
        if served is None or served <= day:
            continue
        yield Hit(
            line=line.number,
            message=(
                f"Line {line.number} ({line.procedure_code}) is dated {served.isoformat()}, after {what}, "
                f"{day.isoformat()}: a service is billed after it is performed."
            ),
            source="005010X222A1 implementation guide, 2400 DTP*472 and 2300 DTP*050 / BHT04",
            fix=Fix(
                action="replace_code",
                line=line.number,
                current=served.isoformat(),
                detail="Correct the date of service (a wrong year or month is the usual cause).",
            ),
        )
