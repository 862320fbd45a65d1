"""No PHI in any log line (at DEBUG), metric or header of the service, over inputs built to make values leak.

Malformed dates of birth, names and addresses longer than the guide allows, long member ids: each is
the kind of value a parser quotes when it complains. They may appear in the X12 payloads and the dead
letter's body (by design, docs/events.md); nowhere else.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import x12gen
from harness import Collected, in_memory_service
from prometheus_client import generate_latest

from claimedit.observability import configure_logging
from claimedit.pipeline import Pipeline

pytestmark = pytest.mark.anyio

BAD_DOB = "19511302"
BAD_DOB_TEXT = "19XXO2O3"
LONG_NAME = "ZYXWVUTSONPHILONGSURNAMEWELLBEYONDSIXTYCHARACTERSOFPATIENTNAMEXYZ"
LONG_ADDRESS = "12 ELMSTREET APARTMENT PHIUNIT 4821 BUILDING PHIBLOCK BEYOND FIFTY FIVE CHARACTERS"
LONG_MEMBER = "MEMBERPHI" + "7" * 70
LEAKABLE = (BAD_DOB, BAD_DOB_TEXT, "PHILONGSURNAME", "PHIUNIT", "PHIBLOCK", LONG_MEMBER[:20], *x12gen.PHI_VALUES)


def _variants() -> list[bytes]:
    base = x12gen.interchange(x12gen.synthetic_claims(6), control=501)
    variants = [
        base.replace("DMG*D8*19510203*F", f"DMG*D8*{BAD_DOB}*F"),
        base.replace("DMG*D8*19510203*F", f"DMG*D8*{BAD_DOB_TEXT}*F"),
        base.replace("NM1*IL*1*ZYXWVUTSON*", f"NM1*IL*1*{LONG_NAME}*"),
        base.replace("N3*12 ELMSTREET", f"N3*{LONG_ADDRESS}"),
        base.replace("MI*MEMBERPHI", f"MI*{LONG_MEMBER}"),
        base.replace("NM1*IL*1*ZYXWVUTSON*", "NM1*IL*1*" + "PHILONGSURNAME" * 100 + "*"),  # over the element limit
        base.replace("ISA*00*", "ISB*00*", 1),  # unreadable: the whole input is dead-lettered
        base.replace("SE*", "SX*", 1),  # a transaction without its trailer
    ]
    return [variant.encode() for variant in variants]


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging(level="DEBUG", fmt="json", stream=stream)
    yield stream
    configure_logging(level="INFO", fmt="json")


def _leaks(text: str) -> list[str]:
    return [value for value in LEAKABLE if value in text]


async def test_no_phi_in_logs_metrics_or_headers_of_inputs_built_to_leak(
    debug_log: io.StringIO, pipeline: Pipeline
) -> None:
    collected = Collected()
    logging.getLogger("aiormq.connection").debug("frame %r", _variants()[0])

    async with in_memory_service("rabbit", pipeline.process, collected, log_level="DEBUG") as running:
        for number, body in enumerate(_variants()):
            await running.send(body, {"x-correlation-id": f"phi-{number}"})
        metrics = generate_latest(running.service.metrics.registry).decode()

    headers = "\n".join(
        f"{key}={value}"
        for output in collected.by_output
        for h in collected.headers(output)
        for key, value in h.items()
    )
    payloads = b"".join(body for output in collected.by_output for body in collected.bodies(output)).decode("latin-1")
    assert len(collected.bodies("annotated")) >= 30
    assert len(collected.bodies("dlq")) >= 2
    events = [json.loads(line)["event"] for line in debug_log.getvalue().splitlines()]
    assert 8 == sum(1 for event in events if event.startswith(("input processed", "input over a limit")))
    assert {BAD_DOB, BAD_DOB_TEXT, "PHIUNIT", "PHILONGSURNAME"} <= set(_leaks(payloads))  # in the X12, by design
    assert ([], [], []) == (_leaks(debug_log.getvalue()), _leaks(metrics), _leaks(headers))
