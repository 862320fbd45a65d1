"""Whatever is changed in a fixture, the validator's shortcuts report what plain pyx12 reports.

The shortcut validator is shared by every example and first sees the untouched fixtures (and a
generated interchange of 30 claims, whose runs repeat), so most mutated interchanges meet a
remembered walk plan, for the whole interchange or for runs inside it: the same skeleton with other
values (blanked or junk elements), or a skeleton one segment or qualifier away from one it knows
(dropped, repeated or re-qualified segments).
"""

from __future__ import annotations

import pytest
from claimedit_test_support import REPO, bench_generator, without_999_envelopes
from hypothesis import given
from hypothesis import strategies as st

from claimedit.pipeline import Pipeline
from claimedit.validation.pyx12 import Pyx12Validator

from .profile import deterministic

FIXTURES = REPO / "x12_fixtures"
TEXTS = [
    *(path.read_text() for path in sorted((FIXTURES / "clean").glob("*.x12"))),
    bench_generator().build_interchange(30, seed=5, claims_per_transaction=15),
]
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
        assert without_999_envelopes(plain.process(text)) == without_999_envelopes(shortcut.process(text))
        replayed.append(validator.walk_plan_hits + validator.run_plan_hits > before)

    same_report()
    assert sum(replayed) >= len(replayed) // 4, "the mutations should often meet a remembered walk plan"
