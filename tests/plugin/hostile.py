"""A pipeline stand-in for the worker-pool tests: hostile inputs burn CPU or hang, the others are edited.

Module-level functions, so that a spawned worker imports them by name (tests/plugin is on the
path the worker inherits).
"""

from __future__ import annotations

import time

from claimedit.pipeline import Pipeline
from claimedit.results import InputResult

__all__ = ["BURN", "HANG", "process"]

BURN = b"BURNCPU"
"""An input holding this spins on the CPU until its budget stops it."""
HANG = b"HANGSLEEP"
"""An input holding this sleeps without spending CPU: only the parent's wall-clock backstop ends it."""

_PIPELINE = Pipeline.start(validate=False)
"""Loaded when a worker imports this module to unpickle :func:`process`: before any input's budget starts."""


def process(data: bytes, source: str) -> InputResult:
    """The real pipeline (no pyx12 validation, to keep workers small), unless ``data`` is hostile."""
    if BURN in data:
        while True:
            pass
    if HANG in data:
        time.sleep(3600)
    return _PIPELINE.process(data, source)
