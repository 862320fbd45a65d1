"""POST /v1/validate answers the replay rows, the 999s and the 277CAs; errors are RFC 9457 problems."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from http_support import http_service

from claimedit.pipeline import Pipeline
from claimedit.service.openapi import Problem, ValidateResponse

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).parents[2] / "x12_fixtures"
BROKEN = FIXTURES / "broken" / "lesion_units_and_add_on.x12"
CLEAN = FIXTURES / "clean" / "benign_excisions_commercial.x12"
X12 = {"content-type": "application/edi-x12"}


def _golden(path: Path) -> list[dict[str, Any]]:
    lines = path.with_suffix(".jsonl").read_text(encoding="utf-8").splitlines()
    return [{**json.loads(line), "source": "s"} for line in lines if line.strip()]


def _rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**row, "source": "s"} for row in rows]


@pytest.mark.parametrize("fixture", [BROKEN, CLEAN], ids=["broken", "clean"])
async def test_validate_answers_the_same_rows_as_the_file_replay(client: httpx.AsyncClient, fixture: Path) -> None:
    response = await client.post("/v1/validate", content=fixture.read_bytes(), headers=X12)

    assert 200 == response.status_code
    assert _golden(fixture) == _rows(response.json()["rows"])
    ValidateResponse.model_validate(response.json())


async def test_validate_answers_a_999_per_group_and_a_277ca_per_rejected_claim(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/validate", content=BROKEN.read_bytes(), headers=X12)

    answer = response.json()
    rejected = [row["claim_id"] for row in answer["rows"] if row["verdict"] == "rejected"]
    assert rejected == [item["claim_id"] for item in answer["rejections"]]
    assert all(re.search(r"~ST.277.", item["ack_277ca"]) for item in answer["rejections"])
    assert 1 <= len(answer["acks"])
    assert all("ST*999*" in ack["ack_999"] for ack in answer["acks"])


async def test_the_correlation_id_is_echoed_and_names_the_source(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/validate", content=CLEAN.read_bytes(), headers={**X12, "x-correlation-id": "pm-42"}
    )

    assert ("pm-42", "pm-42", "http:pm-42") == (
        response.headers["x-correlation-id"],
        response.json()["correlation_id"],
        response.json()["rows"][0]["source"],
    )


async def test_jsonl_streams_one_tagged_line_per_row_999_and_277ca(client: httpx.AsyncClient) -> None:
    headers = {**X12, "x-correlation-id": "same"}
    whole = (await client.post("/v1/validate", content=BROKEN.read_bytes(), headers=headers)).json()
    response = await client.post("/v1/validate?format=jsonl", content=BROKEN.read_bytes(), headers=headers)

    lines = [json.loads(line) for line in response.text.splitlines()]
    expected_kinds = ["row"] * len(whole["rows"]) + ["999"] * len(whole["acks"]) + ["277ca"] * len(whole["rejections"])
    assert ("application/x-ndjson", expected_kinds) == (response.headers["content-type"], [ln["kind"] for ln in lines])
    assert whole["rows"] == [{k: v for k, v in line.items() if k != "kind"} for line in lines if line["kind"] == "row"]


async def test_text_that_is_not_x12_is_one_unreadable_row_not_an_error(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/validate", content=b"hello, this is not X12", headers=X12)

    rows = response.json()["rows"]
    assert (200, ["unreadable"], ["SYN006"]) == (
        response.status_code,
        [row["verdict"] for row in rows],
        [finding["code"] for row in rows for finding in row["findings"]],
    )


async def test_an_input_over_max_input_bytes_is_refused_with_413_while_read(pipeline: Pipeline) -> None:
    service = http_service(pipeline, max_input_bytes=2048)
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/v1/validate", content=CLEAN.read_bytes() * 3, headers=X12)

    problem = Problem.model_validate(response.json())
    assert (413, "application/problem+json", "urn:claimedit:problem:over-size") == (
        response.status_code,
        response.headers["content-type"],
        problem.type,
    )


async def test_an_element_over_max_element_length_is_413_with_a_999_rejecting_its_group(pipeline: Pipeline) -> None:
    service = http_service(pipeline, max_element_length=80)
    body = CLEAN.read_bytes().replace(b"NM1*85*2*", b"NM1*85*2*" + b"X" * 200, 1)
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.post("/v1/validate", content=body, headers=X12)

    problem = response.json()
    assert (413, "over-size", ["R"]) == (
        response.status_code,
        problem["limit"],
        [ack["ack_code"] for ack in problem["acks"]],
    )
    assert b"X" * 200 not in response.content


@pytest.mark.parametrize(
    ("request_", "status", "kind"),
    [
        (("GET", "/v1/validate", {}, b""), 405, "method-not-allowed"),
        (("POST", "/v1/validate", X12, b""), 400, "empty-body"),
        (("POST", "/v1/validate?format=xml", X12, b"ISA"), 400, "bad-query"),
        (("POST", "/v1/validate", {"content-type": "application/json"}, b"{}"), 415, "unsupported-media-type"),
        (("GET", "/nowhere", {}, b""), 404, "not-found"),
    ],
    ids=["get", "empty", "bad-format", "json-body", "unknown-path"],
)
async def test_errors_are_problem_documents(
    client: httpx.AsyncClient, request_: tuple[str, str, dict[str, str], bytes], status: int, kind: str
) -> None:
    method, url, headers, body = request_
    response = await client.request(method, url, content=body, headers=headers)

    problem = Problem.model_validate(response.json())
    assert (status, "application/problem+json", f"urn:claimedit:problem:{kind}", status) == (
        response.status_code,
        response.headers["content-type"],
        problem.type,
        problem.status,
    )


async def test_not_ready_without_a_pipeline_is_503(pipeline: Pipeline) -> None:
    service = http_service(pipeline)
    service.processor = None
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        validate = await client.post("/v1/validate", content=CLEAN.read_bytes(), headers=X12)
        ready = await client.get("/health/ready")
        live = await client.get("/health/live")

    assert (503, 503, {"pipeline": False}, 200) == (
        validate.status_code,
        ready.status_code,
        ready.json()["checks"],
        live.status_code,
    )
