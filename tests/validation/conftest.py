"""The corpora of the differential test, the guide under test, and the coverage printed at the end of the run."""

from __future__ import annotations

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


def compiled_guide() -> Guide:
    """The guide compiled from pyx12's map (claimedit.validation.guide), loaded once per process."""
    from claimedit.validation.guide import load_guide  # noqa: PLC0415  (loaded by the fixture, not at collection)

    return load_guide()


@pytest.fixture(scope="session")
def guide_under_test() -> Guide:
    """The compiled guide (``CLAIMEDIT_GUIDE=pyx12-only``: :class:`Pyx12Only`, never clean, times the harness)."""
    return Pyx12Only() if os.environ.get("CLAIMEDIT_GUIDE") == "pyx12-only" else compiled_guide()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The guide's coverage per corpus: the share of pyx12-clean interchanges it called clean."""
    if REPORTED:
        terminalreporter.section("compiled guide against pyx12")
        for corpus, tally in REPORTED.items():
            terminalreporter.write_line(tally.line(corpus))
