"""Pipeline.process never raises: the inputs of issue 8 item 4 are read, and a failure inside claimedit on one
interchange, transaction or claim becomes an INT002 finding there while the rest of the input is processed."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pytest

from claimedit import pipeline as pipeline_module
from claimedit.pipeline import Pipeline
from claimedit.results import InputResult
from claimedit.validation.gate import Pyx12Only
from claimedit.x12 import reader
from claimedit.x12.split import split_claim

from .conftest import FIXTURES
from .test_hostile_shapes import SHAPES

SINGLE = FIXTURES / "clean" / "single_claim_premalignant_medicare.x12"
MULTI = FIXTURES / "clean" / "multi_isa_gs_st.x12"


def _raise(*_args: object, **_kwargs: object) -> NoReturn:
    raise RuntimeError("claimedit defect under test")


def _codes(result: InputResult) -> list[list[str]]:
    return [[finding.code for finding in item.findings if finding.code.startswith("INT")] for item in result.claims]


def test_a_claim_without_its_subscriber_loop_is_read_validated_and_split(pipeline: Pipeline) -> None:
    body = ["HL*1**20*1", *SHAPES.BILLING, *SHAPES.claim_block("NO-SUBSCRIBER")]
    text = SHAPES.interchange([SHAPES.transaction("0001", body)])

    result = pipeline.process(text, "no_subscriber.x12")

    [claim] = result.claims
    assert "NO-SUBSCRIBER" == claim.claim.claim_id
    assert "rejected" == claim.verdict
    split = split_claim(claim.claim, claim.segments, 1).x12
    assert ["HL*1**20*0"] == [segment for segment in split.split("~") if segment.startswith("HL*")]
    assert ["R"] == [ack.ack_code for ack in result.acks]


def test_an_isa_with_odd_sender_and_receiver_widths_still_gets_its_999(pipeline: Pipeline) -> None:
    text = SINGLE.read_text().replace("*ZZ*TESTCLEARING   *240808*", "*ZZ*TESTCLEARING  *2408080*", 1)
    assert 106 == len(text.split("~")[0]) + 1

    result = pipeline.process(text, "odd_isa.x12")

    assert (1, 1) == (result.claims_accounted, result.clm_segments_seen)
    assert 1 == len(result.acks)
    assert result.acks[0].x12.startswith("ISA*")


def test_a_reader_failure_on_one_transaction_costs_that_transaction_only(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_parse = reader._TransactionParser.parse

    def parse_failing_on_0002(self: reader._TransactionParser) -> None:
        if self.location.transaction_control == "0002":
            _raise()
        real_parse(self)

    monkeypatch.setattr(reader._TransactionParser, "parse", parse_failing_on_0002)
    two = [SHAPES.transaction(control, SHAPES.claims_body(2)) for control in ("0001", "0002")]

    result = pipeline.process(SHAPES.interchange(two), "two.x12")

    assert (4, 4) == (result.claims_accounted, result.clm_segments_seen)
    assert 2 == len(result.claims)
    [unreadable] = result.unreadable
    assert ("0002", 2, ["INT002"]) == (
        unreadable.location.transaction_control,
        unreadable.claims_inside,
        [finding.code for finding in unreadable.findings if finding.code.startswith("INT")],
    )
    assert "RuntimeError" in unreadable.findings[0].message
    assert "defect under test" not in unreadable.findings[0].message  # the exception's text may quote PHI


def test_an_engine_failure_on_one_claim_is_reported_on_that_claim(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pipeline.engine is not None
    real_check = pipeline.engine.check

    def check(claim: object) -> object:
        if getattr(claim, "claim_id", "") == "HOSTILE-000001":
            _raise()
        return real_check(claim)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline.engine, "check", check)

    result = pipeline.process(SHAPES.interchange([SHAPES.transaction("0001", SHAPES.claims_body(3))]))

    assert [[], ["INT002"], []] == _codes(result)
    assert "rejected" == result.claims[1].verdict


def test_a_validator_failure_rejects_the_group_and_keeps_the_claims(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert pipeline.validator is not None
    monkeypatch.setattr(pipeline, "guide", Pyx12Only())  # the clean fixture would not reach pyx12
    monkeypatch.setattr(pipeline.validator, "validate", _raise)

    result = pipeline.process(SINGLE.read_bytes(), "single.x12")

    assert [["INT002"]] == _codes(result)
    assert ["R"] == [ack.ack_code for ack in result.acks]


def test_a_compiled_guide_failure_rejects_the_group_and_keeps_the_claims(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline.guide, "open", _raise)

    result = pipeline.process(SINGLE.read_bytes(), "single.x12")

    assert [["INT002"]] == _codes(result)
    assert ["R"] == [ack.ack_code for ack in result.acks]


def test_a_failure_on_one_interchange_leaves_the_others_read(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_index = pipeline_module.SyntaxIndex
    calls: list[int] = []

    def index_failing_first(*args: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            _raise()
        return real_index(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline_module, "SyntaxIndex", index_failing_first)
    data = MULTI.read_bytes()
    clean = pipeline.process(data, "multi.x12")  # both interchanges read, the first one failing
    monkeypatch.undo()
    expected = pipeline.process(data, "multi.x12")

    assert clean.clm_segments_seen == clean.claims_accounted == expected.claims_accounted
    [failed] = clean.unreadable
    assert ["INT002"] == [finding.code for finding in failed.findings]
    first_interchange = expected.claims[0].claim.envelope.isa_control
    assert [
        item.claim.claim_id for item in expected.claims if item.claim.envelope.isa_control != first_interchange
    ] == [item.claim.claim_id for item in clean.claims]


def test_a_failure_before_any_interchange_is_cut_still_counts_every_claim(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline_module, "read_stream", _raise)

    result = pipeline.process(MULTI.read_bytes(), "multi.x12")

    [failed] = result.unreadable
    assert ["INT002"] == [finding.code for finding in failed.findings]
    assert Path(MULTI).read_text().count("CLM*") == failed.claims_inside == result.clm_segments_seen


def test_a_failure_after_a_transactions_claims_were_made_counts_them_once(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_publish = pipeline_module._Shared.publish

    def publish(self: pipeline_module._Shared, out: object) -> None:
        if self.scope == "transaction":
            _raise()
        real_publish(self, out)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline_module._Shared, "publish", publish)

    result = pipeline.process(SHAPES.interchange([SHAPES.transaction("0001", SHAPES.claims_body(3))]))

    assert (3, 3, 0) == (result.claims_accounted, result.clm_segments_seen, len(result.claims))
    [failed] = result.unreadable
    assert ["INT002"] == [finding.code for finding in failed.findings]
