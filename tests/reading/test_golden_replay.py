"""Every bundled fixture replays to exactly its checked-in golden output (<name>.jsonl beside <name>.x12).

To accept a deliberate change, regenerate and review the diff:
    CLAIMEDIT_UPDATE_GOLDENS=1 pytest tests/reading/test_golden_replay.py && git diff x12_fixtures
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from claimedit.history.store import HistoryStore
from claimedit.pipeline import Pipeline
from claimedit.replay_output import result_lines

from .conftest import REPO, fixture_files

UPDATE = os.environ.get("CLAIMEDIT_UPDATE_GOLDENS") == "1"
FIXTURES = fixture_files()


SEEN_AT = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)
"""The clock of each replay's own history, so that "seen <date>" in history findings is stable."""


def _replay(pipeline: Pipeline, path: Path) -> list[dict[str, object]]:
    """As ``claimedit replay FILE`` does: the file's claims see each other through a history of this run only."""
    source = path.relative_to(REPO).as_posix()
    history = HistoryStore.in_memory(b"golden-replay-secret", clock=lambda: SEEN_AT)
    with_history = Pipeline(pipeline.engine, pipeline.validator, history)
    try:
        return result_lines(with_history.process(path.read_bytes(), source))
    finally:
        history.close()


@pytest.mark.parametrize("path", FIXTURES, ids=[f"{p.parent.name}/{p.name}" for p in FIXTURES])
def test_fixture_replays_to_its_golden_file(pipeline: Pipeline, path: Path) -> None:
    golden = path.with_suffix(".jsonl")
    actual = _replay(pipeline, path)
    if UPDATE:
        golden.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in actual), encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}: run with CLAIMEDIT_UPDATE_GOLDENS=1 and review it"
    expected = [json.loads(line) for line in golden.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert expected == actual


def test_every_golden_file_has_its_fixture() -> None:
    orphans = [p.name for p in (REPO / "x12_fixtures").rglob("*.jsonl") if not p.with_suffix(".x12").exists()]
    assert orphans == []


def test_fixture_outcomes_cover_every_verdict_and_category() -> None:
    verdicts: set[str] = set()
    categories: set[str] = set()
    for golden in (REPO / "x12_fixtures").rglob("*.jsonl"):
        for raw in golden.read_text(encoding="utf-8").splitlines():
            line = json.loads(raw)
            verdicts.add(line["verdict"])
            categories.update(finding["category"] for finding in line["findings"])
    assert {"accepted", "accepted_with_warnings", "rejected", "unreadable", "shared"} == verdicts
    assert {
        "x12-syntax",
        "balancing",
        "code-set",
        "lesion-units",
        "add-on",
        "size-tier",
        "modifier",
        "diagnosis",
        "claim-data",
    } <= categories
