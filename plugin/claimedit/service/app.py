"""The FastStream application: one input message in, every output confirmed by the broker, then the ack.

Run it with ``claimedit serve --broker URL`` or
``faststream run claimedit.service.app:create_app --factory`` (settings from ``CLAIMEDIT_*``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import multiprocessing
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import structlog
from faststream import FastStream
from faststream.message import StreamMessage
from faststream.specification import AsyncAPI

from claimedit.observability import configure_logging
from claimedit.results import InputResult
from claimedit.service.brokers import BrokerParts, build_broker
from claimedit.service.health import HealthServer
from claimedit.service.metrics import ServiceMetrics
from claimedit.service.outputs import (
    HEADER_CORRELATION,
    HEADER_SOURCE,
    HEADER_SUBMITTER,
    InputMeta,
    Outgoing,
    dead_letter,
    input_sha256,
)
from claimedit.service.processing import Processed, process_in_worker, process_input, start_worker, worker_ready
from claimedit.service.settings import ServiceSettings, load_settings, redact_url

__all__ = ["ClaimeditService", "Processor", "create_app", "create_service"]

Processor = Callable[[bytes, str], InputResult]
"""``Pipeline.process``: bytes of one input and its source name in, every claim accounted for out."""

_log = structlog.get_logger("claimedit.service")
_PUBLISH_BATCH = 256
"""Publishes awaiting their confirm at once, per input."""


@dataclass
class ClaimeditService:
    """The app with the pieces tests and the CLI reach into."""

    settings: ServiceSettings
    parts: BrokerParts
    metrics: ServiceMetrics
    app: FastStream
    processor: Processor | None = None
    pool: ProcessPoolExecutor | None = None
    health: HealthServer | None = None

    async def handle(self, body: bytes, message: StreamMessage[Any]) -> None:
        """Process one input; ack only after every output was confirmed, else nack (bounded) or dead-letter."""
        meta = self._meta(body, message)
        with structlog.contextvars.bound_contextvars(correlation_id=meta.correlation_id):
            try:
                processed = await self._process(body, meta)
                await self._publish_all(processed.outputs)
            except Exception as exc:  # noqa: BLE001  (any failure: retry, bounded, then dead-letter)
                await self._failed(body, meta, message, exc)
                return
            await message.ack()
            self.metrics.inputs.labels(outcome="processed").inc()

    def _meta(self, body: bytes, message: StreamMessage[Any]) -> InputMeta:
        headers = message.headers
        correlation_id = str(headers.get(HEADER_CORRELATION) or message.correlation_id or message.message_id)
        return InputMeta(
            correlation_id=correlation_id,
            source=str(headers.get(HEADER_SOURCE) or f"broker:{correlation_id}"),
            sha256=input_sha256(body),
            submitter_id=str(headers.get(HEADER_SUBMITTER) or ""),
            delivery_attempts=self.parts.delivery_attempts(message),
        )

    async def _process(self, body: bytes, meta: InputMeta) -> Processed:
        now = dt.datetime.now(dt.UTC)
        if self.pool is not None:
            pool = self.pool
            try:
                processed = await asyncio.get_running_loop().run_in_executor(pool, process_in_worker, body, meta, now)
            except BrokenProcessPool:
                # a worker died (OOM killer ...): replace the pool once, retry this input by redelivery
                if self.pool is pool:
                    _log.error("pipeline worker died: restarting the worker pool")
                    self.pool = await start_pool(self.settings)
                    pool.shutdown(wait=False, cancel_futures=True)
                raise
        elif self.processor is not None:
            processed = process_input(self.processor, body, meta, now)
        else:
            msg = "the pipeline is not loaded (the lifespan did not run)"
            raise RuntimeError(msg)
        self.metrics.observe(processed)
        _log.info(
            "input processed",
            interchange_controls=processed.interchange_controls,
            group_controls=processed.group_controls,
            claim_ids=processed.claim_ids,
            verdicts=processed.verdicts,
            unreadable=processed.unreadable,
            outputs=len(processed.outputs),
            delivery_attempts=meta.delivery_attempts,
        )
        return processed

    async def _publish_all(self, outputs: list[Outgoing]) -> None:
        """Publish and await every confirm; a large interchange goes out in bounded concurrent batches."""
        for start in range(0, len(outputs), _PUBLISH_BATCH):
            batch = outputs[start : start + _PUBLISH_BATCH]
            await asyncio.gather(*(self.parts.publish(outgoing) for outgoing in batch))
        for outgoing in outputs:
            if outgoing.destination == "dlq":
                self.metrics.dead_letters.labels(reason_kind=outgoing.headers.get("x-claimedit-reason-kind", "")).inc()

    async def _failed(self, body: bytes, meta: InputMeta, message: StreamMessage[Any], exc: Exception) -> None:
        meta = replace(meta, delivery_attempts=await self.parts.failed_attempts(message, meta.delivery_attempts))
        final = not self.parts.counts_deliveries or meta.delivery_attempts >= self.settings.max_deliveries
        _log.error("input failed", exc_info=exc, delivery_attempts=meta.delivery_attempts, dead_letter=final)
        if not final:
            self.metrics.inputs.labels(outcome="retried").inc()
            await message.nack()
            return
        reason = f"processing failed after {meta.delivery_attempts} deliveries: {type(exc).__name__}"
        try:
            await self._publish_all([dead_letter(body, meta, reason=reason, reason_kind="processing-failed")])
        except Exception:  # noqa: BLE001  (the DLQ is unreachable too: leave it to the broker's bound)
            _log.exception("dead-letter publish failed")
            await message.nack()
            return
        await message.ack()
        self.metrics.inputs.labels(outcome="dead-lettered").inc()


async def start_pool(settings: ServiceSettings) -> ProcessPoolExecutor:
    """``settings.workers`` spawned processes, each with its pipeline loaded before the first message."""
    history = await asyncio.to_thread(service_history, settings)
    pool = ProcessPoolExecutor(
        settings.workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker,
        initargs=(settings.edits_config, settings.validate_x12, history),
    )
    loop = asyncio.get_running_loop()
    await asyncio.gather(*(loop.run_in_executor(pool, worker_ready) for _ in range(settings.workers)))
    return pool


def service_history(settings: ServiceSettings) -> Any:
    """The resolved claim history (``ServiceHistory``) the pipelines open, or None with history disabled."""
    if not settings.history_enabled:
        return None
    from claimedit.history.service import resolve_service_history  # noqa: PLC0415  (SQLAlchemy only when used)

    secret = settings.history_secret.get_secret_value() if settings.history_secret is not None else None
    return resolve_service_history(settings.history_url, secret, settings.data_dir)


async def _raw_body(message: StreamMessage[Any]) -> bytes:
    """Decoder: the X12 bytes as sent, whatever the content type says."""
    body: bytes = message.body
    return body


def create_service(
    settings: ServiceSettings | None = None,
    *,
    processor: Processor | None = None,
    configure_logs: bool = False,
) -> ClaimeditService:
    """Build (without connecting) the broker, subscriber, publishers and lifespan for ``settings``.

    ``processor`` replaces the pipeline (tests); by default :class:`claimedit.pipeline.Pipeline` is
    started in the lifespan, once per process.
    """
    settings = settings or load_settings()
    if configure_logs:
        configure_logging(level=settings.log_level, fmt=settings.log_format)
    metrics = ServiceMetrics.create()
    parts = build_broker(settings, registry=metrics.registry, logger=logging.getLogger("claimedit.faststream"))

    @asynccontextmanager
    async def lifespan() -> AsyncIterator[None]:
        if service.processor is None and settings.workers > 0:
            service.pool = await start_pool(settings)
        elif service.processor is None:
            from claimedit.pipeline import Pipeline  # noqa: PLC0415  (maps and tables load here, not at import)

            history = await asyncio.to_thread(service_history, settings)
            pipeline = await asyncio.to_thread(
                Pipeline.start,
                config_path=settings.edits_config,
                validate=settings.validate_x12,
                history=history.open() if history is not None else None,
                history_keys_by_content=True,
            )
            service.processor = pipeline.process
        await parts.broker.connect()
        await parts.declare()
        if settings.health_port:
            service.health = HealthServer(lambda: parts.broker.ping(timeout=3.0), metrics.registry)
            await service.health.start(settings.health_host, settings.health_port)
        _log.info("service starting", broker=redact_url(settings.broker_url), input=settings.input, kind=parts.kind)
        try:
            yield
        finally:
            if service.health is not None:
                await service.health.stop()
            if service.pool is not None:
                service.pool.shutdown(wait=True, cancel_futures=False)
            _log.info("service stopped")

    async def ready() -> None:
        _log.info("service ready", input=settings.input, kind=parts.kind)

    app = FastStream(
        parts.broker,
        lifespan=lifespan,
        after_startup=[ready],
        logger=logging.getLogger("claimedit.faststream"),
        specification=AsyncAPI(
            title="claimedit",
            version="0.1.0",
            description=(
                "X12 837P claim edits as a stream processor: one interchange in; per claim an annotated event "
                "(and a 277CA when rejected), per functional group a 999, unreadable input to the DLQ."
            ),
        ),
    )
    service = ClaimeditService(settings=settings, parts=parts, metrics=metrics, app=app, processor=processor)

    async def handle(body: bytes) -> None:
        # The message from the broker's context, not by injection: FastStream resolves an injected
        # ``Context("message")`` in a worker thread, a thread hop per input (measured: ~0.3 ms of CPU).
        message: StreamMessage[Any] = parts.broker.context.get_local("message")
        await service.handle(body, message)

    parts.subscribe(handle, _raw_body)
    return service


def create_app() -> FastStream:
    """Factory for ``faststream run claimedit.service.app:create_app --factory`` and ``faststream docs``."""
    return create_service(configure_logs=True).app
