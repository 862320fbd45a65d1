"""Over every project fixture: each claim splits into a valid 837P, each rejected claim gets a valid 277CA."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from claimedit.pipeline import Pipeline
from claimedit.results import ClaimResult
from claimedit.validation.pyx12 import Pyx12Validator
from claimedit.x12.ack277 import write_277ca
from claimedit.x12.split import split_claim

FIXTURES = Path(__file__).parents[2] / "x12_fixtures"
PROCESSED = dt.datetime(2026, 2, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def validator() -> Pyx12Validator:
    return Pyx12Validator()


@pytest.fixture(scope="module")
def results(pipeline: Pipeline) -> list[ClaimResult]:
    files = sorted(FIXTURES.glob("[!m]*/*.x12"))  # clean, broken, edits; malformed ones are the reader's business
    return [claim for path in files for claim in pipeline.process(path.read_bytes(), str(path)).claims]


def _problems(validator: Pyx12Validator, text: str) -> list[str]:
    report = validator.validate(text)
    codes = [ack.ack_code for ack in report.acks]
    return (
        [report.fatal]
        if report.fatal
        else [error.message for error in report.errors] + ([] if codes == ["A"] else [f"999 AK9 {codes}"])
    )


def test_every_fixture_claim_splits_into_a_valid_837p(validator: Pyx12Validator, results: list[ClaimResult]) -> None:
    problems = {
        item.claim.claim_id: _problems(validator, split_claim(item.claim, item.segments, 1).x12) for item in results
    }

    assert [(claim_id, found) for claim_id, found in problems.items() if found] == []
    assert len(results) > 100


def test_every_rejected_fixture_claim_gets_a_valid_277ca(validator: Pyx12Validator, results: list[ClaimResult]) -> None:
    rejected = [item for item in results if item.verdict == "rejected"]

    problems = {
        item.claim.claim_id: _problems(validator, write_277ca(item, control_number=2, processed=PROCESSED))
        for item in rejected
    }

    assert [(claim_id, found) for claim_id, found in problems.items() if found] == []
    assert len(rejected) > 30


def test_277ca_has_one_service_loop_per_rejected_line(results: list[ClaimResult]) -> None:
    for item in (item for item in results if item.verdict == "rejected"):
        text = write_277ca(item, control_number=2, processed=PROCESSED)
        sep = item.segments.element_separator
        term = item.segments.segment_terminator
        lines_with_errors = {f.line for f in item.errors if f.line is not None and item.claim.line(f.line)}

        assert (item.claim.claim_id, len(lines_with_errors)) == (
            item.claim.claim_id,
            text.count(f"{term}SVC{sep}"),
        )
        assert f"{term}TRN{sep}2{sep}{item.claim.claim_id}{term}" in text
