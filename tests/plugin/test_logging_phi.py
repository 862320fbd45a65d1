"""Logs of a service run over PHI-laden claims name claims by id only: no name, DOB, member id or address."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog
import x12gen
from harness import Collected, in_memory_service

from claimedit.observability import configure_logging, guard_phi
from claimedit.pipeline import Pipeline
from claimedit.results import InputResult

PHI_ERROR_TEXT = "NM1*IL*1*ZYXWVUTSON*QUINCEYNA****MI*MEMBERPHI00001~N3*12 ELMSTREET"


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging(level="DEBUG", fmt="json", stream=stream)
    yield stream
    configure_logging(level="INFO", fmt="json")


def _failing_with_phi(_data: bytes, _source: str) -> InputResult:
    raise ValueError(PHI_ERROR_TEXT)


@pytest.mark.anyio
async def test_service_logs_carry_ids_and_no_phi(log_stream: io.StringIO, pipeline: Pipeline) -> None:
    claims = x12gen.synthetic_claims(9)
    collected = Collected()

    async with in_memory_service("rabbit", pipeline.process, collected) as running:
        await running.send(x12gen.interchange(claims, control=77).encode(), {"x-correlation-id": "phi-run"})
        await running.send(b"garbage " + PHI_ERROR_TEXT.encode())
    async with in_memory_service("kafka", _failing_with_phi, collected) as running:
        await running.send(x12gen.interchange(claims).encode())
    logging.getLogger("some.library").error("parser said %s", PHI_ERROR_TEXT)
    structlog.get_logger("claimedit.test").info("claim read", member_id="MEMBERPHI00001", last_name="ZYXWVUTSON")

    text = log_stream.getvalue()
    lines = [json.loads(line) for line in text.splitlines()]
    processed = next(line for line in lines if line["event"] == "input processed")
    assert [value for value in x12gen.PHI_VALUES if value in text] == []
    assert ("phi-run", [claim.claim_id for claim in claims]) == (processed["correlation_id"], processed["claim_ids"])
    assert processed["interchange_controls"] == ["000000077"]
    assert any(line.get("exception", "").startswith("ValueError <- ") for line in lines)


def test_guard_redacts_phi_keys_and_x12_text() -> None:
    event = {"event": "x", "first_name": "ANN", "body": b"ISA", "note": "N3*1 MAIN ST~", "claim_id": "PCN1"}

    assert (dict(guard_phi(None, "info", event))) == {
        "event": "x",
        "first_name": "[redacted]",
        "body": "[redacted]",
        "note": "[redacted x12]",
        "claim_id": "PCN1",
    }
