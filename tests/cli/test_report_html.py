"""``--format html``: one self-contained page built from the replay rows, with no patient data."""

from __future__ import annotations

import re
from pathlib import Path

from claimedit.pipeline import Pipeline
from claimedit.report import render_html
from claimedit.report.html import build_report
from claimedit.x12.reader import read_claims

from .conftest import BROKEN, FIXTURES, run_cli


def test_the_report_is_written_to_out_and_nothing_to_stdout(loaded: Pipeline, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    run = run_cli("replay", str(BROKEN), "--format", "html", "--out", str(report))
    page = report.read_text(encoding="utf-8")
    assert (0, "") == (run.status, run.out)
    assert page.startswith("<!doctype html>")
    assert 1 == len(re.findall(r'id="count-rejected"[^>]*>\s*<span class="number">6</span>', page))


def test_the_page_fetches_nothing_from_the_network(loaded: Pipeline, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    run_cli("replay", str(FIXTURES), "--format", "html", "--out", str(report))
    page = report.read_text(encoding="utf-8")
    assert "default-src 'none'" in page  # the Content-Security-Policy forbids any fetch the page might try
    assert [] == re.findall(r"<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import", page)
    assert ["http://www.w3.org/2000/svg"] == sorted(set(re.findall(r"https?://[^\"' )<]+", page)))


def test_the_page_carries_no_patient_data(loaded: Pipeline, tmp_path: Path) -> None:
    report = tmp_path / "report.html"
    run_cli("replay", str(FIXTURES), "--format", "html", "--out", str(report))
    page = report.read_text(encoding="utf-8")
    people = [
        person
        for path in FIXTURES.rglob("*.x12")
        for claim in read_claims(path.read_bytes())
        for person in (claim.subscriber, claim.patient)
        if person is not None
    ]
    # Last names are left out: the fictional payers' names share the word FICTIONAL with fictional subscribers.
    values = {
        value
        for person in people
        for value in (person.first_name, person.member_id, person.date_of_birth, person.address_line1)
        if value and len(value) > 3
    }
    assert values, "the fixtures carry patient data to look for"
    assert [] == sorted(value for value in values if value in page)


def test_text_from_the_rows_is_escaped() -> None:
    row = {
        "source": "a.x12",
        "claim_id": "<script>alert(1)</script>",
        "verdict": "rejected",
        "payer": {"name": "A & B <PLAN>", "payer_id": "1", "filing_indicator": "CI"},
        "findings": [],
    }
    page = render_html([row])
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "A &amp; B &lt;PLAN&gt; (1)" in page


def test_claims_that_need_work_come_first_most_errors_first() -> None:
    def row(claim_id: str, verdict: str, errors: int) -> dict[str, object]:
        findings = [{"code": "X", "severity": "error", "category": "modifier"}] * errors
        return {"source": "a.x12", "claim_id": claim_id, "verdict": verdict, "findings": findings}

    rows = [row("OK", "accepted", 0), row("ONE", "rejected", 1), row("WARN", "accepted_with_warnings", 0)]
    rows.append(row("THREE", "rejected", 3))
    assert ["THREE", "ONE", "WARN", "OK"] == [item.label for item in build_report(rows).items]


def test_findings_are_counted_by_code_and_by_category() -> None:
    findings = [
        {"code": "LES001", "edit": "e", "severity": "error", "category": "lesion-units"},
        {"code": "MOD002", "edit": "m", "severity": "error", "category": "modifier"},
        {"code": "LES001", "edit": "e", "severity": "error", "category": "lesion-units"},
    ]
    report = build_report([{"source": "a", "claim_id": "C", "verdict": "rejected", "findings": findings}])
    assert [("LES001", 2, 100.0), ("MOD002", 1, 50.0)] == [(b.label, b.count, b.percent) for b in report.by_code]
    assert [("lesion-units", 2), ("modifier", 1)] == [(b.label, b.count) for b in report.by_category]


def test_an_out_file_that_cannot_be_written_is_one_line_and_bad_usage(tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "report.html"
    run = run_cli("replay", str(BROKEN), "--format", "html", "--out", str(target))
    assert (2, "") == (run.status, run.out)
    assert [
        f"claimedit replay: cannot write {target}: No such file or directory (choose another --out)"
    ] == run.err_lines


def test_a_replay_that_read_nothing_says_so() -> None:
    page = render_html([])
    assert "No claims were read." in page
    assert 'id="count-rejected"' in page


def test_a_shared_row_is_shown_as_its_scope_and_counts_no_claim() -> None:
    shared = {
        "source": "batch.x12",
        "claim_id": None,
        "verdict": "shared",
        "scope": "group",
        "claims_referencing": 2,
        "group_control": "7",
        "location": "file batch.x12 / interchange 000000001 / group 7",
        "findings": [],
    }
    claim = {"source": "batch.x12", "claim_id": "A1", "verdict": "accepted", "findings": []}
    report = build_report([claim, shared])
    assert (1, 1) == (report.claims, report.verdicts["shared"])
    assert ["(group findings of 2 claims)", "A1"] == sorted(item.label for item in report.items)
