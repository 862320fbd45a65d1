"""Walk plans: pyx12's map walk remembered, to be replayed for interchanges and runs already walked.

pyx12's map walk (which map node each segment is, which loops it opens) reads nothing of a segment
but its id and its qualifier (NM101, HL03, SV101-1 ...; the positions ``is_match`` reads, taken from
the maps). Its counts of loops and segments only decide errors. So:

- an interchange whose *skeleton* (the id and qualifier of every segment) was walked before without
  a walk error gets the same nodes again. Streams from one practice-management system repeat a
  handful of skeletons;
- inside a large interchange, the same holds for a *run*: the segments after an HL or a CLM up to
  the next HL, CLM or trailer. Entering the HL's or the CLM's loop resets pyx12's counts below that
  loop, and a run's walk reads and writes no other count, so a run from the same start node with the
  same skeleton, walked before without error, gets the same nodes, and the counts below its loop are
  set to what that walk left.

Everything else (element checks, envelope checks, the error handler, the 999) runs as usual; see
:class:`claimedit.validation.pyx12.Pyx12Validator`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = [
    "PLAN_LIMIT",
    "RUN_ENDS",
    "RUN_STARTS",
    "PlanMismatchError",
    "Run",
    "RunPlan",
    "Segments",
    "StreamedSegments",
    "qualifier_positions",
    "run_end",
    "split_like_pyx12",
]

PLAN_LIMIT = 20_000
"""Distinct interchange skeletons remembered per process (each a tuple of node references)."""


class PlanMismatchError(Exception):
    """pyx12's segments differ from the skeleton a walk plan was chosen by."""


RUN_STARTS = frozenset({"HL", "CLM"})
"""Segments that start a loop whose entry resets pyx12's counts below it (2000A/B/C, 2300)."""
RUN_ENDS = frozenset({"HL", "CLM", "SE", "ST", "GE", "GS", "IEA", "ISA"})
"""Segments that end a run: the next loop start, or a trailer."""


def run_end(skeleton: tuple[tuple[str, ...], ...] | _Window, start: int) -> int:
    """Index past the run that starts at ``start``: the next loop start or trailer, or the end."""
    end = start
    while end < len(skeleton) and skeleton[end][0] not in RUN_ENDS:
        end += 1
    return end


@dataclass(frozen=True)
class RunPlan:
    nodes: tuple[Any, ...]
    counts: tuple[tuple[Any, int], ...]
    """pyx12's counts below the run's loop at the run's end (X12Path, count)."""


class Run:
    """The segments ``start`` to ``end`` (exclusive) after a loop start: being recorded, or replayed."""

    def __init__(
        self, key: tuple[int, tuple[tuple[str, ...], ...]], start: int, end: int, loop: Any, plan: RunPlan | None
    ) -> None:
        self.key = key
        self.start = start
        self.end = end
        self.loop = loop
        self.plan = plan
        self.nodes: list[Any] | None = [] if plan is None else None

    def replay(self, index: int, seg_id: str, counter: Any) -> Any:
        """The planned node of segment ``index``; at the run's end, the counts the walk would have left."""
        assert self.plan is not None
        node = self.plan.nodes[index - self.start]
        if node.id != seg_id:
            raise PlanMismatchError
        if index == self.end - 1:
            for path, count in self.plan.counts:
                counter.setCount(path, count)
        return node

    def record(self, node: Any, popped: list[Any], errors: bool) -> None:
        """One walked segment of the run; any error, or a walk out of the run's loop, spoils the record."""
        if self.nodes is None:
            return
        if errors or node is None or any(loop is self.loop for loop in popped):
            self.nodes = None
        else:
            self.nodes.append(node)


def qualifier_positions(maps: Any) -> dict[str, tuple[tuple[int, int | None], ...]]:
    """Per segment id, the (element, component) positions pyx12's ``is_match`` reads, from the maps.

    ISA12, GS01 and GS08 are added: they choose the map the walk continues in.
    """
    found: dict[str, set[tuple[int, int | None]]] = {"ISA": {(12, None)}, "GS": {(1, None), (8, None)}}
    for root in maps:
        for node in root.loop_segment_iterator():
            if node.is_segment():
                resolve = getattr(node, "_resolve_unique_key_field", None)
                if resolve is None:  # another pyx12: no plans, every interchange walked
                    return {}
                key = resolve(node.id, with_qual=False)
                positions = found.setdefault(node.id, set())
                if key is not None:
                    positions.add((key[1], key[2]))
    return {seg_id: tuple(sorted(positions, key=lambda p: (p[0], p[1] or 0))) for seg_id, positions in found.items()}


