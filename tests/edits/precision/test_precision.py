"""Precision: clean, real-looking claims across every family, payer and modifier draw no error and no
warning from any edit, with the default configuration (payer layers included)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from claimedit.x12.reader import read_claims

cases = sys.modules["claimedit_tests_edits_cases"]
CLEAN = yaml.safe_load(Path(__file__).with_name("clean_claims.yml").read_text(encoding="utf-8"))["claims"]
FIXTURES = Path(__file__).resolve().parents[3] / "x12_fixtures"
LEAD_CLEAN = sorted((FIXTURES / "clean").glob("*.x12"))


def _loud(findings: list[Any]) -> list[tuple[str, int | None, str]]:
    return [(f.code, f.line, f.message) for f in findings if f.severity in ("error", "warning")]


@pytest.mark.parametrize("entry", CLEAN, ids=[entry["name"] for entry in CLEAN])
def test_clean_claim_draws_no_error_or_warning(entry: dict[str, Any], harness: Any) -> None:
    case = cases.Case(edit="", name=entry["name"], claim=entry["claim"], expect=[], payer=entry.get("payer") or {})
    expected: list[tuple[str, int | None, str]] = []
    assert expected == _loud(harness.full_engine().check(harness.read(case)))


def test_precision_suite_covers_every_family_and_payer(harness: Any) -> None:
    claims = [harness.read(cases.Case("", e["name"], e["claim"], [], e.get("payer") or {})) for e in CLEAN]
    lesion = harness.tables.at(None).lesion_codes
    families = {
        lesion.get(line.procedure_code).family
        for c in claims
        for line in c.service_lines
        if lesion.get(line.procedure_code)
    }
    payers = {claim.payer.filing_indicator for claim in claims}
    modifiers = {modifier for claim in claims for line in claim.service_lines for modifier in line.modifiers}
    expected = (
        {
            "premalignant-destruction",
            "benign-destruction",
            "skin-biopsy",
            "benign-excision",
            "malignant-excision",
            "malignant-destruction",
        },
        {"MB", "MC", "CI", "BL"},
        {"25", "59", "XE", "XS", "RT", "LT", "26"},
    )
    assert expected == (families, payers, modifiers & expected[2])


@pytest.mark.parametrize("path", LEAD_CLEAN, ids=[path.name for path in LEAD_CLEAN])
def test_project_clean_fixture_draws_no_lesion_error_or_warning(path: Path, harness: Any) -> None:
    claims = read_claims(path.read_bytes(), source=path.name)
    assert claims
    engine = harness.full_engine()
    expected: list[tuple[str, tuple[str, int | None, str]]] = []
    assert expected == [(claim.claim_id, item) for claim in claims for item in _loud(engine.check(claim))]
