"""The HTTP routes served beside the broker subscriber on FastStream's ASGI app.

- ``POST /v1/validate``: one 837P interchange in the body; the replay rows, the 999s and the 277CAs out
  (``?format=jsonl``: one JSON object per line, streamed). Same bounds as the broker path: the body is
  refused past ``max_input_bytes`` while it is read, the pipeline runs in the worker pool under the
  CPU budget. Every error is an RFC 9457 problem document (``application/problem+json``).
- ``GET /health/live``: the event loop answers. ``GET /health/ready``: the broker answers a ping and
  the pipeline (with its reference data) is loaded in the workers. ``GET /health`` is ``ready``, for
  orchestrators configured before the split.
- ``GET /metrics`` (Prometheus), ``GET /openapi.json`` (this API).

Plain ASGI callables, so the FastStream app routes them by path; nothing here knows a broker. No
request body, header value or query string reaches a log line.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from faststream.asgi.types import ASGIApp, Receive, Scope, Send
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest

from claimedit.service.headers import bounded
from claimedit.service.limits import Limits
from claimedit.service.outputs import HEADER_CORRELATION, HEADER_SOURCE, InputMeta, input_meta, input_sha256
from claimedit.service.validate import Validated

__all__ = [
    "JSONL_CONTENT_TYPE",
    "PROBLEM_CONTENT_TYPE",
    "X12_CONTENT_TYPES",
    "HttpApi",
    "HttpMetrics",
    "NotReadyError",
    "problem_type",
]

Runner = Callable[[bytes, InputMeta, dt.datetime], Awaitable[Validated]]
Readiness = Callable[[], Awaitable[dict[str, bool]]]

PROBLEM_CONTENT_TYPE = "application/problem+json"
JSONL_CONTENT_TYPE = "application/x-ndjson"
X12_CONTENT_TYPES = frozenset({"application/edi-x12", "text/plain", "application/octet-stream", "application/x12"})
"""Body types accepted by ``/v1/validate`` (or none at all)."""
_PROBLEM_BASE = "urn:claimedit:problem:"

_log = structlog.get_logger("claimedit.http")


def problem_type(kind: str) -> str:
    """The RFC 9457 ``type`` URI of a problem kind (``over-size``, ``not-ready`` ...)."""
    return _PROBLEM_BASE + kind


class NotReadyError(Exception):
    """The pipeline workers are not started (yet, or any more)."""


@dataclass(frozen=True)
class HttpMetrics:
    requests: Counter
    seconds: Histogram
    claims: Counter

    @classmethod
    def create(cls, registry: CollectorRegistry) -> HttpMetrics:
        return cls(
            requests=Counter(
                "claimedit_http_requests", "HTTP requests, by route and status", ["route", "status"], registry=registry
            ),
            seconds=Histogram("claimedit_http_seconds", "HTTP request time, by route", ["route"], registry=registry),
            claims=Counter(
                "claimedit_http_claims", "Claims validated over HTTP, by verdict", ["verdict"], registry=registry
            ),
        )


class _Problem(Exception):  # noqa: N818  (a response, raised to leave the handler)
    def __init__(
        self, status: int, kind: str, title: str, detail: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.kind = kind
        self.title = title
        self.detail = detail
        self.headers = dict(headers or {})
        self.extra: dict[str, Any] = {}


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def _query(scope: Scope) -> dict[str, list[str]]:
    from urllib.parse import parse_qs  # noqa: PLC0415

    raw = bytes(scope.get("query_string", b"")).decode("latin-1")
    return parse_qs(raw, keep_blank_values=True)


async def _start(send: Send, status: int, content_type: str, headers: Mapping[str, str] | None = None) -> None:
    raw = [(b"content-type", content_type.encode("latin-1"))]
    raw += [(key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})


async def _respond(
    send: Send, status: int, content_type: str, body: bytes, headers: Mapping[str, str] | None = None
) -> None:
    await _start(send, status, content_type, {**(headers or {}), "content-length": str(len(body))})
    await send({"type": "http.response.body", "body": body})


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


async def _problem(send: Send, problem: _Problem, instance: str) -> None:
    document = {
        "type": problem_type(problem.kind),
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
        "instance": instance,
        **problem.extra,
    }
    await _respond(send, problem.status, PROBLEM_CONTENT_TYPE, _json(document), problem.headers)


def _method(scope: Scope, allowed: Iterable[str]) -> None:
    allowed = tuple(allowed)
    if scope.get("method") not in allowed:
        raise _Problem(
            405,
            "method-not-allowed",
            "Method not allowed",
            f"this resource answers {', '.join(allowed)}",
            headers={"allow": ", ".join(allowed)},
        )


class HttpApi:
    """The routes, given how to validate one input and how to tell readiness; see the module docstring."""

    def __init__(
        self,
        *,
        limits: Callable[[], Limits],
        runner: Runner,
        readiness: Readiness,
        registry: CollectorRegistry,
        openapi: Callable[[], dict[str, Any]],
        read_timeout: float = 60.0,
    ) -> None:
        self._limits = limits
        self._runner = runner
        self._readiness = readiness
        self._registry = registry
        self._openapi = openapi
        self._openapi_body: bytes | None = None
        self._read_timeout = read_timeout
        self.metrics = HttpMetrics.create(registry)

    def routes(self) -> list[tuple[str, ASGIApp]]:
        """(path, ASGI app) pairs for :class:`faststream.asgi.AsgiFastStream`'s ``asgi_routes``."""
        return [
            ("/v1/validate", self._route("validate", self._validate)),
            ("/health/live", self._route("live", self._live)),
            ("/health/ready", self._route("ready", self._ready)),
            ("/health", self._route("ready", self._ready)),
            ("/metrics", self._route("metrics", self._metrics)),
            ("/openapi.json", self._route("openapi", self._openapi_document)),
        ]

    async def not_found(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: ARG002  (ASGI)
        """Any other path: a 404 problem document."""
        if scope.get("type") != "http":
            return
        problem = _Problem(404, "not-found", "Not found", "no such resource: see /openapi.json")
        await _problem(send, problem, "")

    def _route(self, name: str, handler: ASGIApp) -> ASGIApp:
        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            started = time.perf_counter()
            status = 500
            sent_start = False

            async def counting_send(message: Any) -> None:
                nonlocal status, sent_start
                if message["type"] == "http.response.start":
                    status, sent_start = int(message["status"]), True
                await send(message)

            try:
                await handler(scope, receive, counting_send)
            except _Problem as problem:
                await _problem(counting_send, problem, str(scope.get("path", "")))
            except Exception as exc:  # noqa: BLE001  (any failure: a 500 problem, never a traceback to the client)
                # the exception's type only: its message or traceback could quote the input
                _log.error("HTTP request failed", route=name, error=type(exc).__name__)
                if not sent_start:
                    internal = _Problem(500, "internal", "Internal error", "the request could not be processed")
                    await _problem(counting_send, internal, str(scope.get("path", "")))
            finally:
                self.metrics.requests.labels(route=name, status=str(status)).inc()
                self.metrics.seconds.labels(route=name).observe(time.perf_counter() - started)

        return app

    async def _live(self, scope: Scope, _receive: Receive, send: Send) -> None:
        _method(scope, ("GET", "HEAD"))
        await _respond(send, 200, "application/json", _json({"status": "live"}))

    async def _ready(self, scope: Scope, _receive: Receive, send: Send) -> None:
        _method(scope, ("GET", "HEAD"))
        checks = await self._readiness()
        ready = all(checks.values())
        body = _json({"status": "ready" if ready else "not ready", "checks": checks})
        await _respond(send, 200 if ready else 503, "application/json", body)

    async def _metrics(self, scope: Scope, _receive: Receive, send: Send) -> None:
        _method(scope, ("GET", "HEAD"))
        await _respond(send, 200, CONTENT_TYPE_LATEST, generate_latest(self._registry))

    async def _openapi_document(self, scope: Scope, _receive: Receive, send: Send) -> None:
        _method(scope, ("GET", "HEAD"))
        if self._openapi_body is None:
            self._openapi_body = _json(self._openapi())
        await _respond(send, 200, "application/json", self._openapi_body)

    async def _read_body(self, scope: Scope, receive: Receive, limit: int) -> bytes:
        declared = _header(scope, b"content-length")
        if declared is not None and declared.strip().isdigit() and int(declared) > limit:
            raise self._too_large(int(declared), limit)
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await asyncio.wait_for(receive(), self._read_timeout)
            if message["type"] == "http.disconnect":
                raise _Problem(400, "client-disconnected", "Client disconnected", "the request body was not received")
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > limit:
                raise self._too_large(size, limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    @staticmethod
    def _too_large(size: int, limit: int) -> _Problem:
        problem = _Problem(
            413,
            "over-size",
            "Input over a size bound",
            f"the input is at least {size} bytes, over max_input_bytes ({limit})",
        )
        problem.extra = {"limit": "over-size", "acks": []}
        return problem

    def _format(self, scope: Scope) -> str:
        values = _query(scope).get("format", ["json"])
        if len(values) != 1 or values[0] not in ("json", "jsonl"):
            raise _Problem(400, "bad-query", "Bad query parameter", "format is json (the default) or jsonl")
        return values[0]

    @staticmethod
    def _content_type(scope: Scope) -> None:
        declared = _header(scope, b"content-type")
        if declared is None:
            return
        base = declared.split(";", 1)[0].strip().lower()
        if base and base not in X12_CONTENT_TYPES:
            raise _Problem(
                415,
                "unsupported-media-type",
                "Unsupported media type",
                f"send the interchange as one of {', '.join(sorted(X12_CONTENT_TYPES))}",
            )

    @staticmethod
    def _meta(scope: Scope, body: bytes) -> InputMeta:
        correlation = _header(scope, HEADER_CORRELATION.encode()) or uuid.uuid4().hex
        correlation = bounded(correlation)[0]
        source = _header(scope, HEADER_SOURCE.encode()) or f"http:{correlation}"
        return input_meta(
            correlation_id=correlation, source=source, sha256=input_sha256(body), submitter_id="", delivery_attempts=1
        )

    async def _validate(self, scope: Scope, receive: Receive, send: Send) -> None:
        _method(scope, ("POST",))
        output_format = self._format(scope)
        self._content_type(scope)
        limits = self._limits()
        try:
            body = await self._read_body(scope, receive, limits.max_input_bytes)
        except TimeoutError:
            raise _Problem(
                408, "request-timeout", "Request timeout", "the request body did not arrive in time"
            ) from None
        if not body.strip():
            raise _Problem(400, "empty-body", "Empty body", "the request body is empty: send one 837P interchange")
        meta = self._meta(scope, body)
        try:
            validated = await self._runner(body, meta, dt.datetime.now(dt.UTC))
        except NotReadyError:
            raise _Problem(503, "not-ready", "Not ready", "the pipeline workers are not running") from None
        headers = {HEADER_CORRELATION: meta.correlation_id}
        if validated.limit:
            status = 413 if validated.limit == "over-size" else 422
            problem = _Problem(status, validated.limit, "Input over a bound", validated.reason, headers=headers)
            problem.extra = {"limit": validated.limit, "acks": validated.acks}
            raise problem
        for row in validated.rows:
            if row["verdict"] != "shared":  # a shared row states findings of a group, not a claim
                self.metrics.claims.labels(verdict=row["verdict"]).inc(row.get("claims_inside", 1))
        _log.info(
            "validated over HTTP",
            correlation_id=meta.correlation_id,
            rows=len(validated.rows),
            groups=len(validated.acks),
            rejected=len(validated.rejections),
        )
        if output_format == "jsonl":
            await self._stream(send, validated, meta, headers)
            return
        answer = {
            "correlation_id": meta.correlation_id,
            "source": meta.source,
            "rows": validated.rows,
            "acks": validated.acks,
            "rejections": validated.rejections,
        }
        await _respond(send, 200, "application/json", _json(answer), headers)

    @staticmethod
    async def _stream(send: Send, validated: Validated, meta: InputMeta, headers: Mapping[str, str]) -> None:
        """One line per row, then per 999, then per 277CA, each tagged with its ``kind``; sent as they are encoded."""
        await _start(send, 200, JSONL_CONTENT_TYPE, headers)
        lines: list[dict[str, Any]] = [{"kind": "row", **row} for row in validated.rows]
        lines += [{"kind": "999", "correlation_id": meta.correlation_id, **ack} for ack in validated.acks]
        lines += [{"kind": "277ca", "correlation_id": meta.correlation_id, **item} for item in validated.rejections]
        batch: list[bytes] = []
        for line in lines:
            batch.append(_json(line) + b"\n")
            if len(batch) >= 64:
                await send({"type": "http.response.body", "body": b"".join(batch), "more_body": True})
                batch = []
        await send({"type": "http.response.body", "body": b"".join(batch), "more_body": False})
