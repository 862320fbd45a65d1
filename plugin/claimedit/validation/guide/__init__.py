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
from claimedit.validation.guide._segment import segment_ok
from claimedit.validation.guide._steps import (
    FAILED,
    KINDS,
    MEMO_LIMIT,
    SEGMENT_ID,
    UNLIMITED,
    Op,
    Plan,
    Step,
    StepMemo,
    op,
    ops_of,
)
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
        spans = (isa_loop.reset_span, gs_loop.reset_span)
        if spans[0] is None or spans[1] is None:
            raise ValueError("the compiled map's ISA and GS loops cannot be reset as one slice each")
        self._gs_ops: tuple[Op, ...] = (op(*spans[1], gs_loop.slot, UNLIMITED), op(0, 0, self.gs.slot, UNLIMITED))
        """A GS's step (pyx12's ``forceWalkCounterToLoopStart``): the GS loop's counts reset, it and the GS counted."""
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
        children = self.isa.elements
        simple = tuple(child for child in children if isinstance(child, Element))
        self._isa_simple = simple if len(simple) == len(children) and not self.isa.syntax else None
        """The ISA's elements when each is checked alone (no composite, no syntax rule): verdicts memoized by value."""

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
            memo = self._step_memos[delimiters] = StepMemo()
        return memo

    def step(self, node: Node, segment: Segment, delimiters: Delimiters, memo: StepMemo, key: tuple[int, str]) -> Step:
        """What ``segment`` does after ``node``, remembered in ``memo`` under ``key`` (see ``_steps``).

        A text not seen lately costs one look-up of its plan (the walk step and node's expression, remembered by
        node, segment id and the qualifier values the map matches on) and one match of the node's expression:
        the step of a segment whose text the expression matches is the plan's own tuple (nothing allocated).
        """
        found = memo.old.get(key)
        if found is None:
            raw, tag, elements = segment.raw, segment.tag, segment.elements
            if not raw or raw[0] == " " or raw[-1] == delimiters.element or delimiters.repetition in raw:
                found = FAILED
            else:
                positions = self._qualifiers.get(tag, ())
                plan_key: tuple[object, ...]
                if not positions:
                    plan_key = (node.index, tag)
                elif len(positions) == 1:
                    at, sub = positions[0]
                    if not sub and at < len(elements) and delimiters.component not in elements[at]:
                        plan_key = (node.index, tag, elements[at])
                    else:
                        plan_key = (node.index, tag, value_at(elements, at, sub, delimiters.component))
                else:
                    plan_key = (
                        node.index,
                        tag,
                        *[value_at(elements, at, sub, delimiters.component) for at, sub in positions],
                    )
                plan = memo.plans.get(plan_key)
                if plan is None:
                    plan = self._plan(node, segment, delimiters, memo, plan_key)
                passed, pattern = plan
                if passed[4] is None:
                    found = passed
                elif (
                    pattern is not None
                    and len(raw) > len(tag)
                    and raw[-1] != delimiters.component
                    and pattern.fullmatch(raw) is not None
                ):
                    found = passed  # matched the node's expression: every element check and syntax rule passes
                else:
                    found = self._checked(passed, segment, delimiters, memo)
        memo.keep(key, found)
        return found

    def _plan(
        self, node: Node, segment: Segment, delimiters: Delimiters, memo: StepMemo, plan_key: tuple[object, ...]
    ) -> Plan:
        """The walk step of ``segment`` from ``node`` as the step it is when its text passes, and the target's
        expression when that alone decides (None when the syntax rules or the element checks must run)."""
        tag = segment.tag
        plan: Plan
        if tag == "ISA" or not SEGMENT_ID.fullmatch(tag):
            plan = (FAILED, None)
        else:
            if tag == "GS":
                target: Node | None = self.gs
                at_least_one: tuple[int, ...] = ()
                ops: tuple[Op, ...] = self._gs_ops
            else:
                target, at_least_one, ops = self.transition(node, tag, segment.elements, delimiters.component)
            if target is None:
                plan = (FAILED, None)
            else:
                pattern = self.pattern_of(target, delimiters, memo)
                plan = ((True, KINDS.get(tag, 0), at_least_one, ops, target), pattern)
        if len(memo.plans) >= MEMO_LIMIT:
            memo.plans.clear()
        memo.plans[plan_key] = plan
        return plan

    def _checked(self, passed: Step, segment: Segment, delimiters: Delimiters, memo: StepMemo) -> Step:
        """The step of a segment its node's expression alone does not pass: emptiness, then every element check."""
        raw, tag = segment.raw, segment.tag
        if not raw[len(tag) :].replace(delimiters.element, "").replace(delimiters.component, ""):  # "is empty"
            return FAILED
        target = passed[4]
        assert target is not None
        return passed if self.segment_ok(target, raw, segment.elements, delimiters, memo) else FAILED

    def pattern_of(self, node: Node, delimiters: Delimiters, memo: StepMemo) -> re.Pattern[str] | None:
        """The whole-segment expression of ``node`` for these delimiters (made on first use)."""
        patterns = memo.patterns
        if node.index in patterns:
            return patterns[node.index]
        pattern = segment_pattern(
            node, self.characters, delimiters.element, delimiters.component, delimiters.repetition
        )
        patterns[node.index] = pattern
        return pattern

    def isa_ok(self, elements: list[str], element: str) -> bool:
        """The ISA's elements against the control map's ISA, each value's verdict remembered (most repeat)."""
        simple = self._isa_simple
        if simple is None or len(elements) - 1 != len(simple):
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
        """The element checks and syntax rules of one segment: its node's whole-segment expression first, else
        element by element."""
        pattern = self.pattern_of(node, delimiters, memo)
        if pattern is not None and pattern.fullmatch(raw):
            return True
        return segment_ok(node, elements, delimiters.component, self.characters)


def _is_the_gate_guide(guide: CompiledGuide) -> Guide:
    """mypy checks here that the compiled guide is the ``Guide`` the pipeline's gate asks for."""
    return guide


def load_guide() -> CompiledGuide:
    """The compiled guide: from the per-machine cache, else compiled from pyx12's maps (first start)."""
    return CompiledGuide(load_compiled())
