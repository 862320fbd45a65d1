"""The segments of one interchange as pyx12 (and the compiled guide check) should see them, one at a time.

837P 5010 groups only, A2 errata read as A1, no empty segments, the fixed-width ISA when the one sent
was not. Bounded for hostile input: a transaction rejected before validation (SYN010) is given as its
ST and an SE, so that its 999 still answers it; of the segments outside any transaction, the first
:data:`STRAY_FOR_PYX12` only (the reader names every one).

:class:`Pyx12Text` hands each kept segment to a sink as soon as it is decided (the last one is held
until :meth:`Pyx12Text.finish`: the IEA's group count may need rewriting), so that the text of a large
interchange goes to a file, never into memory; :func:`text_for_pyx12` is the whole text of a small one.
The sink is given a :class:`~claimedit.x12.tokens.Segment` whose ``raw`` is the text pyx12 reads: the
reader's own segment when it is kept unchanged (most are), a new one only when it is rewritten, so that the
compiled guide check fed the same segments never splits a text the reader has split already.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import TextIO

from claimedit.x12.reader import A1, InterchangeRead
from claimedit.x12.tokens import Delimiters, Segment

__all__ = [
    "STRAY_FOR_PYX12",
    "KeptRuns",
    "Pyx12Text",
    "segments_for_pyx12",
    "separator_for",
    "text_for_pyx12",
    "text_of",
]

STRAY_FOR_PYX12 = 20
"""Segments outside any transaction given to pyx12 per interchange: the reader names every one (SYN005)."""
_ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE"})
_OWN_RULES = _ENVELOPE | {"ST", "SE"}
"""Segments :meth:`Pyx12Text.take` decides on by their tag (any other inside a transaction is simply kept)."""


def separator_for(delimiters: Delimiters) -> str:
    """What follows each segment in pyx12's text: the terminator and a line break."""
    return delimiters.segment if delimiters.segment == "\n" else f"{delimiters.segment}\n"


def text_for_pyx12(read: InterchangeRead, sink: Callable[[Segment], None] | None = None) -> str:
    """The interchange (held whole) as pyx12 should see it; each kept segment also goes to ``sink``, in order,
    once all are decided (the interchange is in memory already)."""
    keep = segments_for_pyx12(read)
    if sink is not None:
        for segment in keep:
            sink(segment)
    delimiters = read.chunk.delimiters
    assert delimiters is not None
    return text_of(keep, separator_for(delimiters))


def segments_for_pyx12(read: InterchangeRead) -> list[Segment]:
    """The segments of the interchange (held whole) pyx12 should see, each as the ``Segment`` a sink is given.

    The pipeline asks the compiled guide with these, and writes them out (:func:`text_of`) only when the guide
    does not call the interchange clean: a clean one never becomes text."""
    delimiters = read.chunk.delimiters
    assert delimiters is not None
    keep: list[Segment] = []
    early = {tx.location.segment_index for tx in read.transactions if tx.rejected_early}
    kept = Pyx12Text(
        delimiters,
        isa_fixed_width=read.chunk.isa_fixed_width,
        supported=read.supported_groups,
        early=early,
        sink=keep.append,
    )
    kept.take_all(read.chunk.segments)
    kept.finish()
    return keep


def text_of(segments: list[Segment], separator: str) -> str:
    """The text pyx12 reads: each segment's ``raw`` followed by ``separator`` (:func:`separator_for`)."""
    return "".join([f"{segment.raw}{separator}" for segment in segments])


