"""/health/live answers while the loop runs; /health/ready needs the broker and the pipeline; /metrics counts."""

from __future__ import annotations

import sys
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "plugin"))

import x12gen
from harness import Collected, in_memory_service

from claimedit.pipeline import Pipeline
from claimedit.service import create_service, load_settings

pytestmark = pytest.mark.anyio


def _client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")  # type: ignore[arg-type]


async def test_ready_when_the_broker_answers_and_the_pipeline_is_loaded(pipeline: Pipeline) -> None:
    async with in_memory_service("rabbit", pipeline.process, Collected()) as running, _client(running.service.app) as c:
        ready = await c.get("/health/ready")
        alias = await c.get("/health")

    assert (200, {"status": "ready", "checks": {"pipeline": True, "broker": True}}, 200) == (
        ready.status_code,
        ready.json(),
        alias.status_code,
    )


async def test_not_ready_while_the_broker_is_not_connected(pipeline: Pipeline) -> None:
    service = create_service(load_settings(broker_url="amqp://guest:guest@127.0.0.1:1/"), processor=pipeline.process)
    async with _client(service.app) as client:
        ready = await client.get("/health/ready")
        live = await client.get("/health/live")

    checks = ready.json()["checks"]
    assert (503, {"pipeline": True, "broker": False}, 200) == (ready.status_code, checks, live.status_code)


async def test_metrics_count_claims_by_verdict_findings_by_code_and_http_requests(pipeline: Pipeline) -> None:
    body = x12gen.interchange(x12gen.synthetic_claims(3)).encode()
    expected = pipeline.process(body, "x")

    async with in_memory_service("rabbit", pipeline.process, Collected()) as running, _client(running.service.app) as c:
        await running.send(body)
        await c.post("/v1/validate", content=body)
        text = (await c.get("/metrics")).text

    rejected = sum(1 for claim in expected.claims if claim.verdict == "rejected")
    code = expected.claims[1].findings[0].code
    assert f'claimedit_claims_total{{verdict="rejected"}} {float(rejected)}' in text
    assert f'claimedit_http_claims_total{{verdict="rejected"}} {float(rejected)}' in text
    assert f'claimedit_findings_total{{code="{code}",severity="error"}}' in text
    assert 'claimedit_http_requests_total{route="validate",status="200"} 1.0' in text
    assert "faststream_received_messages_total" in text


async def test_the_asyncapi_document_is_served_and_try_it_out_is_off(pipeline: Pipeline) -> None:
    service = create_service(load_settings(broker_url="amqp://guest:guest@127.0.0.1:1/"), processor=pipeline.process)
    async with _client(service.app) as client:
        document = await client.get("/docs/asyncapi.json")
        try_it = await client.post("/docs/asyncapi/try", json={})

    assert (200, "3.0.0", 404) == (document.status_code, document.json()["asyncapi"], try_it.status_code)