@dataclass(frozen=True)
class Segments:
    """An interchange's text cut into segments the way pyx12's reader cuts it."""

    texts: list[str]
    """Each segment as pyx12 reads it (leading CR/LF, and spaces, stripped)."""
    skeleton: tuple[tuple[str, ...], ...]
    """Each segment's id and the values of its qualifier positions: all that pyx12's map walk reads."""
    delimiters: str
    """Element, component and repetition separators."""


def _skeleton_entry(
    raw: str, element: str, component: str, qualifiers: dict[str, tuple[tuple[int, int | None], ...]]
) -> tuple[str, ...]:
    """One segment's id and the values at its qualifier positions."""
    fields = raw.split(element)
    positions = qualifiers.get(fields[0], ())
    if not positions:
        return (fields[0],)
    key = [fields[0]]
    for position, part in positions:
        value = fields[position] if position < len(fields) else ""
        if part is not None:
            parts = value.split(component)
            value = parts[part - 1] if part <= len(parts) else ""
        key.append(value)
    return tuple(key)


class _Window:
    """Entries of a long sequence read on demand, the ones behind the reader forgotten: ``[i]`` and ``[i:j]``
    for indices at or after the last index read by ``[i]``, ``len`` the whole sequence's length."""

    def __init__(self, source: StreamedSegments, column: int) -> None:
        self._source = source
        self._column = column

    def __len__(self) -> int:
        return self._source.count

    def __getitem__(self, key: int | slice) -> Any:
        source = self._source
        if isinstance(key, slice):
            start, stop = key.start or 0, min(key.stop if key.stop is not None else source.count, source.count)
            source.ensure(stop - 1)
            return tuple(entry[self._column] for entry in source.entries[start - source.base : stop - source.base])
        if self._column == 0:
            source.forget_before(key)
        source.ensure(key)
        return source.entries[key - source.base][self._column]


class StreamedSegments:
    """:class:`Segments` of a text in a file, read ahead as the walk needs and forgotten behind it.

    For an interchange too large to hold: ``texts`` and ``skeleton`` answer the indices the walk asks
    for (the current segment, and the run ahead of it up to its next loop start or trailer) in the
    memory of one run. ``count`` is the number of segments the text holds (known from writing it).
    """

    def __init__(
        self, file: Any, count: int, qualifiers: dict[str, tuple[tuple[int, int | None], ...]], *, read_chars: int
    ) -> None:
        self._file = file
        self._read_chars = read_chars
        self.count = count
        self._qualifiers = qualifiers
        self.base = 0
        self.entries: list[tuple[str, tuple[str, ...]]] = []
        self._carry = ""
        self._ended = False
        file.seek(0)
        head = file.read(106)
        self._carry = head
        self._element, self._component, self._terminator = head[3:4], head[104:105], head[105:106]
        self.delimiters = self._element + self._component + head[82:83]
        self.texts = _Window(self, 0)
        self.skeleton = _Window(self, 1)

    def forget_before(self, index: int) -> None:
        drop = index - self.base
        if drop > 256:
            del self.entries[:drop]
            self.base = index

    def ensure(self, index: int) -> None:
        while index - self.base >= len(self.entries) and not self._ended:
            block = self._file.read(self._read_chars)
            if not block:
                self._ended = True
                pieces = [self._carry]
            else:
                pieces = (self._carry + block).split(self._terminator)
                self._carry = pieces.pop()
            for piece in pieces:
                raw = piece.lstrip("\r\n")
                if not raw:
                    continue
                if raw.startswith(" "):
                    raw = raw.lstrip()
                self.entries.append((raw, _skeleton_entry(raw, self._element, self._component, self._qualifiers)))
        if index - self.base >= len(self.entries):
            raise IndexError(index)


def split_like_pyx12(text: str, qualifiers: dict[str, tuple[tuple[int, int | None], ...]]) -> Segments | None:
    """Cut like pyx12's raw reader; the values are not trimmed, so one skeleton here is one for pyx12.

    The walk still checks each segment id against its plan, and every text against its segment id.
    """
    if len(text) < 106 or not text.startswith("ISA"):
        return None
    element, component, terminator = text[3], text[104], text[105]
    texts: list[str] = []
    skeleton: list[tuple[str, ...]] = []
    for piece in text.split(terminator):
        raw = piece.lstrip("\r\n")
        if not raw:
            continue
        if raw.startswith(" "):
            raw = raw.lstrip()
        texts.append(raw)
        skeleton.append(_skeleton_entry(raw, element, component, qualifiers))
    return Segments(texts, tuple(skeleton), element + component + text[82])
