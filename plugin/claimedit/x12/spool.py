"""An interchange too large to hold as text, kept in a temporary file and read back segment by segment.

:func:`~claimedit.x12.interchange_stream.cut_stream` writes an interchange here once its text passes
:data:`SPILL_AT` characters; the pipeline then reads it as many times as it needs (the guide check and
pyx12's text, then the claims), one segment at a time, in the memory of one read.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from claimedit.x12.tokens import IsaHeader, Segment, segments_of

__all__ = ["READ_CHARS", "SPILL_AT", "Spool", "SpooledInterchange", "spooled_segments", "text_file"]

SPILL_AT = 1 << 20
"""Characters of one interchange held in memory; a longer interchange is spooled to a temporary file."""
READ_CHARS = 1 << 20
"""Characters read back at a time."""
_WHITESPACE = " \t\r\n"
_SEGMENTS_AT_ONCE = 512
"""Segments built at a time from a block read back: a few hundred kilobytes at most, whatever the block."""


def text_file() -> TextIO:
    """A temporary text file that keeps every character as written (no newline translation, any code point)."""
    return tempfile.TemporaryFile("w+", encoding="utf-8", errors="surrogatepass", newline="")


class Spool:
    """Text written to a temporary file, its segments counted as :func:`split_segments` would count them."""

    def __init__(self, terminator: str) -> None:
        self.file = text_file()
        self.terminator = terminator
        self.terminators = 0
        self.tail_blank = True
        """Whether the text after the last terminator is blank (then it is no segment)."""
        self.length = 0

    def write(self, text: str) -> None:
        if not text:
            return
        self.file.write(text)
        self.length += len(text)
        found = text.count(self.terminator)
        self.terminators += found
        tail = text[text.rfind(self.terminator) + 1 :] if found else text
        if found:
            self.tail_blank = not tail.strip(_WHITESPACE)
        elif tail.strip(_WHITESPACE):
            self.tail_blank = False

    @property
    def segments(self) -> int:
        return self.terminators + (0 if self.tail_blank else 1)


@dataclass
class SpooledInterchange:
    """One interchange whose text is in ``file`` (a :class:`~claimedit.x12.interchanges.Chunk` too large to hold)."""

    file: TextIO
    header: IsaHeader
    first_segment_index: int
    segment_count: int
    length: int
    """Characters of text."""

    def segments(self) -> Iterator[Segment]:
        """The interchange's segments from its ISA, numbered as in the whole input, read from the file again."""
        return spooled_segments(self.file, self.header, self.first_segment_index)

    def close(self) -> None:
        self.file.close()


def spooled_segments(file: TextIO, header: IsaHeader, first_index: int) -> Iterator[Segment]:
    """The segments of the text in ``file`` as :func:`~claimedit.x12.tokens.split_segments` cuts them."""
    terminator, element = header.delimiters.segment, header.delimiters.element
    file.seek(0)
    index = first_index
    carry = ""
    while block := file.read(READ_CHARS):
        pieces = (carry + block).split(terminator)
        carry = pieces.pop()
        for start in range(0, len(pieces), _SEGMENTS_AT_ONCE):
            segments = segments_of(pieces[start : start + _SEGMENTS_AT_ONCE], element, index)
            index += len(segments)
            yield from segments
    raw = carry.strip(_WHITESPACE)
    if raw:
        yield Segment(index, raw.split(element), raw)
