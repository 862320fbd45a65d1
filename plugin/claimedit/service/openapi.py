"""The OpenAPI 3.1 document of the HTTP routes (:mod:`claimedit.service.http`), from pydantic models.

Served at ``GET /openapi.json``; schemathesis tests the API against it (tests/http/).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from claimedit.replay_output import ClaimRow, SharedRow, UnreadableRow
from claimedit.service.http import JSONL_CONTENT_TYPE, PROBLEM_CONTENT_TYPE, X12_CONTENT_TYPES

__all__ = ["GroupAckOut", "Problem", "RejectionOut", "ValidateResponse", "openapi_document"]


class GroupAckOut(BaseModel):
    """The 999 of one functional group."""

    model_config = ConfigDict(extra="forbid")

    interchange_control: str = Field(description="ISA13 of the acknowledged interchange")
    group_control: str = Field(description="GS06 of the acknowledged group")
    accepted: bool
    ack_code: Literal["A", "E", "R", "P"] = Field(description="IK5/AK9: accepted, with errors, rejected, partially")
    ack_999: str = Field(description="the 999 interchange (X12); IK404 may quote a bad value (PHI by design)")


class RejectionOut(BaseModel):
    """The 277CA of one rejected claim (PHI by design: it names the patient as the 837 did)."""

    model_config = ConfigDict(extra="forbid")

    claim_id: str
    claim_index: int = Field(ge=0)
    interchange_control: str | None
    group_control: str | None
    transaction_control: str | None
    ack_277ca: str = Field(description="the 277CA interchange (005010X214)")


class ValidateResponse(BaseModel):
    """``POST /v1/validate``: the replay rows of the input, the 999 of each group, the 277CA of each rejected claim."""

    model_config = ConfigDict(extra="forbid")

    correlation_id: str
    source: str
    rows: list[ClaimRow | UnreadableRow | SharedRow]
    acks: list[GroupAckOut]
    rejections: list[RejectionOut]


class Problem(BaseModel):
    """An RFC 9457 problem document."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="urn:claimedit:problem:<kind>")
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    instance: str
    limit: Literal["over-size", "over-cpu-budget"] | None = Field(
        default=None, description="the bound an input broke (413, 422)"
    )
    acks: list[GroupAckOut] | None = Field(
        default=None, description="999s rejecting each group read from the headers of an input over a bound"
    )


class Health(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal["live", "ready", "not ready"]
    checks: dict[str, bool] | None = None


_REF = "#/components/schemas/{model}"
_TEXT = {"type": "string"}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": _REF.format(model="Problem")}}},
    }


def _method_not_allowed() -> dict[str, Any]:
    return _problem("method not allowed")


def _get(summary: str, responses: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "responses": responses}}


def openapi_document(version: str = "0.1.0") -> dict[str, Any]:
    _, schemas = models_json_schema(
        [(model, "serialization") for model in (ValidateResponse, Problem, Health)], ref_template=_REF
    )
    body = {"type": "string", "minLength": 1, "description": "one or more 837P (005010X222A1) interchanges"}
    health = {"application/json": {"schema": {"$ref": _REF.format(model="Health")}}}
    validate = {
        "post": {
            "summary": "Validate an 837P interchange and answer with its findings, 999s and 277CAs",
            "operationId": "validate",
            "parameters": [
                {
                    "name": "format",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "string", "enum": ["json", "jsonl"], "default": "json"},
                    "description": "jsonl: one object per line (kind row, 999 or 277ca), streamed",
                },
                {
                    "name": "x-correlation-id",
                    "in": "header",
                    "required": False,
                    "schema": {"type": "string"},
                    "description": "echoed in the answer (a value over 255 bytes is replaced by its hash)",
                },
            ],
            "requestBody": {
                "required": True,
                "content": {content_type: {"schema": body} for content_type in sorted(X12_CONTENT_TYPES)},
            },
            "responses": {
                "200": {
                    "description": "the input was read: every CLM segment is in one row",
                    "content": {
                        "application/json": {"schema": {"$ref": _REF.format(model="ValidateResponse")}},
                        JSONL_CONTENT_TYPE: {"schema": {"type": "string"}},
                    },
                },
                "400": _problem("empty body, bad query parameter, or the body did not arrive"),
                "405": _method_not_allowed(),
                "408": _problem("the body did not arrive within the read timeout"),
                "413": _problem("the input is over max_input_bytes or has an element over max_element_length"),
                "415": _problem("the content type is not X12 text"),
                "422": _problem("the input took more than its CPU budget"),
                "503": _problem("the pipeline workers are not running"),
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "claimedit HTTP API",
            "version": version,
            "description": "Synchronous X12 837P claim edits beside the broker subscriber (docs/events.md, HTTP).",
        },
        "paths": {
            "/v1/validate": validate,
            "/health/live": _get("the process answers", {"200": {"description": "live", "content": health}}),
            "/health/ready": _get(
                "the broker answers and the pipeline with its reference data is loaded",
                {
                    "200": {"description": "ready", "content": health},
                    "503": {"description": "not ready", "content": health},
                },
            ),
            "/metrics": _get(
                "Prometheus metrics",
                {
                    "200": {
                        "description": "text exposition format",
                        "content": {"text/plain": {"schema": {"type": "string"}}},
                    }
                },
            ),
        },
        "components": {"schemas": schemas["$defs"]},
    }
