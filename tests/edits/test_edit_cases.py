"""Every per-edit YAML case (cases/<CODE>.yml): failing claims draw exactly the expected findings of that
edit, passing claims none. Test ids start with the edit code."""

from __future__ import annotations

import sys
from decimal import Decimal
from typing import Any

import pytest

cases = sys.modules["claimedit_tests_edits_cases"]
CASES = [case for case in cases.load_case_files() if not case.history]
"""Cases with earlier claims run against a real history store in tests/history/test_history_cases.py."""


@pytest.mark.parametrize("case", CASES, ids=[cases.case_id(case) for case in CASES])
def test_edit_case(case: Any, harness: Any) -> None:
    findings = harness.findings(case)
    cases.assert_exact_findings(case, findings)


@pytest.mark.parametrize("case", CASES, ids=[cases.case_id(case) for case in CASES])
def test_case_claim_is_balanced_unless_it_tests_balancing(case: Any, harness: Any) -> None:
    claim = harness.read(case)
    balanced = claim.total_charge == sum((line.charge for line in claim.service_lines), Decimal(0))
    expected = not (case.edit == "BAL001" and case.failing)
    assert expected == balanced
