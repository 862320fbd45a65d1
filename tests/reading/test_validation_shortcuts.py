"""The validator's shortcuts report exactly what pyx12 does.

A replayed map walk (an interchange whose skeleton was walked before), segments keyed by their text and
the skipped error report of an error-free interchange are checked against a validator without shortcuts
(``shortcuts=False``) on the fixtures and the public samples: clean claims, broken ones, several
envelopes, other delimiters and malformed input.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from claimedit_test_support import ack_transaction_set, bench_generator, without_999_envelopes

from claimedit.pipeline import Pipeline
from claimedit.results import InputResult
from claimedit.validation.pyx12 import Pyx12Validator, ValidationReport

from .conftest import FIXTURES, SAMPLES, fixture_files, sample_files

SINGLE = (FIXTURES / "clean" / "single_claim_premalignant_medicare.x12").read_text()


@pytest.fixture(scope="module")
def planned() -> Pipeline:
    return Pipeline(None, Pyx12Validator())


@pytest.fixture(scope="module")
def walking() -> Pipeline:
    return Pipeline(None, Pyx12Validator(shortcuts=False))


def _hits(pipeline: Pipeline) -> int:
    assert pipeline.validator is not None
    return pipeline.validator.walk_plan_hits


@pytest.mark.parametrize("path", fixture_files() + sample_files(), ids=lambda path: path.name)
def test_every_input_gets_the_same_findings_and_999s_whether_walked_or_replayed(
    planned: Pipeline, walking: Pipeline, path: Path
) -> None:
    data = path.read_bytes()
    reference = walking.process(data, path.name)
    first = planned.process(data, path.name)
    second = planned.process(data, path.name)
    assert without_999_envelopes(reference) == without_999_envelopes(first)
    assert without_999_envelopes(reference) == without_999_envelopes(second)


def _variant(text: str, *replacements: tuple[str, str]) -> str:
    for old, new in replacements:
        assert old in text
        text = text.replace(old, new)
    return text


def test_an_interchange_with_other_values_but_the_same_skeleton_replays_the_walk(
    planned: Pipeline, walking: Pipeline
) -> None:
    planned.process(SINGLE)
    other = _variant(
        SINGLE,
        ("CLN-SINGLE-AK-0001", "CLN-OTHER-0002"),
        ("TESTPATIENT*ALPHA", "OTHERPATIENT*BETA"),
        ("000001001", "000001002"),
        ("SV1*HC:17003*48*UN*4", "SV1*HC:17004*300*UN*1"),
    )
    before = _hits(planned)
    result = planned.process(other)
    assert _hits(planned) == before + 1
    assert without_999_envelopes(walking.process(other)) == without_999_envelopes(result)


def test_element_errors_of_a_replayed_interchange_are_its_own(planned: Pipeline, walking: Pipeline) -> None:
    planned.process(SINGLE)
    bad_date = _variant(SINGLE, ("DTP*472*D8*20240805~\nREF*6R*SNG0001-2", "DTP*472*D8*20241345~\nREF*6R*SNG0001-2"))
    before = _hits(planned)
    result = planned.process(bad_date)
    assert _hits(planned) == before + 1
    assert without_999_envelopes(result) == without_999_envelopes(walking.process(bad_date))
    messages = [finding.message for item in result.claims for finding in item.findings if finding.code == "SYN001"]
    assert messages
    assert not result.acks[0].accepted


def test_a_different_qualifier_is_a_different_skeleton(planned: Pipeline, walking: Pipeline) -> None:
    planned.process(SINGLE)
    referring = _variant(SINGLE, ("NM1*82*1*TESTDOCTOR", "NM1*DN*1*TESTDOCTOR"))
    before = _hits(planned)
    result = planned.process(referring)
    assert without_999_envelopes(result) == without_999_envelopes(walking.process(referring))
    assert _hits(planned) == before


def test_a_walk_with_a_structural_error_is_not_remembered(planned: Pipeline, walking: Pipeline) -> None:
    missing_subscriber_name = _variant(SINGLE, ("NM1*IL*1*TESTPATIENT*ALPHA****MI*TESTMBI0001~\n", ""))
    missing_subscriber_name = missing_subscriber_name.replace("SE*31*0001", "SE*30*0001")
    before = _hits(planned)
    results: list[InputResult] = [planned.process(missing_subscriber_name) for _ in range(2)]
    assert _hits(planned) == before
    reference = walking.process(missing_subscriber_name)
    assert without_999_envelopes(reference) == without_999_envelopes(results[0])
    assert without_999_envelopes(reference) == without_999_envelopes(results[1])
    assert any("missing" in finding.message for item in reference.claims for finding in item.findings)


@pytest.fixture(scope="module")
def large() -> str:
    text: str = bench_generator().build_interchange(150, seed=11, claims_per_transaction=60)
    return text


def _run_hits(pipeline: Pipeline) -> int:
    assert pipeline.validator is not None
    return pipeline.validator.run_plan_hits


def test_repeated_claims_inside_one_interchange_replay_their_walk(
    planned: Pipeline, walking: Pipeline, large: str
) -> None:
    before = _run_hits(planned)
    result = planned.process(large)
    assert _run_hits(planned) > before + 50
    reference = walking.process(large)
    assert without_999_envelopes(reference) == without_999_envelopes(result)
    assert all(ack.accepted for ack in result.acks)


def test_a_replayed_run_reports_its_own_element_errors_and_a_changed_run_walks(
    planned: Pipeline, walking: Pipeline, large: str
) -> None:
    planned.process(large)
    segments = large.split("~\n")
    dates = [index for index, segment in enumerate(segments) if segment.startswith("DTP*472*D8*")]
    bad_date = [*segments]
    bad_date[dates[-3]] = "DTP*472*D8*20241345"
    dropped = [segment for index, segment in enumerate(segments) if index != dates[-5]]
    for text in ("~\n".join(bad_date), "~\n".join(dropped)):
        result = planned.process(text)
        reference = walking.process(text)
        assert without_999_envelopes(reference) == without_999_envelopes(result)
        assert not all(ack.accepted for ack in reference.acks)


def test_a_trailing_separator_is_checked_even_when_its_clean_twin_was_seen(
    planned: Pipeline, walking: Pipeline
) -> None:
    """pyx12's re-formatted segment drops a trailing ':' that its element check counts (REF02 composite)."""
    planned.process(SINGLE)
    walking.process(SINGLE)
    trailing = _variant(SINGLE, ("REF*6R*SNG0001-2~", "REF*6R*SNG0001-2:~"))
    result = planned.process(trailing)
    assert without_999_envelopes(walking.process(trailing)) == without_999_envelopes(result)
    assert not result.acks[0].accepted


