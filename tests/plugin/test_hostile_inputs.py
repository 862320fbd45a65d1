"""Inputs over a bound are dead-lettered once with a rejecting 999, while health and other inputs carry on.

The pool's workers run ``hostile.process``: the real pipeline, except for inputs that spin on the CPU
(stopped by the worker's CPU budget) or sleep (stopped by the parent's wall-clock backstop).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import hostile
import pytest
import x12gen
from harness import Collected, Running, in_memory_service

from claimedit.pipeline import Pipeline
from claimedit.service.app import start_pool
from claimedit.service.events import DeadLetterHeaders, GroupAcknowledged
from claimedit.service.settings import load_settings
from claimedit.service.workers import WorkerPool

pytestmark = pytest.mark.anyio


def _input(prefix: str, control: int) -> bytes:
    return x12gen.interchange(x12gen.synthetic_claims(1, prefix=prefix), control=control).encode()


@asynccontextmanager
async def _pooled(collected: Collected, **limits: Any) -> AsyncIterator[tuple[Running, WorkerPool]]:
    pool = await start_pool(load_settings(workers=2, **limits), processor=hostile.process)
    try:
        async with in_memory_service("rabbit", None, collected, pool=pool, workers=2, **limits) as running:
            yield running, pool
    finally:
        await pool.stop()


async def _health_status(app: Any) -> tuple[str, float]:
    import httpx  # noqa: PLC0415

    started = time.monotonic()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await asyncio.wait_for(client.get("/health/live"), timeout=5)
    return f"HTTP/1.1 {response.status_code} {response.reason_phrase}", time.monotonic() - started


def _letters(collected: Collected) -> list[DeadLetterHeaders]:
    return [DeadLetterHeaders.from_headers(headers) for headers in collected.headers("dlq")]


def _acks(collected: Collected) -> list[GroupAcknowledged]:
    return [GroupAcknowledged.model_validate_json(body) for body in collected.bodies("acks")]


@pytest.mark.slow
async def test_input_over_its_cpu_budget_is_dead_lettered_while_health_and_other_inputs_carry_on() -> None:
    collected = Collected()
    burning = _input("BURNCPU", 900)

    async with _pooled(collected, input_cpu_seconds=1.5) as (running, _pool):
        burn = asyncio.create_task(running.send(burning, {"x-correlation-id": "burn"}))
        await asyncio.sleep(0.2)
        status, health_seconds = await _health_status(running.service.app)
        for number in range(5):
            await running.send(_input("PCN", number + 1))
        others_done_while_burning = not burn.done()
        await burn

    annotated = [body for body in collected.bodies("annotated") if b"BURNCPU" not in body]
    letters = _letters(collected)
    burn_acks = [ack for ack in _acks(collected) if ack.interchange_control == "000000900"]
    assert ("HTTP/1.1 200 OK", True) == (status, health_seconds < 1.0)
    assert (5, True) == (len(annotated), others_done_while_burning)
    assert [("over-cpu-budget", "burn", 1)] == [(h.reason_kind, h.correlation_id, h.input_unreadable) for h in letters]
    assert collected.bodies("dlq") == [burning]
    assert [("R", False)] == [(ack.ack_code, ack.accepted) for ack in burn_acks]
    assert "IK5*R*5~" in burn_acks[0].ack_999
    assert "AK9*R*1*1*0~" in burn_acks[0].ack_999


@pytest.mark.slow
async def test_a_worker_that_stops_answering_is_replaced_and_its_input_dead_lettered_once() -> None:
    collected = Collected()
    hanging = _input("HANGSLEEP", 901)

    async with _pooled(collected, input_cpu_seconds=1.0, input_wall_seconds=3.0) as (running, pool):
        await running.send(hanging, {"x-correlation-id": "hang"})
        await running.send(_input("PCN", 2), {"x-correlation-id": "after"})

    letters = _letters(collected)
    assert 1 == pool.replacements
    assert [("over-cpu-budget", "hang")] == [(h.reason_kind, h.correlation_id) for h in letters]
    assert ["after"] == [json.loads(body)["correlation_id"] for body in collected.bodies("annotated")]


async def test_input_over_max_input_bytes_is_dead_lettered_unread_with_a_999_per_group(pipeline: Pipeline) -> None:
    collected = Collected()
    big = x12gen.interchange(x12gen.synthetic_claims(40), control=902).encode()

    async with in_memory_service("rabbit", pipeline.process, collected, max_input_bytes=4096) as running:
        await running.send(big, {"x-correlation-id": "big"})

    letters = _letters(collected)
    assert (collected.bodies("annotated"), collected.bodies("dlq")) == ([], [big])
    assert [("over-size", 4096 < len(big))] == [(h.reason_kind, "max_input_bytes (4096)" in h.reason) for h in letters]
    acks = _acks(collected)
    assert [("000000902", "902", "R")] == [(a.interchange_control, a.group_control, a.ack_code) for a in acks]


async def test_an_input_one_byte_over_the_default_max_input_bytes_is_refused_naming_the_bound(
    pipeline: Pipeline,
) -> None:
    limit = load_settings().max_input_bytes
    body = _input("PCN", 904)
    over = body + b"\n" * (limit + 1 - len(body))  # blank lines after the IEA: one interchange still
    collected = Collected()

    async with in_memory_service("rabbit", pipeline.process, collected) as running:
        await running.send(over, {"x-correlation-id": "over"})

    letters = _letters(collected)
    reason = f"the input is {limit + 1} bytes, over max_input_bytes ({limit})"
    assert [("over-size", reason, "over")] == [(h.reason_kind, h.reason, h.correlation_id) for h in letters]
    assert [] == collected.bodies("annotated")
    assert [("000000904", "R")] == [(ack.interchange_control, ack.ack_code) for ack in _acks(collected)]


async def test_a_200_kb_element_makes_the_input_over_size_before_any_of_it_is_copied(pipeline: Pipeline) -> None:
    collected = Collected()
    huge = _input("X" * 200_000, 903)

    async with in_memory_service("rabbit", pipeline.process, collected) as running:
        await running.send(huge, {"x-correlation-id": "huge"})

    letters = _letters(collected)
    assert [] == collected.bodies("annotated") + collected.bodies("rejected")
    assert [("over-size", "huge")] == [(h.reason_kind, h.correlation_id) for h in letters]
    assert "max_element_length (1024 characters)" in letters[0].reason
    assert ["R"] == [ack.ack_code for ack in _acks(collected)]
    assert all(len(value.encode()) <= 1024 for headers in collected.headers("dlq") for value in headers.values())


async def test_a_slow_injected_processor_times_out_in_its_thread_and_is_dead_lettered() -> None:
    def slow(_data: bytes, _source: str) -> Any:
        time.sleep(2.0)

    collected = Collected()
    async with in_memory_service("rabbit", slow, collected, input_cpu_seconds=0.2, input_wall_seconds=0.5) as running:
        started = time.monotonic()
        await running.send(b"ISA*slow", {"x-correlation-id": "slow"})
        elapsed = time.monotonic() - started

    assert [("over-cpu-budget", "slow")] == [(h.reason_kind, h.correlation_id) for h in _letters(collected)]
    assert elapsed < 1.5
