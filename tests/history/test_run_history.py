"""A replay's own history opens its database only when a claim could have an earlier one."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from claimedit_history_claims import claim, interchange

from claimedit.cli import main
from claimedit.history.run import RunHistory
from claimedit.history.store import HistoryStore

from .test_replay_history import EXCISION, FOLLOW_UP

ONE_CLAIM = Path(__file__).parents[2] / "x12_fixtures" / "clean" / "single_claim_premalignant_medicare.x12"


def test_a_one_claim_replay_never_loads_the_database_layer() -> None:
    script = (
        "import sys, contextlib, io\n"
        "from claimedit.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    status = main(['replay', {str(ONE_CLAIM)!r}])\n"
        "print(status, 'sqlalchemy' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert "0 False" == run.stdout.strip()


def test_the_first_claims_verdict_waits_for_the_database_and_a_later_claim_still_sees_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    excision, follow_up = tmp_path / "1_excision.x12", tmp_path / "2_follow_up.x12"
    excision.write_text(interchange([EXCISION], control=1), encoding="utf-8")
    follow_up.write_text(interchange([FOLLOW_UP], control=2), encoding="utf-8")

    status = main(["replay", str(excision), str(follow_up), "--no-validate"])
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    codes = {row["claim_id"]: sorted(finding["code"] for finding in row["findings"]) for row in rows}
    assert (0, {"EXC-1": [], "FUP-2": ["HST003"]}) == (status, codes)


def test_the_store_opens_once_at_the_second_transaction_set() -> None:
    opened: list[HistoryStore] = []

    def open_store() -> HistoryStore:
        opened.append(HistoryStore.in_memory(secrets.token_bytes(32)))
        return opened[-1]

    history = RunHistory(open_store)
    window = (dt.date(2025, 3, 1), dt.date(2025, 3, 6))
    with history.batch([(claim(EXCISION), "k1")]) as batch:
        recall = batch.recall(0)
        nothing = tuple(recall.claims_between(*window))
        recall.record("accepted")
    assert ((), False, 0) == (nothing, history.opened, len(opened))

    with history.batch([(claim(FOLLOW_UP), "k2")]) as batch:
        earlier = batch.recall(0).claims_between(*window)
    assert (True, 1) == (history.opened, len(opened))
    assert ["EXC-1"] == [prior.claim_id for prior in earlier]
