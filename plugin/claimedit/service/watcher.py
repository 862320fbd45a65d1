"""A client of a running service: publish inputs, watch the outputs they produce, grouped per input.

Used by ``claimedit replay --broker`` and by the real-broker tests. It watches without taking messages
from downstream consumers where the broker allows it: RabbitMQ through its own exclusive queues bound
to the output exchange, NATS through plain subscriptions to the output subjects, Redis by reading the
streams from their end, Kafka with its own consumer group.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from faststream.message import StreamMessage

from claimedit.service.events import ClaimAnnotated, DeadLetterHeaders, GroupAcknowledged
from claimedit.service.outputs import HEADER_CORRELATION, HEADER_SOURCE, X12_CONTENT_TYPE
from claimedit.service.settings import ServiceSettings

__all__ = ["Gathered", "OutputWatcher"]

_QUIET: Any = None
"""FastStream's logger argument: None turns its per-message log lines off."""


@dataclass
class Gathered:
    """The outputs of one input, as they arrive."""

    correlation_id: str
    annotated: list[ClaimAnnotated] = field(default_factory=list)
    acks: list[GroupAcknowledged] = field(default_factory=list)
    dead_letters: list[tuple[bytes, DeadLetterHeaders]] = field(default_factory=list)
    rejected: int = 0
    expected: tuple[int, int, int] | None = None
    """(claims, unreadable, groups) once any output of the input has arrived."""

    @property
    def complete(self) -> bool:
        if self.expected is None:
            return False
        claims, unreadable, groups = self.expected
        return (
            len({event.claim_index for event in self.annotated}) >= claims
            and len({headers.unreadable_index for _, headers in self.dead_letters}) >= unreadable
            and len({ack.group_index for ack in self.acks}) >= groups
        )


async def _raw(message: StreamMessage[Any]) -> bytes:
    body: bytes = message.body
    return body


