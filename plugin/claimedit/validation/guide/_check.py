"""One interchange fed segment by segment: the envelope rules of pyx12's reader, the map walk, the element checks.

What pyx12's X12Reader checks as it reads (x12file.py) is mirrored here: segment ids, leading spaces,
trailing element separators, ISA/GS/ST control numbers unique, SE01/GE01/IEA01 counts and SE02/GE02/IEA02
matching their headers, HL01 counting and HL02 naming an open parent, LX01 counting from each CLM. Anything
outside what the compiled check knows (another version or transaction, a repetition separator inside an
element, a segment after the IEA, envelopes out of order) makes the interchange not clean.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from claimedit.results import GroupAck
from claimedit.validation.guide._ack import GroupSeen, accepting_acks
from claimedit.validation.guide._segment import segment_ok
from claimedit.validation.guide._walk import ENTER, INCREMENT, Node, Transition
from claimedit.x12.tokens import Delimiters, Segment

if TYPE_CHECKING:
    from claimedit.validation.guide import CompiledGuide

__all__ = ["GuideCheck"]

_SEGMENT_ID = re.compile(r"^[A-Z][A-Z0-9]{1,2}$", re.S)
_ISA_WIDTH = 105
"""The fixed-width ISA without its terminator: pyx12 reads the first 106 characters as the ISA."""


def _int(text: str | None) -> int | None:
    """pyx12's ``X12Base._int``."""
    try:
        return int(text)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return None


