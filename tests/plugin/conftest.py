"""Fixtures for the broker plugin tests: the pipeline (loaded once), in-memory brokers and real ones.

Real brokers come from ``CLAIMEDIT_TEST_AMQP_URL`` / ``_NATS_URL`` / ``_REDIS_URL``, else the local
default when its port answers, else a testcontainers container, else the test is skipped with the reason.
"""

from __future__ import annotations

import socket
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from claimedit.pipeline import Pipeline

LOCAL_URLS = {
    "amqp": "amqp://guest:guest@127.0.0.1:5672/",
    "nats": "nats://127.0.0.1:4222",
    "redis": "redis://127.0.0.1:6379",
}
ENV_VARS = {"amqp": "CLAIMEDIT_TEST_AMQP_URL", "nats": "CLAIMEDIT_TEST_NATS_URL", "redis": "CLAIMEDIT_TEST_REDIS_URL"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline.start()


@pytest.fixture
def unique() -> str:
    """A short unique suffix for queue, subject and stream names of one test."""
    return uuid.uuid4().hex[:10]


def _port_answers(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 0), timeout=1.0):
            return True
    except OSError:
        return False


def _container_url(kind: str) -> tuple[Any, str]:
    """Start a container for ``kind``; raises when no Docker engine is reachable."""
    if kind == "amqp":
        from testcontainers.community.rabbitmq import RabbitMqContainer  # noqa: PLC0415

        rabbit = RabbitMqContainer("rabbitmq:3.13-management")
        rabbit.start()
        host, port = rabbit.get_container_host_ip(), rabbit.get_exposed_port(rabbit.port)
        return rabbit, f"amqp://guest:guest@{host}:{port}/"
    if kind == "redis":
        from testcontainers.community.redis import RedisContainer  # noqa: PLC0415

        redis = RedisContainer("redis:7")
        redis.start()
        return redis, f"redis://{redis.get_container_host_ip()}:{redis.get_exposed_port(redis.port)}"
    from testcontainers.community.nats import NatsContainer  # noqa: PLC0415

    nats = NatsContainer("nats:2.10", jetstream=True)
    nats.start()
    return nats, nats.nats_uri()


def _broker_url(kind: str) -> Iterator[str]:
    import os  # noqa: PLC0415

    from_env = os.environ.get(ENV_VARS[kind])
    if from_env:
        yield from_env
        return
    if _port_answers(LOCAL_URLS[kind]):
        yield LOCAL_URLS[kind]
        return
    from docker.errors import DockerException  # noqa: PLC0415

    try:
        container, url = _container_url(kind)
    except (DockerException, ConnectionError) as exc:  # no Docker engine reachable
        pytest.skip(
            f"no {kind} broker: {ENV_VARS[kind]} unset, {LOCAL_URLS[kind]} not answering, "
            f"testcontainers failed ({type(exc).__name__})"
        )
    try:
        yield url
    finally:
        container.stop()


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    yield from _broker_url("amqp")


@pytest.fixture(scope="session")
def nats_url() -> Iterator[str]:
    yield from _broker_url("nats")


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    yield from _broker_url("redis")
