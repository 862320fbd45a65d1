"""The FastStream application: one input message in, every output confirmed by the broker, then the ack.

Run it with ``claimedit serve --broker URL`` or
``faststream run claimedit.service.app:create_app --factory`` (settings from ``CLAIMEDIT_*``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any

import structlog
from faststream.asgi import AsgiFastStream, AsyncAPIRoute
from faststream.message import StreamMessage
from faststream.specification import AsyncAPI

from claimedit.observability import configure_logging
from claimedit.results import InputResult
from claimedit.service.brokers import BrokerParts, build_broker
from claimedit.service.http import HttpApi, NotReadyError
from claimedit.service.limits import Limits, OverLimit
from claimedit.service.metrics import ServiceMetrics
from claimedit.service.outputs import (
    HEADER_CORRELATION,
    HEADER_SOURCE,
    HEADER_SUBMITTER,
    DeadLetterKind,
    InputMeta,
    Outgoing,
    dead_letter,
    input_meta,
    input_sha256,
)
from claimedit.service.processing import (
    Processed,
    budget_reason,
    over_limit,
    process_bounded,
    process_in_worker,
    reject_in_worker,
    with_input,
)
from claimedit.service.refusal import refuse_over_size
from claimedit.service.settings import ServiceSettings, load_settings, redact_url
from claimedit.service.timeouts import within
from claimedit.service.tls import PlainTextRefusedError
from claimedit.service.validate import Validated, validate_bounded, validate_in_worker
from claimedit.service.workers import WorkerPool, WorkerStuck

__all__ = [
    "ClaimeditAsgi",
    "ClaimeditService",
    "Processor",
    "PublishError",
    "create_app",
    "create_service",
    "log_processed",
    "start_pool",
]

Processor = Callable[[bytes, str], InputResult]
"""``Pipeline.process``: bytes of one input and its source name in, every claim accounted for out."""

_log = structlog.get_logger("claimedit.service")


class _AssembledLog:
    """``structlog.get_logger(name)`` assembled once per structlog configuration, for the per-input line.

    Logging is configured with ``cache_logger_on_first_use`` off (tests and the CLI configure it again), so
    the module's lazy proxy assembles a new bound logger, and looks its stdlib logger up, on every call:
    about a tenth of the per-input line's CPU. This one is assembled again only when ``structlog.configure``
    installed other processors.
    """

    def __init__(self, name: str) -> None:
        self._proxy = structlog.get_logger(name)
        self._processors: object = None
        self._assembled: Any = None

    def get(self) -> Any:
        processors = structlog.get_config()["processors"]
        if processors is not self._processors or self._assembled is None:
            self._assembled, self._processors = self._proxy.bind(), processors
        return self._assembled


_processed_log = _AssembledLog("claimedit.service")
_PUBLISH_BATCH = 256
"""Publishes awaiting their confirm at once, per input."""
_HASH_IN_THREAD_BYTES = 1024 * 1024
"""Larger bodies are hashed off the event loop (hashlib releases the GIL)."""


class PublishError(Exception):
    """An output could not be published after every attempt; the message names the output and the error."""


@dataclass
class ClaimeditService:
    """The app with the pieces tests and the CLI reach into.

    The pipeline runs in ``pool`` (worker processes, the default) or, when a ``processor`` is injected
    and no pool is given (tests), in a thread: never on the event loop.
    """

    settings: ServiceSettings
    parts: BrokerParts | None
    """None with ``http_only``: no broker at all."""
    metrics: ServiceMetrics
    app: ClaimeditAsgi
    processor: Processor | None = None
    pool: WorkerPool | None = None
    http: HttpApi | None = None

    @property
    def broker(self) -> BrokerParts:
        if self.parts is None:
            msg = "this service runs without a broker (http_only)"
            raise RuntimeError(msg)
        return self.parts

    @property
    def limits(self) -> Limits:
        settings = self.settings
        return Limits(settings.max_input_bytes, settings.max_element_length, settings.input_cpu_seconds)

    async def handle(self, body: bytes, message: StreamMessage[Any]) -> None:
        """Process one input; ack only after every output was confirmed, else nack (bounded) or dead-letter."""
        meta = await self._meta(body, message)
        with structlog.contextvars.bound_contextvars(correlation_id=meta.correlation_id):
            try:
                processed = await self._process(body, meta)
            except Exception as exc:  # noqa: BLE001  (any failure: retry, bounded, then dead-letter)
                await self._failed(body, meta, message, exc)
                return
            try:
                await self._publish_all(processed.outputs)
            except PublishError as exc:
                await self._dead_letter(body, meta, message, reason=str(exc), kind="publish-failed")
                return
            await self._ack(message)
            self.metrics.inputs.labels(outcome=processed.limit or "processed").inc()

    async def _meta(self, body: bytes, message: StreamMessage[Any]) -> InputMeta:
        headers = message.headers
        correlation_id = str(headers.get(HEADER_CORRELATION) or message.correlation_id or message.message_id)
        if len(body) > _HASH_IN_THREAD_BYTES:
            sha256 = await asyncio.to_thread(input_sha256, body)
        else:
            sha256 = input_sha256(body)
        source = headers.get(HEADER_SOURCE)
        return input_meta(
            correlation_id=correlation_id,
            source=str(source) if source else None,
            sha256=sha256,
            submitter_id=str(headers.get(HEADER_SUBMITTER) or ""),
            delivery_attempts=self.broker.delivery_attempts(message),
        )

    async def _process(self, body: bytes, meta: InputMeta) -> Processed:
        now = dt.datetime.now(dt.UTC)
        limits, wall = self.limits, self.settings.wall_seconds
        refused = await refuse_over_size(body, meta, now, limits, wall=wall)  # over max_input_bytes: no worker
        if refused is not None:
            processed = refused
        elif self.pool is not None:
            try:
                processed = with_input(await self.pool.run(wall, process_in_worker, body, meta, now, limits), body)
            except WorkerStuck:
                processed = await self._stuck(body, meta, now)
        elif self.processor is not None:
            try:
                processed = await within(
                    wall, asyncio.to_thread(process_bounded, self.processor, body, meta, now, limits, enforce_cpu=False)
                )
            except TimeoutError:  # the thread runs on, unstoppable: one reason workers are the default
                over = OverLimit("over-cpu-budget", budget_reason(limits))
                processed = over_limit(body, meta, over, now, budget=None, read_groups=False)
        else:
            msg = "the pipeline is not loaded (the lifespan did not run)"
            raise RuntimeError(msg)
        self.metrics.observe(processed)
        log_processed(_processed_log.get(), processed, delivery_attempts=meta.delivery_attempts)
        return processed

    async def _stuck(self, body: bytes, meta: InputMeta, now: dt.datetime) -> Processed:
        """The input's worker stopped answering and was killed: dead-letter it, with 999s if they read quickly."""
        limits = self.limits
        if self.pool is not None:
            try:
                rejected = await self.pool.run(self.settings.wall_seconds, reject_in_worker, body, meta, now, limits)
                return with_input(rejected, body)
            except Exception:  # noqa: BLE001  (reading the headers failed too: the dead letter alone)
                _log.warning("no 999 for an input whose worker was killed")
        over = OverLimit("over-cpu-budget", budget_reason(limits))
        return over_limit(body, meta, over, now, budget=None, read_groups=False)

    async def _publish_one(self, outgoing: Outgoing, *, failed: str = "") -> None:
        """Publish with bounded retries; a connection lost under the publish (CancelledError) is retried too.

        ``failed``: the error of a first attempt already made (in a batch), so that one attempt fewer is left.
        """
        attempts = self.settings.publish_attempts
        error = failed
        for attempt in range(1, attempts + 1):
            if attempt > 1 or not failed:
                try:
                    await self.broker.publish(outgoing)
                except asyncio.CancelledError:
                    if _being_cancelled():  # this handler is being cancelled: let it be
                        raise
                    error = "CancelledError"
                except Exception as exc:  # noqa: BLE001  (any broker failure is retried, then dead-lettered)
                    error = type(exc).__name__
                else:
                    return
            _log.warning("publish failed", destination=outgoing.destination, attempt=attempt, error=error)
            if attempt < attempts:
                await asyncio.sleep(min(0.2 * 2**attempt, 5.0))
        msg = f"publishing to {outgoing.destination} failed {attempts} times: {error}"
        raise PublishError(msg)

    async def _publish_all(self, outputs: list[Outgoing]) -> None:
        """Publish and await every confirm; a large interchange goes out in bounded concurrent batches.

        With the broker client's batch publish (NATS) a batch's first attempt is one call whose confirms are
        awaited together; only the outputs that failed it get a task each, for their retries.
        """
        publish_batch = self.broker.batch()
        for start in range(0, len(outputs), _PUBLISH_BATCH):
            batch = outputs[start : start + _PUBLISH_BATCH]
            if publish_batch is None:
                retries = [self._publish_one(outgoing) for outgoing in batch]
            else:
                try:
                    errors: list[BaseException | None] = await publish_batch(batch)
                except asyncio.CancelledError:
                    if _being_cancelled():
                        raise
                    errors = [asyncio.CancelledError()] * len(batch)  # the connection was lost under the batch
                retries = [
                    self._publish_one(outgoing, failed=type(error).__name__)
                    for outgoing, error in zip(batch, errors, strict=True)
                    if error is not None
                ]
            if retries:
                results = await asyncio.gather(*retries, return_exceptions=True)
                for result in results:
                    if isinstance(result, BaseException):
                        raise result
        for outgoing in outputs:
            if outgoing.destination == "dlq":
                self.metrics.dead_letters.labels(reason_kind=outgoing.headers.get("x-claimedit-reason-kind", "")).inc()

    async def _ack(self, message: StreamMessage[Any]) -> None:
        try:
            await message.ack()
        except Exception as exc:  # noqa: BLE001  (connection lost: the broker redelivers, keys mark duplicates)
            _log.warning("ack failed: the broker will redeliver the input", error=type(exc).__name__)

    async def _failed(self, body: bytes, meta: InputMeta, message: StreamMessage[Any], exc: Exception) -> None:
        meta = replace(meta, delivery_attempts=await self.broker.failed_attempts(message, meta.delivery_attempts))
        final = not self.broker.counts_deliveries or meta.delivery_attempts >= self.settings.max_deliveries
        _log.error("input failed", exc_info=exc, delivery_attempts=meta.delivery_attempts, dead_letter=final)
        if not final:
            self.metrics.inputs.labels(outcome="retried").inc()
            await message.nack()
            return
        reason = f"processing failed after {meta.delivery_attempts} deliveries: {type(exc).__name__}"
        await self._dead_letter(body, meta, message, reason=reason, kind="processing-failed")

    async def _dead_letter(
        self, body: bytes, meta: InputMeta, message: StreamMessage[Any], *, reason: str, kind: DeadLetterKind
    ) -> None:
        try:
            await self._publish_all([dead_letter(body, meta, reason=reason, reason_kind=kind)])
        except Exception:  # noqa: BLE001  (the DLQ is unreachable too: leave it to the broker's bound)
            _log.exception("dead-letter publish failed")
            await message.nack()
            return
        await self._ack(message)
        self.metrics.inputs.labels(outcome="dead-lettered").inc()


