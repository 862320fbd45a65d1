"""A service whose broker fails to start stops and raises, instead of serving on without consuming.

FastStream starts the broker after the ASGI lifespan has reported start-up complete, so uvicorn would only
log the failure: the replica stayed up, answered /health/ready and consumed nothing (RabbitMQ refused a
consume with INTERNAL_ERROR while two replicas declared the same quorum queue at once).
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import pytest
from harness import remove_resources, unique_names

from claimedit.pipeline import Pipeline
from claimedit.service import create_service, load_settings

pytestmark = [pytest.mark.anyio, pytest.mark.broker]


class _ConsumeRefusedError(Exception):
    """Stands for the broker refusing the subscriber's consume."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.mark.parametrize("with_http", [True, False], ids=["http", "no-http"])
async def test_a_broker_that_fails_to_start_stops_the_service_with_its_error(
    pipeline: Pipeline, amqp_url: str, unique: str, with_http: bool
) -> None:
    settings = load_settings(broker_url=amqp_url, http_port=_free_port() if with_http else 0, **unique_names(unique))
    service = create_service(settings, processor=pipeline.process)

    async def refused(*_args: Any, **_kwargs: Any) -> None:
        raise _ConsumeRefusedError

    service.broker.broker.start = refused  # type: ignore[method-assign]
    try:
        with pytest.raises(_ConsumeRefusedError):
            await asyncio.wait_for(service.app.run(), timeout=30)
    finally:
        await remove_resources(settings)
