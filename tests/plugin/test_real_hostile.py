"""Hostile input on the real RabbitMQ: an oversized value costs no neighbour its delivery; workers die with serve."""

from __future__ import annotations

import asyncio
import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import hostile
import pytest
import x12gen
from harness import remove_resources, unique_names

from claimedit.pipeline import Pipeline
from claimedit.service import ServiceSettings, create_service, load_settings
from claimedit.service.events import DeadLetterHeaders
from claimedit.service.watcher import OutputWatcher
from claimedit.service.workers import WorkerPool

pytestmark = [pytest.mark.anyio, pytest.mark.broker]


@asynccontextmanager
async def _service(settings: ServiceSettings, processor: Any) -> AsyncIterator[None]:
    service = create_service(settings, processor=processor)
    task = asyncio.create_task(service.app.run())
    for _ in range(100):
        if service.app.broker.running:
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.3)
    try:
        yield
    finally:
        service.app.exit()
        await asyncio.wait_for(task, timeout=60)


async def _drain(url: str, queue_name: str) -> list[tuple[bytes, dict[str, Any]]]:
    """Every message left in ``queue_name`` itself (the broker's own dead letters land there, not on the exchange)."""
    import aio_pika  # noqa: PLC0415

    connection = await aio_pika.connect(url)
    messages = []
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(queue_name)
        while (message := await queue.get(fail=False, no_ack=True)) is not None:
            messages.append((message.body, dict(message.headers)))
    return messages


async def _200_and_one_bad(
    amqp_url: str, unique: str, pipeline: Pipeline, **extra: Any
) -> tuple[OutputWatcher, list[str], str, bytes, list[tuple[bytes, dict[str, Any]]], list[str]]:
    normal = [
        x12gen.interchange(x12gen.synthetic_claims(1, start=number), control=number + 1).encode()
        for number in range(200)
    ]
    bad = x12gen.interchange(x12gen.synthetic_claims(1, prefix="X" * 200_000), control=999).encode()
    settings = load_settings(broker_url=amqp_url, health_port=0, **unique_names(unique), **extra)
    try:
        async with _service(settings, pipeline.process), OutputWatcher(settings) as watcher:
            sent = [await watcher.send(body) for body in normal[:100]]
            bad_id = await watcher.send(bad)
            sent += [await watcher.send(body) for body in normal[100:]]
            incomplete = await watcher.wait([*sent, bad_id], timeout=240)
            await asyncio.sleep(1.0)  # let any duplicate arrive before counting
            left_in_dlq = await _drain(amqp_url, settings.dlq)
    finally:
        await remove_resources(settings)
    return watcher, sent, bad_id, bad, left_in_dlq, incomplete


def _normal_claims_once(watcher: OutputWatcher, sent: list[str]) -> tuple[set[str], set[int]]:
    claim_ids = Counter(event.claim_id for cid in sent for event in watcher.by_correlation[cid].annotated)
    return set(claim_ids), set(claim_ids.values())


@pytest.mark.slow
async def test_a_200_kb_claim_id_among_200_inputs_is_dead_lettered_once_and_costs_no_neighbour(
    amqp_url: str, unique: str, pipeline: Pipeline
) -> None:
    watcher, sent, bad_id, bad, left_in_dlq, incomplete = await _200_and_one_bad(amqp_url, unique, pipeline)

    letters = watcher.by_correlation[bad_id].dead_letters
    assert [] == incomplete
    assert ({f"PCN{number:07d}" for number in range(200)}, {1}) == _normal_claims_once(watcher, sent)
    assert [(bad, "over-size")] == [(body, headers.reason_kind) for body, headers in letters]
    assert [] == watcher.by_correlation[bad_id].annotated
    assert 1 == sum(1 for name, _ in watcher.received if name == "dlq")
    assert [(bad_id, "over-size")] == [
        (DeadLetterHeaders.from_headers(headers).correlation_id, DeadLetterHeaders.from_headers(headers).reason_kind)
        for _, headers in left_in_dlq
    ]


