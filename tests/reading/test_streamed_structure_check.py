"""A large transaction without errors to sort is checked for readability without reading its claims: the
check finds the claim parser's structure errors (SYN007), first one first, and what the parser would fail
on, so the transaction streamed turns unreadable exactly as it does held whole.

Replayed with and without validation: without it, no error is sorted to claims and the check alone decides
(with it, pyx12 finds these errors too, and the claims are read once to sort them).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claimedit.pipeline import Pipeline
from claimedit.replay_output import result_lines
from claimedit.results import ClaimResult, GroupAck, UnreadableResult
from claimedit.validation import pyx12 as validation
from claimedit.x12 import claim_runs, interchange_stream, text_stream

from .test_streamed_equals_held import _ack_lines, _nth_index, _one_transaction, _streamed_lines


def _claim_at(segments: list[str], nth: int) -> tuple[int, int]:
    """Where the ``nth`` claim's segments start (its CLM) and end (the HL, CLM or SE after them)."""
    start = _nth_index(segments, "CLM*", nth)
    end = next(i for i in range(start + 1, len(segments)) if segments[i].split("*")[0] in ("HL", "CLM", "SE"))
    return start, end


def _first_claim_with_lines(segments: list[str], lines: int) -> tuple[int, int]:
    nth = 0
    while True:
        start, end = _claim_at(segments, nth)
        if sum(segment.startswith("LX*") for segment in segments[start:end]) >= lines:
            return start, end
        nth += 1


def _empty_clm01(segments: list[str]) -> list[str]:
    start, _ = _claim_at(segments, 15)
    elements = segments[start].split("*")
    return [*segments[:start], "*".join(["CLM", "", *elements[2:]]), *segments[start + 1 :]]


def _lx01_not_digits(segments: list[str]) -> list[str]:
    at = _nth_index(segments, "LX*", 15)
    return [*segments[:at], "LX*A", *segments[at + 1 :]]


def _lx01_a_digit_int_cannot_read(segments: list[str]) -> list[str]:
    """LX01 a superscript two: a digit to ``str.isdigit`` that ``int`` refuses (the parser fails on it)."""
    at = _nth_index(segments, "LX*", 15)
    return [*segments[:at], "LX*\u00b2", *segments[at + 1 :]]


def _line_without_sv1(segments: list[str]) -> list[str]:
    at = _nth_index(segments, "SV1*", 15)
    return [*segments[:at], *segments[at + 1 :]]


def _sv1_missing_then_lx01_not_digits(segments: list[str]) -> list[str]:
    """In one claim, its first line without SV1 and its last LX01 not digits: the LX01 is met first."""
    start, end = _first_claim_with_lines(segments, 2)
    lx = [i for i in range(start, end) if segments[i].startswith("LX*")]
    sv1 = lx[0] + 1
    assert segments[sv1].startswith("SV1*")
    changed = [*segments[:sv1], "NTE*ADD*NO SERVICE", *segments[sv1 + 1 :]]
    changed[lx[-1]] = "LX*X"
    return changed


def _first_of_two_lines_without_sv1(segments: list[str]) -> list[str]:
    """A claim's first service line without SV1, another line after it: the first line is the one named."""
    start, end = _first_claim_with_lines(segments, 2)
    sv1 = next(i for i in range(start, end) if segments[i].startswith("LX*")) + 1
    assert segments[sv1].startswith("SV1*")
    return [*segments[:sv1], *segments[sv1 + 1 :]]


def _two_claims_wrong(segments: list[str]) -> list[str]:
    """A later claim's CLM01 empty and an earlier claim's line without SV1: the earlier claim's is met first."""
    return _empty_clm01(_line_without_sv1(segments))


SHAPES = {
    "clm01-empty": (_empty_clm01, "CLM01 (patient control number) is empty."),
    "lx01-not-digits": (_lx01_not_digits, "LX01 is not a line number"),
    "lx01-a-digit-int-cannot-read": (_lx01_a_digit_int_cannot_read, ""),
    "line-without-sv1": (_line_without_sv1, "has no SV1 segment."),
    "first-of-two-lines-without-sv1": (_first_of_two_lines_without_sv1, "Service line 1 (LX) has no SV1 segment."),
    "sv1-missing-then-lx01-not-digits": (_sv1_missing_then_lx01_not_digits, "LX01 is not a line number"),
    "two-claims-wrong": (_two_claims_wrong, "has no SV1 segment."),
}
"""Each way the claims of a 30-claim transaction cannot be read, and what the finding that says so reads."""


@pytest.mark.parametrize("validating", [True, False])
@pytest.mark.parametrize("run_claims", [1, 7])
@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_large_transaction_whose_claims_cannot_be_read_turns_unreadable_streamed_as_held_whole(
    pipeline: Pipeline,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    *,
    shape: str,
    run_claims: int,
    validating: bool,
) -> None:
    if not validating:
        pipeline = Pipeline(pipeline.engine, None)
    change, message = SHAPES[shape]
    segments = change(_one_transaction(30))
    path = tmp_path / f"{shape}.x12"
    path.write_text("".join(f"{segment}~\n" for segment in segments), encoding="utf-8")

    held = pipeline.process(path.read_bytes(), str(path))
    monkeypatch.setattr(text_stream, "READ_SIZE", 37)
    monkeypatch.setattr(interchange_stream, "SPILL_AT", 0)
    monkeypatch.setattr(claim_runs, "RUN_CLAIMS", run_claims)
    monkeypatch.setattr(validation, "_READ_CHARS", 53)
    with path.open("rb") as file:
        streamed = list(pipeline.stream(file, str(path)))

    assert not held.claims, "held whole, the transaction is unreadable"
    assert not [item for item in streamed if isinstance(item, ClaimResult)], "no claim handed on streamed either"
    assert result_lines(held) == _streamed_lines(streamed, str(path))
    assert [_ack_lines(ack) for ack in held.acks] == [
        _ack_lines(item) for item in streamed if isinstance(item, GroupAck)
    ]
    messages = [finding.message for item in streamed if isinstance(item, UnreadableResult) for finding in item.findings]
    assert any(message in found for found in messages), f"the finding says: {message}"
