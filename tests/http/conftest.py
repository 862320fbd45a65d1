"""Fixtures for the HTTP API tests: the pipeline (loaded once) and the ASGI app on an in-process transport."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from http_support import http_service

from claimedit.pipeline import Pipeline
from claimedit.service import ClaimeditService


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline.start()


@pytest.fixture
def service(pipeline: Pipeline) -> ClaimeditService:
    return http_service(pipeline)


@pytest.fixture
async def client(service: ClaimeditService) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://claimedit.test") as http:
        yield http
