"""What one segment does to the check, as a pure function of the node before it and its text (memoized).

A step is ``(ok, kind, at_least_one, ops, target)``: whether the segment's own text passes (segment id,
no leading space or trailing separator, no repetition separator, found in the map, its elements and
syntax rules), which of the reader's stateful checks it needs (``kind``), the counts that must be at least
1, the count updates ``(reset start, reset stop, slot, max)`` and the node it leaves the walk at.
"""

from __future__ import annotations

import re

from claimedit.validation.guide._walk import ENTER, INCREMENT, Node, Transition

__all__ = [
    "CLM",
    "FAILED",
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
    "Plan",
    "Step",
    "StepMemo",
    "op",
    "ops_of",
    "zeros",
]

GS, ST, SE, GE, IEA, HL, CLM, LX = range(1, 9)
KINDS = {"GS": GS, "ST": ST, "SE": SE, "GE": GE, "IEA": IEA, "HL": HL, "CLM": CLM, "LX": LX}
"""Segments pyx12's reader counts or matches (0 for any other segment: counted in the transaction)."""
MEMO_LIMIT = 20_000
"""Steps (and walk transitions) remembered per process and delimiters: bounded whatever the input."""
UNLIMITED = 1 << 62
SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")

Op = tuple[int, int, int, int, list[int]]
"""(start, stop) of the counts to reset (0, 0: none), the slot counted, the max it may reach, and the zeros
written over ``counts[start:stop]`` (one list per length, shared: slicing a list of zeros for each reset
allocated and copied it again, ~3 us for the ~450 counts below a GS or ST)."""
Step = tuple[bool, int, tuple[int, ...], tuple[Op, ...], Node | None]


FAILED: Step = (False, 0, (), (), None)
"""The step of a segment pyx12 finds an error in, whatever the counts."""
Plan = tuple[Step, re.Pattern[str] | None]
"""A walk step as the step of a segment that passes, and the expression that alone passes its text (or None)."""


_ZEROS: dict[int, list[int]] = {}


def zeros(length: int) -> list[int]:
    """A list of ``length`` zeros, shared by every op that resets that many counts (never written to)."""
    found = _ZEROS.get(length)
    if found is None:
        found = _ZEROS[length] = [0] * length
    return found


def op(start: int, stop: int, slot: int, limit: int) -> Op:
    """The count update of one slot, after resetting ``counts[start:stop]``."""
    return (start, stop, slot, limit, zeros(stop - start))


def ops_of(step: Transition) -> tuple[Op, ...] | None:
    """A transition's count updates; None when a loop's counts cannot be reset as one slice (never clean)."""
    ops: list[Op] = []
    for kind, node in step.ops:
        span = node.reset_span if kind == ENTER else (0, 0)
        if span is None:
            return None
        ops.append(op(span[0], span[1], node.slot, UNLIMITED if kind == INCREMENT else node.max_repeat))
    return tuple(ops)


class StepMemo:
    """What is remembered for one set of delimiters; steps by (node, segment text) in two generations.

    When the young one is full it becomes the old one (the older is dropped): segments that keep repeating
    are found again in the old generation and brought back, while one-off texts (names, claim ids) age out.
    """

    __slots__ = ("old", "patterns", "plans", "young")

    def __init__(self) -> None:
        self.young: dict[tuple[int, str], Step] = {}
        self.old: dict[tuple[int, str], Step] = {}
        self.patterns: dict[int, re.Pattern[str] | None] = {}
        """The whole-segment expression of each node, for these delimiters."""
        self.plans: dict[tuple[object, ...], Plan] = {}
        """Walk steps by (node, segment id, qualifier values), with the target's expression."""

    def keep(self, key: tuple[int, str], step: Step) -> None:
        if len(self.young) >= MEMO_LIMIT:
            self.old = self.young
            self.young = {}
        self.young[key] = step
