"""One FastStream broker per URL scheme, with the input subscriber and the four output publishers.

- RabbitMQ: durable quorum input queue (``x-delivery-limit`` plus dead-lettering to the DLQ queue as
  the broker-side bound), durable output queues, persistent messages, publisher confirms.
- NATS: one JetStream stream holding the input and output subjects, a durable pull consumer with
  ``max_deliver``; outputs are JetStream publishes (the PubAck is the confirm) with ``Nats-Msg-Id`` set
  to the idempotency key, so the stream drops duplicates inside its window.
- Redis: streams with a consumer group; idle pending entries are reclaimed (XAUTOCLAIM) by live
  consumers; XADD's reply is the confirm.
- Kafka: consumer group with manual commits; ``send_and_wait`` is the confirm.

On RabbitMQ and NATS the outputs are published through the broker client FastStream holds (aio-pika's
exchange, nats-py's JetStream context) with the same message as FastStream's publisher writes and the same
guarantees (persistent, publisher confirm or PubAck awaited, mandatory routing): FastStream's publisher
path costs as much again per message (its command object, middleware stack and Prometheus publish
metrics). The direct path is bound by ``declare``, once connected; until then (FastStream's in-memory test
brokers never connect) FastStream's publishers publish. The publishers stay declared either way: they
describe the outputs in the AsyncAPI document.

Redis counts deliveries in the stream's pending entry, asked for after a failure. Kafka counts none:
a processing failure there goes to the DLQ at its first attempt.

TLS schemes (``amqps://``, ``tls://``, ``rediss://``, ``kafkas://``) get FastStream's security object
with the SSL context built from the settings (:mod:`claimedit.service.tls`); Kafka credentials in the
URL become SASL (PLAIN or SCRAM) over TLS.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import itertools
import json
import logging
import os
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from faststream._internal.broker import BrokerUsecase
from faststream.message import StreamMessage
from faststream.middlewares import AckPolicy
from faststream.security import BaseSecurity, SASLPlaintext, SASLScram256, SASLScram512
from prometheus_client import CollectorRegistry

from claimedit.service.events import ClaimAnnotated, ClaimRejected, GroupAcknowledged
from claimedit.service.metrics import PublishCounter, labels_looked_up_once
from claimedit.service.outputs import Destination, Outgoing
from claimedit.service.settings import ServiceSettings
from claimedit.service.timeouts import within
from claimedit.service.tls import require_nats_tls, ssl_context

__all__ = ["BrokerParts", "build_broker", "kafka_security"]

Handler = Callable[..., Awaitable[None]]
Decoder = Callable[[StreamMessage[Any]], Awaitable[bytes]]
Publish = Callable[[Outgoing], Awaitable[Any]]
PublishBatch = Callable[[list[Outgoing]], Awaitable[list[BaseException | None]]]
"""Publish every output, their confirms awaited together: per output None (confirmed) or the error."""

_DESCRIPTIONS: dict[Destination, tuple[Any, str]] = {
    "annotated": (ClaimAnnotated, "One event per claim: verdict, findings and the claim as its own 837P."),
    "rejected": (ClaimRejected, "One event per rejected claim, with its 277CA (005010X214)."),
    "acks": (GroupAcknowledged, "The 999 implementation acknowledgment of each functional group."),
    "dlq": (bytes, "Input that could not be read or processed, as sent; the reason is in the headers."),
}


async def _attempts_as_read(_message: StreamMessage[Any], known: int) -> int:
    """The delivery count ``delivery_attempts`` read from the message itself."""
    return known


async def _nothing_to_check() -> None:
    return None


def _no_batch() -> PublishBatch | None:
    return None


@dataclass
class BrokerParts:
    broker: BrokerUsecase[Any, Any]
    kind: str
    names: dict[Destination, str]
    publish: Callable[[Outgoing], Awaitable[Any]]
    subscribe: Callable[[Handler, Decoder], Any]
    delivery_attempts: Callable[[StreamMessage[Any]], int]
    counts_deliveries: bool
    declare: Callable[[], Awaitable[None]]
    """Once connected: declare what the broker needs and bind the direct publish (RabbitMQ, NATS)."""
    failed_attempts: Callable[[StreamMessage[Any], int], Awaitable[int]] = _attempts_as_read
    """Deliveries so far, asked after a failure (Redis asks its stream); by default what was read."""
    preflight: Callable[[], Awaitable[None]] = _nothing_to_check
    """Checks before connecting (NATS over TLS: the server must offer TLS)."""
    batch: Callable[[], PublishBatch | None] = _no_batch
    """The batch publish once bound by ``declare`` (NATS), else None: one ``publish`` per output."""


def _consumer_name(settings: ServiceSettings) -> str:
    return f"{settings.group}-{socket.gethostname()}-{os.getpid()}"


def _names(settings: ServiceSettings) -> dict[Destination, str]:
    return {"annotated": settings.annotated, "rejected": settings.rejected, "acks": settings.acks, "dlq": settings.dlq}


def _payload(outgoing: Outgoing) -> bytes:
    return outgoing.payload


def _content_type(outgoing: Outgoing) -> str:
    return outgoing.content_type


class _Publisher:
    """Counts each publish (``claimedit_published_messages_total``); through FastStream's publisher until
    ``bind`` gives it the broker client's own (RabbitMQ and NATS, once connected)."""

    def __init__(self, faststream: Publish, counter: PublishCounter) -> None:
        self._send = faststream
        self._counter = counter
        self._send_batch: PublishBatch | None = None

    def bind(self, direct: Publish, batch: PublishBatch | None = None) -> None:
        self._send = direct
        self._send_batch = batch

    def batch(self) -> PublishBatch | None:
        """The counted batch publish, when the broker client's own is bound."""
        return None if self._send_batch is None else self.publish_batch

    async def publish_batch(self, outgoings: list[Outgoing]) -> list[BaseException | None]:
        if self._send_batch is None:
            msg = "no batch publish is bound"
            raise RuntimeError(msg)
        try:
            errors = await self._send_batch(outgoings)
        except BaseException:  # interrupted (a lost connection cancels it): none of them is known confirmed
            for outgoing in outgoings:
                self._counter.failed(outgoing.destination)
            raise
        for outgoing, error in zip(outgoings, errors, strict=True):
            if error is None:
                self._counter.confirmed(outgoing.destination)
            else:
                self._counter.failed(outgoing.destination)
        return errors

    async def publish(self, outgoing: Outgoing) -> Any:
        try:
            result = await self._send(outgoing)
        except BaseException:
            self._counter.failed(outgoing.destination)
            raise
        self._counter.confirmed(outgoing.destination)
        return result


