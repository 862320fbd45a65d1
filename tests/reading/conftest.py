"""Shared fixtures for the reading tests: one pipeline per session (pyx12 maps and tables load once)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimedit.pipeline import Pipeline

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "x12_fixtures"
SAMPLES = REPO.parent / "shared" / "x12-samples"


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline.start()


def fixture_files() -> list[Path]:
    return sorted(path for path in FIXTURES.rglob("*.x12"))


def sample_files() -> list[Path]:
    if not SAMPLES.is_dir():
        return []
    return sorted(path for path in SAMPLES.rglob("*") if path.is_file() and path.suffix not in (".md", ".tsv"))
