"""The domain Claim holds no X12 transport state: raw segments and delimiters stay on the reader's ParsedClaim."""

from __future__ import annotations

import json
import typing
from pathlib import Path

from pydantic import BaseModel

from claimedit.x12.parsed import ClaimSegments, ParsedClaim
from claimedit.x12.reader import read_parsed_claims
from claimedit_edits.model import Claim

FIXTURES = Path(__file__).parents[2] / "x12_fixtures"
SEPARATORS = frozenset({"element_separator", "component_separator", "repetition_separator", "segment_terminator"})
TRANSPORT_FIELDS = frozenset({"segments", "raw", "raw_segments", "delimiters", *SEPARATORS})


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    """``model`` and every model reachable through its fields' annotations."""
    seen.add(model)
    for info in model.model_fields.values():
        pending: list[object] = [info.annotation]
        while pending:
            annotation = pending.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen:
                _models(annotation, seen)
            pending.extend(typing.get_args(annotation))
    return seen


def _fixture_claims() -> list[ParsedClaim]:
    files = sorted(FIXTURES.glob("[!m]*/*.x12"))
    return [parsed for path in files for parsed in read_parsed_claims(path.read_bytes(), path.name)]


def _raw_segments(segments: ClaimSegments) -> list[str]:
    return [*segments.billing_provider, *segments.subscriber, *segments.patient, *segments.claim]


def test_no_model_inside_a_claim_has_a_field_for_raw_segments_or_delimiters() -> None:
    models = _models(Claim, set())
    fields = {(model.__name__, name) for model in models for name in model.model_fields}

    assert [] == sorted((model, name) for model, name in fields if name in TRANSPORT_FIELDS)
    assert not any(
        ClaimSegments in typing.get_args(info.annotation) or info.annotation is ClaimSegments
        for model in models
        for info in model.model_fields.values()
    )
    assert {"Claim", "Envelope", "ClaimLocation", "Person", "ServiceLine"} <= {model.__name__ for model in models}


def test_the_dump_of_a_fixture_claim_contains_none_of_its_segment_text() -> None:
    parsed = _fixture_claims()

    leaked = [
        (item.claim.claim_id, segment)
        for item in parsed
        for dumped in [json.dumps(item.claim.model_dump(mode="json"))]
        for segment in _raw_segments(item.segments)
        if segment in dumped
    ]

    assert [] == leaked
    assert len(parsed) > 100
    assert all(item.segments.claim[0].startswith("CLM") for item in parsed)


def test_the_parsed_claim_keeps_the_segments_and_delimiters_as_read() -> None:
    text = (FIXTURES / "clean" / "benign_destruction_pipe_caret_patient_loop.x12").read_text()

    parsed = read_parsed_claims(text, "pipe.x12")[0]

    delimiters = (parsed.segments.element_separator, parsed.segments.component_separator)
    assert ("|", "^") == delimiters
    assert parsed.segments.claim[0].startswith(f"CLM|{parsed.claim.claim_id}|")