def build_broker(settings: ServiceSettings, *, registry: CollectorRegistry, logger: logging.Logger) -> BrokerParts:
    """The broker named by ``settings.broker_url``'s scheme, wired with subscriber and publishers."""
    builders = {"rabbit": _rabbit, "nats": _nats, "redis": _redis, "kafka": _kafka}
    return builders[settings.broker_kind](settings, registry, logger)


def _security(settings: ServiceSettings) -> BaseSecurity | None:
    context = ssl_context(settings)
    return None if context is None else BaseSecurity(ssl_context=context)


def _common(settings: ServiceSettings, logger: logging.Logger) -> dict[str, Any]:
    return {
        "logger": logger,
        "log_level": logging.DEBUG,  # FastStream's per-message lines only when debugging
        "graceful_timeout": settings.graceful_timeout,
        "description": "claimedit: X12 837P claim edits as a stream processor",
    }


def _rabbit(settings: ServiceSettings, registry: CollectorRegistry, logger: logging.Logger) -> BrokerParts:
    from faststream.rabbit import (  # noqa: PLC0415
        Channel,
        ExchangeType,
        QueueType,
        RabbitBroker,
        RabbitExchange,
        RabbitQueue,
    )
    from faststream.rabbit.prometheus import RabbitPrometheusMiddleware  # noqa: PLC0415

    broker = RabbitBroker(
        settings.broker_url,
        middlewares=[labels_looked_up_once(RabbitPrometheusMiddleware(registry=registry))],
        default_channel=Channel(prefetch_count=settings.prefetch, on_return_raises=True),
        security=_security(settings),
        **_common(settings, logger),
    )
    names = _names(settings)
    exchange = RabbitExchange(settings.rabbit_exchange, type=ExchangeType.TOPIC, durable=True)
    output_queues = {key: RabbitQueue(name, durable=True, routing_key=name) for key, name in names.items()}
    publishers = {
        key: broker.publisher(
            output_queues[key],
            exchange,
            persist=True,
            timeout=settings.publish_timeout_seconds,
            schema=_DESCRIPTIONS[key][0],
            description=_DESCRIPTIONS[key][1],
            title=f"{names[key]}:publish",
        )
        for key in names
    }
    input_queue = RabbitQueue(
        settings.input,
        queue_type=QueueType.QUORUM,
        durable=True,
        arguments={
            "x-delivery-limit": settings.max_deliveries + 1,
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": settings.dlq,
        },
    )

    async def publish(outgoing: Outgoing) -> Any:
        headers: dict[str, Any] = dict(outgoing.headers)
        return await publishers[outgoing.destination].publish(
            _payload(outgoing),
            headers=headers,
            content_type=_content_type(outgoing),
            message_id=outgoing.event_id,
            correlation_id=outgoing.correlation_id,
        )

    publisher = _Publisher(publish, PublishCounter(registry))

    def subscribe(handler: Handler, decoder: Decoder) -> Any:
        return broker.subscriber(
            input_queue,
            ack_policy=AckPolicy.MANUAL,
            decoder=decoder,
            title=f"{settings.input}:consume",
            description="One X12 837P interchange per message (content type application/edi-x12).",
        )(handler)

    def attempts(message: StreamMessage[Any]) -> int:
        count = message.headers.get("x-delivery-count", 0)
        try:
            return int(count) + 1
        except (TypeError, ValueError):
            return 1

    async def declare() -> None:
        await broker.declare_exchange(exchange)
        for queue in output_queues.values():
            declared = await broker.declare_queue(queue)
            await declared.bind(settings.rabbit_exchange, routing_key=queue.name)
        publisher.bind(_rabbit_direct(broker, exchange, names, settings.publish_timeout_seconds))

    return BrokerParts(broker, "rabbit", names, publisher.publish, subscribe, attempts, True, declare)


