"""The bytes the service publishes for every fixture are pinned: a cheaper way of building them changes none.
So is the PHI-free summary of each input (``Processed``: verdicts, findings, claim ids, controls) that logs
and metrics are made from, in ``summary_digests.json``.

Each input's outputs (destination, payload, content type, idempotency key, event id, correlation id,
headers) are hashed and compared with ``output_digests.json``, recorded from the outputs as they were
before any change of how they are built. The 999 texts come from pyx12 with the time of reading in them,
so each is replaced by its group's controls before the outputs are built (the 999 is the pipeline's; here
only what the service builds around it is pinned).

After an intended change of the outputs, and only then, write the file again:
``python tests/plugin/test_output_bytes.py``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import sys
from pathlib import Path

import pytest
import x12gen

from claimedit.pipeline import Pipeline
from claimedit.results import InputResult
from claimedit.service.events import EVENT_MODELS
from claimedit.service.outputs import InputMeta, Outgoing, build_outputs, input_meta, input_sha256
from claimedit.service.processing import process_input

FIXTURES = Path(__file__).parents[2] / "x12_fixtures"
DIGESTS = Path(__file__).with_name("output_digests.json")
SUMMARY_DIGESTS = Path(__file__).with_name("summary_digests.json")
NOW = dt.datetime(2026, 2, 1, 8, 0, 5, 123456, tzinfo=dt.UTC)
SYNTHETIC = "synthetic-40-claims"


def _inputs() -> dict[str, bytes]:
    files = {str(path.relative_to(FIXTURES)): path.read_bytes() for path in sorted(FIXTURES.glob("*/*.x12"))}
    files[SYNTHETIC] = x12gen.interchange(x12gen.synthetic_claims(40), control=77).encode()
    return files


def _steady(pipeline: Pipeline, name: str, body: bytes) -> tuple[InputResult, InputMeta]:
    """The input's result with each 999 text replaced by its controls, and the input's meta."""
    result = pipeline.process(body, name)
    acks = tuple(
        dataclasses.replace(ack, x12=f"999 of {ack.interchange_control}/{ack.group_control}") for ack in result.acks
    )
    meta = input_meta(
        correlation_id=f"corr-{name}",
        source=None if "clean" in name else name,
        sha256=input_sha256(body),
        submitter_id="SUB9" if "edits" in name else "",
        delivery_attempts=2,
    )
    return dataclasses.replace(result, acks=acks), meta


def _outputs(pipeline: Pipeline, name: str, body: bytes) -> list[Outgoing]:
    result, meta = _steady(pipeline, name, body)
    return build_outputs(result, body, meta, now=NOW)


def _summary_digest(pipeline: Pipeline, name: str, body: bytes) -> str:
    result, meta = _steady(pipeline, name, body)
    processed = process_input(lambda _body, _source: result, body, meta, NOW)
    summary = dataclasses.asdict(dataclasses.replace(processed, outputs=[], seconds=0.0))
    ordered = {key: list(value.items()) if isinstance(value, dict) else value for key, value in summary.items()}
    return hashlib.sha256(json.dumps(ordered).encode()).hexdigest()


def _digest(outputs: list[Outgoing]) -> str:
    hashed = hashlib.sha256()
    for out in outputs:
        fields = [out.destination, out.content_type, out.idempotency_key, out.event_id, out.correlation_id]
        hashed.update(json.dumps([fields, sorted(out.headers.items()), out.payload_is_input]).encode())
        hashed.update(out.payload)
    return hashed.hexdigest()


def _digests(pipeline: Pipeline) -> dict[str, str]:
    return {name: _digest(_outputs(pipeline, name, body)) for name, body in _inputs().items()}


def _summary_digests(pipeline: Pipeline) -> dict[str, str]:
    return {name: _summary_digest(pipeline, name, body) for name, body in _inputs().items()}


def test_every_fixture_yields_the_pinned_output_bytes(pipeline: Pipeline) -> None:
    assert _digests(pipeline) == json.loads(DIGESTS.read_text())


def test_every_fixture_yields_the_pinned_summary_in_its_order(pipeline: Pipeline) -> None:
    assert _summary_digests(pipeline) == json.loads(SUMMARY_DIGESTS.read_text())


@pytest.mark.parametrize("name", ["clean/multi_isa_gs_st.x12", "broken/balancing_and_code_set.x12", SYNTHETIC])
def test_each_event_payload_is_its_schema_model_serialized_as_pydantic_would(pipeline: Pipeline, name: str) -> None:
    body = _inputs()[name]
    events = [out for out in _outputs(pipeline, name, body) if out.content_type == "application/json"]

    remade = [
        EVENT_MODELS[json.loads(out.payload)["event_type"]].model_validate_json(out.payload).model_dump_json().encode()
        for out in events
    ]

    assert remade == [out.payload for out in events]
    assert len(events) > 1


if __name__ == "__main__":
    started = Pipeline.start()
    DIGESTS.write_text(json.dumps(_digests(started), indent=1, sort_keys=True) + "\n")
    SUMMARY_DIGESTS.write_text(json.dumps(_summary_digests(started), indent=1, sort_keys=True) + "\n")
    sys.exit(0)
