"""Streaming changes nothing: an input read in small pieces, its interchanges spooled and its transactions
read in runs of claims, replays to exactly what it replays to when held whole.

The pieces are made tiny here (a few dozen characters read at a time, every interchange spooled and
validated from its spooled text, runs of one claim) so that every fixture and every public sample
crosses each boundary the streaming code has: an interchange end straddling two reads, a spooled
interchange, a transaction cut into runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from claimedit_test_support import bench_generator

from claimedit.history.store import HistoryStore
from claimedit.pipeline import Pipeline, Produced
from claimedit.replay import FileReplay
from claimedit.replay_output import claim_line, result_lines, shared_line, unreadable_line
from claimedit.results import ClaimResult, GroupAck, SharedFindings, UnreadableResult
from claimedit.validation import pyx12 as validation
from claimedit.x12 import claim_runs, interchange_stream, reader, text_stream
from claimedit.x12.parsed import ParsedClaim

from .conftest import FIXTURES, fixture_files, sample_files

SEEN_AT = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
FILES = fixture_files() + sample_files()
HISTORY_FILES = sorted(FIXTURES.glob("edits/*.x12"))
"""The fixtures whose claims find each other in the history (duplicates, global periods, daily limits)."""


@pytest.fixture
def tiny_pieces(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Makes the pieces tiny when called: a test reads its held reference first, with the sizes as shipped
    (an interchange under a megabyte held whole, a transaction of 200 claims or fewer read whole)."""

    def shrink() -> None:
        monkeypatch.setattr(text_stream, "READ_SIZE", 37)
        monkeypatch.setattr(interchange_stream, "SPILL_AT", 0)
        monkeypatch.setattr(claim_runs, "RUN_CLAIMS", 1)
        monkeypatch.setattr(validation, "_READ_CHARS", 53)

    return shrink


def _rows(pipeline: Pipeline, path: Path, *, streamed: bool) -> list[dict[str, Any]]:
    """The file's replay rows with a history of this run only, as ``claimedit replay`` makes them."""
    history = HistoryStore.in_memory(b"streaming-secret", clock=lambda: SEEN_AT)
    with_history = Pipeline(pipeline.engine, pipeline.validator, history)
    try:
        if streamed:
            return list(FileReplay(with_history, path))
        source = str(path)
        return result_lines(with_history.process(path.read_bytes(), source))
    finally:
        history.close()


def _ack_lines(ack: GroupAck) -> tuple[str, str, bool, list[str]]:
    """A 999 without its envelope (dates, times and control numbers of the moment it was written)."""
    envelope = ("ISA", "GS*", "GE*", "IEA", "")
    body = [segment.strip() for segment in ack.x12.split("~") if segment.strip()[:3] not in envelope]
    return ack.interchange_control, ack.group_control, ack.accepted, body


def _streamed_lines(items: list[Produced], source: str) -> list[dict[str, Any]]:
    """The replay lines of streamed results, in the order ``result_lines`` gives a held input's."""
    claims = [claim_line(source, item) for item in items if isinstance(item, ClaimResult)]
    unreadable = [unreadable_line(source, item) for item in items if isinstance(item, UnreadableResult)]
    shared = [shared_line(source, item) for item in items if isinstance(item, SharedFindings)]
    return [*claims, *unreadable, *shared]


@pytest.mark.parametrize("path", FILES, ids=[p.relative_to(p.parents[1]).as_posix() for p in FILES])
def test_a_file_streamed_in_tiny_pieces_replays_as_held_whole(
    pipeline: Pipeline, path: Path, tiny_pieces: Callable[[], None]
) -> None:
    held = pipeline.process(path.read_bytes(), str(path))
    tiny_pieces()
    with path.open("rb") as file:
        streamed = list(pipeline.stream(file, str(path)))

    assert [_ack_lines(ack) for ack in held.acks] == [
        _ack_lines(item) for item in streamed if isinstance(item, GroupAck)
    ]
    assert result_lines(held) == _streamed_lines(streamed, str(path))


@pytest.mark.parametrize("path", HISTORY_FILES, ids=[p.name for p in HISTORY_FILES])
def test_claims_read_in_runs_see_each_other_in_the_run_history_as_held_ones_do(
    pipeline: Pipeline, path: Path, tiny_pieces: Callable[[], None]
) -> None:
    held = _rows(pipeline, path, streamed=False)
    tiny_pieces()
    assert held == _rows(pipeline, path, streamed=True)


