"""An input's outputs go out as one batch whose confirms are awaited together (NATS, once connected).

Only the outputs that failed the batch are published again, each with the attempts left; one that keeps
failing dead-letters the input, as a single publish does. The service is the in-memory one with a batch
publish injected (the real one is bound on a live NATS connection, tested at the end on a real broker).
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
import x12gen
from harness import Collected, Running, connected_broker, in_memory_service
from prometheus_client import CollectorRegistry

from claimedit.pipeline import Pipeline
from claimedit.service.events import DeadLetterHeaders
from claimedit.service.outputs import Outgoing

pytestmark = pytest.mark.anyio


class _FlakyError(Exception):
    """A broker error for one output of a batch."""


def _batch_failing(running: Running, destination: str, *, retries_fail: bool) -> list[tuple[str, str]]:
    """A batch publish whose outputs to ``destination`` fail; their retries fail too when ``retries_fail``.

    Returns the log of ``(how, destination)`` for every attempt: ``batch`` or ``retry``.
    """
    parts = running.service.parts
    single: Callable[[Outgoing], Awaitable[Any]] = parts.publish
    seen: list[tuple[str, str]] = []

    async def publish_batch(outgoings: list[Outgoing]) -> list[BaseException | None]:
        errors: list[BaseException | None] = []
        for outgoing in outgoings:
            seen.append(("batch", outgoing.destination))
            if outgoing.destination == destination:
                errors.append(_FlakyError())
            else:
                await single(outgoing)
                errors.append(None)
        return errors

    async def publish(outgoing: Outgoing) -> Any:
        seen.append(("retry", outgoing.destination))
        if retries_fail and outgoing.destination == destination:
            raise _FlakyError
        return await single(outgoing)

    parts.batch = lambda: publish_batch
    parts.publish = publish
    return seen


async def test_an_output_that_failed_its_batch_is_published_again_alone(pipeline: Pipeline) -> None:
    collected = Collected()

    async with in_memory_service("nats", pipeline.process, collected) as running:
        seen = _batch_failing(running, "annotated", retries_fail=False)
        await running.send(x12gen.interchange(x12gen.synthetic_claims(1)).encode())

    assert [("retry", "annotated")] == [attempt for attempt in seen if attempt[0] == "retry"]
    assert ("batch", "acks") in seen
    assert (1, 1, []) == (len(collected.bodies("annotated")), len(collected.bodies("acks")), collected.bodies("dlq"))


async def test_an_output_failing_its_batch_and_every_retry_dead_letters_the_input(pipeline: Pipeline) -> None:
    collected = Collected()
    body = x12gen.interchange(x12gen.synthetic_claims(1)).encode()

    async with in_memory_service("nats", pipeline.process, collected, publish_attempts=3) as running:
        seen = _batch_failing(running, "annotated", retries_fail=True)
        await running.send(body, {"x-correlation-id": "stuck-batch"})
        dead_letters = running.service.metrics.registry.get_sample_value(
            "claimedit_dead_letters_total", {"reason_kind": "publish-failed"}
        )

    letters = [DeadLetterHeaders.from_headers(headers) for headers in collected.headers("dlq")]
    assert [("batch", "annotated"), ("retry", "annotated"), ("retry", "annotated")] == [
        attempt for attempt in seen if attempt[1] == "annotated"
    ]
    assert [("publish-failed", "stuck-batch")] == [(h.reason_kind, h.correlation_id) for h in letters]
    assert "publishing to annotated failed 3 times: _FlakyError" == letters[0].reason
    assert [body] == collected.bodies("dlq")
    assert 1 == dead_letters


def jetstream(parts: Any) -> Any:
    """The JetStream context of the service's own NATS connection."""
    return parts.broker.connection.jetstream()


def _outgoing(destination: str, key: str) -> Outgoing:
    return Outgoing(destination, b"{}", "application/json", key, f"event-{key}", "correlation-1", {})  # type: ignore[arg-type]


def _published(registry: CollectorRegistry, output: str, status: str) -> float | None:
    return registry.get_sample_value("claimedit_published_messages_total", {"output": output, "status": status})


