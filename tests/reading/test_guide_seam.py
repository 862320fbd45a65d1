"""The pipeline asks the compiled guide first (validation/gate.py) and pyx12 only when the check is not clean.

A small fake guide stands in for the compiled one: it calls an interchange clean unless it is fed a
segment it was told to distrust, and answers with the 999s pyx12 itself wrote for that input (so that a
clean answer is a true one). The fake lives here, never in production code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from claimedit.pipeline import Pipeline
from claimedit.replay_output import result_lines
from claimedit.results import GroupAck
from claimedit.validation.pyx12 import Pyx12Validator
from claimedit.validation.pyx12_text import text_for_pyx12
from claimedit.x12 import claim_runs, interchange_stream, text_stream
from claimedit.x12.reader import read_input
from claimedit.x12.tokens import Delimiters, Segment

from .conftest import FIXTURES

CLEAN = FIXTURES / "clean" / "benign_excisions_commercial.x12"


@dataclass
class _Check:
    distrusted: frozenset[str]
    answer: list[GroupAck]
    fed: list[str]
    clean: bool = True

    def feed(self, segment: Segment) -> None:
        self.fed.append(segment.raw)
        if segment.tag in self.distrusted:
            self.clean = False

    def feed_all(self, segments: Iterable[Segment]) -> None:
        for segment in segments:
            self.feed(segment)

    def acks(self) -> list[GroupAck]:
        return self.answer if self.clean else []


@dataclass
class _FakeGuide:
    answer: list[GroupAck]
    distrusted: frozenset[str] = frozenset()
    fed: list[str] = field(default_factory=list)

    def open(self, isa: Segment, delimiters: Delimiters) -> _Check:
        del delimiters
        self.fed.append(isa.raw)
        return _Check(self.distrusted, self.answer, self.fed)


class _CountingValidator:
    """pyx12's validator, counting the interchanges it is asked to walk."""

    def __init__(self, validator: Pyx12Validator) -> None:
        self.validator = validator
        self.calls = 0

    def validate(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.validator.validate(*args, **kwargs)

    def validate_file(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.validator.validate_file(*args, **kwargs)


def _pipeline(reference: Pipeline, guide: _FakeGuide | None) -> tuple[Pipeline, _CountingValidator]:
    assert reference.validator is not None
    counting = _CountingValidator(reference.validator)
    return Pipeline(reference.engine, counting, guide=guide), counting  # type: ignore[arg-type]


def _pyx12_acks(pipeline: Pipeline, path: Path) -> list[GroupAck]:
    return list(pipeline.process(path.read_bytes(), "input").acks)


def test_a_clean_check_answers_for_pyx12_which_does_not_run(pipeline: Pipeline) -> None:
    answer = _pyx12_acks(pipeline, CLEAN)
    guided, validator = _pipeline(pipeline, _FakeGuide(answer))

    result = guided.process(CLEAN.read_bytes(), "input")

    assert 0 == validator.calls
    assert [ack.x12 for ack in answer] == [ack.x12 for ack in result.acks]
    assert result_lines(pipeline.process(CLEAN.read_bytes(), "input")) == result_lines(result)


def test_the_check_is_fed_exactly_the_segments_pyx12_is_given(pipeline: Pipeline) -> None:
    guide = _FakeGuide([])
    guided, _ = _pipeline(pipeline, guide)

    guided.process(CLEAN.read_bytes(), "input")

    [read] = read_input(CLEAN.read_bytes())
    assert [line.rstrip("~") for line in text_for_pyx12(read).splitlines()] == guide.fed


def test_an_unclean_check_hands_the_interchange_to_pyx12_and_its_errors_reach_the_claims(pipeline: Pipeline) -> None:
    broken = FIXTURES / "broken" / "balancing_and_code_set.x12"
    guided, validator = _pipeline(pipeline, _FakeGuide([], distrusted=frozenset({"CLM"})))

    result = guided.process(broken.read_bytes(), "input")

    assert 1 == validator.calls
    assert result_lines(pipeline.process(broken.read_bytes(), "input")) == result_lines(result)


def test_a_large_interchange_is_checked_as_it_streams_and_pyx12_does_not_run_when_clean(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_stream, "READ_SIZE", 41)
    monkeypatch.setattr(interchange_stream, "SPILL_AT", 0)
    monkeypatch.setattr(claim_runs, "RUN_CLAIMS", 1)
    answer = _pyx12_acks(pipeline, CLEAN)
    guide = _FakeGuide(answer)
    guided, validator = _pipeline(pipeline, guide)

    with CLEAN.open("rb") as file:
        streamed = list(guided.stream(file, "input"))

    [read] = read_input(CLEAN.read_bytes())
    assert 0 == validator.calls
    assert [line.rstrip("~") for line in text_for_pyx12(read).splitlines()] == guide.fed
    assert [ack.x12 for ack in answer] == [item.x12 for item in streamed if isinstance(item, GroupAck)]


def test_a_large_interchange_whose_check_turns_unclean_is_validated_by_pyx12_from_its_spooled_text(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_stream, "READ_SIZE", 41)
    monkeypatch.setattr(interchange_stream, "SPILL_AT", 0)
    broken = FIXTURES / "broken" / "balancing_and_code_set.x12"
    guided, validator = _pipeline(pipeline, _FakeGuide([], distrusted=frozenset({"SE"})))

    with broken.open("rb") as file:
        streamed = list(guided.stream(file, "input"))

    assert 1 == validator.calls
    held = pipeline.process(broken.read_bytes(), "input")
    assert [(ack.group_control, ack.ack_code) for ack in held.acks] == [
        (item.group_control, item.ack_code) for item in streamed if isinstance(item, GroupAck)
    ]
    assert [claim.findings for claim in held.claims] == [
        item.findings for item in streamed if not isinstance(item, GroupAck) and hasattr(item, "claim")
    ]
