"""Run the service on FastStream's in-memory test brokers and collect what it publishes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from faststream import Context
from faststream.message import StreamMessage

from claimedit.service import ClaimeditService, create_service, load_settings
from claimedit.service.app import Processor

__all__ = ["IN_MEMORY_URLS", "Collected", "in_memory_service"]

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