class OutputWatcher:
    """``async with OutputWatcher(settings) as watcher``: publish with :meth:`send`, collect with :meth:`wait`."""

    def __init__(self, settings: ServiceSettings, *, watch_rejected: bool = True) -> None:
        self.settings = settings
        self.watch_rejected = watch_rejected
        self.by_correlation: dict[str, Gathered] = {}
        self.received: list[tuple[str, str]] = []
        """(output, idempotency key) of every message seen, duplicates included."""
        self._changed = asyncio.Event()
        self._broker: Any = None
        self._redis_tails: dict[str, str] = {}

    def _gathered(self, correlation_id: str) -> Gathered:
        return self.by_correlation.setdefault(correlation_id, Gathered(correlation_id))

    def _on_message(self, output: str, body: bytes, headers: dict[str, Any]) -> None:
        if output == "dlq":
            letter = DeadLetterHeaders.from_headers(headers)
            gathered = self._gathered(letter.correlation_id)
            gathered.dead_letters.append((body, letter))
            gathered.expected = (letter.input_claims, letter.input_unreadable, letter.input_groups)
            self.received.append((output, letter.idempotency_key))
        elif output == "rejected":
            correlation_id = str(headers.get(HEADER_CORRELATION, ""))
            self._gathered(correlation_id).rejected += 1
            self.received.append((output, str(headers.get("x-claimedit-idempotency-key", ""))))
        else:
            event: ClaimAnnotated | GroupAcknowledged = (
                ClaimAnnotated.model_validate_json(body)
                if output == "annotated"
                else GroupAcknowledged.model_validate_json(body)
            )
            gathered = self._gathered(event.correlation_id)
            if isinstance(event, ClaimAnnotated):
                gathered.annotated.append(event)
            else:
                gathered.acks.append(event)
            gathered.expected = (event.input.claims, event.input.unreadable, event.input.groups)
            self.received.append((output, event.idempotency_key))
        self._changed.set()

    def _handler(self, output: str) -> Any:
        async def on_output(body: bytes) -> None:
            message: StreamMessage[Any] = self._broker.context.get_local("message")  # no thread hop (app.py)
            self._on_message(output, body, dict(message.headers))

        return on_output

    def _build(self) -> Any:
        settings = self.settings
        names = {"annotated": settings.annotated, "acks": settings.acks, "dlq": settings.dlq}
        if self.watch_rejected:
            names["rejected"] = settings.rejected
        kind = settings.broker_kind
        tag = uuid.uuid4().hex[:8]
        if kind == "rabbit":
            from faststream.rabbit import ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue  # noqa: PLC0415

            broker: Any = RabbitBroker(settings.broker_url, logger=_QUIET)
            exchange = RabbitExchange(settings.rabbit_exchange, type=ExchangeType.TOPIC, durable=True)
            for output, name in names.items():
                queue = RabbitQueue(
                    f"claimedit.watch.{tag}.{output}", exclusive=True, auto_delete=True, routing_key=name
                )
                broker.subscriber(queue, exchange, decoder=_raw)(self._handler(output))
        elif kind == "nats":
            from faststream.nats import NatsBroker  # noqa: PLC0415

            broker = NatsBroker(settings.broker_url, logger=_QUIET)
            for output, name in names.items():
                broker.subscriber(name, decoder=_raw)(self._handler(output))
        elif kind == "redis":
            from faststream.redis import RedisBroker, StreamSub  # noqa: PLC0415

            broker = RedisBroker(settings.broker_url, logger=_QUIET)
            for output, name in names.items():
                # from the entry that is last now, never "$": a "$" read again after an empty poll
                # would skip whatever was added between two polls
                last_id = self._redis_tails.get(name, "0-0")
                broker.subscriber(stream=StreamSub(name, last_id=last_id), decoder=_raw)(self._handler(output))
        else:
            from faststream.kafka import KafkaBroker  # noqa: PLC0415

            broker = KafkaBroker(settings.broker_url.split("://", 1)[1], logger=_QUIET)
            for output, name in names.items():
                broker.subscriber(name, group_id=f"claimedit-watch-{tag}", decoder=_raw)(self._handler(output))
        return broker

    async def _read_redis_tails(self, names: Iterable[str]) -> None:
        """The id of the last entry of each output stream now ("0-0" when it is empty or missing)."""
        import redis.asyncio  # noqa: PLC0415

        client = redis.asyncio.from_url(self.settings.broker_url)
        try:
            for name in names:
                last: Any = await client.xrevrange(name, count=1)
                self._redis_tails[name] = bytes(last[0][0]).decode() if last else "0-0"
        finally:
            await client.aclose()

    async def __aenter__(self) -> OutputWatcher:
        if self.settings.broker_kind == "redis":
            settings = self.settings
            await self._read_redis_tails([settings.annotated, settings.rejected, settings.acks, settings.dlq])
        self._broker = self._build()
        await self._broker.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self._broker.stop()

    async def send(self, body: bytes, *, source: str = "", correlation_id: str | None = None) -> str:
        """Publish one input; returns its correlation id."""
        correlation_id = correlation_id or uuid.uuid4().hex
        headers = {HEADER_CORRELATION: correlation_id, HEADER_SOURCE: source or f"broker:{correlation_id}"}
        self._gathered(correlation_id)
        kind, name = self.settings.broker_kind, self.settings.input
        if kind == "rabbit":
            await self._broker.publish(
                body,
                queue=name,
                headers=headers,
                content_type=X12_CONTENT_TYPE,
                correlation_id=correlation_id,
                persist=True,
            )
        elif kind == "nats":
            await self._broker.publish(
                body,
                subject=name,
                headers=headers,
                correlation_id=correlation_id,
                stream=self.settings.nats_stream,
                timeout=self.settings.publish_timeout_seconds,
            )
        elif kind == "redis":
            await self._broker.publish(body, stream=name, headers=headers, correlation_id=correlation_id)
        else:  # keyed by submitter: one submitter's interchanges in one partition, in order
            from claimedit.service.partitioning import submitter_key  # noqa: PLC0415

            await self._broker.publish(
                body, topic=name, key=submitter_key(body), headers=headers, correlation_id=correlation_id
            )
        return correlation_id

    async def wait(self, correlation_ids: Iterable[str], timeout: float) -> list[str]:
        """Wait until every input is complete or ``timeout`` passes; returns the incomplete correlation ids."""
        missing = list(correlation_ids)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            missing = [cid for cid in missing if not self._gathered(cid).complete]
            remaining = deadline - loop.time()
            if not missing or remaining <= 0:
                return missing
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 1.0))
            except TimeoutError:
                continue