def _report(report: ValidationReport) -> tuple[object, ...]:
    acks = [(ack.group_control, ack.ack_code, ack_transaction_set(ack.x12)) for ack in report.acks]
    return (report.fatal, report.errors, acks)


def _se_counted(text: str) -> str:
    """The text with each SE01 set to its transaction's segment count."""
    out: list[str] = []
    count = 0
    for piece in text.split("~"):
        segment = piece.strip("\r\n")
        if segment.startswith("ST*"):
            count = 0
        if segment and not segment.startswith(("ISA", "GS*", "GE*", "IEA")):
            count += 1
        if segment.startswith("SE*"):
            fields = segment.split("*")
            fields[1] = str(count)
            out.append(piece.replace(segment, "*".join(fields)))
        else:
            out.append(piece)
    return "~".join(out)


@pytest.mark.skipif(
    not (SAMPLES / "pyx12" / "simple_837p.txt").is_file(), reason="shared/x12-samples is not beside the repository"
)
def test_a_group_of_another_version_brings_the_qualifiers_of_its_own_map() -> None:
    """A 4010 837P walks the 4010 map, whose CR7 (loop 2305) is told apart by CR701: the skeleton must know."""
    base = (SAMPLES / "pyx12" / "simple_837p.txt").read_text()
    assert "HI*BK:317~" in base
    known = _se_counted(base.replace("HI*BK:317~", "HI*BK:317~\nCR7*AI*1~", 1))
    other = _se_counted(base.replace("HI*BK:317~", "HI*BK:317~\nCR7*XX*1~", 1))
    shortcut, plain = Pyx12Validator(), Pyx12Validator(shortcuts=False)
    assert _report(plain.validate(known)) == _report(shortcut.validate(known))
    assert _report(plain.validate(other)) == _report(shortcut.validate(other))
