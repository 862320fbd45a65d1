"""Fuzz target: the project's fixtures mutated (byte flips, truncation, duplicated spans, delimiter swaps)
through the reader and the whole pipeline. No exception escapes, no claim is lost, no input takes long.

Small in CI; ``CLAIMEDIT_PROPERTY_SCALE=200 pytest tests/properties/test_fuzz_pipeline.py
--hypothesis-show-statistics`` runs it for minutes by hand.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from claimedit.pipeline import Pipeline
from claimedit.replay_output import result_lines
from claimedit.x12.reader import read_input

from .profile import deterministic

FIXTURES = sorted((Path(__file__).resolve().parents[2] / "x12_fixtures").rglob("*.x12"))
SECONDS_PER_INPUT = 30.0
"""Far above any fixture's cost (milliseconds): only a blow-up (quadratic work, a loop) reaches it."""
DELIMITERS = b"*~:^|\n\r>!"


@dataclass(frozen=True)
class Flip:
    at: int
    byte: int

    def apply(self, data: bytes) -> bytes:
        at = self.at % max(len(data), 1)
        return data[:at] + bytes([self.byte]) + data[at + 1 :]


@dataclass(frozen=True)
class Truncate:
    at: int

    def apply(self, data: bytes) -> bytes:
        return data[: self.at % max(len(data), 1)]


@dataclass(frozen=True)
class Duplicate:
    start: int
    length: int
    to: int
    times: int

    def apply(self, data: bytes) -> bytes:
        size = max(len(data), 1)
        start = self.start % size
        span = data[start : start + self.length]
        to = self.to % size
        return data[:to] + span * self.times + data[to:]


@dataclass(frozen=True)
class SwapDelimiter:
    old: int
    new: int

    def apply(self, data: bytes) -> bytes:
        return data.replace(bytes([self.old]), bytes([self.new]))


Mutation = Flip | Truncate | Duplicate | SwapDelimiter
positions = st.integers(min_value=0, max_value=1 << 20)
mutations = st.one_of(
    st.builds(Flip, positions, st.one_of(st.sampled_from(list(DELIMITERS)), st.integers(0, 255))),
    st.builds(Truncate, positions),
    st.builds(Duplicate, positions, st.integers(1, 400), positions, st.integers(1, 40)),
    st.builds(SwapDelimiter, st.sampled_from(list(DELIMITERS)), st.sampled_from(list(DELIMITERS))),
)


@st.composite
def mutated_inputs(draw: st.DrawFn) -> bytes:
    data = draw(st.sampled_from(FIXTURES), label="fixture").read_bytes()
    for mutation in draw(st.lists(mutations, min_size=1, max_size=4), label="mutations"):
        data = mutation.apply(data)
    return data


def _check(pipeline: Pipeline, data: bytes) -> None:
    started = time.process_time()
    result = pipeline.process(data, "fuzz.x12")
    lines = result_lines(result)
    seconds = time.process_time() - started

    assert result.clm_segments_seen == result.claims_accounted
    assert len(result.claims) + len(result.unreadable) + len(result.shared) == len(json.loads(json.dumps(lines)))
    assert all(ack.x12.startswith("ISA") and "IEA" in ack.x12 for ack in result.acks)
    assert seconds < SECONDS_PER_INPUT


@deterministic(max_examples=150)
@given(data=mutated_inputs())
def test_the_reader_survives_mutated_fixtures(data: bytes) -> None:
    reads = read_input(data, "fuzz.x12")

    assert reads
    assert all(read.readable or read.findings for read in reads)


@deterministic(max_examples=60)
@given(data=mutated_inputs())
def test_mutated_fixtures_read_without_validation_lose_no_claim(reading_pipeline: Pipeline, data: bytes) -> None:
    _check(reading_pipeline, data)


@pytest.fixture(scope="module")
def full_pipeline() -> Pipeline:
    """Reading, pyx12 validation and every edit: what the replay and the service run."""
    return Pipeline.start()


@deterministic(max_examples=25)
@given(data=mutated_inputs())
def test_mutated_fixtures_through_pyx12_and_the_edits_lose_no_claim_and_raise_nothing(
    full_pipeline: Pipeline, data: bytes
) -> None:
    _check(full_pipeline, data)
