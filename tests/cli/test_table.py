"""``--format table``: the whole source path, the fix beside each finding, the terminal's width, whole verdicts."""

from __future__ import annotations

import io

import pytest

from claimedit.pipeline import Pipeline
from claimedit.replay_output import result_lines
from claimedit.replay_table import summary_line, write_table
from claimedit.report.rows import row_label

from .conftest import BROKEN, CLEAN_ONE, FIXTURES, run_cli

WARNINGS = FIXTURES / "broken" / "balancing_and_code_set.x12"
"""Holds one claim accepted_with_warnings, the longest verdict."""


def column(table: str, name: str) -> str:
    """The words of one column of the first table in ``table``, top to bottom (cells wrap over lines)."""
    lines = table.splitlines()
    header = next(index for index, line in enumerate(lines) if line.lstrip().startswith("claim / verdict"))
    start = lines[header].index(f" {name} ") + 1
    body = [line[start:].split("  ")[0] for line in lines[header + 2 :] if line.strip() and not line[0].isalnum()]
    return " ".join(" ".join(body).split())


def test_one_claim_is_one_claim_not_one_claims(loaded: Pipeline) -> None:
    run = run_cli("replay", "--format", "table", str(CLEAN_ONE))
    assert (0, "1 file, 1 claim: 1 accepted") == (run.status, run.out.splitlines()[-1])


def test_the_table_names_the_whole_source_path_and_the_fix(loaded: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    run = run_cli("replay", "--format", "table", str(BROKEN))
    assert run.out.startswith(f"{BROKEN}  6 claims: 6 rejected\n")
    assert column(run.out, "fix").startswith("Report 17000 x1 and 17003 x1 for the 2 lesions of 2024-09-03. Report")
    assert "6 claims: 6 rejected" == run.out.splitlines()[-1].split(", ", 1)[1]


def test_piped_output_is_a_hundred_columns_wide(loaded: Pipeline, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    run = run_cli("replay", "--format", "table", str(WARNINGS))
    assert 100 == max(len(line) for line in run.out.splitlines())


@pytest.mark.parametrize("width", [120, 100, 80, 60, 40])
def test_a_verdict_is_never_split_across_lines(session_pipeline: Pipeline, width: int) -> None:
    lines = result_lines(session_pipeline.process(WARNINGS.read_bytes(), str(WARNINGS)))
    out = io.StringIO()
    write_table(lines, out, width=width)
    cells = [cell.strip() for line in out.getvalue().splitlines() for cell in line.split("  ") if cell.strip()]
    assert {"rejected", "accepted_with_warnings"} <= set(cells)
    assert max(len(line) for line in out.getvalue().splitlines()) <= width


def test_the_summary_counts_files_claims_and_unreadable_pieces() -> None:
    lines = [
        {"source": "a.x12", "claim_id": "C1", "verdict": "accepted", "findings": []},
        {"source": "b.x12", "claim_id": None, "verdict": "unreadable", "claims_inside": 1, "findings": []},
    ]
    assert "2 files, 2 claims: 1 unreadable (1 claim inside), 1 accepted" == summary_line(lines)


def _shared_row(claims: int) -> dict[str, object]:
    return {
        "source": "batch.x12",
        "claim_id": None,
        "verdict": "shared",
        "scope": "transaction",
        "claims_referencing": claims,
        "interchange_control": "000000001",
        "group_control": "1",
        "transaction_control": "0001",
        "location": "file batch.x12 / interchange 000000001 / group 1 / transaction 0001",
        "findings": [
            {"code": "SYN001", "edit": "implementation-guide-violation", "category": "x12-syntax", "severity": "error"}
        ],
    }


def test_a_shared_row_counts_no_claim_and_says_whose_findings_it_holds() -> None:
    claim = {"source": "batch.x12", "claim_id": "A1", "verdict": "rejected", "findings": []}
    out = io.StringIO()
    write_table([claim, _shared_row(400)], out)
    assert "1 file, 1 claim: 1 rejected, 1 shared" == summary_line([claim, _shared_row(400)])
    assert "(transaction findings of 400 claims)" == row_label(_shared_row(400))
    assert "(transaction findings SYN001 of 400 claims) error shared" in " ".join(out.getvalue().split())
