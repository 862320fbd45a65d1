"""The outputs published through the broker client (RabbitMQ, NATS) are the messages FastStream's publisher wrote.

The service binds the client's own publish once connected (:mod:`claimedit.service.brokers`); before that,
and on FastStream's in-memory test brokers, FastStream's publisher publishes. Each test publishes the same
output both ways on a real broker and compares what a consumer reads, timestamps and ids aside.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from harness import connected_broker

from claimedit.service import ServiceSettings
from claimedit.service.outputs import Outgoing

pytestmark = [pytest.mark.anyio, pytest.mark.broker]


def _outgoing(event_id: str) -> Outgoing:
    return Outgoing(
        "annotated",
        b'{"event": "annotated"}',
        "application/json",
        "claim-key-1",
        event_id,
        "correlation-1",
        {"x-correlation-id": "correlation-1", "x-claimedit-verdict": "accepted"},
    )


async def _rabbit_bind_output(settings: ServiceSettings) -> None:
    import aio_pika  # noqa: PLC0415

    connection = await aio_pika.connect(settings.broker_url)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(settings.rabbit_exchange, aio_pika.ExchangeType.TOPIC, durable=True)
        queue = await channel.declare_queue(settings.annotated, durable=True)
        await queue.bind(exchange, routing_key=settings.annotated)


async def _rabbit_read(settings: ServiceSettings, count: int) -> list[dict[str, Any]]:
    import aio_pika  # noqa: PLC0415

    connection = await aio_pika.connect(settings.broker_url)
    async with connection:
        channel = await connection.channel()
        queue = await channel.get_queue(settings.annotated, ensure=True)
        seen = []
        for _ in range(count):
            message = await queue.get(fail=True, no_ack=True)
            assert message is not None
            info = dict(message.info())
            for varying in ("timestamp", "delivery_tag", "consumer_tag", "message_id", "redelivered"):
                info.pop(varying, None)
            seen.append({"body": message.body, **info})
        return seen


async def _nats_read(settings: ServiceSettings, count: int) -> list[dict[str, Any]]:
    import nats  # noqa: PLC0415

    client = await nats.connect(settings.broker_url)
    try:
        jetstream = client.jetstream()
        seen = []
        for sequence in range(1, count + 1):
            message = await jetstream.get_msg(settings.nats_stream, sequence)
            headers = dict(message.headers or {})
            headers.pop("Nats-Msg-Id")
            seen.append({"subject": message.subject, "body": message.data, "headers": headers})
        return seen
    finally:
        await client.close()


async def test_rabbit_direct_publish_writes_what_faststream_wrote(amqp_url: str, unique: str) -> None:
    async with connected_broker(amqp_url, unique) as (parts, settings, _registry):
        await _rabbit_bind_output(settings)  # what ``declare`` does, without binding the direct publish
        await parts.publish(_outgoing("event-faststream"))  # not bound yet: FastStream's publisher
        await parts.declare()
        await parts.publish(_outgoing("event-direct"))
        through_faststream, direct = await _rabbit_read(settings, 2)

    assert through_faststream == direct
    assert (2, "application/json", "correlation-1") == (
        direct["delivery_mode"],
        direct["content_type"],
        direct["correlation_id"],
    )


async def test_nats_direct_publish_writes_what_faststream_wrote(nats_url: str, unique: str) -> None:
    async with connected_broker(nats_url, unique) as (parts, settings, _registry):
        await parts.publish(_outgoing("event-faststream"))
        await parts.declare()
        second = _outgoing("event-direct")
        await parts.publish(Outgoing(**{**second.__dict__, "idempotency_key": "claim-key-2"}))
        through_faststream, direct = await _nats_read(settings, 2)

    assert through_faststream == direct
    assert ("correlation-1", settings.nats_stream) == (
        direct["headers"]["correlation_id"],
        direct["headers"]["Nats-Expected-Stream"],
    )


@pytest.fixture(params=["amqp", "nats"])
def broker_url(request: pytest.FixtureRequest) -> str:
    url: str = request.getfixturevalue(f"{request.param}_url")
    return url


async def test_each_publish_is_counted_confirmed_by_output(broker_url: str, unique: str) -> None:
    async with connected_broker(broker_url, unique) as (parts, _settings, registry):
        await parts.declare()
        await asyncio.gather(*(parts.publish(_outgoing(f"event-{index}")) for index in range(3)))
        confirmed = registry.get_sample_value(
            "claimedit_published_messages_total", {"output": "annotated", "status": "confirmed"}
        )

    assert 3 == confirmed


async def test_an_unroutable_output_raises_and_is_counted_failed(amqp_url: str, unique: str) -> None:
    import aio_pika  # noqa: PLC0415

    async with connected_broker(amqp_url, unique) as (parts, settings, registry):
        await parts.declare()
        connection = await aio_pika.connect(settings.broker_url)
        async with connection:
            await (await connection.channel()).queue_delete(settings.annotated)  # nothing bound to its key now
        with pytest.raises(aio_pika.exceptions.PublishError):
            await parts.publish(_outgoing("event-unroutable"))
        failed = registry.get_sample_value(
            "claimedit_published_messages_total", {"output": "annotated", "status": "failed"}
        )

    assert 1 == failed


async def test_a_nats_output_without_its_stream_raises_and_is_counted_failed(nats_url: str, unique: str) -> None:
    import nats  # noqa: PLC0415
    from nats.js.errors import NoStreamResponseError  # noqa: PLC0415

    async with connected_broker(nats_url, unique) as (parts, settings, registry):
        await parts.declare()
        client = await nats.connect(settings.broker_url)
        try:
            await client.jetstream().delete_stream(settings.nats_stream)  # no stream answers the subject now
            with pytest.raises(NoStreamResponseError):
                await parts.publish(_outgoing("event-no-stream"))
            await client.jetstream().add_stream(name=settings.nats_stream, subjects=[settings.annotated])
        finally:
            await client.close()
        failed = registry.get_sample_value(
            "claimedit_published_messages_total", {"output": "annotated", "status": "failed"}
        )

    assert 1 == failed
