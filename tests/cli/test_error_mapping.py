"""Failures found inside the service's start-up map to one line and a status, however deeply they are wrapped."""

from __future__ import annotations

import errno

import pytest

from claimedit.cli_errors import ExitStatus, startup_error
from claimedit.cli_service import broker_addresses
from claimedit_edits.config import ConfigError


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("amqp://guest:pw@rabbit.example:5673/vhost", [("rabbit.example", 5673)]),
        ("amqps://rabbit.example/", [("rabbit.example", 5671)]),
        ("nats://127.0.0.1", [("127.0.0.1", 4222)]),
        ("redis://:token@[::1]:6380/0", [("::1", 6380)]),
        ("kafka://k1:9092,k2", [("k1", 9092), ("k2", 9092)]),
    ],
)
def test_the_preflight_checks_every_address_the_broker_url_names(url: str, expected: list[tuple[str, int]]) -> None:
    assert expected == broker_addresses(url)


def test_a_port_in_use_inside_an_exception_group_is_status_four() -> None:
    inner = OSError(errno.EADDRINUSE, "Address already in use")
    error = startup_error(ExceptionGroup("lifespan", [RuntimeError("stop"), inner]), port="127.0.0.1:8080")
    assert error is not None
    assert ExitStatus.PORT_IN_USE == error.status
    assert error.message.startswith("the health port 127.0.0.1:8080 is already in use by another process")


def test_an_edits_configuration_error_behind_another_exception_is_status_two() -> None:
    try:
        try:
            raise ConfigError("edits.toml: select: unknown edit, family or category 'X'")
        except ConfigError as exc:
            raise RuntimeError("pipeline did not start") from exc
    except RuntimeError as wrapped:
        error = startup_error(wrapped)
    assert error is not None
    assert (
        ExitStatus.USAGE,
        "the edits configuration cannot be used: edits.toml: select: unknown edit, family or "
        "category 'X' (fix the file, or pass another --config)",
    ) == (error.status, error.message)


def test_a_connection_error_is_a_broker_failure_only_when_a_broker_is_named() -> None:
    refused = ConnectionRefusedError(111, "Connect call failed")
    assert startup_error(refused) is None
    error = startup_error(refused, broker="amqp://guest:***@h:5672/")
    assert error is not None
    assert ExitStatus.BROKER_UNREACHABLE == error.status


def test_a_defect_keeps_its_traceback() -> None:
    assert startup_error(ZeroDivisionError("division by zero"), broker="amqp://h/", port="h:1") is None
