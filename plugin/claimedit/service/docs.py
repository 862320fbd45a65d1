"""Generate docs/asyncapi.json (from the app itself) and docs/schemas/*.json (from the event models).

``claimedit service-docs`` writes them; a test fails when the committed files differ from a fresh render.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claimedit.results import InputResult
from claimedit.service.events import EVENT_MODELS

__all__ = ["DOC_SETTINGS", "render_asyncapi", "render_schemas", "write_docs"]

DOC_SETTINGS: dict[str, Any] = {
    "broker_url": "amqp://rabbitmq:5672/",
    "input": "claims.incoming",
    "annotated": "claims.annotated",
    "rejected": "claims.rejected",
    "acks": "claims.acks",
    "dlq": "claims.dlq",
    "rabbit_exchange": "claimedit",
    "health_port": 0,
}
"""The defaults, spelt out so that CLAIMEDIT_* variables in the environment cannot change the document."""


def _no_pipeline(_data: bytes, source: str) -> InputResult:  # pragma: no cover  (docs never process input)
    return InputResult(source)


def _dumps(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def render_asyncapi() -> str:
    """The AsyncAPI 3.0 document of the RabbitMQ app with default names."""
    from claimedit.service.app import create_service  # noqa: PLC0415
    from claimedit.service.settings import load_settings  # noqa: PLC0415

    service = create_service(load_settings(**DOC_SETTINGS), processor=_no_pipeline)
    schema = service.app.schema.to_specification().to_jsonable()
    return _dumps(schema)


def render_schemas() -> dict[str, str]:
    """File name -> JSON Schema text, one per event model."""
    return {
        f"{name}.schema.json": _dumps(model.model_json_schema(by_alias=True)) for name, model in EVENT_MODELS.items()
    }


def write_docs(out: Path) -> list[Path]:
    """Write the AsyncAPI document and the schemas under ``out``; returns the paths written."""
    written = []
    out.mkdir(parents=True, exist_ok=True)
    asyncapi = out / "asyncapi.json"
    asyncapi.write_text(render_asyncapi(), encoding="utf-8")
    written.append(asyncapi)
    schemas = out / "schemas"
    schemas.mkdir(exist_ok=True)
    for name, text in render_schemas().items():
        path = schemas / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
