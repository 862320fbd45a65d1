"""Schemathesis against the API's own OpenAPI document: no 500, every response matches its schema.

A small number of examples per operation in CI (``CLAIMEDIT_SCHEMATHESIS_EXAMPLES``, default 25). The
operations are driven with hypothesis directly (schemathesis' pytest plugin does not run under this
pytest), with schemathesis' own checks.
"""

from __future__ import annotations

import os

import schemathesis
from http_support import http_service
from hypothesis import HealthCheck, given, settings

from claimedit.pipeline import Pipeline

EXAMPLES = int(os.environ.get("CLAIMEDIT_SCHEMATHESIS_EXAMPLES", "25"))


def test_every_operation_answers_within_its_documented_schema_and_never_500(pipeline: Pipeline) -> None:
    service = http_service(pipeline, max_input_bytes=64 * 1024)
    schema = schemathesis.openapi.from_asgi("/openapi.json", service.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    called: list[str] = []

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate()
            called.append(case.operation.label)

        check()

    assert sorted({"POST /v1/validate", "GET /health/live", "GET /health/ready", "GET /metrics"}) == sorted(set(called))
