"""Shared, session-wide edit harness: registry, tables and configurations are built once."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

_spec = importlib.util.spec_from_file_location("claimedit_tests_edits_cases", Path(__file__).with_name("_cases.py"))
assert _spec is not None
assert _spec.loader is not None
_cases = importlib.util.module_from_spec(_spec)
sys.modules.setdefault(_spec.name, _cases)
_spec.loader.exec_module(sys.modules[_spec.name])


@pytest.fixture(scope="session")
def harness() -> Any:
    return sys.modules[_spec.name].EditHarness()
