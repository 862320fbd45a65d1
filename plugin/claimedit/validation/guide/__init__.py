"""A check of 837P 005010X222A1 interchanges compiled from pyx12's own map data.

:func:`load_guide` reads pyx12's 837P and control maps once (or their compiled form from the per-machine
cache, see :mod:`claimedit.validation.guide._compile`) and returns a :class:`CompiledGuide`, the
``Guide`` of :mod:`claimedit.validation.gate`: ``open(isa, delimiters)`` gives a check that is fed the
interchange's segments and stays ``clean`` only while pyx12 would find nothing wrong; after the IEA of a
clean interchange its ``acks()`` are the accepting 999s pyx12 would write. docs/validation.md tells what is
compiled and what falls back to pyx12.
"""

from __future__ import annotations

import re

from claimedit.validation.guide._check import GuideCheck
from claimedit.validation.guide._compile import Compiled, load_compiled
from claimedit.validation.guide._segment import segment_ok
from claimedit.validation.guide._walk import Node, Transition, build_nodes, transition, value_at
from claimedit.x12.tokens import Delimiters, Segment

__all__ = ["CompiledGuide", "GuideCheck", "load_guide"]

_MEMO_LIMIT = 50_000
"""Distinct segment texts (and walk steps) remembered per process: bounded whatever the input."""


class CompiledGuide:
    """The compiled 837P guide, loaded once per process; one :class:`GuideCheck` per interchange."""

    def __init__(self, compiled: Compiled) -> None:
        self.nodes = build_nodes(compiled)
        self.slots = len(compiled["paths"])
        root = self.nodes[compiled["root"]]
        self.isa = self.nodes[compiled["isa"]]
        self.gs = self.nodes[compiled["gs"]]
        gs_loop = self.gs.parent
        isa_loop = gs_loop.parent if gs_loop is not None else None
        if gs_loop is None or isa_loop is None or isa_loop.parent is not root:
            raise ValueError("the compiled map has no /ISA_LOOP/GS_LOOP/GS")
        self.gs_loop = gs_loop
        self.isa_loop = isa_loop
        self.characters = re.compile(compiled["char_pattern"], re.S | re.ASCII)
        self.icvn: str = compiled["icvn"]
        self.fic: str = compiled["fic"]
        self.vriic: str = compiled["vriic"]
        keys: dict[str, set[tuple[int, int]]] = {}
        for node in self.nodes:
            if not node.is_loop:
                positions = keys.setdefault(node.id, set())
                if node.key is not None:
                    positions.add((node.key[0], node.key[1]))
        self._qualifiers = {seg_id: tuple(sorted(positions)) for seg_id, positions in keys.items()}
        self._steps: dict[tuple[object, ...], Transition] = {}
        self._segments: dict[tuple[int, str, str, str], bool] = {}

    def open(self, isa: Segment, delimiters: Delimiters) -> GuideCheck:
        return GuideCheck(self, isa, delimiters)

    def transition(self, start: Node, seg_id: str, elements: list[str], component: str) -> Transition:
        """The walk step from ``start`` for this segment, memoized by the qualifier values the map matches on."""
        positions = self._qualifiers.get(seg_id, ())
        key = (start.index, seg_id, *(value_at(elements, element, sub, component) for element, sub in positions))
        step = self._steps.get(key)
        if step is None:
            step = transition(start, seg_id, elements, component)
            if len(self._steps) >= _MEMO_LIMIT:
                self._steps.clear()
            self._steps[key] = step
        return step

    def segment_ok(self, node: Node, raw: str, elements: list[str], element: str, component: str) -> bool:
        """The element checks of one segment, memoized by its text (most segments of a claim stream repeat)."""
        key = (node.index, element, component, raw)
        found = self._segments.get(key)
        if found is None:
            found = segment_ok(node, elements, component, self.characters)
            if len(self._segments) >= _MEMO_LIMIT:
                self._segments.clear()
            self._segments[key] = found
        return found


def load_guide() -> CompiledGuide:
    """The compiled guide: from the per-machine cache, else compiled from pyx12's maps (first start)."""
    return CompiledGuide(load_compiled())
