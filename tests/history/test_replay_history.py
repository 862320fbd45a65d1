"""``claimedit replay`` with a history: the run's own by default, a database with --history, none with --no-history."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from claimedit_history_claims import (
    BIRTH_DATE,
    CITY,
    MEMBER_ID,
    PATIENT_FIRST,
    PATIENT_NAME,
    STREET,
    interchange,
    visit,
)

from claimedit.cli import main

from .conftest import SECRET

EXCISION = """CLM*EXC-1*300***11:B:1*Y*A*Y*Y
HI*ABK:C44612
LX*1
SV1*HC:11602*300*UN*1***1
DTP*472*D8*20250303
NTE*ADD*LESION 1.0 CM MARGINS 0.2 CM"""
FOLLOW_UP = """CLM*FUP-2*120***11:B:1*Y*A*Y*Y
HI*ABK:C44612
LX*1
SV1*HC:99213*120*UN*1***1
DTP*472*D8*20250306"""


def _replay(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[str, list[str]]]:
    status = main(["replay", *args])
    out = capsys.readouterr().out
    codes = {}
    for line in out.splitlines():
        result = json.loads(line)
        codes[result["claim_id"]] = sorted(finding["code"] for finding in result["findings"])
    return status, codes


@pytest.fixture
def visit_file(tmp_path: Path) -> Path:
    path = tmp_path / "excision_and_follow_up.x12"
    path.write_text(interchange([EXCISION, FOLLOW_UP]), encoding="utf-8")
    return path


def test_replay_flags_a_follow_up_on_its_own_claim_inside_the_excisions_global_period(
    capsys: pytest.CaptureFixture[str], visit_file: Path
) -> None:
    status, codes = _replay(capsys, str(visit_file), "--no-validate")
    assert (0, {"EXC-1": [], "FUP-2": ["HST003"]}) == (status, codes)


def test_replay_without_history_edits_each_claim_alone(capsys: pytest.CaptureFixture[str], visit_file: Path) -> None:
    status, codes = _replay(capsys, str(visit_file), "--no-validate", "--no-history")
    assert (0, {"EXC-1": [], "FUP-2": []}) == (status, codes)


def test_a_file_replayed_twice_with_a_persistent_history_is_a_duplicate_the_second_time(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path, history_url: str
) -> None:
    monkeypatch.setenv("CLAIMEDIT_HISTORY_SECRET", SECRET.decode())
    path = tmp_path / "three_visits.x12"
    path.write_text(interchange([visit("V-1", day="20250301"), visit("V-2", day="20250302"), visit("V-3")]))
    assert main(["history", "migrate", "--history", history_url]) == 0
    capsys.readouterr()
    first = _replay(capsys, str(path), "--no-validate", "--history", history_url)
    second = _replay(capsys, str(path), "--no-validate", "--history", history_url)
    expected = (
        (0, {"V-1": [], "V-2": [], "V-3": []}),
        (0, {"V-1": ["HST001"], "V-2": ["HST001"], "V-3": ["HST001"]}),
    )
    assert expected == (first, second)


def test_replay_on_an_unmigrated_history_stops_with_one_line_naming_the_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, visit_file: Path, sqlite_url: str
) -> None:
    monkeypatch.setenv("CLAIMEDIT_HISTORY_SECRET", SECRET.decode())
    status = main(["replay", str(visit_file), "--history", sqlite_url])
    err = capsys.readouterr().err
    expected = (2, 1, True)
    assert expected == (status, len(err.strip().splitlines()), "claimedit history migrate" in err)


def test_a_persistent_history_needs_its_secret(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, visit_file: Path, sqlite_url: str
) -> None:
    monkeypatch.delenv("CLAIMEDIT_HISTORY_SECRET", raising=False)
    status = main(["replay", str(visit_file), "--history", sqlite_url])
    assert (2, True) == (status, "CLAIMEDIT_HISTORY_SECRET" in capsys.readouterr().err)


def test_history_stats_and_purge_print_counts_only(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, visit_file: Path, sqlite_url: str
) -> None:
    monkeypatch.setenv("CLAIMEDIT_HISTORY_SECRET", SECRET.decode())
    main(["history", "migrate", "--history", sqlite_url])
    main(["replay", str(visit_file), "--no-validate", "--history", sqlite_url])
    capsys.readouterr()
    main(["history", "stats", "--history", sqlite_url])
    stats = json.loads(capsys.readouterr().out)
    main(["history", "purge", "--history", sqlite_url, "--days", "400"])
    purged = capsys.readouterr().out.strip()
    expected = ({"claims": 2, "lines": 2, "patients": 1}, "purged 0 claims seen more than 400 days ago")
    assert expected == ({key: stats[key] for key in ("claims", "lines", "patients")}, purged)


def test_history_findings_name_the_earlier_claim_and_no_patient_identifier(
    capsys: pytest.CaptureFixture[str], visit_file: Path
) -> None:
    main(["replay", str(visit_file), "--no-validate"])
    out = capsys.readouterr().out
    messages = [f["message"] for line in out.splitlines() for f in json.loads(line)["findings"]]
    phi = [PATIENT_NAME, PATIENT_FIRST, MEMBER_ID, BIRTH_DATE, "1950-01-01", STREET, CITY]
    leaked = [value for value in phi if value in out.upper()]
    assert (1, True, []) == (len(messages), "claim EXC-1 (seen " in messages[0], leaked)
