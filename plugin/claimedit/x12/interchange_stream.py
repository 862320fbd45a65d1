"""Cutting a text stream into its interchanges, exactly where :func:`~claimedit.x12.interchanges.cut_interchanges` cuts.

The text arrives in pieces (:mod:`claimedit.x12.text_stream`); an interchange is handed on as soon as its
end is seen: its IEA and that segment's terminator, or the start of the next ISA when the IEA is missing.
The search resumes where it stopped (a match that may straddle two pieces is searched again), so an
interchange costs what its length costs however it was cut into pieces. An interchange longer than
:data:`~claimedit.x12.spool.SPILL_AT` characters is handed on as a
:class:`~claimedit.x12.spool.SpooledInterchange` (its text in a temporary file, read back segment by
segment), so that no interchange is ever held whole however large.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from claimedit.x12.interchanges import Chunk, interchange_chunk, interchange_end_patterns, next_isa_start
from claimedit.x12.spool import SPILL_AT, Spool, SpooledInterchange
from claimedit.x12.tokens import _ISA_SEARCH, DelimiterError, Delimiters, read_isa

__all__ = ["cut_stream"]

_BLANKS = " \t\r\n"
_ISA_NEEDS = 4 + _ISA_SEARCH + 3
"""Characters read before an ISA is read: enough for the widest ISA :func:`read_isa` accepts."""


class _Buffer:
    """The text from the current interchange's start on, filled from the stream as the search needs.

    Once it passes :data:`SPILL_AT` characters, the text the search has left behind goes to a
    :class:`Spool`: ``text`` then holds the rest only.
    """

    def __init__(self, pieces: Iterable[str]) -> None:
        self._pieces = iter(pieces)
        self.text = ""
        self.ended = False
        self.spool: Spool | None = None

    def more(self, keep_from: int = 0, terminator: str = "") -> int:
        """Read the next piece; returns how many characters before ``keep_from`` went to the spool."""
        spilled = 0
        if terminator and len(self.text) > SPILL_AT and keep_from > 0:
            if self.spool is None:
                self.spool = Spool(terminator)
            self.spool.write(self.text[:keep_from])
            self.text = self.text[keep_from:]
            spilled = keep_from
        for piece in self._pieces:
            if piece:
                self.text += piece
                return spilled
        self.ended = True
        return spilled

    def at_least(self, size: int) -> None:
        while len(self.text) < size and not self.ended:
            self.more()

    def skip_blanks(self) -> None:
        while True:
            self.text = self.text.lstrip(_BLANKS)
            if self.text or self.ended:
                return
            self.more()

    def rest(self) -> str:
        while not self.ended:
            self.more()
        return self.text


def cut_stream(pieces: Iterable[str]) -> Iterator[Chunk | SpooledInterchange]:
    """Interchanges of the text ``pieces`` make, in order; text that cannot be an interchange ends as an error chunk."""
    buffer = _Buffer(pieces)
    next_index = 1
    while True:
        buffer.skip_blanks()
        if not buffer.text:
            return
        buffer.at_least(_ISA_NEEDS)
        try:
            header = read_isa(buffer.text, 0)
        except DelimiterError as exc:
            yield Chunk(buffer.rest(), next_index, error=str(exc))
            return
        end = _interchange_end(buffer, header.end, header.delimiters)
        spool, buffer.spool = buffer.spool, None
        if spool is None and end > SPILL_AT:  # found within one read, yet too large to hold
            spool = Spool(header.delimiters.segment)
        if spool is None:
            chunk = interchange_chunk(buffer.text[:end], header, next_index)
            buffer.text = buffer.text[end:]
            next_index += len(chunk.segments)
            yield chunk
            continue
        spool.write(buffer.text[:end])
        buffer.text = buffer.text[end:]
        large = SpooledInterchange(spool.file, header, next_index, spool.segments, spool.length)
        next_index += spool.segments
        try:
            yield large
        finally:
            large.close()


def _interchange_end(buffer: _Buffer, isa_end: int, delimiters: Delimiters) -> int:
    """Offset past the interchange's IEA terminator (or where the next ISA begins), reading on until it is known.

    Decides as :func:`claimedit.x12.interchanges._interchange_end` decides on the whole text: a decision
    taken on the text read so far is final only when nothing later could change it.
    """
    iea_pattern = interchange_end_patterns(delimiters)[0]
    search_from = isa_end - 1
    while True:
        text = buffer.text
        next_isa = next_isa_start(text, search_from, delimiters.segment)
        limit = len(text) if next_isa < 0 else next_isa
        iea = iea_pattern.search(text, search_from, limit + 1)
        if next_isa >= 0:
            if iea is None:
                return next_isa + 1
            terminator = text.find(delimiters.segment, iea.end(), limit + 1)
            return terminator + 1 if terminator >= 0 else next_isa + 1
        if iea is not None:
            terminator = text.find(delimiters.segment, iea.end())
            if terminator >= 0:
                return terminator + 1
        if buffer.ended:
            return len(text)
        search_from = max(search_from, iea.start() if iea is not None else _straddle_start(text))
        search_from -= buffer.more(search_from, delimiters.segment)


def _straddle_start(text: str) -> int:
    """Where a match that the next piece may complete could begin: before the trailing blanks and a few characters."""
    position = max(0, len(text) - 4)
    while position > 0 and text[position - 1] in _BLANKS:
        position -= 1
    return max(0, position - 1)
