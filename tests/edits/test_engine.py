"""The engine: an edit that raises becomes an internal finding on that claim; missing tables are loud;
opt-in edits stay off until selected; the claim view is reused only for the same claim."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from claimedit_edits.engine import Engine, Hit, Reference, Registry, Selection, SelectionPolicy
from claimedit_edits.engine.spec import EditSpec, RegisteredEdit
from claimedit_edits.model import Claim

cases = sys.modules["claimedit_tests_edits_cases"]
_CLAIM = "CLM*ENG-1*300***11:B:1*Y*A*Y*Y\nHI*ABK:L570\nLX*1\nSV1*HC:17000*300*UN*3***1\nDTP*472*D8*20250304\n"


def _claim(harness: Any, text: str = _CLAIM) -> Claim:
    claim: Claim = harness.read(cases.Case("", "engine", text, [], {}))
    return claim


def _raising(claim: Claim, reference: Reference) -> Iterator[Hit]:
    raise KeyError(claim.claim_id)


def test_an_edit_that_raises_becomes_an_internal_error_and_the_others_still_run(harness: Any) -> None:
    broken = RegisteredEdit(EditSpec("ZZZ001", "always-raises", "test", "lesion-units", "error", "0"), _raising)
    registry = Registry({**harness.registry.by_code, "ZZZ001": broken})
    findings = Engine(registry, harness.reference).check(_claim(harness))
    expected = [("INT001", "internal", "error"), ("LES001", "lesion-units", "error")]
    assert expected == sorted((f.code, f.category, f.severity) for f in findings)


def test_lesion_edits_without_tables_are_internal_findings_not_silence(harness: Any) -> None:
    engine = Engine(harness.registry, Reference(icd10cm=harness.reference.icd10cm))
    codes = {f.code for f in engine.check(_claim(harness))}
    expected_value = {"INT001"}
    assert expected_value == codes - {"BAL001", "CSET001", "CSET002", "CSET003", "CSET004"}


def test_opt_in_edit_runs_only_when_selected_by_code(harness: Any) -> None:
    siz003 = harness.registry.by_code["SIZ003"]
    states = (
        Selection().enabled(siz003),
        Selection(select=frozenset({"size-tier"})).enabled(siz003),
        Selection(extend_select=frozenset({"SIZ003"})).enabled(siz003),
        Selection(select=frozenset({"size-not-documented"})).enabled(siz003),
    )
    expected = (False, False, True, True)
    assert expected == states


def test_findings_of_two_claims_in_a_row_are_their_own(harness: Any) -> None:
    engine = Engine(harness.registry, harness.reference, SelectionPolicy())
    clean = _CLAIM.replace("300***", "100***").replace("*300*UN*3", "*100*UN*1").replace("ENG-1", "ENG-2")
    first, second, again = (engine.check(_claim(harness, text)) for text in (_CLAIM, clean, _CLAIM))
    expected = (["LES001"], [], ["LES001"])
    assert expected == tuple([f.code for f in found if f.code.startswith("LES")] for found in (first, second, again))
