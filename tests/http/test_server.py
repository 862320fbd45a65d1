"""The HTTP API on a real socket (uvicorn, as ``claimedit serve`` runs it): garbage is answered, never logged."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator

import pytest
from http_support import http_service

from claimedit.pipeline import Pipeline
from claimedit.service import ClaimeditService

pytestmark = pytest.mark.anyio


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
async def served(pipeline: Pipeline) -> AsyncIterator[ClaimeditService]:
    service = http_service(pipeline, http_port=_free_port())
    task = asyncio.create_task(service.app.run())
    for _ in range(100):
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", service.settings.http_port)
        except OSError:
            await asyncio.sleep(0.05)
            continue
        writer.close()
        break
    try:
        yield service
    finally:
        service.app.exit()
        await asyncio.wait_for(task, timeout=15)


async def _raw(port: int, request: bytes) -> str:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    response = await asyncio.wait_for(reader.read(65536), timeout=5)
    writer.close()
    return response.decode("latin-1").splitlines()[0] if response else ""


async def test_live_and_ready_answer_over_tcp(served: ClaimeditService) -> None:
    port = served.settings.http_port

    live = await _raw(port, b"GET /health/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    ready = await _raw(port, b"GET /health/ready HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

    assert ("HTTP/1.1 200 OK", "HTTP/1.1 200 OK") == (live, ready)


@pytest.mark.parametrize(
    ("request_bytes", "status"),
    [
        (b"GET /" + b"a" * 100_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 404 Not Found"),
        (b"\x00\xff\xfe garbage\r\n\r\n", "HTTP/1.1 400 Bad Request"),
    ],
    ids=["100-kb-path", "binary"],
)
async def test_garbage_is_answered_with_400_and_logs_no_error(
    served: ClaimeditService, request_bytes: bytes, status: str, caplog: pytest.LogCaptureFixture
) -> None:
    answer = await _raw(served.settings.http_port, request_bytes)

    assert status == answer
    assert [] == [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert not any("aaaaaaaaaa" in record.getMessage() for record in caplog.records)


async def test_with_http_port_0_no_server_listens_and_exit_stops_the_service(pipeline: Pipeline) -> None:
    service = http_service(pipeline, http_port=0)
    task = asyncio.create_task(service.app.run())
    await asyncio.sleep(0.5)
    running = not task.done()

    service.app.exit()
    await asyncio.wait_for(task, timeout=15)

    assert (True, None) == (running, task.exception())
