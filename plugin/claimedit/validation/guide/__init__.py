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

from claimedit.validation.gate import Guide
from claimedit.validation.guide._check import GuideCheck
from claimedit.validation.guide._compile import Compiled, load_compiled
from claimedit.validation.guide._fast import segment_pattern
from claimedit.validation.guide._segment import segment_ok, syntax_ok
from claimedit.validation.guide._steps import KINDS, MEMO_LIMIT, SEGMENT_ID, UNLIMITED, Op, Step, StepMemo, fail, ops_of
from claimedit.validation.guide._values import Element
from claimedit.validation.guide._walk import Node, build_nodes, transition, value_at
from claimedit.x12.tokens import Delimiters, Segment

__all__ = ["CompiledGuide", "GuideCheck", "load_guide"]

Walked = tuple[Node | None, tuple[int, ...], tuple[Op, ...]]


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
        self.zeros = [0] * self.slots
        spans = (isa_loop.reset_span, gs_loop.reset_span)
        if spans[0] is None or spans[1] is None:
            raise ValueError("the compiled map's ISA and GS loops cannot be reset as one slice each")
        self._gs_ops: tuple[Op, ...] = ((*spans[1], gs_loop.slot, UNLIMITED), (0, 0, self.gs.slot, UNLIMITED))
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
        self._steps: dict[tuple[object, ...], Walked] = {}
        self._step_memos: dict[Delimiters, StepMemo] = {}
        self._isa_values: dict[tuple[int, str], bool] = {}

    def open(self, isa: Segment, delimiters: Delimiters) -> GuideCheck:
        return GuideCheck(self, isa, delimiters)

    def transition(self, start: Node, seg_id: str, elements: list[str], component: str) -> Walked:
        """The walk step from ``start`` for this segment, memoized by the qualifier values the map matches on.

        Returns (target or None when pyx12 reports an error whatever the counts, slots that must be >= 1, ops).
        """
        positions = self._qualifiers.get(seg_id, ())
        if positions:
            key: tuple[object, ...] = (
                start.index,
                seg_id,
                *[value_at(elements, e, s, component) for e, s in positions],
            )
        else:
            key = (start.index, seg_id)
        walked = self._steps.get(key)
        if walked is None:
            found = transition(start, seg_id, elements, component)
            ops = ops_of(found)
            walked = (None if found.error or ops is None else found.target, found.at_least_one, ops or ())
            if len(self._steps) >= MEMO_LIMIT:
                self._steps.clear()
            self._steps[key] = walked
        return walked

    def steps_for(self, delimiters: Delimiters) -> StepMemo:
        """The memo of steps for interchanges with these delimiters (shared by every interchange that uses them)."""
        memo = self._step_memos.get(delimiters)
        if memo is None:
            if len(self._step_memos) >= 64:
                self._step_memos.clear()
            memo = self._step_memos[delimiters] = StepMemo(delimiters.element + delimiters.component)
        return memo

    def step(self, node: Node, segment: Segment, delimiters: Delimiters, memo: StepMemo, key: tuple[int, str]) -> Step:
        """What ``segment`` does after ``node``, remembered in ``memo`` under ``key`` (see ``_steps``)."""
        found = memo.old.get(key)
        if found is None:
            found = self._step(node, segment, delimiters, memo)
        memo.keep(key, found)
        return found

    def _step(self, node: Node, segment: Segment, delimiters: Delimiters, memo: StepMemo) -> Step:
        raw, tag, elements = segment.raw, segment.tag, segment.elements
        if (
            not raw
            or raw[0] == " "
            or raw[-1] == delimiters.element
            or not SEGMENT_ID.fullmatch(tag)
            or delimiters.repetition in raw
            or tag == "ISA"
            or not raw[len(tag) :].replace(delimiters.element, "").replace(delimiters.component, "")  # "is empty"
        ):
            return fail()
        kind = KINDS.get(tag, 0)
        at_least_one: tuple[int, ...]
        ops: tuple[Op, ...]
        if tag == "GS":
            target, at_least_one, ops = self.gs, (), self._gs_ops
        else:
            found, at_least_one, ops = self.transition(node, tag, elements, delimiters.component)
            if found is None:
                return fail()
            target = found
        return (self.segment_ok(target, raw, elements, delimiters, memo), kind, at_least_one, ops, target)

    def isa_ok(self, elements: list[str], element: str) -> bool:
        """The ISA's elements against the control map's ISA, each value's verdict remembered (most repeat)."""
        children = self.isa.elements
        simple = [child for child in children if isinstance(child, Element)]
        if len(simple) != len(children) or self.isa.syntax or len(elements) - 1 != len(children):
            return segment_ok(self.isa, elements, element, self.characters)
        memo = self._isa_values
        for position, child in enumerate(simple, start=1):
            value = elements[position]
            key = (position, value)
            found = memo.get(key)
            if found is None:
                found = child.value_ok(value, self.characters) if value else not child.required_when_empty
                if len(memo) >= MEMO_LIMIT:
                    memo.clear()
                memo[key] = found
            if not found:
                return False
        return True

    def segment_ok(self, node: Node, raw: str, elements: list[str], delimiters: Delimiters, memo: StepMemo) -> bool:
        """The element checks of one segment: its node's whole-segment expression first (then only the syntax
        rules are left), else element by element.

        The syntax rules only ask which elements are present, so their verdict is remembered by the segment's
        shape: its text with every run of characters other than separators written ``x``.
        """
        patterns = memo.patterns
        if node.index in patterns:
            pattern = patterns[node.index]
        else:
            pattern = segment_pattern(
                node, self.characters, delimiters.element, delimiters.component, delimiters.repetition
            )
            patterns[node.index] = pattern
        if pattern is None or not pattern.fullmatch(raw):
            return segment_ok(node, elements, delimiters.component, self.characters)
        if not node.syntax:
            return True
        # which elements are present is all the rules ask; a simple element the expression matched holds no
        # component separator, so it is present when not empty
        shape = tuple(map(bool, elements)) if node.syntax_on_simple else memo.shape(raw)
        key = (node.index, shape)
        found = memo.shapes.get(key)
        if found is None:
            found = syntax_ok(node, elements, delimiters.component)
            if len(memo.shapes) >= MEMO_LIMIT:
                memo.shapes.clear()
            memo.shapes[key] = found
        return found


def _is_the_gate_guide(guide: CompiledGuide) -> Guide:
    """mypy checks here that the compiled guide is the ``Guide`` the pipeline's gate asks for."""
    return guide


def load_guide() -> CompiledGuide:
    """The compiled guide: from the per-machine cache, else compiled from pyx12's maps (first start)."""
    return CompiledGuide(load_compiled())
