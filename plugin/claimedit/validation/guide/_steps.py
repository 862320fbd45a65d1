"""What one segment does to the check, as a pure function of the node before it and its text (memoized).

A step is ``(ok, kind, at_least_one, ops, target)``: whether the segment's own text passes (segment id,
no leading space or trailing separator, no repetition separator, found in the map, its elements and
syntax rules), which of the reader's stateful checks it needs (``kind``), the counts that must be at least
1, the count updates ``(slots reset, slot, max)`` and the node it leaves the walk at.
"""

from __future__ import annotations

import re

from claimedit.validation.guide._walk import ENTER, INCREMENT, Node, Transition

__all__ = [
    "CLM",
    "GE",
    "GS",
    "HL",
    "IEA",
    "KINDS",
    "LX",
    "MEMO_LIMIT",
    "SE",
    "ST",
    "Op",
    "Step",
    "StepMemo",
    "fail",
    "ops_of",
]

GS, ST, SE, GE, IEA, HL, CLM, LX = range(1, 9)
KINDS = {"GS": GS, "ST": ST, "SE": SE, "GE": GE, "IEA": IEA, "HL": HL, "CLM": CLM, "LX": LX}
"""Segments pyx12's reader counts or matches (0 for any other segment: counted in the transaction)."""
MEMO_LIMIT = 50_000
"""Steps (and walk transitions) remembered per process and delimiters: bounded whatever the input."""
UNLIMITED = 1 << 62
SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")

Op = tuple[tuple[int, ...], int, int]
Step = tuple[bool, int, tuple[int, ...], tuple[Op, ...], Node | None]


def fail() -> Step:
    return (False, 0, (), (), None)


def ops_of(step: Transition) -> tuple[Op, ...]:
    """A transition's count updates as (slots reset, slot counted, max allowed)."""
    return tuple(
        (node.resets if op == ENTER else (), node.slot, UNLIMITED if op == INCREMENT else node.max_repeat)
        for op, node in step.ops
    )


class StepMemo:
    """Steps by (node, segment text) in two generations of at most MEMO_LIMIT each.

    When the young one is full it becomes the old one (the older is dropped): segments that keep repeating
    are found again in the old generation and brought back, while one-off texts (names, claim ids) age out.
    """

    __slots__ = ("old", "young")

    def __init__(self) -> None:
        self.young: dict[tuple[int, str], Step] = {}
        self.old: dict[tuple[int, str], Step] = {}

    def keep(self, key: tuple[int, str], step: Step) -> None:
        if len(self.young) >= MEMO_LIMIT:
            self.old = self.young
            self.young = {}
        self.young[key] = step
