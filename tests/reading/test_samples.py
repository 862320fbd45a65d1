"""Every public sample in ../shared/x12-samples is replayed: no crash, and no claim lost."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claimedit.pipeline import Pipeline

from .conftest import sample_files

SAMPLES = sample_files()
# Independent of the reader: a CLM segment starts at the beginning of the text or after a terminator.
_CLM = re.compile(rb"(?:^|[~\n'])\s*CLM[*|^!]")


@pytest.mark.skipif(not SAMPLES, reason="../shared/x12-samples is not beside this checkout")
@pytest.mark.parametrize("path", SAMPLES, ids=[f"{p.parent.name}/{p.name}" for p in SAMPLES])
def test_sample_is_replayed_with_every_claim_accounted_for(pipeline: Pipeline, path: Path) -> None:
    data = path.read_bytes()
    result = pipeline.process(data, path.name)
    raw_clm_count = len(_CLM.findall(data))
    assert raw_clm_count == result.clm_segments_seen
    assert raw_clm_count == result.claims_accounted


def test_samples_are_present_for_ci() -> None:
    """CI clones the project with shared/ beside it: the sample replay above must not silently skip there."""
    if not SAMPLES:
        pytest.skip("../shared/x12-samples is not beside this checkout (a standalone clone)")
    assert len(SAMPLES) >= 30
