"""FastStream's consumer metrics keep counting every input once their labelled children are looked up once."""

from __future__ import annotations

import pytest
import x12gen
from harness import Collected, in_memory_service
from prometheus_client import CollectorRegistry, Counter

from claimedit.pipeline import Pipeline
from claimedit.service.metrics import CachedLabels

pytestmark = pytest.mark.anyio


def _input_samples(registry: CollectorRegistry, name: str, input_name: str) -> dict[str, float]:
    """``name``'s samples for the input queue or subject (RabbitMQ's handler label is ``exchange.queue``),
    by status where there is one."""
    return {
        sample.labels.get("status", ""): sample.value
        for metric in registry.collect()
        for sample in metric.samples
        if sample.name == name and (sample.labels["handler"] in {input_name, f"default.{input_name}"})
    }


def test_the_same_label_values_give_the_same_child_and_other_values_another() -> None:
    counter = Counter("things", "Things", ["status"], registry=CollectorRegistry())
    cached = CachedLabels(counter)

    cached.labels(status="acked").inc()
    cached.labels(status="acked").inc()
    cached.labels(status="error").inc()

    assert cached.labels(status="acked") is counter.labels(status="acked")
    assert (2.0, 1.0) == (counter.labels(status="acked")._value.get(), counter.labels(status="error")._value.get())


@pytest.mark.parametrize("kind", ["rabbit", "nats"])
async def test_each_consumed_input_is_counted_received_and_acked_and_leaves_none_in_process(
    kind: str, pipeline: Pipeline
) -> None:
    collected = Collected()

    async with in_memory_service(kind, pipeline.process, collected) as running:
        for start in (0, 1):
            await running.send(x12gen.interchange(x12gen.synthetic_claims(1, start=start)).encode())
        registry = running.service.metrics.registry
        input_name = running.service.settings.input
        received = _input_samples(registry, "faststream_received_messages_total", input_name)
        processed = _input_samples(registry, "faststream_received_processed_messages_total", input_name)
        in_process = _input_samples(registry, "faststream_received_messages_in_process", input_name)

    assert ({"": 2.0}, {"acked": 2.0}, {"": 0.0}) == (received, processed, in_process)
