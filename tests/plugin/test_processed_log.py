"""The per-input log line's logger is assembled once per logging configuration, and follows a new one."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest

from claimedit.observability import configure_logging
from claimedit.service.app import _processed_log, log_processed
from claimedit.service.processing import Processed


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    yield
    configure_logging(level="INFO", fmt="json")


def _processed() -> Processed:
    return Processed(outputs=[], seconds=0.0, verdicts={"accepted": 1}, claim_ids=["PCN1"], interchange_controls=["1"])


def test_the_assembled_logger_is_reused_while_the_configuration_stays() -> None:
    configure_logging(level="INFO", fmt="json", stream=io.StringIO())

    assert _processed_log.get() is _processed_log.get()


def test_the_line_goes_to_the_stream_of_the_latest_configuration() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging(level="INFO", fmt="json", stream=first)
    log_processed(_processed_log.get(), _processed(), delivery_attempts=1)
    configure_logging(level="INFO", fmt="json", stream=second)
    log_processed(_processed_log.get(), _processed(), delivery_attempts=2)

    lines = [json.loads(line) for line in (first.getvalue() + second.getvalue()).splitlines()]
    assert [(1, "claimedit.service"), (2, "claimedit.service")] == [
        (line["delivery_attempts"], line["logger"]) for line in lines
    ]
    assert ["PCN1"] == json.loads(second.getvalue())["claim_ids"]