@pytest.mark.broker
async def test_a_nats_batch_is_confirmed_and_counted_per_output(nats_url: str, unique: str) -> None:
    async with connected_broker(nats_url, unique) as (parts, settings, registry):
        assert parts.batch() is None  # not bound before ``declare``: one publish per output
        await parts.declare()
        publish_batch = parts.batch()
        assert publish_batch is not None
        errors = await publish_batch([_outgoing("annotated", "k1"), _outgoing("acks", "k2")])
        info = await jetstream(parts).stream_info(settings.nats_stream)

    assert ([None, None], 2) == (errors, info.state.messages)
    assert (1.0, 1.0) == (_published(registry, "annotated", "confirmed"), _published(registry, "acks", "confirmed"))


@pytest.mark.broker
async def test_a_nats_batch_without_its_stream_fails_each_output_and_counts_it(nats_url: str, unique: str) -> None:
    from nats.js.errors import NoStreamResponseError  # noqa: PLC0415

    async with connected_broker(nats_url, unique) as (parts, settings, registry):
        await parts.declare()
        await jetstream(parts).delete_stream(settings.nats_stream)
        publish_batch = parts.batch()
        assert publish_batch is not None
        errors = await publish_batch([_outgoing("annotated", "k1"), _outgoing("annotated", "k2")])
        await jetstream(parts).add_stream(name=settings.nats_stream, subjects=[settings.annotated])

    assert [NoStreamResponseError, NoStreamResponseError] == [type(error) for error in errors]
    assert 2 == _published(registry, "annotated", "failed")


@pytest.mark.broker
async def test_a_nats_batch_cut_short_counts_each_of_its_outputs_failed(nats_url: str, unique: str) -> None:
    async with connected_broker(nats_url, unique) as (parts, _settings, registry):
        await parts.declare()
        publish_batch = parts.batch()
        assert publish_batch is not None
        connection: Any = parts.broker.connection

        async def lost(*_args: Any, **_kwargs: Any) -> None:
            raise asyncio.CancelledError  # what a connection lost under the write looks like

        connection.publish = lost
        with pytest.raises(asyncio.CancelledError):
            await publish_batch([_outgoing("annotated", "k1"), _outgoing("acks", "k2")])
        del connection.publish

    assert (1.0, 1.0) == (_published(registry, "annotated", "failed"), _published(registry, "acks", "failed"))


class _Input:
    """Stands for FastStream's message, which a handler's context holds (and the input's body with it)."""


_HANDLED: contextvars.ContextVar[_Input | None] = contextvars.ContextVar("handled", default=None)


@pytest.mark.broker
async def test_a_nats_batch_leaves_no_timer_that_keeps_its_callers_context(nats_url: str, unique: str) -> None:
    """A cancelled timer keeps its context until its time comes: the input, for the publish timeout."""
    async with connected_broker(nats_url, unique) as (parts, _settings, _registry):
        await parts.declare()
        publish_batch = parts.batch()
        assert publish_batch is not None

        async def handler() -> tuple[list[BaseException | None], weakref.ref[_Input]]:
            handled = _Input()
            _HANDLED.set(handled)
            errors = await publish_batch([_outgoing("annotated", "k1"), _outgoing("acks", "k2")])
            return errors, weakref.ref(handled)

        loop = asyncio.get_running_loop()
        # a service always has a live timer due sooner (NATS fetches, heartbeats): asyncio drops a cancelled
        # timer only once it reaches the head of its queue
        sooner = loop.call_later(10, lambda: None, context=contextvars.Context())
        errors, kept = await loop.create_task(handler(), context=contextvars.Context())
        await asyncio.sleep(0)  # the loop lets go of the handle that resumed this task with the handler's result
        gc.collect()
        handled = kept()
        sooner.cancel()

    assert ([None, None], None) == (errors, handled)


async def test_a_batch_left_without_replies_answers_timeout_error_for_each_message() -> None:
    from claimedit.service.brokers import _JetStreamPublisher  # noqa: PLC0415

    class _Silent:
        """A connection that writes every message and never gets a PubAck back."""

        async def publish(self, *_args: Any, **_kwargs: Any) -> None:
            return None

    publisher = _JetStreamPublisher(_Silent(), "S", timeout=0.05)
    answers = await publisher.publish_batch([("a", b"{}", {}), ("b", b"{}", {})])

    assert [TimeoutError, TimeoutError] == [type(answer) for answer in answers]
