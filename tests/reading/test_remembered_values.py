"""Amounts and dates are remembered by their text: a remembered value is the one reading it afresh gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from claimedit.x12.reader import _date_range, _decimal


def test_an_empty_amount_reads_as_its_own_default_whatever_was_read_before() -> None:
    assert _decimal("") == Decimal(0)
    assert _decimal("", default="1") == Decimal(1)
    assert _decimal("") == Decimal(0)


def test_amounts_read_as_sent_and_a_non_number_as_zero() -> None:
    assert _decimal("173.50") == Decimal("173.50")
    assert str(_decimal("173.50")) == "173.50"
    assert _decimal("12A") == Decimal(0)
    assert _decimal("12A") == Decimal(0)


def test_the_same_text_reads_as_a_range_only_under_rd8() -> None:
    text = "20240801-20240803"
    assert _date_range("D8", text) == (None, None)
    assert _date_range("RD8", text) == (dt.date(2024, 8, 1), dt.date(2024, 8, 3))
    assert _date_range("D8", text) == (None, None)


def test_a_date_reads_the_same_every_time() -> None:
    assert _date_range("D8", "20240808") == (dt.date(2024, 8, 8), None)
    assert _date_range("D8", "20240808") == (dt.date(2024, 8, 8), None)
    assert _date_range("D8", "20240230") == (None, None)