def test_a_large_transaction_is_read_in_runs_and_each_run_is_handed_on_before_the_next_is_read(
    pipeline: Pipeline, tiny_pieces: Callable[[], None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    tiny_pieces()
    path = tmp_path / "twelve.x12"
    path.write_text(bench_generator().build_interchange(12, seed=5, claims_per_transaction=12), encoding="utf-8")
    real_parse_run = reader._parse_run
    runs_read: list[int] = []

    def counting(tx: reader.TransactionRead, run: claim_runs.ClaimRun) -> list[ParsedClaim]:
        parsed = real_parse_run(tx, run)
        runs_read.append(len(parsed))
        return parsed

    monkeypatch.setattr(reader, "_parse_run", counting)
    with path.open("rb") as file:
        read_when_handed_on = [
            len(runs_read) for item in pipeline.stream(file, str(path)) if isinstance(item, ClaimResult)
        ]

    assert [1] * 12 == runs_read, "each claim's run read once: the transaction is checked without reading claims"
    assert list(range(1, 13)) == read_when_handed_on, "each claim handed on before the next run is read"


def _one_transaction(claims: int) -> list[str]:
    """The segments of a generated interchange of ``claims`` claims in one transaction (ST/SE)."""
    text = bench_generator().build_interchange(claims, seed=7, claims_per_transaction=claims)
    return [segment for segment in text.split("~\n") if segment]


def _last_index(segments: list[str], tag: str) -> int:
    return max(index for index, segment in enumerate(segments) if segment.split("*")[0] == tag)


def _breach_at_the_end(segments: list[str]) -> list[str]:
    """Two HL levels below the last HL just before the SE: four levels deep, SYN010 at the last segments."""
    se = _last_index(segments, "SE")
    last_hl = segments[_last_index(segments, "HL")].split("*")[1]
    deeper = [f"HL*9998*{last_hl}*23*0", "PAT*19", "HL*9999*9998*23*0", "PAT*19"]
    return [*segments[:se], *deeper, *segments[se:]]


def _empties_late(segments: list[str]) -> list[str]:
    """25 empty segments before the last claim: 20 named, the rest counted from the 21st to the 25th."""
    clm = _last_index(segments, "CLM")
    return [*segments[:clm], *[""] * 25, *segments[clm:]]


def _without_se(segments: list[str]) -> list[str]:
    se = _last_index(segments, "SE")
    return [*segments[:se], *segments[se + 1 :]]


def _last_claim_unreadable(segments: list[str]) -> list[str]:
    """CLM01 emptied on the last claim: the transaction turns unreadable (SYN007) after its other runs were read."""
    clm = _last_index(segments, "CLM")
    elements = segments[clm].split("*")
    return [*segments[:clm], "*".join(["CLM", "", *elements[2:]]), *segments[clm + 1 :]]


def _institutional(segments: list[str]) -> list[str]:
    """GS08 of an 837I: nothing of the transaction is read (SYN002)."""
    return [segment.replace("005010X222A1", "005010X223A2") for segment in segments]


def _claim_before_first_hl(segments: list[str]) -> list[str]:
    """A claim's CLM before the first HL: a shape the cut does not know, read whole."""
    hl = next(index for index, segment in enumerate(segments) if segment.startswith("HL*"))
    clm = next(index for index, segment in enumerate(segments) if segment.startswith("CLM*"))
    return [*segments[:hl], segments[clm], *segments[hl:]]


def _nth_index(segments: list[str], prefix: str, nth: int) -> int:
    return [index for index, segment in enumerate(segments) if segment.startswith(prefix)][nth]


def _bad_date_in_a_middle_claim(segments: list[str]) -> list[str]:
    """The 15th service date a month 13: pyx12 finds an error inside one claim's 2400 segments."""
    at = _nth_index(segments, "DTP*472*", 15)
    return [*segments[:at], "DTP*472*D8*20241399", *segments[at + 1 :]]


def _bad_code_in_a_subscriber_loop(segments: list[str]) -> list[str]:
    """The 10th SBR's payer responsibility code unknown: an error in an HL loop's own segments."""
    at = _nth_index(segments, "SBR*", 10)
    return [*segments[:at], "SBR*Q" + segments[at][len("SBR*P") :], *segments[at + 1 :]]


def _wrong_se_count(segments: list[str]) -> list[str]:
    """SE01 one short: an error of the transaction as a whole, which only the trailer reveals."""
    se = _last_index(segments, "SE")
    count, control = segments[se].split("*")[1:3]
    return [*segments[:se], f"SE*{int(count) - 1}*{control}", *segments[se + 1 :]]


LARGE_TRANSACTION_SHAPES = {
    "bad-date-in-a-middle-claim": (_bad_date_in_a_middle_claim, "SYN001"),
    "bad-code-in-a-subscriber-loop": (_bad_code_in_a_subscriber_loop, "SYN001"),
    "wrong-se-count": (_wrong_se_count, "SYN001"),
    "clean": (lambda segments: segments, ""),
    "limit-breached-at-its-end": (_breach_at_the_end, "SYN010"),
    "empty-segments-late": (_empties_late, "SYN004"),
    "without-se": (_without_se, "SYN005"),
    "last-claim-unreadable": (_last_claim_unreadable, "SYN007"),
    "institutional": (_institutional, "SYN002"),
    "claim-before-the-first-hl": (_claim_before_first_hl, ""),
}
"""Each shape of a 30-claim transaction, and the reader's finding that shows the shape was met."""


@pytest.mark.parametrize("run_claims", [1, 7])
@pytest.mark.parametrize("shape", sorted(LARGE_TRANSACTION_SHAPES))
def test_one_large_transaction_checked_and_cut_while_it_streams_replays_as_held_whole(
    pipeline: Pipeline,
    tiny_pieces: Callable[[], None],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    *,
    shape: str,
    run_claims: int,
) -> None:
    change, code = LARGE_TRANSACTION_SHAPES[shape]
    segments = change(_one_transaction(30))
    path = tmp_path / f"{shape}.x12"
    path.write_text("".join(f"{segment}~\n" for segment in segments), encoding="utf-8")

    held = pipeline.process(path.read_bytes(), str(path))
    tiny_pieces()
    monkeypatch.setattr(claim_runs, "RUN_CLAIMS", run_claims)
    with path.open("rb") as file:
        streamed = list(pipeline.stream(file, str(path)))

    assert [_ack_lines(ack) for ack in held.acks] == [
        _ack_lines(item) for item in streamed if isinstance(item, GroupAck)
    ]
    assert result_lines(held) == _streamed_lines(streamed, str(path))
    assert [(result.claim, result.segments) for result in held.claims] == [
        (item.claim, item.segments) for item in streamed if isinstance(item, ClaimResult)
    ], "each claim read from the runs as from the whole transaction, to its segments"
    codes = {
        finding.code
        for item in streamed
        if isinstance(item, ClaimResult | UnreadableResult)
        for finding in item.findings
    }
    assert not code or code in codes, f"the shape meets {code}"
    accounted = sum(1 for item in streamed if isinstance(item, ClaimResult))
    accounted += sum(item.claims_inside for item in streamed if isinstance(item, UnreadableResult))
    assert accounted == sum(segment.startswith("CLM*") for segment in segments), "every claim accounted for"


def test_a_large_transaction_with_errors_keeps_where_only_the_claims_and_loops_holding_them_stand(
    pipeline: Pipeline, tiny_pieces: Callable[[], None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    segments = _bad_code_in_a_subscriber_loop(_bad_date_in_a_middle_claim(_one_transaction(30)))
    path = tmp_path / "two-errors.x12"
    path.write_text("".join(f"{segment}~\n" for segment in segments), encoding="utf-8")
    tiny_pieces()
    kept: list[reader.ClaimSpans | None] = []
    real_read_spans = reader._read_spans

    def recording(tx: reader.TransactionRead, *args: Any) -> None:
        real_read_spans(tx, *args)
        kept.append(tx.spans)

    monkeypatch.setattr(reader, "_read_spans", recording)
    with path.open("rb") as file:
        streamed = list(pipeline.stream(file, str(path)))

    assert len(kept) == 1
    spans = kept[0]
    assert spans is not None
    date_at = _nth_index(segments, "DTP*472*", 15) - _nth_index(segments, "ST*", 0) + 1
    assert len(spans.ordinals) == 1, "one claim holds an error: only its span is kept, not one per claim"
    assert spans.starts[0] <= date_at < spans.ends[0]
    assert len(spans.loops) == 1, "one HL loop holds an error: only its range is kept"
    flagged = [
        item.claim.claim_id
        for item in streamed
        if isinstance(item, ClaimResult) and any(finding.code == "SYN001" for finding in item.findings)
    ]
    assert flagged, "the errors still reach their claims"
