"""The replay contract other tools rely on: JSON lines, verdicts, exit statuses, no patient data."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
import pyx12.params
import pyx12.x12n_document

from claimedit.cli import main
from claimedit.pipeline import Pipeline
from claimedit.x12.reader import read_claims
from claimedit.x12.syntax import SYNTAX_FINDINGS
from claimedit_edits.engine import runner

from .conftest import FIXTURES, REPO

CONTROL_KEYS = {"interchange_control", "group_control", "transaction_control"}
CLAIM_KEYS = {"source", "claim_id", "verdict", "findings", "payer"} | CONTROL_KEYS
UNREADABLE_KEYS = (CLAIM_KEYS - {"payer"}) | {"claims_inside"}
SHARED_KEYS = (CLAIM_KEYS - {"payer"}) | {"scope", "claims_referencing", "location"}
FINDING_KEYS = {"code", "edit", "category", "severity", "line", "message", "source", "fix"}


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exit_:  # argparse exits on bad usage
            status = int(exit_.code or 0)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def replay_all() -> tuple[int, list[dict[str, object]]]:
    status, out, _ = run_cli("replay", str(FIXTURES))
    return status, [json.loads(line) for line in out.splitlines()]


def test_replay_of_every_fixture_exits_zero_whatever_the_verdicts(
    replay_all: tuple[int, list[dict[str, object]]],
) -> None:
    status, lines = replay_all
    assert status == 0
    expected = {"accepted", "accepted_with_warnings", "rejected", "unreadable", "shared"}
    assert expected == {line["verdict"] for line in lines}


def test_every_line_has_exactly_the_contract_keys(replay_all: tuple[int, list[dict[str, object]]]) -> None:
    for line in replay_all[1]:
        expected = {"unreadable": UNREADABLE_KEYS, "shared": SHARED_KEYS}.get(str(line["verdict"]), CLAIM_KEYS)
        assert expected == set(line)
        findings = line["findings"]
        assert isinstance(findings, list)
        for finding in findings:
            assert FINDING_KEYS <= set(finding) <= FINDING_KEYS | {"location"}
            assert finding["severity"] in {"error", "warning", "info"}


def test_verdict_follows_the_worst_severity(replay_all: tuple[int, list[dict[str, object]]]) -> None:
    for line in replay_all[1]:
        if line["verdict"] in ("unreadable", "shared"):
            continue
        severities = {finding["severity"] for finding in line["findings"]}  # type: ignore[attr-defined]
        expected = (
            "rejected" if "error" in severities else "accepted_with_warnings" if "warning" in severities else "accepted"
        )
        assert expected == line["verdict"]


def test_replay_prints_no_patient_name_member_id_birth_date_or_address(
    replay_all: tuple[int, list[dict[str, object]]],
) -> None:
    # The payer (2010BB organisation name and id) is not patient data, but the fictional payers share a word
    # with fictional subscribers' last names: it is checked apart, by its keys.
    assert all(set(line.get("payer", {})) <= {"name", "payer_id", "filing_indicator"} for line in replay_all[1])
    text = json.dumps([{key: value for key, value in line.items() if key != "payer"} for line in replay_all[1]])
    people = [
        person
        for path in FIXTURES.rglob("*.x12")
        for claim in read_claims(path.read_bytes())
        for person in (claim.subscriber, claim.patient)
        if person is not None
    ]
    values = {
        value
        for person in people
        for value in (person.last_name, person.first_name, person.member_id, person.date_of_birth, person.address_line1)
        if value and len(value) > 3
    }
    assert values, "the fixtures carry patient data to look for"
    assert sorted(value for value in values if value in text) == []


def test_claims_are_annotated_with_their_line_rule_source_and_fix(
    replay_all: tuple[int, list[dict[str, object]]],
) -> None:
    line = next(line for line in replay_all[1] if line["claim_id"] == "BRK-17003-X14")
    finding = next(finding for finding in line["findings"] if finding["code"] == "LES003")  # type: ignore[attr-defined]
    assert finding["line"] is not None
    assert "17004" in finding["message"] or "13" in finding["message"]
    assert finding["source"]
    assert finding["fix"] is not None


def test_bad_usage_exits_two() -> None:
    assert run_cli("replay")[0] == 2
    assert run_cli("replay", "--format", "xml", str(FIXTURES))[0] == 2
    assert run_cli("replay", str(FIXTURES / "no-such-file.x12"))[0] == 2


def test_a_file_that_cannot_be_read_is_reported_and_exits_one(monkeypatch: pytest.MonkeyPatch) -> None:
    target = FIXTURES / "clean" / "single_claim_premalignant_medicare.x12"
    real_open = Path.open

    def failing_open(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path == target:
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(Path, "open", failing_open)
    status, out, _ = run_cli("replay", str(target), str(FIXTURES / "broken"))
    lines = [json.loads(line) for line in out.splitlines()]
    assert status == 1
    assert lines[0]["verdict"] == "unreadable"
    assert "Permission denied" in lines[0]["findings"][0]["message"]
    assert len(lines) > 1, "the replay went on after the unreadable file"


def test_table_format_shows_each_finding_and_a_summary() -> None:
    status, out, _ = run_cli("replay", "--format", "table", str(FIXTURES / "broken" / "lesion_units_and_add_on.x12"))
    assert status == 0
    assert "BRK-17000-X2" in out
    assert "LES001" in out
    assert "rejected" in out.splitlines()[-1]


def test_replay_without_validation_still_reads_and_edits_every_claim() -> None:
    status, out, _ = run_cli("replay", "--no-validate", str(FIXTURES / "broken" / "lesion_units_and_add_on.x12"))
    assert status == 0
    assert {"BRK-17000-X2": ["LES001"]}.items() <= {
        line["claim_id"]: [finding["code"] for finding in line["findings"]]
        for line in map(json.loads, out.splitlines())
    }.items()


def test_golden_sources_are_relative_to_the_repository() -> None:
    for golden in FIXTURES.rglob("*.jsonl"):
        first = json.loads(golden.read_text(encoding="utf-8").splitlines()[0])
        assert first["source"] == golden.with_suffix(".x12").relative_to(REPO).as_posix()


def test_errata_version_is_read_as_a1_and_says_so(pipeline: Pipeline) -> None:
    result = pipeline.process((FIXTURES / "malformed" / "errata_gs08_005010X222A2.x12").read_bytes())
    assert result.claims
    for claim in result.claims:
        assert claim.claim.envelope.gs_version == "005010X222A1"
        assert [finding.code for finding in claim.findings if finding.category == "x12-syntax"] == ["SYN003"]
        assert claim.findings[0].severity == "info"


@pytest.mark.parametrize("name", ["version_4010_837p_004010X098A1.x12", "institutional_837i_005010X223A2.x12"])
def test_unsupported_transactions_are_reported_with_their_claim_count(pipeline: Pipeline, name: str) -> None:
    data = (FIXTURES / "malformed" / name).read_bytes()
    result = pipeline.process(data)
    assert result.claims == ()
    assert result.clm_segments_seen == sum(item.claims_inside for item in result.unreadable) > 0
    assert {"SYN002"} == {finding.code for item in result.unreadable for finding in item.findings}


def test_an_empty_segment_loses_no_claim_and_is_named(pipeline: Pipeline) -> None:
    data = (FIXTURES / "malformed" / "empty_segment_mid_claim.x12").read_bytes()
    result = pipeline.process(data)
    assert data.count(b"CLM*") == len(result.claims) == result.claims_accounted
    assert all("SYN004" in {finding.code for finding in claim.findings} for claim in result.claims)
    assert [("R", False)] == [(ack.ack_code, ack.accepted) for ack in result.acks]
    assert "IK5*R*5~" in result.acks[0].x12


def test_one_999_per_functional_group(pipeline: Pipeline) -> None:
    data = (FIXTURES / "clean" / "multi_isa_gs_st.x12").read_bytes()
    result = pipeline.process(data)
    groups = data.count(b"\nGS*") + data.count(b"~GS*") + data.startswith(b"GS*")
    assert groups == len(result.acks)
    assert all(ack.accepted and ack.ack_code == "A" for ack in result.acks)
    assert all(ack.x12.startswith("ISA") and "ST*999" in ack.x12 for ack in result.acks)


def test_syntax_errors_name_interchange_group_transaction_segment_and_element(pipeline: Pipeline) -> None:
    result = pipeline.process((FIXTURES / "malformed" / "wrong_se_count.x12").read_bytes(), "wrong_se_count.x12")
    finding = next(f for claim in result.claims for f in claim.findings if f.code == "SYN001")
    assert finding.location is not None
    for part in ("file wrong_se_count.x12", "interchange", "group", "transaction"):
        assert part in finding.location
    assert [ack for ack in result.acks if ack.accepted] == []


def test_pyx12_maps_are_loaded_once_per_process(monkeypatch: pytest.MonkeyPatch, pipeline: Pipeline) -> None:
    validator = pipeline.validator
    assert validator is not None
    loads: list[str] = []
    real = validator._load_map

    def counting(name: str, *args: object, **kwargs: object) -> object:
        loads.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(validator, "_load_map", counting)
    data = (FIXTURES / "clean" / "single_claim_premalignant_medicare.x12").read_bytes()
    for _ in range(3):
        assert [ack.ack_code for ack in pipeline.process(data).acks] == ["A"]
    assert loads == []


def test_readme_documents_every_syntax_finding_code() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert [kind.code for kind in SYNTAX_FINDINGS.values() if f"| {kind.code} | `{kind.name}` |" not in readme] == []


def test_an_edit_that_fails_logs_to_stderr_and_keeps_stdout_json(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_check(claim: object, reference: object) -> list[object]:
        raise ZeroDivisionError

    real_init = runner.Engine.__init__

    def init_with_broken_edit(self: runner.Engine, *args: object, **kwargs: object) -> None:
        real_init(self, *args, **kwargs)  # type: ignore[arg-type]
        first = self._edits[0]
        self._edits = [type(first)(first.spec, broken_check, first.doc, first.module), *self._edits[1:]]  # type: ignore[misc]

    monkeypatch.setattr(runner.Engine, "__init__", init_with_broken_edit)
    status, out, err = run_cli("replay", str(FIXTURES / "clean" / "single_claim_premalignant_medicare.x12"))
    lines = [json.loads(line) for line in out.splitlines()]
    assert status == 0
    assert [finding["code"] for finding in lines[0]["findings"]] == ["INT001"]
    assert lines[0]["verdict"] == "rejected"
    assert "edit_failed" in err


@pytest.mark.parametrize("name", ["version_4010_837p_004010X098A1.x12", "institutional_837i_005010X223A2.x12"])
def test_unsupported_groups_get_a_999_rejecting_them_that_pyx12_accepts(pipeline: Pipeline, name: str) -> None:
    data = (FIXTURES / "malformed" / name).read_bytes()
    acks = pipeline.process(data).acks
    assert [(ack.ack_code, ack.accepted) for ack in acks] == [("R", False)]
    assert "IK5*R*1~" in acks[0].x12
    assert pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(acks[0].x12), None, None, None)


def test_a_segment_pyx12_cannot_walk_rejects_the_claim_and_still_gets_a_999(pipeline: Pipeline) -> None:
    data = (FIXTURES / "malformed" / "sv101_too_many_components.x12").read_bytes()
    result = pipeline.process(data)
    codes = [finding.code for claim in result.claims for finding in claim.findings]
    assert [claim.verdict for claim in result.claims] == ["rejected"]
    assert "SYN001" in codes
    assert "SYN005" not in codes  # not an envelope problem
    assert [(ack.ack_code, ack.accepted) for ack in result.acks] == [("R", False)]
    assert "IK5*R*5~" in result.acks[0].x12
    assert pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(result.acks[0].x12), None, None, None)
