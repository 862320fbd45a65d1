"""The committed AsyncAPI document and event schemas are what the app and models generate now."""

from __future__ import annotations

from pathlib import Path

from claimedit.service.docs import render_asyncapi, render_schemas

DOCS = Path(__file__).parents[2] / "docs"
REGENERATE = "stale: run `claimedit service-docs --out docs` and commit the result"


def test_committed_asyncapi_document_is_current() -> None:
    assert (DOCS / "asyncapi.json").read_text(encoding="utf-8") == render_asyncapi(), REGENERATE


def test_committed_event_schemas_are_current() -> None:
    committed = {path.name: path.read_text(encoding="utf-8") for path in (DOCS / "schemas").glob("*.schema.json")}

    assert committed == render_schemas(), REGENERATE


def test_asyncapi_documents_every_output_with_its_event_schema() -> None:
    text = render_asyncapi()

    for name in ("claims.incoming", "claims.annotated", "claims.rejected", "claims.acks", "claims.dlq"):
        assert f'"address": "{name}"' in text
    for model in ("ClaimAnnotated", "ClaimRejected", "GroupAcknowledged"):
        assert f'"title": "{model}"' in text
