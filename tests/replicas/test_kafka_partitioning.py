"""Kafka: inputs keyed by submitter (header, else ISA06), so one submitter's interchanges share a partition and
keep their order; the service in a consumer group processes them in that order (TestKafkaBroker, in memory:
no Kafka broker on this machine)."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
import x12gen
from aiokafka.partitioner import DefaultPartitioner
from harness import Collected, in_memory_service

from claimedit.pipeline import Pipeline
from claimedit.service.partitioning import UNKNOWN_SUBMITTER, submitter_key

pytestmark = pytest.mark.anyio

SUBMITTERS = ("SUBMITTERAA", "SUBMITTERBB", "SUBMITTERCC")
PARTITIONS = list(range(12))


def _interchanges() -> list[tuple[str, bytes]]:
    """Four interchanges per submitter, interleaved as they would arrive at a clearinghouse."""
    out = []
    for round_ in range(4):
        for number, submitter in enumerate(SUBMITTERS):
            control = round_ * 10 + number + 1
            claims = x12gen.synthetic_claims(1, prefix=f"K{control:03d}X")
            body = x12gen.interchange(claims, control=control, submitter=submitter).encode()
            out.append((submitter, body))
    return out


def test_the_key_is_the_submitter_header_else_isa06_else_a_fixed_key() -> None:
    submitter, body = _interchanges()[1]

    assert (b"PM-7", submitter.encode(), UNKNOWN_SUBMITTER.encode()) == (
        submitter_key(body, "PM-7"),
        submitter_key(body),
        submitter_key(b"not x12"),
    )


def test_one_submitters_interchanges_all_go_to_one_partition() -> None:
    partitioner = DefaultPartitioner()
    partitions: dict[str, set[int]] = defaultdict(set)
    for submitter, body in _interchanges():
        partitions[submitter].add(partitioner(submitter_key(body), PARTITIONS, PARTITIONS))

    assert dict.fromkeys(SUBMITTERS, 1) == {key: len(value) for key, value in partitions.items()}


async def test_the_consumer_group_processes_each_submitters_interchanges_in_order(pipeline: Pipeline) -> None:
    collected = Collected()
    sent: dict[str, list[str]] = defaultdict(list)

    async with in_memory_service("kafka", pipeline.process, collected) as running:
        for number, (submitter, body) in enumerate(_interchanges()):
            correlation = f"k{number:02d}"
            sent[submitter].append(correlation)
            await running.broker.publish(
                body,
                topic=running.service.settings.input,
                key=submitter_key(body),
                headers={"x-correlation-id": correlation},
            )

    processed: dict[str, list[str]] = defaultdict(list)
    for body in collected.bodies("annotated"):
        event = json.loads(body)
        submitter = next(s for s, ids in sent.items() if event["correlation_id"] in ids)
        processed[submitter].append(event["correlation_id"])
    assert dict(sent) == dict(processed)
