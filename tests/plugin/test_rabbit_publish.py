"""Publishing to RabbitMQ without keeping the input (:mod:`claimedit.service.rabbit_publish`).

Against a real RabbitMQ: a large message arrives as the ordinary publish writes it, the publish holds a
small part of the body at its peak (tracemalloc), an unroutable one raises, neither the consuming
channel's acks nor a publish cut short by its timeout break the connection, and no publish leaves a timer
holding its caller's context.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import logging
import os
import tracemalloc
import weakref
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aio_pika
import pytest
from harness import remove_resources, unique_names
from prometheus_client import CollectorRegistry

from claimedit.service import load_settings, rabbit_publish
from claimedit.service.brokers import build_broker
from claimedit.service.outputs import Outgoing
from claimedit.service.rabbit_publish import framed_publish_supported, publish, publish_large

pytestmark = [pytest.mark.anyio, pytest.mark.broker]

MB = 1024 * 1024


@asynccontextmanager
async def _channel(url: str, unique: str) -> AsyncIterator[tuple[aio_pika.abc.AbstractChannel, str]]:
    """A confirming channel (as FastStream's) and a fresh queue on the default exchange."""
    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        queue = await channel.declare_queue(f"framed-{unique}", auto_delete=False)
        try:
            yield channel, queue.name
        finally:
            await queue.delete(if_unused=False, if_empty=False)


async def _read(channel: aio_pika.abc.AbstractChannel, queue: str) -> aio_pika.abc.AbstractIncomingMessage:
    message = await (await channel.get_queue(queue)).get(no_ack=True, fail=True)
    assert message is not None
    return message


def _seen(message: aio_pika.abc.AbstractIncomingMessage) -> dict[str, Any]:
    info = dict(message.info())
    for varying in ("delivery_tag", "consumer_tag", "redelivered"):
        info.pop(varying, None)
    return {"body": message.body, **info}


def _message(body: bytes) -> aio_pika.Message:
    return aio_pika.Message(
        body,
        headers={"x-claimedit-reason-kind": "over-size"},
        content_type="application/edi-x12",
        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
        correlation_id="correlation-1",
        message_id="event-1",
        app_id="claimedit",
    )


def test_the_adapter_is_used_only_with_the_aiormq_it_was_written_for() -> None:
    assert [framed_publish_supported(v) for v in ("7.2.0", "7.2.4", "7.1.9", "7.3.0", "8.0", "dev")] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]


async def test_a_large_body_arrives_as_the_ordinary_publish_writes_it(amqp_url: str, unique: str) -> None:
    body = os.urandom(3 * MB + 17)  # more than a write of frames, not a whole number of frames
    async with _channel(amqp_url, unique) as (channel, queue):
        await channel.default_exchange.publish(_message(body), routing_key=queue, mandatory=True)
        await publish_large(channel.default_exchange, _message(body), routing_key=queue, timeout=30)
        ordinary, framed = _seen(await _read(channel, queue)), _seen(await _read(channel, queue))

    assert ordinary == framed
    assert framed["body"] == body


async def test_a_large_dead_letter_is_published_holding_a_small_part_of_it(amqp_url: str, unique: str) -> None:
    """The service's publish of a 20 MB dead letter: aio-pika's own held about 4 copies of the body at its peak."""
    settings = load_settings(broker_url=amqp_url, health_port=0, **unique_names(unique))
    parts = build_broker(settings, registry=CollectorRegistry(), logger=logging.getLogger("test"))
    body = os.urandom(20 * MB)
    letter = Outgoing("dlq", body, "application/edi-x12", "key-1", "event-1", "correlation-1", {"x-a": "b"})
    try:
        async with parts.broker:
            await parts.broker.start()
            await parts.declare()
            tracemalloc.start()
            try:
                await parts.publish(letter)
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            connection = await aio_pika.connect(amqp_url)
            async with connection:
                arrived = await _read(await connection.channel(), settings.dlq)
    finally:
        await remove_resources(settings)

    assert peak < len(body) // 4
    assert (arrived.body == body, arrived.headers["x-a"]) == (True, "b")


