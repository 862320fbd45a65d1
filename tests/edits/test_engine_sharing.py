"""What the engine shares between the edits of one claim without changing a finding: work derived from the claim
is computed once per claim, an edit that fails halfway reports only its internal error, and the edits that need
the patient's history are left out of a claim edited without one because they find nothing there."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from claimedit_edits.engine import EditContext, Engine, Hit, Registry
from claimedit_edits.engine.context import ClaimScope
from claimedit_edits.engine.spec import EditSpec, RegisteredEdit
from claimedit_edits.model import Claim

cases = sys.modules["claimedit_tests_edits_cases"]
_CLAIM = "CLM*SHR-1*300***11:B:1*Y*A*Y*Y\nHI*ABK:L570\nLX*1\nSV1*HC:17000*300*UN*1***1\nDTP*472*D8*20250304\n"
_CALLS: list[str] = []


def _claim(harness: Any, claim_id: str = "SHR-1") -> Claim:
    claim: Claim = harness.read(cases.Case("", "engine", _CLAIM.replace("SHR-1", claim_id), [], {}))
    return claim


def _counted(claim: Claim) -> str:
    _CALLS.append(claim.claim_id)
    return claim.claim_id


def _first_reader(ctx: EditContext) -> Iterator[Hit]:
    yield Hit(message=f"first saw {ctx.derived(_counted)}")


def _second_reader(ctx: EditContext) -> Iterator[Hit]:
    yield Hit(message=f"second saw {ctx.derived(_counted)}")


def _finds_then_raises(ctx: EditContext) -> Iterator[Hit]:
    yield Hit(message="found before failing")
    raise ValueError(ctx.claim.claim_id)


def test_work_derived_from_the_claim_is_computed_once_per_claim_and_seen_by_every_edit(harness: Any) -> None:
    registry = Registry(
        {
            code: RegisteredEdit(EditSpec(code, f"reader-{code.lower()}", "test", "internal", "info", "0"), check)
            for code, check in (("ZZZ011", _first_reader), ("ZZZ012", _second_reader))
        }
    )
    engine = Engine(registry, harness.reference)
    _CALLS.clear()
    messages = [f.message for claim_id in ("SHR-1", "SHR-2") for f in engine.check(_claim(harness, claim_id))]
    expected = (["first saw SHR-1", "second saw SHR-1", "first saw SHR-2", "second saw SHR-2"], ["SHR-1", "SHR-2"])
    assert expected == (messages, _CALLS)


def test_an_edit_that_fails_after_finding_something_reports_only_its_internal_error(harness: Any) -> None:
    spec = EditSpec("ZZZ013", "finds-then-raises", "test", "lesion-units", "error", "0")
    registry = Registry({"ZZZ013": RegisteredEdit(spec, _finds_then_raises)})
    findings = Engine(registry, harness.reference).check(_claim(harness))
    expected = [("INT001", "internal")]
    assert expected == [(f.code, f.category) for f in findings]


def test_history_edits_declare_it_and_find_nothing_in_a_claim_without_history(harness: Any) -> None:
    history_cases = [case for case in cases.load_case_files() if case.history]
    needing = [registered for registered in harness.registry if registered.spec.needs_history]
    found = [
        (registered.spec.code, case.name)
        for case in history_cases
        for registered in needing
        if list(registered.check(EditContext(ClaimScope(harness.read(case), harness.reference, None))))
    ]
    declared = ({r.spec.code for r in needing}, len(history_cases) > 0, found)
    expected = ({r.spec.code for r in harness.registry if r.spec.family == "history"}, True, [])
    assert expected == declared