def _being_cancelled() -> bool:
    """Whether the current task is being cancelled (not merely handed a CancelledError from below)."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def log_processed(log: Any, processed: Processed, *, delivery_attempts: int) -> None:
    """The one line per input: control numbers, claim ids, verdict counts and outcome, never claim data."""
    log.info(
        "input processed" if not processed.limit else "input over a limit: dead-lettered",
        interchange_controls=processed.interchange_controls,
        group_controls=processed.group_controls,
        claim_ids=processed.claim_ids,
        verdicts=processed.verdicts,
        unreadable=processed.unreadable,
        outputs=len(processed.outputs),
        delivery_attempts=delivery_attempts,
        limit=processed.limit or None,
    )


async def start_pool(settings: ServiceSettings, processor: Processor | None = None) -> WorkerPool:
    """``settings.workers`` spawned processes, each with its pipeline (or ``processor``) loaded before any input."""
    history = await asyncio.to_thread(service_history, settings) if processor is None else None
    pool = WorkerPool(
        settings.workers,
        edits_config=settings.edits_config,
        validate=settings.validate_x12,
        processor=processor,
        history=history,
    )
    return await pool.start()


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


class ClaimeditAsgi(AsgiFastStream):
    """FastStream's ASGI app with the HTTP API's routes; without a broker when ``http_only``.

    ``run`` serves on ``settings.http_host:http_port`` with uvicorn (its own logging and access log off:
    structlog logs, and a request line could carry PHI in a query string); ``exit`` stops it.
    """

    def __init__(self, *brokers: Any, settings: ServiceSettings, http: HttpApi | None, **options: Any) -> None:
        self._claimedit_settings = settings
        self._claimedit_http = http
        self._broker_failed: BaseException | None = None
        super().__init__(*brokers, asgi_routes=http.routes() if http is not None else (), **options)

    async def _start_broker(self) -> None:
        """Start the broker; when it fails, stop the app and let ``run`` raise the failure.

        FastStream starts the broker after the ASGI lifespan has reported its start-up complete, so uvicorn
        only logs the failure and goes on serving: a replica that consumes nothing would stay up and answer
        /health/ready (seen: RabbitMQ refusing a consume on a quorum queue two replicas declared at once).
        """
        if not self.brokers:
            return
        try:
            await super()._start_broker()
        except Exception as exc:
            self._broker_failed = exc
            self.exit()
            raise

    async def not_found(self, scope: Any, receive: Any, send: Any) -> None:
        if self._claimedit_http is not None and scope.get("type") == "http":
            await self._claimedit_http.not_found(scope, receive, send)
            return
        await super().not_found(scope, receive, send)

    async def run(self, log_level: int = logging.INFO, run_extra_options: dict[str, Any] | None = None) -> None:
        settings = self._claimedit_settings
        if not settings.http_port:
            await _run_without_http(self)
            self._raise_if_broker_failed()
            return
        import uvicorn  # noqa: PLC0415
        from faststream.asgi.app import CliRunState  # noqa: PLC0415

        config = uvicorn.Config(
            app=self,
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
            log_level=log_level,
            access_log=False,
            timeout_graceful_shutdown=int(settings.graceful_timeout),
            lifespan="on",
            **(run_extra_options or {}),
        )
        logging.getLogger("uvicorn.access").disabled = True  # request lines (query strings) are never logged
        server = uvicorn.Server(config)
        self._server = CliRunState(server, {})
        await server.serve()
        self._raise_if_broker_failed()

    def _raise_if_broker_failed(self) -> None:
        """The broker's start-up failure, so that ``claimedit serve`` exits with it (and is restarted)."""
        if self._broker_failed is not None:
            raise self._broker_failed


