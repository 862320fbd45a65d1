"""The engine: an edit that raises becomes an internal finding on that claim; missing tables are loud;
opt-in edits stay off until selected; each claim gets its own per-date view, built once and shared by its
edits; each edit receives its own typed options."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from claimedit_edits.engine import (
    EditContext,
    EditOptions,
    Engine,
    Hit,
    NoOptions,
    Reference,
    Registry,
    Selection,
    SelectionPolicy,
)
from claimedit_edits.engine.spec import EditSpec, RegisteredEdit
from claimedit_edits.model import Claim
from claimedit_edits.tables import Tables, TableSet

cases = sys.modules["claimedit_tests_edits_cases"]
_CLAIM = "CLM*ENG-1*300***11:B:1*Y*A*Y*Y\nHI*ABK:L570\nLX*1\nSV1*HC:17000*300*UN*3***1\nDTP*472*D8*20250304\n"


def _claim(harness: Any, text: str = _CLAIM) -> Claim:
    claim: Claim = harness.read(cases.Case("", "engine", text, [], {}))
    return claim


def _raising(ctx: EditContext) -> Iterator[Hit]:
    raise KeyError(ctx.claim.claim_id)


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


class _CountingTables:
    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        self.days: list[dt.date | None] = []

    def at(self, day: dt.date | None) -> TableSet:
        self.days.append(day)
        return self._tables.at(day)


_TWO_DATES = (
    "CLM*ENG-3*200***11:B:1*Y*A*Y*Y\nHI*ABK:L570\nLX*1\nSV1*HC:17000*100*UN*1***1\nDTP*472*D8*20250304\n"
    "LX*2\nSV1*HC:17000*100*UN*1***1\nDTP*472*D8*20250404\n"
)


def test_the_per_date_view_is_built_once_per_claim_and_shared_by_every_edit(harness: Any) -> None:
    tables = _CountingTables(harness.tables)
    engine = Engine(harness.registry, Reference(icd10cm=harness.reference.icd10cm, tables=tables))  # type: ignore[arg-type]
    claim = _claim(harness, _TWO_DATES)
    engine.check(claim)
    engine.check(claim)
    expected = [dt.date(2025, 3, 4), dt.date(2025, 4, 4)] * 2
    assert expected == tables.days


class _Limit(EditOptions):
    limit: int = 1
    label: str = "default"


def _echo(ctx: EditContext) -> Iterator[Hit]:
    options = ctx.options_as(_Limit)
    yield Hit(message=f"{options.limit} {options.label}")


def test_each_edit_receives_its_own_typed_options(harness: Any) -> None:
    echo = RegisteredEdit(EditSpec("ZZZ002", "echo-options", "test", "internal", "info", "0", _Limit), _echo)
    registry = Registry({"ZZZ002": echo})
    configured = Selection(options={"ZZZ002": _Limit(limit=3)})
    messages = [
        [f.message for f in Engine(registry, harness.reference, SelectionPolicy(selection)).check(_claim(harness))]
        for selection in (Selection(), configured)
    ]
    expected = [["1 default"], ["3 default"]]
    assert expected == messages


def test_an_edit_asking_for_options_it_did_not_declare_is_a_defect(harness: Any) -> None:
    ctx = EditContext(scope=None, options=NoOptions())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="edit options are NoOptions, not _Limit"):
        ctx.options_as(_Limit)
