"""Whatever is changed in a fixture, the validator's shortcuts report what plain pyx12 reports.

The shortcut validator is shared by every example and first sees the untouched fixtures (and a
generated interchange of 30 claims, whose runs repeat), so most mutated interchanges meet a
remembered walk plan, for the whole interchange or for runs inside it: the same skeleton with other values (blanked or
junk elements), or a skeleton one segment or qualifier away from one it knows (dropped, repeated or
re-qualified segments).
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimedit.pipeline import Pipeline
from claimedit.results import InputResult
from claimedit.x12.validation import Pyx12Validator

from .profile import deterministic

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "x12_fixtures"


def _generated(claims: int) -> str:
    """An interchange of ``claims`` varied claims from bench/make_interchange.py (runs repeat inside it)."""
    spec = importlib.util.spec_from_file_location("claimedit_bench_generator", ROOT / "bench" / "make_interchange.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    text: str = module.build_interchange(claims, seed=5, claims_per_transaction=15)
    return text


TEXTS = [*(path.read_text() for path in sorted((FIXTURES / "clean").glob("*.x12"))), _generated(30)]
QUALIFIERS = ["IL", "QC", "PR", "82", "DN", "DK", "85", "87", "77", "HC", "ABK", "ABF", "472", "22", "23", "20", "P"]


@pytest.fixture(scope="module")
def shortcut() -> Pipeline:
    pipeline = Pipeline(None, Pyx12Validator())
    for text in TEXTS:
        pipeline.process(text)
    return pipeline


@pytest.fixture(scope="module")
def plain() -> Pipeline:
    return Pipeline(None, Pyx12Validator(shortcuts=False))


def _same(result: InputResult) -> InputResult:
    """``result`` with each 999 cut to ST..SE: pyx12 stamps its own envelope with the time and fresh controls."""
    acks = []
    for ack in result.acks:
        terminator, element = ack.x12[105], ack.x12[3]
        body = ack.x12[ack.x12.index(f"{terminator}ST{element}") : ack.x12.index(f"{terminator}GE{element}")]
        acks.append(replace(ack, x12=body))
    return replace(result, acks=tuple(acks))


Operation = tuple[str, int, int, str]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(TEXTS))
    element, terminator = text[3], text[105]
    pieces = text.split(terminator)
    operations: list[Operation] = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["drop", "repeat", "blank", "junk", "qualify"]),
                st.integers(1, 10_000),
                st.integers(1, 12),
                st.sampled_from(QUALIFIERS),
            ),
            min_size=1,
            max_size=3,
        )
    )
    for kind, where, drawn_position, qualifier in operations:
        at = 1 + where % (len(pieces) - 2)  # never the ISA, never what follows the last terminator
        if kind == "drop":
            del pieces[at]
            continue
        if kind == "repeat":
            pieces.insert(at, pieces[at])
            continue
        lead = pieces[at][: len(pieces[at]) - len(pieces[at].lstrip())]
        fields = pieces[at].lstrip().split(element)
        position = 1 if kind == "qualify" else drawn_position
        if position >= len(fields):
            continue
        fields[position] = {"blank": "", "junk": "9Z#", "qualify": qualifier}[kind]
        pieces[at] = lead + element.join(fields)
    return terminator.join(pieces)


def test_a_mutated_fixture_gets_the_same_findings_and_999s_with_and_without_shortcuts(
    shortcut: Pipeline, plain: Pipeline
) -> None:
    validator = shortcut.validator
    assert validator is not None
    replayed: list[bool] = []

    @deterministic(max_examples=150)
    @given(text=mutated())
    def same_report(text: str) -> None:
        before = validator.walk_plan_hits + validator.run_plan_hits
        assert _same(plain.process(text)) == _same(shortcut.process(text))
        replayed.append(validator.walk_plan_hits + validator.run_plan_hits > before)

    same_report()
    assert sum(replayed) >= len(replayed) // 4, "the mutations should often meet a remembered walk plan"
