"""Headers stay publishable whatever the input holds; a publish that keeps failing is dead-lettered by claimedit."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import x12gen
from harness import Collected, Running, in_memory_service

from claimedit.pipeline import Pipeline
from claimedit.service.events import DeadLetterHeaders
from claimedit.service.headers import bounded, key_for
from claimedit.service.outputs import Outgoing

pytestmark = pytest.mark.anyio
HEX64 = re.compile(r"[0-9a-f]{64}")


def test_a_printable_value_within_255_bytes_is_kept() -> None:
    assert ("corr-1", False) == bounded("corr-1")


@pytest.mark.parametrize("value", ["x" * 256, "é" * 128, "line\r\nbreak"])
def test_a_long_or_unprintable_value_is_replaced_by_its_hash(value: str) -> None:
    expected = "sha256:" + hashlib.sha256(value.encode()).hexdigest()

    assert (expected, True) == bounded(value)


def test_keys_are_fixed_length_hashes_of_their_parts() -> None:
    assert [64, 64] == [len(key_for("claim", "1" * 200_000)), len(key_for("claim", "1"))]
    assert key_for("a", "b") != key_for("ab")


async def test_a_300_byte_correlation_id_is_hashed_in_every_output_and_noted(pipeline: Pipeline) -> None:
    collected = Collected()
    long_id = "c" * 300

    async with in_memory_service("rabbit", pipeline.process, collected) as running:
        await running.send(x12gen.interchange(x12gen.synthetic_claims(2)).encode(), {"x-correlation-id": long_id})

    hashed = "sha256:" + hashlib.sha256(long_id.encode()).hexdigest()
    every = [headers for output in ("annotated", "rejected", "acks") for headers in collected.headers(output)]
    events = [json.loads(body) for body in collected.bodies("annotated")]
    assert len(every) >= 3
    assert {(hashed, "x-correlation-id")} == {(h["x-correlation-id"], h["x-claimedit-replaced-headers"]) for h in every}
    assert {hashed} == {event["correlation_id"] for event in events}
    assert all(HEX64.fullmatch(event["idempotency_key"]) for event in events)


def _failing_publish(running: Running, destination: str, failures: int) -> list[str]:
    """Make the first ``failures`` publishes to ``destination`` die as a lost connection does; returns the log."""
    parts = running.service.parts
    original: Callable[[Outgoing], Awaitable[Any]] = parts.publish
    attempts: list[str] = []

    async def publish(outgoing: Outgoing) -> Any:
        attempts.append(outgoing.destination)
        if outgoing.destination == destination and attempts.count(destination) <= failures:
            raise asyncio.CancelledError
        return await original(outgoing)

    parts.publish = publish
    return attempts


async def test_a_publish_lost_once_to_a_connection_drop_is_retried(pipeline: Pipeline) -> None:
    collected = Collected()

    async with in_memory_service("rabbit", pipeline.process, collected) as running:
        attempts = _failing_publish(running, "annotated", failures=1)
        await running.send(x12gen.interchange(x12gen.synthetic_claims(1)).encode())

    assert (2, 1, []) == (attempts.count("annotated"), len(collected.bodies("annotated")), collected.bodies("dlq"))


async def test_a_publish_that_keeps_failing_dead_letters_the_input_with_its_reason(pipeline: Pipeline) -> None:
    collected = Collected()
    body = x12gen.interchange(x12gen.synthetic_claims(1)).encode()

    async with in_memory_service("rabbit", pipeline.process, collected, publish_attempts=3) as running:
        attempts = _failing_publish(running, "annotated", failures=100)
        await running.send(body, {"x-correlation-id": "stuck-output"})

    letters = [DeadLetterHeaders.from_headers(headers) for headers in collected.headers("dlq")]
    assert 3 == attempts.count("annotated")
    assert [("publish-failed", "stuck-output")] == [(h.reason_kind, h.correlation_id) for h in letters]
    assert "publishing to annotated failed 3 times: CancelledError" == letters[0].reason
    assert [body] == collected.bodies("dlq")


@pytest.mark.parametrize(
    "body",
    [b"\xff\xfe not X12 at all \xe9\xe8", b"\xef\xbb\xbf  ISA*broken", "GARBAGE ÉLAN".encode("latin-1")],
    ids=["binary", "bom-and-blanks", "latin-1"],
)
async def test_the_dead_letter_body_is_the_input_byte_for_byte(pipeline: Pipeline, body: bytes) -> None:
    collected = Collected()

    async with in_memory_service("rabbit", pipeline.process, collected) as running:
        await running.send(body)

    letter = DeadLetterHeaders.from_headers(collected.headers("dlq")[0])
    digest = hashlib.sha256(body).hexdigest()
    assert [body] == collected.bodies("dlq")
    assert (digest, digest) == (letter.input_sha256, letter.body_sha256)
