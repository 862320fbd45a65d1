"""Publishing to RabbitMQ without keeping the input: a large body a few frames at a time, no timer in its context.

aiormq's ``basic_publish`` builds the whole message before writing any of it: the body cut into
frame-sized slices (a copy), the frames marshalled into one buffer (a copy), that buffer handed to the
transport at once, which keeps what the socket did not take (a copy, two while it is cut). For the 50 MB
dead letter of a refused input that was four copies of the body beside the input itself (one 50 MB
publish: 192 MB traced at its peak). Here a body over :data:`LARGE_BODY_BYTES` is cut into memoryview
slices (no copy), a few frames are marshalled per write and each write is drained (the transport's
buffer below its high-water mark) before the next is built: a publish holds a few frames of its body.

The frames of one message must follow each other on their channel, and aiormq writes an ack or nack
without the channel's lock: on FastStream's channel, where inputs are consumed and acked, an ack could
land between two body frames. So each large publish gets a channel of its own (publisher confirms, and
``on_return_raises`` as the exchange's channel has it), opened on the same connection and closed after
its confirm. Once its first frame is written, the message is written to its end even if the publish is
cancelled or times out (a message cut short breaks the connection), and only then is the channel closed.

A timer scheduled from a message handler (``asyncio.timeout``, as aiormq's publish timeout, an RPC's,
a channel close's) copies the handler's context, which holds FastStream's message, and a cancelled timer
keeps it until its time comes: the input's whole body, 30 to 60 s after it was done (three refused 50 MB
inputs in a row: 248 MB). So a publish's timeout is :func:`claimedit.service.timeouts.within` (a timer
without context) and a large publish runs in a task with an empty context.

The framed publish does what ``basic_publish`` does with the channel's state (lock, ``delivery_tag``,
``confirmations``, ``message_id_delivery_tag``, ``write_queue``, :class:`aiormq.abc.ChannelFrame`): read
from aiormq 7.2 (:data:`SUPPORTED_AIORMQ`); with another aiormq the ordinary publish is used.
"""

from __future__ import annotations

import asyncio
import contextvars
import importlib.metadata
import uuid
from typing import Any, cast

import aiormq
from aio_pika import Exchange
from aio_pika.abc import AbstractExchange, AbstractMessage
from aiormq.abc import ChannelFrame
from pamqp import commands as spec
from pamqp.body import ContentBody
from pamqp.header import ContentHeader

from claimedit.service.timeouts import within

__all__ = [
    "FRAMES_PER_WRITE",
    "LARGE_BODY_BYTES",
    "SUPPORTED_AIORMQ",
    "framed_publish_supported",
    "publish",
    "publish_large",
]

LARGE_BODY_BYTES = 1024 * 1024
"""Bodies larger than this are published frame by frame; smaller ones through aio-pika as usual."""
FRAMES_PER_WRITE = 8
"""Body frames marshalled and written at once (RabbitMQ's default frame: 128 KiB, so about 1 MiB a write)."""
SUPPORTED_AIORMQ = ((7, 2), (7, 3))
"""aiormq versions, from (inclusive) and to (exclusive), whose channel internals this adapter was written for."""

_running: set[asyncio.Task[Any]] = set()
"""Framed publishes under way (a strong reference keeps each task until it is done)."""


def framed_publish_supported(version: str | None = None) -> bool:
    """Whether the installed aiormq (or ``version``) is one this adapter was written for."""
    installed = version if version is not None else importlib.metadata.version("aiormq")
    try:
        major_minor = tuple(int(part) for part in installed.split(".")[:2])
    except ValueError:
        return False
    low, high = SUPPORTED_AIORMQ
    return low <= major_minor < high


_SUPPORTED = framed_publish_supported()


async def publish(
    exchange: AbstractExchange, message: AbstractMessage, *, routing_key: str, timeout: float | None = None
) -> Any:
    """``exchange.publish(message, routing_key, mandatory=True, timeout)``: its confirm, or what it raises.

    A body over :data:`LARGE_BODY_BYTES` is framed (:func:`publish_large`); a smaller one goes through
    aio-pika with the timeout kept by :func:`within`, whose timer holds no context. Awaited from a task.
    """
    if len(message.body) > LARGE_BODY_BYTES:
        return await publish_large(exchange, message, routing_key=routing_key, timeout=timeout)
    publishing = exchange.publish(message, routing_key=routing_key, mandatory=True)  # as _publish_whole, inline
    return await (publishing if timeout is None else within(timeout, publishing))


