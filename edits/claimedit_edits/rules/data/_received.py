"""The date a claim was sent or received: DTP*050 when the claim has one, else the transaction's creation date."""

from __future__ import annotations

import datetime as dt

from claimedit_edits.model import Claim

__all__ = ["received_on"]


def _ccyymmdd(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


def _yymmdd(value: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(value, "%y%m%d").date()
    except ValueError:
        return None


def received_on(claim: Claim) -> tuple[dt.date, str] | None:
    """(date, what it is): the claim's received date (DTP*050), else BHT04, else ISA09; None when none reads."""
    if claim.received_date is not None:
        return claim.received_date, "the date the claim was received (DTP*050)"
    bht = _ccyymmdd(claim.envelope.bht_date)
    if bht is not None:
        return bht, "the date the transaction was created (BHT04)"
    isa = _yymmdd(claim.envelope.isa_date)
    if isa is not None:
        return isa, "the interchange date (ISA09)"
    return None
