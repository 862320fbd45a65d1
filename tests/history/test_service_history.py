"""The service on an in-memory TestBroker with a claim history: a redelivered input (same content, same
idempotency keys) is never a duplicate of itself, a second submission of the same claims is."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from claimedit_history_claims import interchange, visit

from claimedit.history.store import HistoryStore
from claimedit.pipeline import Pipeline
from claimedit.service.events import ClaimAnnotated

from .conftest import SECRET

sys.path.insert(0, str(Path(__file__).parents[1] / "plugin"))
from harness import Collected, in_memory_service

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def history_pipeline(sqlite_url: str) -> Iterator[Pipeline]:
    store = HistoryStore.open(sqlite_url, SECRET, check=False)
    store.migrate()
    try:
        yield Pipeline.start(validate=False, history=store, history_keys_by_content=True)
    finally:
        store.close()


def _codes(collected: Collected) -> list[tuple[str, list[str]]]:
    events = [ClaimAnnotated.model_validate_json(body) for body in collected.bodies("annotated")]
    return [(event.claim_id, sorted(finding.code for finding in event.findings)) for event in events]


async def test_a_broker_redelivery_flags_no_claim_and_a_resubmission_flags_every_claim(
    history_pipeline: Pipeline,
) -> None:
    blocks = [visit("S-1", day="20250301"), visit("S-2", day="20250302")]
    body = interchange(blocks, control=1).encode()
    resubmitted = interchange(blocks, control=2).encode()
    collected = Collected()

    async with in_memory_service("rabbit", history_pipeline.process, collected) as running:
        await running.send(body)
        await running.send(body, {"x-delivery-count": "1"})
        await running.send(resubmitted)

    expected = [
        ("S-1", []),
        ("S-2", []),
        ("S-1", []),
        ("S-2", []),
        ("S-1", ["HST001"]),
        ("S-2", ["HST001"]),
    ]
    assert expected == _codes(collected)