class Pyx12Text:
    """The segments of one interchange kept for pyx12, decided one at a time (see the module doc).

    ``early`` holds the ST segment index of each transaction rejected before validation: it must hold a
    transaction's before its ST is taken.
    """

    def __init__(
        self,
        delimiters: Delimiters,
        *,
        isa_fixed_width: str | None,
        supported: Iterable[str],
        early: Collection[int | None],
        sink: Callable[[Segment], None],
    ) -> None:
        self.element = delimiters.element
        self.isa_fixed_width = isa_fixed_width
        """pyx12 reads the ISA by position: it is given the fixed-width form when one exists."""
        self.early = early
        self.supported = supported if isinstance(supported, frozenset | set) else frozenset(supported)
        self.sink = sink
        self.held: Segment | None = None
        self.groups = 0
        self.groups_sent = 0
        self.in_supported = False
        self.in_transaction = False
        self.stubbed = ""
        """ST02 of the transaction rejected before validation whose segments are being left out."""
        self.stray = 0

    def _keep(self, segment: Segment) -> None:
        if self.held is not None:
            self.sink(self.held)
        self.held = segment

    def take(self, segment: Segment) -> None:
        """The next segment of the interchange, as read (empty ones are left out here)."""
        tag = segment.tag
        if tag == "GS":
            self.groups_sent += 1
        if not segment.elements:
            return
        if self.stubbed:
            if tag not in ("SE", "ST", *_ENVELOPE):
                return
            self._close_stub()
            if tag == "SE":
                return
        if tag in _ENVELOPE:
            self._envelope(segment)
            return
        if tag == "ST":
            self.in_transaction = True
            self.stubbed = segment.get(2) if self.in_supported and segment.index in self.early else ""
        elif not self.in_transaction:
            self.stray += 1
            if self.stray > STRAY_FOR_PYX12:
                return
        if self.in_supported:
            self._keep(_with_element(segment, 3, A1, self.element) if tag == "ST" else segment)
        if tag == "SE":
            self.in_transaction = False

    def take_all(self, segments: Iterable[Segment]) -> None:
        """Each segment in turn, as :meth:`take` would be given them; a segment inside a transaction of a kept
        group, neither ST nor SE nor an envelope, is kept here directly (most are), any other goes to ``take``.

        Whether segments are kept directly changes only in ``take``: it is decided again after each such call,
        not for every segment, and the held segment stays in a local name in between."""
        sink = self.sink
        own_rules = _OWN_RULES
        direct = self.in_transaction and self.in_supported and not self.stubbed
        held = self.held
        for segment in segments:
            if direct and segment.elements and segment.tag not in own_rules:
                if held is not None:
                    sink(held)
                held = segment
            else:
                self.held = held
                self.take(segment)
                held = self.held
                direct = self.in_transaction and self.in_supported and not self.stubbed
        self.held = held

    def _envelope(self, segment: Segment) -> None:
        tag = segment.tag
        self.in_transaction = False
        if tag == "GS":
            self.in_supported = segment.get(6) in self.supported
            if self.in_supported:
                self.groups += 1
                self._keep(_with_element(segment, 8, A1, self.element))
            return
        if tag == "GE":
            if self.in_supported:
                self._keep(segment)
            self.in_supported = False
            return
        fixed = self.isa_fixed_width
        self._keep(_rewritten(segment, fixed.split(self.element), fixed) if tag == "ISA" and fixed else segment)

    def _close_stub(self) -> None:
        elements = ["SE", "2", self.stubbed]
        self._keep(Segment(0, elements, self.element.join(elements)))
        self.stubbed, self.in_transaction = "", False

    def finish(self) -> None:
        """After the interchange's last segment: the held segment, its IEA01 set to the groups kept."""
        if self.stubbed:
            self._close_stub()
        last = self.held
        if last is None:
            return
        if self.groups != self.groups_sent and last.raw.startswith("IEA"):
            iea = last.elements
            elements = [iea[0], str(self.groups), *iea[2:]]
            last = _rewritten(last, elements, self.element.join(elements))
        self.sink(last)
        self.held = None


def _with_element(segment: Segment, position: int, value: str, separator: str) -> Segment:
    """``segment`` itself unless element ``position`` is present and not ``value`` (then a rewritten copy)."""
    elements = segment.elements
    if position < len(elements) and elements[position] and elements[position] != value:
        elements = [*elements[:position], value, *elements[position + 1 :]]
        return _rewritten(segment, elements, separator.join(elements))
    return segment


def _rewritten(segment: Segment, elements: list[str], raw: str) -> Segment:
    """A copy of the reader's ``segment`` with other text (the reader's own is never changed)."""
    return Segment(segment.index, elements, raw)


class KeptRuns:
    """The sink of a large interchange's kept segments: their text written to ``file`` and the segments handed
    to ``then`` (the guide check), a run of :data:`RUN` at a time, not one write and one call per segment."""

    RUN = 256
    """Segments held before they are written (bounded memory whatever the interchange's size)."""

    def __init__(self, file: TextIO, delimiters: Delimiters, then: Callable[[list[Segment]], None]) -> None:
        self.file = file
        self.separator = separator_for(delimiters)
        self.then = then
        self.kept = 0
        """Segments kept so far (written or pending)."""
        self._run: list[Segment] = []

    def take(self, segment: Segment) -> None:
        run = self._run
        run.append(segment)
        if len(run) >= self.RUN:
            self.finish()

    def finish(self) -> None:
        """The pending run written and handed on (after the last segment, before the file is read)."""
        run = self._run
        if run:
            self._run = []
            self.kept += len(run)
            self.file.write(text_of(run, self.separator))
            self.then(run)
