"""Fixtures for the operations tests: real brokers (URL from the environment, else the local default
when its port answers, else skipped with the reason), unique names, the plugin tests' helpers."""

from __future__ import annotations

import os
import socket
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from claimedit.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(1, str(Path(__file__).parents[1] / "plugin"))

_LOCAL = {
    "amqp": ("CLAIMEDIT_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
    "nats": ("CLAIMEDIT_TEST_NATS_URL", "nats://127.0.0.1:4222"),
    "redis": ("CLAIMEDIT_TEST_REDIS_URL", "redis://127.0.0.1:6379"),
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def _url(kind: str) -> str:
    variable, local = _LOCAL[kind]
    url = os.environ.get(variable)
    if url:
        return url
    parts = urlsplit(local)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=1.0):
            return local
    except OSError:
        pytest.skip(f"no {kind} broker: {variable} unset and {local} not answering")


@pytest.fixture(scope="session")
def amqp_url() -> str:
    return _url("amqp")


@pytest.fixture(scope="session")
def nats_url() -> str:
    return _url("nats")


@pytest.fixture(scope="session")
def redis_url() -> str:
    return _url("redis")


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline.start()


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:10]
