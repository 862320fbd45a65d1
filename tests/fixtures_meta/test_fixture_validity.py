"""The project's own 837P fixtures are what their folder says they are."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_HELPERS = Path(__file__).with_name("_x12_text.py")
_spec = importlib.util.spec_from_file_location("claimedit_fixtures_meta_x12_text", _HELPERS)
assert _spec is not None
assert _spec.loader is not None
x12_text = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = x12_text
_spec.loader.exec_module(x12_text)

FIXTURES = Path(__file__).resolve().parents[2] / "x12_fixtures"
CLEAN = sorted((FIXTURES / "clean").glob("*.x12"))
BROKEN = sorted((FIXTURES / "broken").glob("*.x12"))


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_clean_folder_has_fixtures() -> None:
    assert len(CLEAN) >= 8


@pytest.mark.parametrize("path", CLEAN, ids=[p.name for p in CLEAN])
def test_clean_fixture_validates_with_pyx12(path: Path) -> None:
    ok, ack_segments = x12_text.pyx12_ack_codes(_read(path))
    problems = [s for s in ack_segments if not (s == "IK5*A" or s.startswith("AK9*A*"))]
    expected: tuple[bool, list[str]] = (True, [])
    assert expected == (ok, problems)


@pytest.mark.parametrize("path", CLEAN + BROKEN, ids=[p.name for p in CLEAN + BROKEN])
def test_every_npi_passes_luhn(path: Path) -> None:
    npis = [s.element(9) for s in x12_text.iter_segments(_read(path)) if s.tag == "NM1" and s.element(8) == "XX"]
    assert npis
    failing = [npi for npi in npis if not x12_text.npi_passes_luhn(npi)]
    assert not failing


@pytest.mark.parametrize("path", CLEAN, ids=[p.name for p in CLEAN])
def test_clean_claim_charge_equals_sum_of_line_charges(path: Path) -> None:
    totals = x12_text.claim_totals(_read(path))
    assert totals
    unbalanced = [(claim_id, charged, lines) for claim_id, charged, lines in totals if charged != lines]
    assert not unbalanced


@pytest.mark.parametrize("path", CLEAN, ids=[p.name for p in CLEAN])
def test_clean_billing_and_rendering_taxonomy_is_dermatology(path: Path) -> None:
    taxonomies = {s.element(3) for s in x12_text.iter_segments(_read(path)) if s.tag == "PRV"}
    expected = {"207N00000X"}
    assert expected == taxonomies


def test_luhn_check_rejects_a_changed_digit() -> None:
    expected = (True, False)
    assert expected == (x12_text.npi_passes_luhn("1234567893"), x12_text.npi_passes_luhn("1234567894"))


@pytest.mark.parametrize("path", BROKEN, ids=[p.name for p in BROKEN])
def test_broken_fixture_still_validates_with_pyx12(path: Path) -> None:
    ok, ack_segments = x12_text.pyx12_ack_codes(_read(path))
    problems = [s for s in ack_segments if not (s == "IK5*A" or s.startswith("AK9*A*"))]
    expected: tuple[bool, list[str]] = (True, [])
    assert expected == (ok, problems)


def test_broken_claims_are_named_for_their_problem() -> None:
    claim_ids = [claim_id for path in BROKEN for claim_id, _, _ in x12_text.claim_totals(_read(path))]
    assert len(claim_ids) >= 15
    assert [c for c in claim_ids if not c.startswith("BRK-")] == []


def test_only_the_balancing_fixture_claim_is_unbalanced() -> None:
    unbalanced = [
        claim_id
        for path in BROKEN
        for claim_id, charged, lines in x12_text.claim_totals(_read(path))
        if charged != lines
    ]
    expected = ["BRK-CLM02-NOT-SUM-OF-SV102"]
    assert expected == unbalanced
