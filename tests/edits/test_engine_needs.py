"""The engine leaves out an edit whose declared needs (``EditSpec.needs_any``) the claim does not hold: never at the
cost of a finding. Checked on every case file, where the failing cases hold exactly what each edit looks for."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from typing import Any

from claimedit_edits.engine import CODE_PAIR, EM_VISIT, LINE_NOTES, MODIFIED, EditContext, Engine, Hit, Registry
from claimedit_edits.engine.context import ClaimScope
from claimedit_edits.engine.runner import _features
from claimedit_edits.engine.spec import EditSpec, RegisteredEdit

cases = sys.modules["claimedit_tests_edits_cases"]
_CALLS: list[str] = []


def _needs_a_modifier(ctx: EditContext) -> Iterator[Hit]:
    _CALLS.append(ctx.claim.claim_id)
    yield Hit(message="called")


def test_an_edit_finding_something_in_a_case_holds_a_feature_it_declares_it_needs(harness: Any) -> None:
    needing = [registered for registered in harness.registry if registered.spec.needs_any is not None]
    missed = []
    for case in cases.load_case_files():
        scope = ClaimScope(harness.read(case), harness.reference, None)
        held = _features(scope.dates)
        for registered in needing:
            assert registered.spec.needs_any is not None
            context = EditContext(scope, registered.spec.options())
            if registered.spec.needs_any.isdisjoint(held) and list(registered.check(context)):
                missed.append((registered.spec.code, cases.case_id(case)))
    assert (len(needing) > 0, []) == (True, missed)


def test_every_case_finds_the_same_with_the_needs_ignored(harness: Any) -> None:
    ungated = Registry(
        {
            registered.spec.code: dataclasses.replace(
                registered, spec=dataclasses.replace(registered.spec, needs_any=None)
            )
            for registered in harness.registry
        }
    )
    differing = []
    for case in cases.load_case_files():
        if case.tables is not None or case.history:
            continue
        gated = harness.engine(case.config)
        plain = Engine(ungated, gated.reference, gated.policy)
        claim = harness.read(case)
        if gated.check(claim) != plain.check(claim):
            differing.append(cases.case_id(case))
    assert [] == differing


def test_a_claim_features_are_its_codes_modifiers_pairs_and_notes(harness: Any) -> None:
    claim = (
        "CLM*NDS-1*300***11:B:1*Y*A*Y*Y\nHI*ABK:L570\nLX*1\nSV1*HC:17000:RT*200*UN*1***1\nDTP*472*D8*20250304\n"
        "NTE*ADD*LESION 0.4 CM\nLX*2\nSV1*HC:17003*100*UN*2***1\nDTP*472*D8*20250304\n"
    )
    scope = ClaimScope(harness.read(cases.Case("", "needs", claim, [], {})), harness.reference, None)
    expected = {"17000", "17003", "RT", CODE_PAIR, MODIFIED, LINE_NOTES}
    assert expected == _features(scope.dates)


def test_a_claim_billing_an_e_m_code_holds_an_e_m_visit(harness: Any) -> None:
    claim = "CLM*NDS-2*300***11:B:1*Y*A*Y*Y\nHI*ABK:L570\nLX*1\nSV1*HC:99213*100*UN*1***1\nDTP*472*D8*20250304\n"
    scope = ClaimScope(harness.read(cases.Case("", "needs", claim, [], {})), harness.reference, None)
    expected = {"99213", EM_VISIT}
    assert expected == _features(scope.dates)


def test_an_edit_is_not_called_on_a_claim_without_what_it_needs(harness: Any) -> None:
    spec = EditSpec("ZZZ020", "needs-a-modifier", "test", "modifier", "info", "0", needs_any=frozenset({"RT"}))
    engine = Engine(Registry({"ZZZ020": RegisteredEdit(spec, _needs_a_modifier)}), harness.reference)
    claim = (
        "CLM*{id}*300***11:B:1*Y*A*Y*Y\nHI*ABK:L570\nLX*1\nSV1*HC:17000{modifier}*300*UN*1***1\nDTP*472*D8*20250304\n"
    )
    for claim_id, modifier in (("NDS-PLAIN", ""), ("NDS-RIGHT", ":RT")):
        engine.check(harness.read(cases.Case("", "needs", claim.format(id=claim_id, modifier=modifier), [], {})))
    assert ["NDS-RIGHT"] == _CALLS


def test_claims_holding_different_features_each_run_the_edits_they_need_on_one_engine(harness: Any) -> None:
    called: list[str] = []

    def needs_a_modifier(ctx: EditContext) -> Iterator[Hit]:
        called.append(ctx.claim.claim_id)
        yield Hit(message="called")

    spec = EditSpec("ZZZ021", "needs-a-modifier", "test", "modifier", "info", "0", needs_any=frozenset({"RT"}))
    engine = Engine(Registry({"ZZZ021": RegisteredEdit(spec, needs_a_modifier)}), harness.reference)
    claim = (
        "CLM*{id}*300***11:B:1*Y*A*Y*Y\nHI*ABK:L570\nLX*1\nSV1*HC:17000{modifier}*300*UN*1***1\nDTP*472*D8*20250304\n"
    )
    sent = [("NDS-A", ""), ("NDS-B", ":RT"), ("NDS-C", ""), ("NDS-D", ":RT"), ("NDS-E", ":LT")]
    found = [
        len(engine.check(harness.read(cases.Case("", "needs", claim.format(id=claim_id, modifier=modifier), [], {}))))
        for claim_id, modifier in sent
    ]
    assert (["NDS-B", "NDS-D"], [0, 1, 0, 1, 0]) == (called, found)
