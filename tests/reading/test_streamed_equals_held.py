"""Streaming changes nothing: an input read in small pieces, its interchanges spooled and its transactions
read in runs of claims, replays to exactly what it replays to when held whole.

The pieces are made tiny here (a few dozen characters read at a time, every interchange spooled and
validated from its spooled text, runs of one claim) so that every fixture and every public sample
crosses each boundary the streaming code has: an interchange end straddling two reads, a spooled
interchange, a transaction cut into runs.
"""

from __future__ import annotations

import datetime as dt
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
from claimedit.x12.tokens import Segment

from .conftest import FIXTURES, fixture_files, sample_files

SEEN_AT = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
FILES = fixture_files() + sample_files()
HISTORY_FILES = sorted(FIXTURES.glob("edits/*.x12"))
"""The fixtures whose claims find each other in the history (duplicates, global periods, daily limits)."""


@pytest.fixture
def tiny_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_stream, "READ_SIZE", 37)
    monkeypatch.setattr(interchange_stream, "SPILL_AT", 0)
    monkeypatch.setattr(claim_runs, "RUN_CLAIMS", 1)
    monkeypatch.setattr(validation, "_READ_CHARS", 53)


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
    pipeline: Pipeline, path: Path, tiny_pieces: None
) -> None:
    held = pipeline.process(path.read_bytes(), str(path))
    with path.open("rb") as file:
        streamed = list(pipeline.stream(file, str(path)))

    assert [_ack_lines(ack) for ack in held.acks] == [
        _ack_lines(item) for item in streamed if isinstance(item, GroupAck)
    ]
    assert result_lines(held) == _streamed_lines(streamed, str(path))


@pytest.mark.parametrize("path", HISTORY_FILES, ids=[p.name for p in HISTORY_FILES])
def test_claims_read_in_runs_see_each_other_in_the_run_history_as_held_ones_do(
    pipeline: Pipeline, path: Path, tiny_pieces: None
) -> None:
    assert _rows(pipeline, path, streamed=False) == _rows(pipeline, path, streamed=True)


def test_a_large_transaction_is_read_in_runs_and_each_run_is_handed_on_before_the_next_is_read(
    pipeline: Pipeline, tiny_pieces: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "twelve.x12"
    path.write_text(bench_generator().build_interchange(12, seed=5, claims_per_transaction=12), encoding="utf-8")
    real_parse_run = reader._parse_run
    runs_read: list[int] = []

    def counting(tx: reader.TransactionRead, run: list[Segment]) -> list[ParsedClaim]:
        parsed = real_parse_run(tx, run)
        runs_read.append(len(parsed))
        return parsed

    monkeypatch.setattr(reader, "_parse_run", counting)
    with path.open("rb") as file:
        read_when_handed_on = [
            len(runs_read) for item in pipeline.stream(file, str(path)) if isinstance(item, ClaimResult)
        ]

    assert [1] * 24 == runs_read, "each claim's run read twice: once to check the transaction, once for the claim"
    assert list(range(13, 25)) == read_when_handed_on, "each claim handed on before the next run is read"
