"""One interchange fed segment by segment: the envelope rules of pyx12's reader, the map walk, the element checks.

What pyx12's X12Reader checks as it reads (x12file.py) is mirrored here: segment ids, leading spaces,
trailing element separators, ISA/GS/ST control numbers unique, SE01/GE01/IEA01 counts and SE02/GE02/IEA02
matching their headers, HL01 counting and HL02 naming an open parent, LX01 counting from each CLM. Anything
outside what the compiled check knows (another version or transaction, a repetition separator inside an
element, a segment after the IEA, envelopes out of order) makes the interchange not clean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from claimedit.results import GroupAck
from claimedit.validation.guide._ack import GroupSeen, accepting_acks
from claimedit.validation.guide._steps import CLM, GE, GS, HL, IEA, LX, SE, ST
from claimedit.validation.guide._walk import Node
from claimedit.x12.tokens import Delimiters, Segment

if TYPE_CHECKING:
    from claimedit.validation.guide import CompiledGuide

__all__ = ["GuideCheck"]

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
        "_closed",
        "_component",
        "_counts",
        "_delimiters",
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
        "_seg_count",
        "_st02",
        "_st_count",
        "_st_ids",
        "_steps",
        "clean",
    )

    def __init__(self, guide: CompiledGuide, isa: Segment, delimiters: Delimiters) -> None:
        self._guide = guide
        self.clean = True
        """True while pyx12 would find nothing wrong (a plain attribute: read after every segment fed)."""
        self._closed = False
        self._delimiters = delimiters
        self._component = delimiters.component
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
        self._steps = guide.steps_for(delimiters)
        """The steps remembered for these delimiters (the guide moves them to an older generation when full)."""
        if not self._isa_ok(isa, delimiters):
            self.clean = False
            return
        # pyx12's forceWalkCounterToLoopStart at the ISA: the counts are all 0 already, so only the two counted
        self._counts[guide.isa_loop.slot] += 1
        self._counts[guide.isa.slot] += 1

    def acks(self) -> list[GroupAck]:
        if not self.clean or not self._closed or not self._groups:
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
        return guide.isa_ok(isa.elements, delimiters.element)

    def feed(self, segment: Segment) -> None:
        self.feed_all((segment,))

    def feed_all(self, segments: Iterable[Segment]) -> None:
        """Each segment in turn, as :meth:`feed` would be given them one by one (the loop's names held locally:
        most segments cost one look-up of their remembered step and a few comparisons)."""
        if not self.clean:
            return
        guide = self._guide
        memo = self._steps
        delimiters = self._delimiters
        counts = self._counts
        by_kind = _BY_KIND
        node = self._node
        for segment in segments:
            key = (node.index, segment.raw)
            step = memo.young.get(key)
            if step is None:
                step = guide.step(node, segment, delimiters, memo, key)
            ok, kind, at_least_one, ops, target = step
            if not ok or self._closed:  # nothing may follow the IEA
                ok = False
            elif kind:  # the reader's checks of the segments it counts or matches (X12Reader._parse_segment)
                ok = by_kind[kind](self, segment.elements)
            else:  # counted in its transaction; outside any, pyx12's reader reports it
                ok = self._in_transaction
                self._seg_count += 1
            if not ok or target is None:
                self.clean = False
                return
            for slot in at_least_one:
                if counts[slot] < 1:
                    self.clean = False
                    return
            for start, stop, slot, limit, zeros in ops:
                if stop:
                    counts[start:stop] = zeros
                count = counts[slot] + 1
                counts[slot] = count
                if count > limit:
                    self.clean = False
                    return
            node = target
        self._node = node

    def _body(self, elements: list[str]) -> bool:
        """A segment of the transaction: counted (pyx12's reader reports one outside any transaction)."""
        del elements
        if not self._in_transaction:
            return False
        self._seg_count += 1
        return True

    def _clm(self, elements: list[str]) -> bool:
        """A claim: counted, and its service lines' LX01 count again from 1."""
        del elements
        self._lx_count = 0
        if not self._in_transaction:
            return False
        self._seg_count += 1
        return True

    def _lx(self, elements: list[str]) -> bool:
        """A service line: counted, LX01 the next number from the claim's first."""
        if not self._in_transaction:
            return False
        self._seg_count += 1
        self._lx_count += 1
        return len(elements) > 1 and elements[1] == str(self._lx_count)

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
        return True  # the GS loop's counts are reset by the GS's step (the guide's ``_gs_ops``)

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
        if not self._in_transaction:
            return False
        self._seg_count += 1
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


_BY_KIND: tuple[Callable[[GuideCheck, list[str]], bool], ...] = (
    GuideCheck._body,
    GuideCheck._gs,
    GuideCheck._st,
    GuideCheck._se,
    GuideCheck._ge,
    GuideCheck._iea,
    GuideCheck._hl,
    GuideCheck._clm,
    GuideCheck._lx,
)
"""The check of each segment kind of ``_steps.KINDS`` (0: any other), as one look-up in the hot loop."""
assert tuple(range(1, 9)) == (GS, ST, SE, GE, IEA, HL, CLM, LX)
