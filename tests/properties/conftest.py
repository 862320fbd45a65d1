"""Pipelines shared by the property tests: pyx12 maps load once per session."""

from __future__ import annotations

import pytest

from claimedit.pipeline import Pipeline


@pytest.fixture(scope="session")
def reading_pipeline() -> Pipeline:
    """Reading and claim accounting only: no pyx12, no edits (the properties are about reading)."""
    return Pipeline.start(validate=False, edits=False)


@pytest.fixture(scope="session")
def validating_pipeline() -> Pipeline:
    """Reading with pyx12 validation (maps cached); edits off, they do not change the 999."""
    return Pipeline.start(validate=True, edits=False)
