"""Helpers of the HTTP API tests."""

from __future__ import annotations

from typing import Any

from claimedit.pipeline import Pipeline
from claimedit.service import ClaimeditService, create_service, load_settings


def http_service(pipeline: Pipeline, **settings: Any) -> ClaimeditService:
    """The HTTP-only service with ``pipeline`` injected (run in a thread: no worker processes to spawn)."""
    return create_service(load_settings(http_only=True, **settings), processor=pipeline.process)
