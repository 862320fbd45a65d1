"""The D8 date pattern of the whole-segment expressions accepts exactly the dates pyx12's ``is_valid_date`` does."""

from __future__ import annotations

import re

from claimedit.validation.guide._fast import D8
from claimedit.validation.guide._values import is_valid_date

_D8 = re.compile(D8)
_YEARS = (
    1600,
    1700,
    1799,
    1800,
    1801,
    1804,
    1896,
    1900,
    1999,
    2000,
    2001,
    2023,
    2024,
    2100,
    2400,
    2800,
    3200,
    9996,
    9999,
)


def test_d8_pattern_accepts_exactly_the_valid_dates_around_every_month_and_leap_rule() -> None:
    differ = []
    for year in _YEARS:
        for month in range(14):
            for day in range(33):
                value = f"{year:04d}{month:02d}{day:02d}"
                if (_D8.fullmatch(value) is not None) != is_valid_date("D8", value):
                    differ.append(value)
    assert [] == differ


def test_d8_pattern_accepts_every_valid_date_of_two_centuries() -> None:
    missed = [
        f"{year}{month:02d}{day:02d}"
        for year in range(1850, 2050)
        for month in range(1, 13)
        for day in range(1, 32)
        if is_valid_date("D8", f"{year}{month:02d}{day:02d}") and not _D8.fullmatch(f"{year}{month:02d}{day:02d}")
    ]
    assert [] == missed
