"""Run the service on FastStream's in-memory test brokers and collect what it publishes."""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from faststream import Context
from faststream.message import StreamMessage
from prometheus_client import CollectorRegistry

from claimedit.service import ClaimeditService, ServiceSettings, create_service, load_settings
from claimedit.service.app import Processor
from claimedit.service.brokers import BrokerParts, build_broker
from claimedit.service.events import DeadLetterHeaders

__all__ = [
    "IN_MEMORY_URLS",
    "Collected",
    "RealRunning",
    "in_memory_service",
    "real_service",
    "remove_resources",
    "unique_names",
]

IN_MEMORY_URLS = {
    "rabbit": "amqp://guest:guest@localhost:5672/",
    "nats": "nats://localhost:4222",
    "redis": "redis://localhost:6379",
    "kafka": "kafka://localhost:9092",
}


@dataclass
class Collected:
    """Messages published to each output, as (body, headers)."""

    by_output: dict[str, list[tuple[bytes, dict[str, Any]]]] = field(default_factory=dict)

    def bodies(self, output: str) -> list[bytes]:
        return [body for body, _ in self.by_output.get(output, [])]

    def headers(self, output: str) -> list[dict[str, Any]]:
        return [headers for _, headers in self.by_output.get(output, [])]


def _test_broker(kind: str, broker: Any) -> Any:
    if kind == "rabbit":
        from faststream.rabbit import TestRabbitBroker  # noqa: PLC0415

        return TestRabbitBroker(broker)
    if kind == "nats":
        from faststream.nats import TestNatsBroker  # noqa: PLC0415

        return TestNatsBroker(broker)
    if kind == "redis":
        from faststream.redis import TestRedisBroker  # noqa: PLC0415

        return TestRedisBroker(broker)
    from faststream.kafka import TestKafkaBroker  # noqa: PLC0415

    return TestKafkaBroker(broker)


async def _raw(message: StreamMessage[Any]) -> bytes:
    body: bytes = message.body
    return body


def _collector(collected: Collected, key: str) -> Any:
    async def collect(body: bytes, message: Annotated[StreamMessage[Any], Context("message")]) -> None:
        collected.by_output.setdefault(key, []).append((body, dict(message.headers)))

    return collect


class Running:
    def __init__(self, kind: str, service: ClaimeditService, test_broker: Any) -> None:
        self.kind = kind
        self.service = service
        self.broker = test_broker

    async def send(self, body: bytes, headers: dict[str, str] | None = None) -> None:
        name = self.service.settings.input
        kwargs: dict[str, Any] = {"headers": headers or {}}
        if self.kind == "rabbit":
            await self.broker.publish(body, queue=name, **kwargs)
        elif self.kind == "nats":
            await self.broker.publish(body, subject=name, **kwargs)
        elif self.kind == "redis":
            await self.broker.publish(body, stream=name, **kwargs)
        else:
            await self.broker.publish(body, topic=name, **kwargs)


@asynccontextmanager
async def in_memory_service(
    kind: str, processor: Processor | None, collected: Collected, *, pool: Any = None, **settings: Any
) -> AsyncIterator[Running]:
    """The service on ``kind``'s TestBroker with ``processor`` as its pipeline and collectors on every output."""
    service = create_service(
        load_settings(broker_url=IN_MEMORY_URLS[kind], health_port=0, **settings), processor=processor
    )
    service.pool = pool
    broker: Any = service.parts.broker
    for key, name in service.parts.names.items():
        handler = _collector(collected, key)
        if kind == "redis":
            broker.subscriber(stream=name, decoder=_raw)(handler)
        elif kind == "rabbit":
            from faststream.rabbit import ExchangeType, RabbitExchange, RabbitQueue  # noqa: PLC0415

            exchange = RabbitExchange(service.settings.rabbit_exchange, type=ExchangeType.TOPIC, durable=True)
            broker.subscriber(RabbitQueue(name, durable=True, routing_key=name), exchange, decoder=_raw)(handler)
        elif kind == "nats":
            broker.subscriber(name, stream=service.settings.nats_stream, decoder=_raw)(handler)
        else:
            broker.subscriber(name, decoder=_raw)(handler)
    async with _test_broker(kind, broker) as test_broker:
        yield Running(kind, service, test_broker)


# --- the same service on a real broker --------------------------------------------------------------


def unique_names(unique: str) -> dict[str, str]:
    """Queue, subject, stream, exchange and group names of one test."""
    return {
        "input": f"t{unique}.incoming",
        "annotated": f"t{unique}.annotated",
        "rejected": f"t{unique}.rejected",
        "acks": f"t{unique}.acks",
        "dlq": f"t{unique}.dlq",
        "rabbit_exchange": f"t{unique}.x",
        "nats_stream": f"T{unique}",
        "group": f"g{unique}",
    }


async def remove_resources(settings: ServiceSettings) -> None:
    """Delete a test's queues and exchange (RabbitMQ), stream (NATS) or streams (Redis)."""
    if settings.broker_kind == "rabbit":
        import aio_pika  # noqa: PLC0415

        connection = await aio_pika.connect(settings.broker_url)
        async with connection:
            channel = await connection.channel()
            for name in (settings.input, settings.annotated, settings.rejected, settings.acks, settings.dlq):
                await channel.queue_delete(name)
            await channel.exchange_delete(settings.rabbit_exchange)
    elif settings.broker_kind == "redis":
        import redis.asyncio  # noqa: PLC0415

        client = redis.asyncio.from_url(settings.broker_url)
        try:
            await client.delete(settings.input, settings.annotated, settings.rejected, settings.acks, settings.dlq)
        finally:
            await client.aclose()
    else:
        import nats  # noqa: PLC0415

        client = await nats.connect(settings.broker_url)
        try:
            await client.jetstream().delete_stream(settings.nats_stream)
        finally:
            await client.close()