def _rabbit_direct(broker: Any, exchange: Any, names: dict[Destination, str], timeout: float) -> Publish:
    """aiormq's publish on FastStream's channel (publisher confirms, ``on_return_raises``), the message as
    FastStream's publisher writes it: persistent, mandatory, message id, correlation id, timestamp, app id.

    What aio-pika's ``Exchange.publish`` does, without its ``Message`` per output (a locked object whose
    every attribute is checked on assignment, then copied into the properties): measured 26 us per output
    against 2 us for the properties alone.
    """
    import aiormq  # noqa: PLC0415
    from aio_pika import Message  # noqa: PLC0415

    from claimedit.service import rabbit_publish  # noqa: PLC0415

    properties_of = aiormq.spec.Basic.Properties

    app_id = broker.config.app_id
    persistent = 2

    async def publish(outgoing: Outgoing) -> Any:
        # FastStream's declarer keeps the exchange object per channel: a lookup, and a fresh one after a reconnect
        target = await broker.declare_exchange(exchange)
        if target.channel.is_closed:
            msg = f"{target.channel!r} closed"
            raise aiormq.exceptions.ChannelInvalidStateError(msg)
        routing_key = names[outgoing.destination]
        fields = {
            "content_type": outgoing.content_type,
            "headers": dict(outgoing.headers),
            "delivery_mode": persistent,
            "correlation_id": outgoing.correlation_id,
            "message_id": outgoing.event_id,
            "timestamp": dt.datetime.now(dt.UTC),
            "app_id": app_id,
        }
        if len(outgoing.payload) > rabbit_publish.LARGE_BODY_BYTES:  # a large dead letter framed, not 4 copies
            message = Message(outgoing.payload, **fields)
            return await rabbit_publish.publish_large(target, message, routing_key=routing_key, timeout=timeout)
        channel = await target.channel.get_underlay_channel()
        publishing = channel.basic_publish(
            outgoing.payload,
            exchange=target.name,
            routing_key=routing_key,
            properties=properties_of(priority=0, **fields),
            mandatory=True,
        )
        return await within(timeout, publishing)  # its timer holds no context: the input is not kept (rabbit_publish)

    return publish


