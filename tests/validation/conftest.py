"""The corpora of the differential test, the guide under test, and the coverage printed at the end of the run."""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest

from claimedit.validation.gate import Guide, Pyx12Only

from .differential import REPORTED

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "x12_fixtures"
CASES = Path(__file__).resolve().parent / "cases"
"""Inputs on which a guide once disagreed with pyx12 (written for this project: no public-sample text)."""


def samples_folder() -> Path:
    """``CLAIMEDIT_X12_SAMPLES``, else ``shared/x12-samples`` beside the checkout or beside a folder above it."""
    configured = os.environ.get("CLAIMEDIT_X12_SAMPLES")
    if configured:
        return Path(configured)
    candidates = [parent / "shared" / "x12-samples" for parent in REPO.parents]
    return next((path for path in candidates if path.is_dir()), candidates[0])


def fixture_files() -> list[Path]:
    return sorted(FIXTURES.rglob("*.x12"))


def sample_files() -> list[Path]:
    """Every public sample, read in place (SOURCES.md lists them; the listing files themselves are left out)."""
    folder = samples_folder()
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.rglob("*") if path.is_file() and path.suffix not in (".md", ".tsv"))


def case_files() -> list[Path]:
    return sorted(CASES.glob("*.x12")) if CASES.is_dir() else []


def compiled_guide() -> Guide | None:
    """The guide compiled from pyx12's map (claimedit.validation.guide), once it exists on this branch."""
    try:
        module = importlib.import_module("claimedit.validation.guide")
    except ImportError:
        return None
    for name in getattr(module, "__all__", ()):
        candidate = getattr(module, name)
        load = getattr(candidate, "load", None)
        if isinstance(candidate, type) and callable(getattr(candidate, "open", None)) and callable(load):
            guide: Guide = load()
            return guide
    return None


@pytest.fixture(scope="session")
def guide_under_test() -> Guide:
    """The compiled guide; :class:`Pyx12Only` (never clean) until the guide's branch is merged."""
    return compiled_guide() or Pyx12Only()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The guide's coverage per corpus: the share of pyx12-clean interchanges it called clean."""
    if REPORTED:
        terminalreporter.section("compiled guide against pyx12")
        for corpus, tally in REPORTED.items():
            terminalreporter.write_line(tally.line(corpus))