class _StopOnEvent:
    """``AsgiFastStream.exit`` target when no ASGI server runs: sets the event the run waits on."""

    def __init__(self, event: asyncio.Event) -> None:
        self.event = event
        self.extra_options: dict[str, Any] = {}

    def stop(self) -> None:
        self.event.set()


async def _run_without_http(app: ClaimeditAsgi) -> None:
    """The broker alone (``http_port = 0``): the app's lifespan until SIGTERM, SIGINT or ``exit``."""
    import signal  # noqa: PLC0415

    stop = asyncio.Event()
    app._server = _StopOnEvent(stop)  # FastStream's exit() stops its _server
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with app.start_lifespan_context():
            await stop.wait()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


def _readiness(service: ClaimeditService) -> Callable[[], Any]:
    async def checks() -> dict[str, bool]:
        result = {"pipeline": service.pool is not None or service.processor is not None}
        if service.parts is not None:
            try:
                result["broker"] = bool(await service.parts.broker.ping(timeout=3.0))
            except Exception:  # noqa: BLE001  (a failed ping is a "no")
                result["broker"] = False
        return result

    return checks


def _validator(service: ClaimeditService) -> Callable[[bytes, InputMeta, dt.datetime], Any]:
    """Validate one HTTP input the way the broker path processes one message: workers, budgets, backstop."""

    async def run(body: bytes, meta: InputMeta, now: dt.datetime) -> Validated:
        limits, wall = service.limits, service.settings.wall_seconds
        if service.pool is not None:
            try:
                return await service.pool.run(wall, validate_in_worker, body, meta, now, limits)
            except WorkerStuck:
                from claimedit.service.limits import rejecting_acks  # noqa: PLC0415
                from claimedit.service.validate import ack_object  # noqa: PLC0415

                acks = [ack_object(ack) for ack in rejecting_acks(body)]
                return Validated(acks=acks, limit="over-cpu-budget", reason=budget_reason(limits))
        if service.processor is not None:
            processor = service.processor
            try:
                return await within(
                    wall, asyncio.to_thread(validate_bounded, processor, body, meta, now, limits, enforce_cpu=False)
                )
            except TimeoutError:
                return Validated(limit="over-cpu-budget", reason=budget_reason(limits))
        raise NotReadyError

    return run


