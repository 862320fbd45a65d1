"""A held transaction's limits are watched in one call (``LimitWatch.take_all``): it must find the breach,
and at the same segment, that taking the segments one at a time finds."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimedit.x12 import limits
from claimedit.x12.limits import LimitBreach, LimitWatch
from claimedit.x12.tokens import Delimiters, Segment, split_segments

_SEGMENTS = ["HL*{n}*{parent}*22*1", "HL*{n}**20*1", "CLM*A*1", "LX*1", "SV1*HC:1*1", "NM1*IL*1", "SE*1*1", "REF*G1*1"]


def _one_at_a_time(segments: list[Segment]) -> LimitBreach | None:
    watch = LimitWatch()
    for segment in segments:
        breach = watch.take(segment)
        if breach is not None:
            return breach
    return None


# the fixture only sets constants, the same for every generated input
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.tuples(st.sampled_from(_SEGMENTS), st.integers(0, 4)), max_size=40))
def test_take_all_breaks_where_taking_one_at_a_time_breaks(
    picks: list[tuple[str, int]], monkeypatch_limits: None
) -> None:
    text = "~".join(kind.format(n=number + 1, parent=number) for number, (kind, number) in enumerate(picks)) + "~"
    segments = split_segments(text, Delimiters()) if picks else []
    expected, actual = _one_at_a_time(segments), LimitWatch().take_all(segments)
    assert _where(expected) == _where(actual)


def _where(breach: LimitBreach | None) -> tuple[str, int] | None:
    return None if breach is None else (breach.message, breach.segment.index)


@pytest.fixture
def monkeypatch_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Limits small enough for short random transactions to reach every one of them."""
    monkeypatch.setattr(limits, "MAX_SEGMENTS_PER_LOOP", 3)
    monkeypatch.setattr(limits, "MAX_LINES_PER_CLAIM", 2)
    monkeypatch.setattr(limits, "MAX_CLAIMS_PER_HL", 2)
