"""Hypothesis settings for the property tests: deterministic (same examples on every run) and no deadline.

``CLAIMEDIT_PROPERTY_SCALE=20 pytest tests/properties`` multiplies every example budget for a deep
local run; CI runs the default budget, which keeps the whole directory near half a minute.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

__all__ = ["deterministic"]


def deterministic(max_examples: int) -> settings:
    """Settings for one property: derandomized, no example database, no per-example deadline."""
    scale = int(os.environ.get("CLAIMEDIT_PROPERTY_SCALE", "1"))
    return settings(
        max_examples=max_examples * max(scale, 1),
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        print_blob=False,
    )
