"""``claimedit dlq inspect|replay|purge`` on the real RabbitMQ: selected by reason kind, bodies byte for byte."""

from __future__ import annotations

import asyncio
import io
import json
import tracemalloc
from collections.abc import AsyncIterator
from typing import Any

import aio_pika
import pytest

from claimedit.cli import main
from claimedit.dlq import run_dlq
from claimedit.service.outputs import dead_letter, input_meta
from claimedit.service.settings import ServiceSettings, load_settings

pytestmark = [pytest.mark.anyio, pytest.mark.broker]

BODIES = {
    "processing-failed": b"ISA*00*PROCESSING-FAILED~",
    "unreadable": b"not x12 at all",
    "over-size": b"ISA*" + b"X" * 100,
    "broker": b"\xff\xfe latin-1 bytes \xe9 the broker dead-lettered",
}


def _letter(kind: str, body: bytes) -> aio_pika.Message:
    if kind == "broker":  # what RabbitMQ's delivery limit leaves: the input's own headers only
        return aio_pika.Message(body, headers={"x-correlation-id": "c-broker"})
    meta = input_meta(
        correlation_id=f"c-{kind}", source=f"s-{kind}", sha256="0" * 64, submitter_id="", delivery_attempts=5
    )
    letter = dead_letter(body, meta, reason=f"because {kind}", reason_kind=kind)  # type: ignore[arg-type]
    headers: dict[str, Any] = dict(letter.headers)
    return aio_pika.Message(letter.payload, headers=headers)


@pytest.fixture
async def dlq(amqp_url: str, unique: str) -> AsyncIterator[tuple[ServiceSettings, aio_pika.abc.AbstractChannel]]:
    settings = load_settings(broker_url=amqp_url, http_port=0, input=f"t{unique}.in", dlq=f"t{unique}.dlq")
    connection = await aio_pika.connect_robust(amqp_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(settings.dlq, durable=True)
        inputs = await channel.declare_queue(settings.input, durable=True, arguments={"x-queue-type": "quorum"})
        for kind, body in BODIES.items():
            await channel.default_exchange.publish(_letter(kind, body), routing_key=settings.dlq)
        try:
            yield settings, channel
        finally:
            await queue.delete(if_unused=False, if_empty=False)
            await inputs.delete(if_unused=False, if_empty=False)


async def _drain(channel: aio_pika.abc.AbstractChannel, name: str) -> list[tuple[bytes, dict[str, Any]]]:
    queue = await channel.declare_queue(name, passive=True)
    taken = []
    while (message := await queue.get(no_ack=True, fail=False)) is not None:
        taken.append((message.body, dict(message.headers or {})))
    return taken


async def _count(channel: aio_pika.abc.AbstractChannel, name: str) -> int:
    """Messages in the queue, by taking them (a passive declare's count lags on a channel that declared it)."""
    return len(await _drain(channel, name))


async def test_inspect_lists_every_dead_letter_without_its_body_and_leaves_it_queued(
    dlq: tuple[ServiceSettings, Any],
) -> None:
    settings, channel = dlq
    out = io.StringIO()

    counts = await run_dlq(settings, "inspect", frozenset(BODIES), out=out)

    entries = [json.loads(line) for line in out.getvalue().splitlines()]
    assert sorted(BODIES) == sorted(entry["reason_kind"] for entry in entries)
    assert {"seen": 4, "selected": 4, "done": 0} == counts
    assert 4 == await _count(channel, settings.dlq)
    assert not any("PROCESSING-FAILED" in line or "latin-1" in line for line in out.getvalue().splitlines())


async def test_replay_moves_the_curable_kinds_to_the_input_byte_for_byte(dlq: tuple[ServiceSettings, Any]) -> None:
    settings, channel = dlq

    counts = await run_dlq(settings, "replay", frozenset({"processing-failed", "broker"}))

    replayed = await _drain(channel, settings.input)
    left = sorted(str(headers["x-claimedit-reason-kind"]) for _, headers in await _drain(channel, settings.dlq))
    assert {"seen": 4, "selected": 2, "done": 2} == counts
    assert sorted([BODIES["processing-failed"], BODIES["broker"]]) == sorted(body for body, _ in replayed)
    assert sorted(["c-processing-failed", "c-broker"]) == sorted(h["x-correlation-id"] for _, h in replayed)
    assert ["over-size", "unreadable"] == left


async def test_purge_deletes_only_the_chosen_kind(dlq: tuple[ServiceSettings, Any]) -> None:
    settings, channel = dlq

    counts = await run_dlq(settings, "purge", frozenset({"unreadable"}))

    assert ({"seen": 4, "selected": 1, "done": 1}, 3) == (counts, await _count(channel, settings.dlq))


def test_purge_without_yes_is_refused_with_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["dlq", "purge", "--broker", "amqp://guest:guest@127.0.0.1:1/"])

    assert (2, True) == (status, "--yes" in capsys.readouterr().err)


async def test_the_cli_inspects_the_queue_named_by_the_settings(
    dlq: tuple[ServiceSettings, Any], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    settings, _ = dlq
    monkeypatch.setenv("CLAIMEDIT_DLQ", settings.dlq)
    monkeypatch.setenv("CLAIMEDIT_INPUT", settings.input)

    status = await asyncio.to_thread(
        main, ["dlq", "inspect", "--broker", settings.broker_url, "--reason-kind", "unreadable"]
    )

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (0, ["unreadable"]) == (status, [line["reason_kind"] for line in lines])


async def _traced_peak(run: Any) -> tuple[Any, int]:
    tracemalloc.start()
    try:
        result = await run
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def test_inspect_holds_one_large_dead_letter_at_a_time(dlq: tuple[ServiceSettings, Any]) -> None:
    """A DLQ of refused inputs is not read into memory whole: letters left queued are kept by delivery tag."""
    settings, channel = dlq
    size = 4 * 1024 * 1024
    for index in range(4):
        await channel.default_exchange.publish(_letter("over-size", bytes([index]) * size), routing_key=settings.dlq)

    counts, peak = await _traced_peak(run_dlq(settings, "inspect", frozenset({"over-size"})))

    assert ({"seen": 8, "selected": 5, "done": 0}, 8) == (counts, await _count(channel, settings.dlq))
    assert peak < 2 * size


async def test_replay_of_large_dead_letters_holds_about_one_body(dlq: tuple[ServiceSettings, Any]) -> None:
    """Each large body is republished a few frames at a time, not as aio-pika's four copies of it."""
    settings, channel = dlq
    size = 4 * 1024 * 1024
    bodies = [bytes([index]) * size for index in range(3)]
    for body in bodies:
        await channel.default_exchange.publish(_letter("processing-failed", body), routing_key=settings.dlq)

    counts, peak = await _traced_peak(run_dlq(settings, "replay", frozenset({"processing-failed"})))

    replayed = sorted(body for body, _ in await _drain(channel, settings.input))
    assert ({"seen": 7, "selected": 4, "done": 4}, sorted([BODIES["processing-failed"], *bodies])) == (counts, replayed)
    assert peak < 2 * size