Connected = tuple[BrokerParts, ServiceSettings, CollectorRegistry]


@asynccontextmanager
async def connected_broker(url: str, unique: str) -> AsyncIterator[Connected]:
    """The service's broker parts for ``url`` (names of one test), connected; its resources removed after."""
    settings = load_settings(broker_url=url, health_port=0, **unique_names(unique))
    registry = CollectorRegistry()
    parts = build_broker(settings, registry=registry, logger=logging.getLogger("test"))
    try:
        async with parts.broker:
            await parts.broker.start()
            yield parts, settings, registry
    finally:
        await remove_resources(settings)


def _expected_counts(output: str, body: bytes, headers: dict[str, Any]) -> tuple[str, tuple[int, int, int]] | None:
    if output == "dlq":
        letter = DeadLetterHeaders.from_headers(headers)
        return letter.correlation_id, (letter.input_claims, letter.input_unreadable, letter.input_groups)
    if output in ("annotated", "acks"):
        event = json.loads(body)
        ref = event["input"]
        return event["correlation_id"], (ref["claims"], ref["unreadable"], ref["groups"])
    return None


class RealRunning:
    """The service on a real broker; :meth:`send` as on the in-memory one, outputs collected on exit."""

    def __init__(self, service: ClaimeditService, client: Any, collected: Collected) -> None:
        self.kind = service.settings.broker_kind
        self.service = service
        self._client = client
        self._collected = collected
        self._sent: list[str] = []
        self._expected: dict[str, tuple[int, int, int]] = {}
        self._seen: dict[tuple[str, str], int] = {}

    def record(self, output: str, body: bytes, headers: dict[str, Any]) -> None:
        self._collected.by_output.setdefault(output, []).append((body, headers))
        counted = _expected_counts(output, body, headers)
        if counted is not None:
            correlation_id, expected = counted
            self._expected[correlation_id] = expected
            self._seen[(correlation_id, output)] = self._seen.get((correlation_id, output), 0) + 1

    def _complete(self, correlation_id: str) -> bool:
        expected = self._expected.get(correlation_id)
        if expected is None:
            return False
        claims, unreadable, groups = expected
        seen = self._seen
        return (
            seen.get((correlation_id, "annotated"), 0) >= claims
            and seen.get((correlation_id, "dlq"), 0) >= unreadable
            and seen.get((correlation_id, "acks"), 0) >= groups
        )

    async def send(self, body: bytes, headers: dict[str, str] | None = None) -> None:
        headers = dict(headers or {})
        correlation_id = headers.setdefault("x-correlation-id", uuid.uuid4().hex)
        self._sent.append(correlation_id)
        settings = self.service.settings
        if self.kind == "rabbit":
            await self._client.publish(body, queue=settings.input, headers=headers, correlation_id=correlation_id)
        else:
            await self._client.publish(
                body,
                subject=settings.input,
                headers=headers,
                correlation_id=correlation_id,
                stream=settings.nats_stream,
            )

    async def settle(self, timeout: float = 60.0, quiet: float = 1.0) -> None:
        """Wait until every input sent has all its outputs (or ``timeout``), then ``quiet`` more seconds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not all(self._complete(cid) for cid in self._sent) and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(quiet)


def _real_collector(running_ref: list[RealRunning], output: str) -> Any:
    async def collect(body: bytes, message: Annotated[StreamMessage[Any], Context("message")]) -> None:
        running_ref[0].record(output, body, dict(message.headers))

    return collect


@asynccontextmanager
async def real_service(
    url: str, unique: str, processor: Processor | None, collected: Collected, **settings: Any
) -> AsyncIterator[RealRunning]:
    """The service on the real broker at ``url`` with the test's own names, removed afterwards."""
    config = load_settings(broker_url=url, health_port=0, **unique_names(unique), **settings)
    service = create_service(config, processor=processor)
    ref: list[RealRunning] = []
    if config.broker_kind == "rabbit":
        from faststream.rabbit import ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue  # noqa: PLC0415

        client: Any = RabbitBroker(url, logger=None)
        exchange = RabbitExchange(config.rabbit_exchange, type=ExchangeType.TOPIC, durable=True)
        for output, name in service.parts.names.items():
            queue = RabbitQueue(f"{name}.collect", exclusive=True, auto_delete=True, routing_key=name)
            client.subscriber(queue, exchange, decoder=_raw)(_real_collector(ref, output))
    else:
        from faststream.nats import NatsBroker  # noqa: PLC0415

        client = NatsBroker(url, logger=None)
        for output, name in service.parts.names.items():
            client.subscriber(name, decoder=_raw)(_real_collector(ref, output))
    task = asyncio.create_task(service.app.run())
    try:
        for _ in range(300):
            if service.app.broker.running:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
        await client.start()
        running = RealRunning(service, client, collected)
        ref.append(running)
        yield running
        await running.settle()
    finally:
        await client.stop()
        service.app.exit()
        await asyncio.wait_for(task, timeout=60)
        await remove_resources(config)
