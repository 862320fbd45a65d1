"""Logs never carry credentials or message bodies, whatever the level (garbage HTTP requests: tests/http)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from claimedit.observability import THIRD_PARTY_LOGGERS, configure_logging
from claimedit.service.settings import redact_url

BODY = b"NM1*IL*1*ZYXWVUTSON*QUINCEYNA****MI*MEMBERPHI00001~DMG*D8*19510203*F~"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("amqp://guest:guest@127.0.0.1:5672/", "amqp://guest:***@127.0.0.1:5672/"),
        ("nats://s3cr3tT0ken@127.0.0.1:4222", "nats://***@127.0.0.1:4222"),
        ("tls://user:pw@nats.example:4222", "tls://user:***@nats.example:4222"),
        ("kafkas://broker:9093?sasl_password=hunter2&acks=all", "kafkas://broker:9093?sasl_password=***&acks=all"),
        ("redis://127.0.0.1:6379/0?token=abc", "redis://127.0.0.1:6379/0?token=***"),
        ("nats://127.0.0.1:4222", "nats://127.0.0.1:4222"),
    ],
)
def test_urls_are_logged_with_credentials_masked(url: str, expected: str) -> None:
    assert expected == redact_url(url)


@pytest.fixture
def debug_log() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    configure_logging(level="DEBUG", fmt="json", stream=stream)
    yield stream
    configure_logging(level="INFO", fmt="json")


def test_library_lines_never_render_bodies_at_any_level(debug_log: io.StringIO) -> None:
    for name in THIRD_PARTY_LOGGERS:
        logger = logging.getLogger(f"{name}.internals")
        logger.debug("frame received: %r", BODY)
        logger.warning("message returned: %r %s", BODY, BODY.decode())
        logger.error(BODY)

    lines = [json.loads(line) for line in debug_log.getvalue().splitlines()]
    assert [] == [line for line in lines if line["level"] == "debug"]
    assert {"message returned: _ _ <bytes> <str>", "<bytes>"} == {line["event"] for line in lines}
    assert b"ZYXWVUTSON" not in debug_log.getvalue().encode()


def test_a_token_url_in_any_line_is_masked(debug_log: io.StringIO) -> None:
    logging.getLogger("claimedit.test").info("connecting to %s", "nats://s3cr3tT0ken@nats.internal:4222")
    logging.getLogger("nats.aio.client").warning("reconnecting to nats://user:pw@nats.internal:4222")

    assert "s3cr3tT0ken" not in debug_log.getvalue()
    assert ":pw@" not in debug_log.getvalue()