async def test_an_unroutable_large_body_raises(amqp_url: str, unique: str) -> None:
    async with _channel(amqp_url, unique) as (channel, _queue):
        with pytest.raises(aio_pika.exceptions.PublishError):
            await publish_large(
                channel.default_exchange,
                _message(os.urandom(2 * MB)),
                routing_key=f"nowhere-{unique}",
                timeout=30,
            )


async def test_an_unroutable_large_body_comes_back_where_its_channel_does_not_raise(amqp_url: str, unique: str) -> None:
    """As ``exchange.publish`` answers on a channel opened without ``on_return_raises``: the message returned."""
    connection = await aio_pika.connect(amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=False)
        body = os.urandom(2 * MB)
        returned = await publish_large(
            channel.default_exchange, _message(body), routing_key=f"nowhere-{unique}", timeout=30
        )

    assert (returned.body == body, returned.delivery.routing_key) == (True, f"nowhere-{unique}")


async def test_acks_on_the_consuming_channel_go_on_during_a_large_publish(amqp_url: str, unique: str) -> None:
    """On one channel an ack between two body frames breaks the connection: the large body has its own."""
    async with _channel(amqp_url, unique) as (channel, queue):
        for index in range(20):
            await channel.default_exchange.publish(aio_pika.Message(b"%d" % index), routing_key=queue)
        incoming = await channel.get_queue(queue)
        held = [await incoming.get(no_ack=False, fail=True) for _ in range(20)]

        async def ack_each() -> None:
            for message in held:
                assert message is not None
                await message.ack()  # as the service acks an input: no channel lock

        large = publish_large(channel.default_exchange, _message(os.urandom(20 * MB)), routing_key=queue, timeout=60)
        await asyncio.gather(large, ack_each())
        declared = await channel.declare_queue(queue, passive=True)

    assert declared.declaration_result.message_count == 1


async def test_a_publish_past_its_timeout_is_written_whole_and_the_connection_stays(amqp_url: str, unique: str) -> None:
    """A message cut short between two frames would break the connection every input is consumed on."""
    body = os.urandom(20 * MB)
    async with _channel(amqp_url, unique) as (channel, queue):
        with pytest.raises(TimeoutError):
            await publish_large(channel.default_exchange, _message(body), routing_key=queue, timeout=0.001)
        await asyncio.gather(*rabbit_publish._running, return_exceptions=True)
        await channel.default_exchange.publish(aio_pika.Message(b"after"), routing_key=queue, mandatory=True)
        first, second = await _read(channel, queue), await _read(channel, queue)

    assert (first.body == body, second.body) == (True, b"after")


class _Input:
    """Stands for FastStream's message, which a handler's context holds (and the input's body with it)."""


_HANDLED: contextvars.ContextVar[_Input | None] = contextvars.ContextVar("handled", default=None)


@pytest.mark.parametrize("size", [1024, 2 * MB], ids=["small", "large"])
async def test_a_publish_leaves_no_timer_that_keeps_its_callers_context(amqp_url: str, unique: str, size: int) -> None:
    """A cancelled timer keeps its context until its time comes: the input, 30 s after it was done."""
    async with _channel(amqp_url, unique) as (channel, queue):

        async def handler() -> weakref.ref[_Input]:
            handled = _Input()
            _HANDLED.set(handled)
            await publish(channel.default_exchange, _message(os.urandom(size)), routing_key=queue, timeout=30)
            return weakref.ref(handled)

        kept = await asyncio.get_running_loop().create_task(handler(), context=contextvars.Context())
        await asyncio.gather(*rabbit_publish._running, return_exceptions=True)
        await asyncio.sleep(0)  # the loop lets go of the handle that resumed this task with the handler's result
        gc.collect()

        assert kept() is None
