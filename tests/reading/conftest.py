"""Shared fixtures for the reading tests: one pipeline per session (pyx12 maps and tables load once)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from claimedit.pipeline import Pipeline

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "x12_fixtures"


def _samples_folder() -> Path:
    """``CLAIMEDIT_X12_SAMPLES``, else ``shared/x12-samples`` beside the checkout or beside a folder above it."""
    configured = os.environ.get("CLAIMEDIT_X12_SAMPLES")
    if configured:
        return Path(configured)
    candidates = [parent / "shared" / "x12-samples" for parent in REPO.parents]
    return next((path for path in candidates if path.is_dir()), candidates[0])


SAMPLES = _samples_folder()


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline.start()


def fixture_files() -> list[Path]:
    return sorted(path for path in FIXTURES.rglob("*.x12"))


def sample_files() -> list[Path]:
    if not SAMPLES.is_dir():
        return []
    return sorted(path for path in SAMPLES.rglob("*") if path.is_file() and path.suffix not in (".md", ".tsv"))