def _nats(settings: ServiceSettings, registry: CollectorRegistry, logger: logging.Logger) -> BrokerParts:
    from faststream.nats import ConsumerConfig, JStream, NatsBroker, PullSub  # noqa: PLC0415
    from faststream.nats.prometheus import NatsPrometheusMiddleware  # noqa: PLC0415

    broker = NatsBroker(
        settings.broker_url,
        middlewares=[labels_looked_up_once(NatsPrometheusMiddleware(registry=registry))],
        security=_security(settings),
        **_common(settings, logger),
    )
    names = _names(settings)
    stream = JStream(settings.nats_stream, subjects=[settings.input, *names.values()])
    publishers = {
        key: broker.publisher(
            name,
            stream=stream,
            timeout=settings.publish_timeout_seconds,
            schema=_DESCRIPTIONS[key][0],
            description=_DESCRIPTIONS[key][1],
            title=f"{name}:publish",
        )
        for key, name in names.items()
    }

    async def publish(outgoing: Outgoing) -> Any:
        return await publishers[outgoing.destination].publish(
            _payload(outgoing), headers=_nats_headers(outgoing), correlation_id=outgoing.correlation_id
        )

    publisher = _Publisher(publish, PublishCounter(registry))

    def subscribe(handler: Handler, decoder: Decoder) -> Any:
        return broker.subscriber(
            settings.input,
            stream=stream,
            durable=settings.group,
            pull_sub=PullSub(batch_size=settings.prefetch, timeout=1.0),
            # FastStream's pull subscriber handles one message at a time unless given workers: each of the
            # batch's inputs is handled concurrently (as aio-pika does per delivery on RabbitMQ), so one
            # input's PubAck waits overlap the next one's worker round-trip (measured: 46 -> 76 inputs/s).
            max_workers=settings.prefetch,
            config=ConsumerConfig(ack_wait=settings.ack_wait_seconds, max_deliver=settings.max_deliveries + 1),
            ack_policy=AckPolicy.MANUAL,
            decoder=decoder,
            title=f"{settings.input}:consume",
            description="One X12 837P interchange per message (content type application/edi-x12).",
        )(handler)

    def attempts(message: StreamMessage[Any]) -> int:
        from nats.errors import Error as NatsError  # noqa: PLC0415

        try:
            return int(message.raw_message.metadata.num_delivered)
        except (AttributeError, TypeError, ValueError, NatsError):  # not a JetStream message (in-memory tests)
            return 1

    async def declare() -> None:
        publisher.bind(*await _nats_direct(broker, stream.name, names, settings.publish_timeout_seconds))

    async def preflight() -> None:
        if settings.uses_tls:
            await require_nats_tls(settings.broker_url)

    return BrokerParts(
        broker,
        "nats",
        names,
        publisher.publish,
        subscribe,
        attempts,
        True,
        declare,
        preflight=preflight,
        batch=publisher.batch,
    )


def _nats_headers(outgoing: Outgoing) -> dict[str, str]:
    """The output's headers, its content type and ``Nats-Msg-Id`` (the stream drops a duplicate inside its window)."""
    headers = {**outgoing.headers, "Nats-Msg-Id": f"{outgoing.destination}:{outgoing.idempotency_key}"}
    headers["content-type"] = _content_type(outgoing)
    return headers


class _JetStreamPublisher:
    """JetStream publishes on FastStream's NATS connection, each PubAck awaited, through one reply subscription.

    What nats-py's ``JetStreamContext.publish`` does (a request on the connection's reply subscription),
    without what it adds per message: ``asyncio.wait_for`` (an extra task wake-up), ``os.urandom`` for the
    reply token and a ``PubAck`` object. Same wire message: the headers, ``Nats-Expected-Stream``, the reply
    subject. Measured alone, 2 publishes at a time awaited together: 0.10-0.13 against 0.12-0.15 ms of CPU each.
    """

    def __init__(self, connection: Any, stream: str, timeout: float) -> None:
        self._connection = connection
        self._stream = stream
        self._timeout = timeout
        self._waiting: dict[str, asyncio.Future[Any]] = {}
        self._tokens = itertools.count()
        self._prefix = ""

    async def start(self) -> None:
        """Subscribe to this publisher's replies (nats-py subscribes again after a reconnect)."""
        connection = self._connection
        self._prefix = f"{connection.new_inbox()}."
        await connection.subscribe(f"{self._prefix}*", cb=self._on_reply)

    async def _on_reply(self, reply: Any) -> None:
        waiting = self._waiting.get(reply.subject[len(self._prefix) :])
        if waiting is not None and not waiting.done():
            waiting.set_result(reply)

    async def publish(self, subject: str, payload: bytes, headers: dict[str, str]) -> dict[str, Any]:
        """Publish and return the PubAck; raises on an error reply, no stream (503) or no reply in time."""
        (answer,) = await self.publish_batch([(subject, payload, headers)])
        if isinstance(answer, BaseException):
            raise answer
        return answer

    async def publish_batch(
        self, messages: list[tuple[str, bytes, dict[str, str]]]
    ) -> list[dict[str, Any] | BaseException]:
        """Publish every ``(subject, payload, headers)``, then await their PubAcks together under one timer.

        Per message its PubAck, or the error: an error reply, no stream (503), no reply in time, a failed write.
        """
        loop = asyncio.get_running_loop()
        waiting: list[tuple[str, asyncio.Future[Any]]] = []
        try:
            for subject, payload, headers in messages:
                token = str(next(self._tokens))
                future: asyncio.Future[Any] = loop.create_future()
                self._waiting[token] = future
                waiting.append((token, future))
                headers["Nats-Expected-Stream"] = self._stream
                try:
                    await self._connection.publish(subject, payload, reply=f"{self._prefix}{token}", headers=headers)
                except Exception as exc:  # noqa: BLE001  (this message's error; the others still go)
                    future.set_exception(exc)
            pending = [future for _, future in waiting if not future.done()]
            if pending:
                with contextlib.suppress(TimeoutError):  # the messages left without a reply answer TimeoutError
                    await within(self._timeout, asyncio.wait(pending))  # a timer that keeps nothing of the input
        finally:
            for token, _ in waiting:
                del self._waiting[token]
        return [_pub_ack(future) for _, future in waiting]


