"""Helpers more than one test directory uses (on pytest's path via ``pythonpath`` in pyproject.toml)."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType

from claimedit.results import InputResult

__all__ = ["REPO", "ack_transaction_set", "bench_generator", "without_999_envelopes"]

REPO = Path(__file__).resolve().parents[2]
_GENERATOR = "claimedit_bench_make_interchange"


def bench_generator() -> ModuleType:
    """bench/make_interchange.py (not a package), loaded once per session."""
    loaded = sys.modules.get(_GENERATOR)
    if loaded is not None:
        return loaded
    spec = importlib.util.spec_from_file_location(_GENERATOR, REPO / "bench" / "make_interchange.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[_GENERATOR] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def ack_transaction_set(x12: str) -> str:
    """A 999 cut to its ST..SE: pyx12 stamps its own envelope with the time and fresh control numbers."""
    terminator, element = x12[105], x12[3]
    return x12[x12.index(f"{terminator}ST{element}") : x12.index(f"{terminator}GE{element}")]


def without_999_envelopes(result: InputResult) -> InputResult:
    """``result`` with each 999 cut to ST..SE, so that two validations of one input compare equal."""
    return replace(result, acks=tuple(replace(ack, x12=ack_transaction_set(ack.x12)) for ack in result.acks))
