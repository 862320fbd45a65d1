"""The data family's helpers: the NPI check digit, the most specific scope rule, timely-filing months."""

from __future__ import annotations

import datetime as dt

import pytest

from claimedit_edits.codesets import open_codesets
from claimedit_edits.rules.data._npi import npi_check_digit, npi_is_valid
from claimedit_edits.rules.data._scope import scope_rule
from claimedit_edits.rules.data.dat012 import _months_later


def test_the_cms_example_npi_has_check_digit_3() -> None:
    # CMS "Requirements for NPI check digit": 123456789 -> 1234567893
    assert ("3", True, False) == (npi_check_digit("123456789"), npi_is_valid("1234567893"), npi_is_valid("1234567890"))


@pytest.mark.parametrize("npi", ["", "123456789", "12345678931", "3234567893", "12345678a3"])
def test_an_npi_that_is_not_ten_digits_starting_with_1_or_2_is_invalid(npi: str) -> None:
    assert not npi_is_valid(npi)


@pytest.mark.parametrize(
    ("taxonomy", "performs"),
    [
        ("207N00000X", True),  # dermatology: physicians
        ("207ND0900X", True),  # MOHS surgery
        ("207ND0101X", False),  # dermatopathology: more specific than dermatology
        ("207ZP0101X", False),  # anatomic pathology
        ("363LF0000X", True),  # family nurse practitioner
        ("101Y00000X", None),  # counselor: no rule
    ],
)
def test_the_most_specific_taxonomy_rule_wins(taxonomy: str, performs: bool | None) -> None:
    rule = scope_rule(open_codesets().at("taxonomy-scope", None), "premalignant-destruction", taxonomy)
    assert performs == (rule[0] if rule else None)


def test_twelve_months_after_a_29th_of_february_is_the_28th() -> None:
    expected = (dt.date(2025, 2, 28), dt.date(2026, 1, 14))
    assert expected == (_months_later(dt.date(2024, 2, 29), 12), _months_later(dt.date(2025, 1, 14), 12))
