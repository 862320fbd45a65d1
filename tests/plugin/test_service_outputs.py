"""What each input yields: on FastStream's in-memory brokers (RabbitMQ, NATS, Redis, Kafka) and, the same
tests, on the real RabbitMQ and NATS JetStream (marker ``broker``; URLs from the environment, see conftest)."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest
import x12gen
from harness import Collected, in_memory_service, real_service

from claimedit.pipeline import Pipeline
from claimedit.results import InputResult
from claimedit.service.events import ClaimAnnotated, ClaimRejected, DeadLetterHeaders, GroupAcknowledged

FIXTURES = Path(__file__).parents[2] / "x12_fixtures"

pytestmark = pytest.mark.anyio

KINDS = [
    "rabbit",
    "nats",
    "redis",
    "kafka",
    pytest.param("rabbit-real", marks=pytest.mark.broker),
    pytest.param("nats-real", marks=pytest.mark.broker),
]
Runner = Callable[..., AbstractAsyncContextManager[Any]]


@pytest.fixture
def run_service(request: pytest.FixtureRequest, unique: str) -> Runner:
    """``run_service(kind, processor, collected, **settings)``: in memory, or on a real broker for ``*-real``."""

    def run(kind: str, processor: Any, collected: Collected, **settings: Any) -> AbstractAsyncContextManager[Any]:
        if kind.endswith("-real"):
            url = request.getfixturevalue("amqp_url" if kind == "rabbit-real" else "nats_url")
            return real_service(url, unique, processor, collected, **settings)
        return in_memory_service(kind, processor, collected, **settings)

    return run


def _annotated(collected: Collected) -> list[ClaimAnnotated]:
    events = [ClaimAnnotated.model_validate_json(body) for body in collected.bodies("annotated")]
    return sorted(events, key=lambda event: (event.input.sha256, event.claim_index))


@pytest.mark.parametrize("kind", KINDS)
async def test_each_claim_is_annotated_with_the_pipeline_verdict(
    kind: str, pipeline: Pipeline, run_service: Runner
) -> None:
    claims = x12gen.synthetic_claims(6)
    body = x12gen.interchange(claims, control=7).encode()
    expected = pipeline.process(body, "broker:corr-1")
    collected = Collected()

    async with run_service(kind, pipeline.process, collected) as running:
        await running.send(body, {"x-correlation-id": "corr-1", "x-submitter-id": "SUB-9"})

    events = _annotated(collected)
    assert [(c.claim.claim_id, c.verdict) for c in expected.claims] == [(e.claim_id, e.verdict) for e in events]
    assert {("corr-1", "SUB-9", "000000007", "PAYER01")} == {
        (e.correlation_id, e.source_envelope.submitter_id, e.source_envelope.interchange_control, e.payer.payer_id)
        for e in events
    }


@pytest.mark.parametrize("kind", KINDS)
async def test_rejected_claims_get_a_277ca_and_groups_a_999(kind: str, pipeline: Pipeline, run_service: Runner) -> None:
    body = x12gen.interchange(x12gen.synthetic_claims(6), control=8).encode()
    expected = pipeline.process(body, "x")
    collected = Collected()

    async with run_service(kind, pipeline.process, collected) as running:
        await running.send(body)

    rejected = sorted(
        (ClaimRejected.model_validate_json(b) for b in collected.bodies("rejected")), key=lambda r: r.claim_index
    )
    acks = sorted(
        (GroupAcknowledged.model_validate_json(b) for b in collected.bodies("acks")), key=lambda a: a.group_index
    )
    assert [c.claim.claim_id for c in expected.claims if c.verdict == "rejected"] == [r.claim_id for r in rejected]
    assert all(f"TRN*2*{r.claim_id}~" in r.ack_277ca for r in rejected)
    assert [(a.group_control, a.ack_code) for a in expected.acks] == [(a.group_control, a.ack_code) for a in acks]


@pytest.mark.parametrize("kind", KINDS)
async def test_unreadable_input_goes_to_the_dlq_once_with_its_reason(
    kind: str, pipeline: Pipeline, run_service: Runner
) -> None:
    collected = Collected()

    async with run_service(kind, pipeline.process, collected) as running:
        await running.send(b"this is not an interchange", {"x-correlation-id": "poison-1"})

    headers = DeadLetterHeaders.from_headers(collected.headers("dlq")[0])
    assert collected.bodies("dlq") == [b"this is not an interchange"]
    assert (headers.reason_kind, headers.correlation_id) == ("unreadable", "poison-1")
    assert headers.reason
    assert collected.bodies("annotated") == []


@pytest.mark.parametrize("kind", KINDS)
async def test_redelivered_input_yields_the_same_idempotency_keys(
    kind: str, pipeline: Pipeline, run_service: Runner
) -> None:
    body = x12gen.interchange(x12gen.synthetic_claims(3), control=9).encode()
    collected = Collected()

    async with run_service(kind, pipeline.process, collected) as running:
        await running.send(body)
        await running.send(body)

    keys = [(e.idempotency_key, str(e.event_id)) for e in _annotated(collected)]
    assert (len(keys), len(set(keys))) == (6, 3)


def _failing(_data: bytes, _source: str) -> InputResult:
    msg = "pipeline bug"
    raise RuntimeError(msg)


async def test_failure_is_retried_while_rabbitmq_counts_deliveries_below_the_limit() -> None:
    collected = Collected()

    async with in_memory_service("rabbit", _failing, collected, max_deliveries=3) as running:
        await running.send(b"ISA...", {"x-delivery-count": "1"})

    assert collected.by_output == {}


async def test_failure_at_the_delivery_limit_is_dead_lettered_with_the_reason() -> None:
    collected = Collected()

    async with in_memory_service("rabbit", _failing, collected, max_deliveries=3) as running:
        await running.send(b"ISA...", {"x-delivery-count": "2"})

    headers = DeadLetterHeaders.from_headers(collected.headers("dlq")[0])
    assert (headers.reason_kind, headers.delivery_attempts) == ("processing-failed", 3)
    assert "RuntimeError" in headers.reason


async def test_failure_on_kafka_which_counts_no_deliveries_is_dead_lettered_at_once() -> None:
    collected = Collected()

    async with in_memory_service("kafka", _failing, collected) as running:
        await running.send(b"ISA...")

    assert collected.bodies("dlq") == [b"ISA..."]


async def test_failure_on_redis_is_left_pending_for_redelivery_below_the_limit() -> None:
    """The in-memory stream has no pending entry to count: one delivery so far, below the limit."""
    collected = Collected()

    async with in_memory_service("redis", _failing, collected, max_deliveries=3) as running:
        await running.send(b"ISA...")

    assert collected.by_output == {}


async def test_annotated_event_carries_payer_and_verdict_headers_for_routing(pipeline: Pipeline) -> None:
    collected = Collected()

    async with in_memory_service("rabbit", pipeline.process, collected) as running:
        await running.send(x12gen.interchange(x12gen.synthetic_claims(1)).encode())

    headers: dict[str, Any] = collected.headers("annotated")[0]
    event = json.loads(collected.bodies("annotated")[0])
    assert ("PAYER01", event["verdict"]) == (headers["x-claimedit-payer-id"], headers["x-claimedit-verdict"])


async def test_output_names_come_from_settings(pipeline: Pipeline) -> None:
    collected = Collected()
    names = {"input": "in.x", "annotated": "out.a", "rejected": "out.r", "acks": "out.k", "dlq": "out.d"}

    async with in_memory_service("rabbit", pipeline.process, collected, **names) as running:
        await running.send(b"garbage")

    assert [running.service.parts.names[key] for key in collected.by_output] == ["out.d"]


@pytest.mark.slow
async def test_worker_processes_yield_the_same_events_as_a_thread(pipeline: Pipeline) -> None:
    from claimedit.service.app import start_pool  # noqa: PLC0415
    from claimedit.service.settings import load_settings  # noqa: PLC0415

    body = x12gen.interchange(x12gen.synthetic_claims(4), control=11).encode()
    inline, pooled = Collected(), Collected()

    async with in_memory_service("rabbit", pipeline.process, inline) as running:
        await running.send(body, {"x-correlation-id": "same"})
    pool = await start_pool(load_settings(workers=1, history_enabled=False))  # as the inline pipeline: no history
    try:
        async with in_memory_service("rabbit", None, pooled, pool=pool) as running:
            await running.send(body, {"x-correlation-id": "same"})
    finally:
        await pool.stop()

    def comparable(collected: Collected) -> list[tuple[str, str, str]]:
        return sorted((event.idempotency_key, event.verdict, event.claim_x12) for event in _annotated(collected))

    assert comparable(pooled) == comparable(inline)
    assert len(pooled.bodies("acks")) == len(inline.bodies("acks"))


@pytest.mark.slow
async def test_a_dead_pipeline_worker_is_replaced_and_the_input_run_again_without_a_redelivery() -> None:
    import os  # noqa: PLC0415
    import signal  # noqa: PLC0415

    from claimedit.service.app import start_pool  # noqa: PLC0415
    from claimedit.service.settings import load_settings  # noqa: PLC0415

    pool = await start_pool(load_settings(workers=1, history_enabled=False))  # the history is not what this is about
    body = x12gen.interchange(x12gen.synthetic_claims(1)).encode()
    collected = Collected()
    killed = pool.pids

    try:
        async with in_memory_service("rabbit", None, collected, pool=pool, workers=1) as running:
            for pid in killed:
                os.kill(pid, signal.SIGKILL)
            await running.send(body, {"x-delivery-count": "0"})
    finally:
        await pool.stop()

    assert (1, 1) == (len(killed), pool.replacements)
    assert 1 == len(collected.bodies("annotated"))


async def test_findings_stated_once_for_a_scope_travel_on_the_999_event_of_its_group(pipeline: Pipeline) -> None:
    body = (FIXTURES / "malformed" / "stray_segments_stated_once.x12").read_bytes()
    collected = Collected()
    async with in_memory_service("rabbit", pipeline.process, collected) as running:
        await running.send(body)

    [ack] = [GroupAcknowledged.model_validate_json(raw) for raw in collected.bodies("acks")]
    [scope] = ack.scope_findings
    annotated = [ClaimAnnotated.model_validate_json(raw) for raw in collected.bodies("annotated")]
    pointers = [finding for event in annotated for finding in event.findings if finding.code == "SYN011"]
    assert ("interchange", 2, 21) == (scope.scope, scope.claims_referencing, len(scope.findings))
    assert 2 == len(pointers)
    assert all("group.acknowledged" in finding.message for finding in pointers)