def create_service(
    settings: ServiceSettings | None = None,
    *,
    processor: Processor | None = None,
    configure_logs: bool = False,
) -> ClaimeditService:
    """Build (without connecting) the broker, subscriber, publishers, HTTP routes and lifespan for ``settings``.

    ``processor`` replaces the pipeline (tests); by default :class:`claimedit.pipeline.Pipeline` is
    started in the lifespan, once per worker process. With ``settings.http_only`` there is no broker.
    """
    settings = settings or load_settings()
    if configure_logs:
        configure_logging(level=settings.log_level, fmt=settings.log_format)
    metrics = ServiceMetrics.create()
    faststream_logger = logging.getLogger("claimedit.faststream")
    parts = None if settings.http_only else build_broker(settings, registry=metrics.registry, logger=faststream_logger)

    @asynccontextmanager
    async def lifespan() -> AsyncIterator[None]:
        _log.info(
            "service starting",
            broker=redact_url(settings.broker_url) if parts is not None else None,
            tls=settings.uses_tls if parts is not None else None,
            input=settings.input if parts is not None else None,
            kind=parts.kind if parts is not None else "http-only",
            pipeline=f"{settings.workers} worker processes" if service.processor is None else "injected, in a thread",
            input_cpu_seconds=settings.input_cpu_seconds,
            max_input_bytes=settings.max_input_bytes,
        )
        if parts is not None:
            try:
                await parts.preflight()  # refuses plain text where TLS was asked for, before any worker starts
            except PlainTextRefusedError as refused:
                _log.error("refusing to start", reason=str(refused))  # our own words, the URL already masked
                raise
        if service.processor is None and service.pool is None:
            service.pool = await start_pool(settings)
        if parts is not None:
            await parts.broker.connect()
            await parts.declare()
        try:
            yield
        finally:
            if service.pool is not None:
                await service.pool.stop(timeout=settings.graceful_timeout)
            _log.info("service stopped")

    async def ready() -> None:
        if settings.http_port:
            where = f"{settings.http_host}:{settings.http_port}"
            _log.info(
                "http listening",
                health=f"http://{where}/health",
                live=f"http://{where}/health/live",
                ready=f"http://{where}/health/ready",
                validate=f"http://{where}/v1/validate",
                metrics=f"http://{where}/metrics",
            )
        else:
            _log.info("HTTP API off (http_port = 0)")
        _log.info("service ready", input=settings.input if parts is not None else None, kind=service_kind)

    service_kind = parts.kind if parts is not None else "http-only"
    from claimedit.service.openapi import openapi_document  # noqa: PLC0415

    http = HttpApi(
        limits=lambda: service.limits,
        runner=lambda body, meta, now: validator(body, meta, now),  # noqa: PLW0108  (bound late: built below)
        readiness=lambda: readiness(),  # noqa: PLW0108
        registry=metrics.registry,
        openapi=openapi_document,
    )
    app = ClaimeditAsgi(
        *([parts.broker] if parts is not None else []),
        settings=settings,
        http=http,
        lifespan=lifespan,
        after_startup=[ready],
        logger=faststream_logger,
        asyncapi_path=AsyncAPIRoute("/docs/asyncapi", include_in_schema=False, try_it_out_path=None)
        if parts is not None
        else None,
        specification=AsyncAPI(
            title="claimedit",
            version="0.1.0",
            description=(
                "X12 837P claim edits as a stream processor: one interchange in; per claim an annotated event "
                "(and a 277CA when rejected), per functional group a 999, unreadable input to the DLQ."
            ),
        ),
    )
    service = ClaimeditService(settings=settings, parts=parts, metrics=metrics, app=app, processor=processor, http=http)
    validator = _validator(service)
    readiness = _readiness(service)

    if parts is not None:

        async def handle(body: bytes) -> None:
            # The message from the broker's context, not by injection: FastStream resolves an injected
            # ``Context("message")`` in a worker thread, a thread hop per input (measured: ~0.3 ms of CPU).
            message: StreamMessage[Any] = parts.broker.context.get_local("message")
            await service.handle(body, message)

        parts.subscribe(handle, _raw_body)
    return service


def create_app() -> ClaimeditAsgi:
    """Factory for ``faststream run claimedit.service.app:create_app --factory`` (or any ASGI server)."""
    return create_service(configure_logs=True).app