async def _publish_whole(
    exchange: AbstractExchange, message: AbstractMessage, routing_key: str, timeout: float | None
) -> Any:
    publishing = exchange.publish(message, routing_key=routing_key, mandatory=True)
    return await (publishing if timeout is None else within(timeout, publishing))


async def publish_large(
    exchange: AbstractExchange, message: AbstractMessage, *, routing_key: str, timeout: float | None
) -> Any:
    """Publish ``message`` (mandatory) to ``exchange`` frame by frame and await its confirm.

    Answers as ``exchange.publish`` does: :class:`aiormq.exceptions.DeliveryError` when nacked,
    :class:`TimeoutError` past ``timeout``; when unroutable, :class:`aiormq.exceptions.PublishError` if the
    exchange's channel has ``on_return_raises``, else the returned message (the exchange channel's return
    callbacks are not called: the message came back on the publish's own channel).

    The publish runs in a task of its own with an empty context: the timers it schedules (the channel's
    open and close, the confirm's timeout) outlive it when cancelled, and in the caller's context they
    would keep FastStream's message, so the whole input, for up to a minute. A caller cancelled or past
    ``timeout`` stops waiting; the task writes the body to its end (a message cut short between two
    frames breaks the connection), waits for the confirm at most ``timeout`` more and closes its channel.
    """
    if not _SUPPORTED:
        return await _publish_whole(exchange, message, routing_key, timeout)
    publishing = asyncio.get_running_loop().create_task(
        _publish_framed(exchange, message, routing_key, timeout), context=contextvars.Context()
    )
    _running.add(publishing)
    publishing.add_done_callback(_forget)
    if timeout is None:
        return await asyncio.shield(publishing)
    return await within(timeout, asyncio.shield(publishing))  # its timer holds no context either


def _forget(task: asyncio.Task[Any]) -> None:
    _running.discard(task)
    if not task.cancelled():
        task.exception()  # retrieved: a caller that stopped waiting has had its answer


async def _publish_framed(
    exchange: AbstractExchange, message: AbstractMessage, routing_key: str, timeout: float | None
) -> Any:
    parent = cast(Exchange, exchange).channel  # aio-pika's exchanges have their channel
    underlay = await parent.get_underlay_channel()
    raises = bool(getattr(parent, "on_return_raises", True))
    channel = cast(aiormq.Channel, await underlay.connection.channel(publisher_confirms=True, on_return_raises=raises))
    writing = asyncio.ensure_future(_write(channel, exchange.name, routing_key, message))
    try:
        confirmation = await asyncio.shield(writing)  # once begun, the body is written whole
        async with asyncio.timeout(timeout):
            return await confirmation
    finally:
        await _close(channel, writing)


async def _write(
    channel: aiormq.Channel, exchange: str, routing_key: str, message: AbstractMessage
) -> asyncio.Future[Any]:
    """Write the message's frames a few at a time, each write drained; its confirmation future."""
    body = message.body
    properties = message.properties
    if not properties.message_id:  # as basic_publish: a returned message finds its publish by message id
        properties.message_id = uuid.uuid4().hex
    frames: list[Any] = [
        spec.Basic.Publish(exchange=exchange, routing_key=routing_key, mandatory=True),
        ContentHeader(properties=properties, body_size=len(body)),
    ]
    view = memoryview(body)
    step = channel.max_content_size
    async with channel.lock:
        channel.delivery_tag += 1
        confirmation = channel.create_future()
        channel.confirmations[channel.delivery_tag] = confirmation
        channel.message_id_delivery_tag[properties.message_id] = channel.delivery_tag
        for start in range(0, len(view), step):
            frames.append(ContentBody(view[start : start + step]))  # type: ignore[arg-type]  # any bytes-like joins
            if len(frames) >= FRAMES_PER_WRITE:
                await _write_drained(channel, frames)
                frames = []
        if frames:
            await _write_drained(channel, frames)
    return confirmation


async def _write_drained(channel: aiormq.Channel, frames: list[Any]) -> None:
    drained = channel.create_future()
    await channel.write_queue.put(
        ChannelFrame.marshall(channel_number=channel.number, frames=frames, drain_future=drained)
    )
    await drained


async def _close(channel: aiormq.Channel, writing: asyncio.Future[Any]) -> None:
    """Close the publish's channel once its frames are written; a confirm nobody awaits any more is dropped."""
    await asyncio.wait([writing])
    if not writing.cancelled() and writing.exception() is None:
        writing.result().cancel()  # no-op once confirmed
    try:
        await channel.close()
    except Exception:  # noqa: BLE001  (the connection is gone, and the channel with it)
        return