@pytest.mark.slow
async def test_with_the_element_limit_raised_the_200_kb_claim_id_is_published_with_bounded_headers(
    amqp_url: str, unique: str, pipeline: Pipeline
) -> None:
    watcher, sent, bad_id, _, left_in_dlq, incomplete = await _200_and_one_bad(
        amqp_url, unique, pipeline, max_element_length=300_000
    )

    bad_events = watcher.by_correlation[bad_id].annotated
    assert [] == incomplete
    assert ({f"PCN{number:07d}" for number in range(200)}, {1}) == _normal_claims_once(watcher, sent)
    assert [(200_007, 64)] == [(len(event.claim_id), len(event.idempotency_key)) for event in bad_events]
    assert ([], []) == (left_in_dlq, [key for name, key in watcher.received if name == "dlq"])


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for a reaper counts as dead)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
async def test_pipeline_workers_die_with_a_sigkilled_service(amqp_url: str, unique: str, tmp_path: Path) -> None:
    settings = load_settings(broker_url=amqp_url, **unique_names(unique))
    port = _free_port()
    env = {**os.environ, "CLAIMEDIT_LOG_FORMAT": "json", "CLAIMEDIT_WORKERS": "2", "CLAIMEDIT_VALIDATE_X12": "false"}
    env.update({f"CLAIMEDIT_{key.upper()}": value for key, value in unique_names(unique).items()})
    log = tmp_path / "serve.log"
    command = [sys.executable, "-m", "claimedit", "serve", "--broker", amqp_url, "--health-port", str(port)]
    try:
        with log.open("wb") as out:
            service = subprocess.Popen(command, env=env, stdout=out, stderr=out)
        deadline = time.monotonic() + 180
        while "service ready" not in log.read_text() and service.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        workers = [pid for pid in _children(service.pid) if "spawn_main" in Path(f"/proc/{pid}/cmdline").read_text()]
        service.send_signal(signal.SIGKILL)
        service.wait(timeout=10)
        deadline = time.monotonic() + 20
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        survivors = [pid for pid in workers if _alive(pid)]
    finally:
        if service.poll() is None:
            service.kill()
        await remove_resources(settings)

    assert 2 == len(workers)
    assert [] == survivors
    assert f'"health": "http://127.0.0.1:{port}/health"' in log.read_text()
    assert "guest:guest" not in log.read_text()


@pytest.mark.slow
async def test_health_answers_and_shutdown_is_prompt_while_an_input_burns_cpu(amqp_url: str, unique: str) -> None:
    settings = load_settings(
        broker_url=amqp_url,
        health_port=_free_port(),
        workers=1,
        input_cpu_seconds=60,
        graceful_timeout=2,
        **unique_names(unique),
    )
    service = create_service(settings)
    service.pool = await WorkerPool(1, processor=hostile.process).start()
    burning = x12gen.interchange(x12gen.synthetic_claims(1, prefix="BURNCPU"), control=77).encode()
    task = asyncio.create_task(service.app.run())
    try:
        async with OutputWatcher(settings) as watcher:
            for _ in range(100):
                if service.http is not None and service.app.broker.running:
                    break
                await asyncio.sleep(0.1)
            await watcher.send(burning)
            await asyncio.sleep(1.0)  # the worker is spinning now
            started = time.monotonic()
            status = await _health(settings.health_port)
            health_seconds = time.monotonic() - started
            started = time.monotonic()
            service.app.exit()
            await asyncio.wait_for(task, timeout=30)
            stop_seconds = time.monotonic() - started
    finally:
        if not task.done():
            task.cancel()
        await remove_resources(settings)

    assert ("HTTP/1.1 200 OK", True) == (status, health_seconds < 1.0)
    assert stop_seconds < 10, stop_seconds


async def _health(port: int) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    await writer.drain()
    response = await asyncio.wait_for(reader.read(), timeout=5)
    writer.close()
    return response.decode().splitlines()[0]


async def test_a_300_byte_correlation_id_is_published_hashed_on_rabbitmq(
    amqp_url: str, unique: str, pipeline: Pipeline
) -> None:
    import aio_pika  # noqa: PLC0415

    long_id = "c" * 300
    hashed = "sha256:" + hashlib.sha256(long_id.encode()).hexdigest()
    settings = load_settings(broker_url=amqp_url, health_port=0, **unique_names(unique))
    body = x12gen.interchange(x12gen.synthetic_claims(2), control=5).encode()
    try:
        async with _service(settings, pipeline.process), OutputWatcher(settings) as watcher:
            connection = await aio_pika.connect(amqp_url)
            async with connection:
                channel = await connection.channel()
                message = aio_pika.Message(body, headers={"x-correlation-id": long_id})
                await channel.default_exchange.publish(message, routing_key=settings.input)
            incomplete = await watcher.wait([hashed], timeout=60)
    finally:
        await remove_resources(settings)

    gathered = watcher.by_correlation[hashed]
    assert ([], 2, []) == (incomplete, len(gathered.annotated), gathered.dead_letters)
