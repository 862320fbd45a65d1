"""The date a claim was sent or received: DTP*050 when the claim has one, else the transaction's creation date."""

from __future__ import annotations

import datetime as dt
import functools

from claimedit_edits.model import Claim

__all__ = ["received_on"]


@functools.lru_cache(maxsize=1024)  # one BHT04 per transaction: read once, not once per claim
def _ccyymmdd(value: str) -> dt.date | None:
    if len(value) == 8 and value.isascii() and value.isdigit():  # the usual case, read without strptime
        return _day(int(value[:4]), value[4:])
    try:
        return dt.datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        return None


@functools.lru_cache(maxsize=1024)  # one ISA09 per interchange
def _yymmdd(value: str) -> dt.date | None:
    if len(value) == 6 and value.isascii() and value.isdigit():
        year = int(value[:2])
        return _day(year + (2000 if year < 69 else 1900), value[2:])  # strptime's %y: 69-99 are 1969-1999
    try:
        return dt.datetime.strptime(value, "%y%m%d").date()
    except ValueError:
        return None


def _day(year: int, mmdd: str) -> dt.date | None:
    """The date of ``MMDD`` in ``year`` (four digits: only a two-digit month and day can fill them, as in strptime)."""
    try:
        return dt.date(year, int(mmdd[:2]), int(mmdd[2:]))
    except ValueError:
        return None


def received_on(claim: Claim) -> tuple[dt.date, str] | None:
    """(date, what it is): the claim's received date (DTP*050), else BHT04, else ISA09; None when none reads.

    Edits share one answer per claim: ``ctx.derived(received_on)``."""
    if claim.received_date is not None:
        return claim.received_date, "the date the claim was received (DTP*050)"
    bht = _ccyymmdd(claim.envelope.bht_date)
    if bht is not None:
        return bht, "the date the transaction was created (BHT04)"
    isa = _yymmdd(claim.envelope.isa_date)
    if isa is not None:
        return isa, "the interchange date (ISA09)"
    return None
