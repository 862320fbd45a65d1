"""The history family's YAML cases (tests/edits/cases/HST*.yml with earlier claims) on SQLite and PostgreSQL:
the earlier claims are recorded with their verdict, then the case's claim draws exactly the expected findings."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from claimedit.history.store import HistoryStore

_CASES_MODULE = "claimedit_tests_edits_cases"
if _CASES_MODULE not in sys.modules:
    _spec = importlib.util.spec_from_file_location(_CASES_MODULE, Path(__file__).parents[1] / "edits" / "_cases.py")
    assert _spec is not None
    assert _spec.loader is not None
    sys.modules[_CASES_MODULE] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules[_CASES_MODULE])
cases = sys.modules[_CASES_MODULE]
HISTORY_CASES = [case for case in cases.load_case_files() if case.history]


@pytest.fixture(scope="module")
def harness() -> Any:
    return cases.EditHarness()


def test_every_history_edit_has_cases_with_earlier_claims() -> None:
    expected = {"HST001", "HST002", "HST003", "HST004", "HST005", "HST006", "HST007"}
    assert expected == {case.edit for case in HISTORY_CASES}


@pytest.mark.parametrize("case", HISTORY_CASES, ids=[cases.case_id(case) for case in HISTORY_CASES])
def test_history_case(case: Any, harness: Any, store: HistoryStore) -> None:
    engine = harness.engine(case.config)
    if case.tables is not None:  # e.g. tables_090, with a 090-day code
        tables = cases.load_tables(cases.CASES_DIR.parent / case.tables)
        policy = harness.default_policy if case.config is None else cases.parse_config(case.config, harness.registry)
        engine = cases.Engine(
            harness.registry, cases.Reference(icd10cm=harness.reference.icd10cm, tables=tables), policy
        )
    for number, earlier in enumerate(case.history):
        claim = harness.read(cases.Case(case.edit, case.name, earlier["claim"], [], dict(earlier.get("payer") or {})))
        with store.recall(claim, f"{case.name}:earlier:{number}") as recall:
            recall.record(earlier.get("verdict", "accepted"))
    claim = harness.read(case)
    with store.recall(claim, f"{case.name}:claim") as recall:
        findings = engine.check(claim, recall)
    cases.assert_exact_findings(case, findings)