def _pub_ack(future: asyncio.Future[Any]) -> dict[str, Any] | BaseException:
    """The PubAck a reply future holds, or the error it stands for (no reply in time: TimeoutError)."""
    if not future.done():
        future.cancel()
        return TimeoutError()
    if future.cancelled():
        return asyncio.CancelledError()
    return future.exception() or _parsed_pub_ack(future.result())


def _parsed_pub_ack(reply: Any) -> dict[str, Any] | BaseException:
    from nats.js.errors import APIError, NoStreamResponseError  # noqa: PLC0415

    if reply.headers and reply.headers.get("Status") == "503":
        return NoStreamResponseError()
    ack: dict[str, Any] = json.loads(reply.data)
    if "error" not in ack:
        return ack
    try:
        refused: BaseException = APIError.from_error(ack["error"])  # raises its subclass for known codes
    except APIError as raised:
        return raised
    return refused


async def _nats_direct(
    broker: Any, stream: str, names: dict[Destination, str], timeout: float
) -> tuple[Publish, PublishBatch]:
    """JetStream publishes (the PubAck awaited, the stream named so that a subject outside it fails) with the
    headers FastStream's publisher writes (``correlation_id`` among them): one at a time, and a batch whose
    PubAcks are awaited together (no task, no timer per output)."""
    jetstream = _JetStreamPublisher(broker.connection, stream, timeout)
    await jetstream.start()

    def message(outgoing: Outgoing) -> tuple[str, bytes, dict[str, str]]:
        headers = {"correlation_id": outgoing.correlation_id, **_nats_headers(outgoing)}
        return names[outgoing.destination], outgoing.payload, headers

    async def publish(outgoing: Outgoing) -> Any:
        return await jetstream.publish(*message(outgoing))

    async def publish_batch(outgoings: list[Outgoing]) -> list[BaseException | None]:
        answers = await jetstream.publish_batch([message(outgoing) for outgoing in outgoings])
        return [answer if isinstance(answer, BaseException) else None for answer in answers]

    return publish, publish_batch