class GuideCheck:
    """The compiled check of one interchange (implements ``InterchangeCheck``)."""

    __slots__ = (
        "_clean",
        "_closed",
        "_component",
        "_counts",
        "_element",
        "_groups",
        "_gs_ids",
        "_guide",
        "_hl_count",
        "_hl_stack",
        "_in_group",
        "_in_transaction",
        "_isa",
        "_lx_count",
        "_node",
        "_repetition",
        "_seg_count",
        "_st02",
        "_st_count",
        "_st_ids",
    )

    def __init__(self, guide: CompiledGuide, isa: Segment, delimiters: Delimiters) -> None:
        self._guide = guide
        self._clean = True
        self._closed = False
        self._element = delimiters.element
        self._component = delimiters.component
        self._repetition = delimiters.repetition
        self._counts = [0] * guide.slots
        self._isa = isa.elements
        self._gs_ids: set[str | None] = set()
        self._st_ids: set[str | None] = set()
        self._groups: list[GroupSeen] = []
        self._in_group = False
        self._in_transaction = False
        self._st_count = 0
        self._seg_count = 0
        self._hl_count = 0
        self._hl_stack: list[int | None] = []
        self._lx_count = 0
        self._st02 = ""
        self._node: Node = guide.isa
        if not self._isa_ok(isa, delimiters):
            self._clean = False
            return
        self._force(guide.isa_loop, guide.isa)

    @property
    def clean(self) -> bool:
        return self._clean

    def acks(self) -> list[GroupAck]:
        if not self._clean or not self._closed or not self._groups:
            return []
        return accepting_acks(self._isa, self._groups)

    def _isa_ok(self, isa: Segment, delimiters: Delimiters) -> bool:
        raw = isa.raw
        guide = self._guide
        if len(raw) != _ISA_WIDTH or isa.tag != "ISA" or len(isa.elements) != 17:
            return False
        if raw[3] != delimiters.element or raw[104] != delimiters.component or raw[84:89] != guide.icvn:
            return False
        if delimiters.segment in raw or delimiters.component == delimiters.element:
            return False
        return segment_ok(guide.isa, isa.elements, delimiters.element, guide.characters)

    def _force(self, loop: Node, first: Node) -> None:
        """pyx12's ``forceWalkCounterToLoopStart`` at an ISA or GS."""
        counts = self._counts
        for slot in loop.resets:
            counts[slot] = 0
        counts[loop.slot] += 1
        counts[first.slot] += 1
        self._node = first

    def feed(self, segment: Segment) -> None:  # noqa: PLR0912  (one branch per envelope segment, as pyx12's reader)
        if not self._clean:
            return
        raw = segment.raw
        elements = segment.elements
        tag = segment.tag
        if (
            self._closed
            or not raw
            or raw[0] == " "
            or raw[-1] == self._element
            or not _SEGMENT_ID.fullmatch(tag)
            or self._repetition in raw
        ):
            self._clean = False
            return
        if tag == "GS":
            ok = self._gs(elements)
        elif tag == "ST":
            ok = self._st(elements)
        elif tag == "SE":
            ok = self._se(elements)
        elif tag == "GE":
            ok = self._ge(elements)
        elif tag == "IEA":
            ok = self._iea(elements)
        elif not self._in_transaction or tag == "ISA":
            ok = False
        else:
            self._seg_count += 1
            if tag == "HL":
                ok = self._hl(elements)
            elif tag == "CLM":
                self._lx_count = 0
                ok = True
            elif tag == "LX":
                self._lx_count += 1
                ok = len(elements) > 1 and elements[1] == str(self._lx_count)
            else:
                ok = True
        if ok and tag != "GS":
            ok = self._walk(tag, elements)
        if ok:
            ok = self._guide.segment_ok(self._node, raw, elements, self._element, self._component)
        if not ok:
            self._clean = False

    def _walk(self, tag: str, elements: list[str]) -> bool:
        step: Transition = self._guide.transition(self._node, tag, elements, self._component)
        if step.error:
            return False
        counts = self._counts
        for slot in step.at_least_one:
            if counts[slot] < 1:
                return False
        for op, node in step.ops:
            if op == ENTER:
                for slot in node.resets:
                    counts[slot] = 0
            counts[node.slot] += 1
            if op != INCREMENT and counts[node.slot] > node.max_repeat:
                return False
        assert step.target is not None
        self._node = step.target
        return True

    def _gs(self, elements: list[str]) -> bool:
        guide = self._guide
        if self._in_group or len(elements) < 9:
            return False
        control = elements[6]
        if control in self._gs_ids or elements[1] != guide.fic or elements[8] != guide.vriic:
            return False
        self._gs_ids.add(control)
        self._st_ids = set()
        self._st_count = 0
        self._in_group = True
        self._groups.append(GroupSeen(elements[1], elements[2], elements[3], control, elements[7], elements[8]))
        self._force(guide.gs_loop, guide.gs)
        return True

    def _st(self, elements: list[str]) -> bool:
        if not self._in_group or self._in_transaction or len(elements) < 4:
            return False
        control = elements[2]
        if control in self._st_ids:
            return False
        self._st_ids.add(control)
        self._st_count += 1
        self._seg_count = 1
        self._hl_count = 0
        self._hl_stack = []
        self._in_transaction = True
        self._st02 = control
        self._groups[-1].transactions.append((elements[1], control, elements[3]))
        return True

    def _se(self, elements: list[str]) -> bool:
        if not self._in_transaction or len(elements) < 3:
            return False
        self._in_transaction = False
        return elements[2] == self._st02 and _int(elements[1]) == self._seg_count + 1

    def _ge(self, elements: list[str]) -> bool:
        if not self._in_group or self._in_transaction or len(elements) < 3:
            return False
        group = self._groups[-1]
        self._in_group = False
        declared = _int(elements[1])
        if elements[2] != group.control or declared != self._st_count or not group.transactions:
            return False
        group.declared = declared
        return True

    def _iea(self, elements: list[str]) -> bool:
        if self._in_group or len(elements) < 3:
            return False
        self._closed = True
        return elements[2] == self._isa[13] and _int(elements[1]) == len(self._groups) and bool(self._groups)

    def _hl(self, elements: list[str]) -> bool:
        self._hl_count += 1
        if len(elements) < 3 or _int(elements[1]) != self._hl_count or self._component in elements[2]:
            return False
        stack = self._hl_stack
        if elements[2] != "":
            parent = _int(elements[2])
            if parent not in stack:
                return False
            while stack and parent != stack[-1]:
                stack.pop()
        stack.append(self._hl_count)
        return True
