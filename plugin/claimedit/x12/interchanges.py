"""Cutting an input into its interchanges (ISA ... IEA), each with the delimiters its own ISA declares."""

from __future__ import annotations

import re
from dataclasses import dataclass

from claimedit.x12.tokens import DelimiterError, Delimiters, Segment, find_delimiters, split_segments

__all__ = ["Chunk", "count_clm_segments", "cut_interchanges"]

_CLM_ANYWHERE = re.compile(r"(?:^|[^A-Za-z0-9 ])\s*CLM[^A-Za-z0-9\s]")


@dataclass(frozen=True)
class Chunk:
    """A piece of the input: an interchange with its segments, or text that is not one (``error`` set)."""

    text: str
    first_segment_index: int
    """1-based index, in the whole input, of the chunk's first segment."""
    delimiters: Delimiters | None = None
    segments: tuple[Segment, ...] = ()
    error: str | None = None


def count_clm_segments(text: str, delimiters: Delimiters | None = None) -> int:
    """CLM segments in raw text: exact with known delimiters, else by pattern (for unreadable input)."""
    if delimiters is not None:
        return sum(1 for segment in split_segments(text, delimiters) if segment.tag == "CLM")
    return len(_CLM_ANYWHERE.findall(text))


def cut_interchanges(text: str) -> list[Chunk]:
    """Interchanges in ``text`` in order. Text that cannot be an interchange becomes an error chunk."""
    chunks: list[Chunk] = []
    position = 0
    next_index = 1
    while position < len(text):
        try:
            delimiters = find_delimiters(text, position)
        except DelimiterError as exc:
            chunks.append(Chunk(text[position:], next_index, error=str(exc)))
            break
        end = _interchange_end(text, position, delimiters)
        piece = text[position:end]
        segments = split_segments(piece, delimiters, first_index=next_index)
        chunks.append(Chunk(piece, next_index, delimiters, tuple(segments)))
        next_index += len(segments)
        position = end
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
    return chunks


def _interchange_end(text: str, start: int, delimiters: Delimiters) -> int:
    """Offset just past the IEA segment's terminator, or the start of the next ISA when the IEA is missing."""
    segment, element = re.escape(delimiters.segment), re.escape(delimiters.element)
    iea = re.compile(segment + r"[ \t\r\n]*IEA" + element).search(text, start)
    # The next interchange may declare other delimiters: any non-alphanumeric character after ISA.
    next_isa = re.compile(f"(?:{segment}|\n)" + r"[ \t\r\n]*ISA[^A-Za-z0-9\s]").search(text, start + 3)
    if next_isa is not None and (iea is None or next_isa.start() < iea.start()):
        return next_isa.start() + 1
    if iea is None:
        return len(text)
    terminator = text.find(delimiters.segment, iea.end())
    return len(text) if terminator < 0 else terminator + 1
