"""GET /health answers from a broker ping; GET /metrics shows claims by verdict and findings by code."""

from __future__ import annotations

import asyncio

import pytest
import x12gen
from harness import Collected, in_memory_service

from claimedit.pipeline import Pipeline
from claimedit.service.health import HealthServer
from claimedit.service.metrics import ServiceMetrics

pytestmark = pytest.mark.anyio


async def _get(port: int, path: str) -> tuple[str, str]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    await writer.drain()
    response = (await reader.read()).decode()
    writer.close()
    head, _, body = response.partition("\r\n\r\n")
    return head.splitlines()[0], body


@pytest.mark.parametrize(
    ("reachable", "status"), [(True, "HTTP/1.1 200 OK"), (False, "HTTP/1.1 503 Service Unavailable")]
)
async def test_health_reports_whether_the_broker_answers(reachable: bool, status: str) -> None:
    async def ping() -> bool:
        return reachable

    server = HealthServer(ping, ServiceMetrics.create().registry)
    await server.start("127.0.0.1", 0)
    try:
        line, _ = await _get(server.port, "/health")
    finally:
        await server.stop()

    assert line == status


async def test_metrics_count_claims_by_verdict_and_findings_by_code(pipeline: Pipeline) -> None:
    body = x12gen.interchange(x12gen.synthetic_claims(3)).encode()
    expected = pipeline.process(body, "x")
    collected = Collected()

    async with in_memory_service("rabbit", pipeline.process, collected) as running:
        await running.send(body)
        server = HealthServer(lambda: asyncio.sleep(0, True), running.service.metrics.registry)
        await server.start("127.0.0.1", 0)
        try:
            _, text = await _get(server.port, "/metrics")
        finally:
            await server.stop()

    rejected = sum(1 for claim in expected.claims if claim.verdict == "rejected")
    code = expected.claims[1].findings[0].code
    assert f'claimedit_claims_total{{verdict="rejected"}} {float(rejected)}' in text
    assert f'claimedit_findings_total{{code="{code}",severity="error"}}' in text
    assert "faststream_received_messages_total" in text