def _redis(settings: ServiceSettings, registry: CollectorRegistry, logger: logging.Logger) -> BrokerParts:
    from faststream.redis import RedisBroker, StreamSub  # noqa: PLC0415
    from faststream.redis.prometheus import RedisPrometheusMiddleware  # noqa: PLC0415

    broker = RedisBroker(
        settings.broker_url,
        middlewares=[labels_looked_up_once(RedisPrometheusMiddleware(registry=registry))],
        security=_security(settings),
        **_common(settings, logger),
    )
    names = _names(settings)
    publishers = {
        key: broker.publisher(
            stream=name, schema=_DESCRIPTIONS[key][0], description=_DESCRIPTIONS[key][1], title=f"{name}:publish"
        )
        for key, name in names.items()
    }

    async def publish(outgoing: Outgoing) -> Any:
        headers = {**outgoing.headers, "content-type": _content_type(outgoing)}
        return await publishers[outgoing.destination].publish(
            _payload(outgoing), headers=headers, correlation_id=outgoing.correlation_id
        )

    publisher = _Publisher(publish, PublishCounter(registry))

    def subscribe(handler: Handler, decoder: Decoder) -> Any:
        description = "One X12 837P interchange per message (content type application/edi-x12)."
        consumer = _consumer_name(settings)
        new_entries = broker.subscriber(
            stream=StreamSub(settings.input, group=settings.group, consumer=consumer),
            ack_policy=AckPolicy.MANUAL,
            decoder=decoder,
            title=f"{settings.input}:consume",
            description=description,
        )(handler)
        # XREADGROUP ">" never returns entries another consumer left unacknowledged (it crashed):
        # a second subscriber reclaims those once idle for ack_wait_seconds (XAUTOCLAIM).
        broker.subscriber(
            stream=StreamSub(
                settings.input,
                group=settings.group,
                consumer=f"{consumer}-reclaim",
                min_idle_time=int(settings.ack_wait_seconds * 1000),
            ),
            ack_policy=AckPolicy.MANUAL,
            decoder=decoder,
            include_in_schema=False,
        )(handler)
        return new_entries

    async def declare() -> None:
        return None

    async def failed_attempts(message: StreamMessage[Any], known: int) -> int:
        """Deliveries so far from the stream's pending entry: XREADGROUP counts 1, each XAUTOCLAIM one more."""
        count = getattr(message, "get_delivery_count", None)
        if count is None:  # an in-memory test broker's message
            return known
        try:
            return max(known, int(await count()))
        except Exception:  # noqa: BLE001  (cannot ask Redis: count this delivery only, the DLQ bounds it)
            return known

    return BrokerParts(
        broker, "redis", names, publisher.publish, subscribe, lambda _message: 1, True, declare, failed_attempts
    )


def _kafka(settings: ServiceSettings, registry: CollectorRegistry, logger: logging.Logger) -> BrokerParts:
    from faststream.kafka import KafkaBroker  # noqa: PLC0415
    from faststream.kafka.prometheus import KafkaPrometheusMiddleware  # noqa: PLC0415

    parts = urlsplit(settings.broker_url)
    bootstrap = parts.netloc.rsplit("@", 1)[-1] or "localhost:9092"
    broker = KafkaBroker(
        bootstrap,
        middlewares=[labels_looked_up_once(KafkaPrometheusMiddleware(registry=registry))],
        security=kafka_security(settings),
        **_common(settings, logger),
    )
    names = _names(settings)
    publishers = {
        key: broker.publisher(
            name, schema=_DESCRIPTIONS[key][0], description=_DESCRIPTIONS[key][1], title=f"{name}:publish"
        )
        for key, name in names.items()
    }

    async def publish(outgoing: Outgoing) -> Any:
        headers = {**outgoing.headers, "content-type": _content_type(outgoing)}
        return await publishers[outgoing.destination].publish(
            _payload(outgoing),
            headers=headers,
            key=outgoing.idempotency_key.encode(),
            correlation_id=outgoing.correlation_id,
        )

    publisher = _Publisher(publish, PublishCounter(registry))

    def subscribe(handler: Handler, decoder: Decoder) -> Any:
        return broker.subscriber(
            settings.input,
            group_id=settings.group,
            auto_offset_reset="earliest",
            # one poll's records are handled one after another: the group must not think this
            # consumer dead while a batch of inputs each takes up to the wall-clock backstop
            max_poll_records=settings.prefetch,
            max_poll_interval_ms=int((settings.wall_seconds * settings.prefetch + 30) * 1000),
            session_timeout_ms=45_000,
            heartbeat_interval_ms=3_000,
            ack_policy=AckPolicy.MANUAL,
            decoder=decoder,
            title=f"{settings.input}:consume",
            description="One X12 837P interchange per message (content type application/edi-x12).",
        )(handler)

    async def declare() -> None:
        return None

    return BrokerParts(broker, "kafka", names, publisher.publish, subscribe, lambda _message: 1, False, declare)


def kafka_security(settings: ServiceSettings) -> BaseSecurity | None:
    """SSL for kafkas://, with SASL when the URL carries ``user:password@`` (settings refuse SASL without TLS)."""
    context = ssl_context(settings)
    parts = urlsplit(settings.broker_url)
    if context is None:
        return None
    if parts.username is None or parts.password is None:
        return BaseSecurity(ssl_context=context)
    mechanisms: dict[str, type[SASLPlaintext | SASLScram256 | SASLScram512]] = {
        "PLAIN": SASLPlaintext,
        "SCRAM-SHA-256": SASLScram256,
        "SCRAM-SHA-512": SASLScram512,
    }
    mechanism = mechanisms[settings.kafka_sasl_mechanism]
    return mechanism(parts.username, parts.password, ssl_context=context)
