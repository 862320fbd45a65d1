"""A minimal HTTP endpoint for orchestrators: ``GET /health`` (broker ping) and ``GET /metrics``.

Plain asyncio, so the service needs no ASGI server: one request per connection, no keep-alive.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

__all__ = ["HealthServer"]

_MAX_REQUEST_LINE = 8192


class HealthServer:
    def __init__(self, ping: Callable[[], Awaitable[bool]], registry: CollectorRegistry) -> None:
        self._ping = ping
        self._registry = registry
        self._server: asyncio.Server | None = None

    @property
    def port(self) -> int:
        if self._server is None or not self._server.sockets:
            return 0
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def start(self, host: str, port: int) -> None:
        self._server = await asyncio.start_server(self._serve, host, port, limit=_MAX_REQUEST_LINE)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            status, content_type, body = await self._answer(reader)
            head = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
            writer.write((head + "Connection: close\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()

    async def _answer(self, reader: asyncio.StreamReader) -> tuple[str, str, bytes]:
        """The response to the request line; 431 when it is over 8 KiB, 400 when it is not HTTP."""
        try:
            request = await asyncio.wait_for(reader.readuntil(b"\n"), timeout=5)
        except asyncio.LimitOverrunError:
            return "431 Request Header Fields Too Large", "text/plain", b"request line too long\n"
        except asyncio.IncompleteReadError:
            return "400 Bad Request", "text/plain", b"bad request\n"
        if len(request) > _MAX_REQUEST_LINE:
            return "431 Request Header Fields Too Large", "text/plain", b"request line too long\n"
        parts = request.decode("latin-1").split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/"):
            return "400 Bad Request", "text/plain", b"bad request\n"
        path = parts[1] if parts[0] in ("GET", "HEAD") else ""
        return await self._route(path)

    async def _route(self, path: str) -> tuple[str, str, bytes]:
        if path == "/health":
            healthy = await self._ping()
            body = json.dumps({"status": "ok" if healthy else "broker unreachable"}).encode()
            return ("200 OK" if healthy else "503 Service Unavailable"), "application/json", body
        if path == "/metrics":
            return "200 OK", CONTENT_TYPE_LATEST, generate_latest(self._registry)
        return "404 Not Found", "text/plain", b"not found\n"
