"""Cutting an input into its interchanges (ISA ... IEA), each with the delimiters its own ISA declares.

One pass: each interchange ends at its IEA or, when the IEA is missing, where the next ISA begins, and
both are searched only within the interchange, so an input of thousands of interchanges without IEA
costs what its length costs (a search for the IEA to the end of the input was quadratic).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from claimedit.x12.tokens import (
    DelimiterError,
    Delimiters,
    IsaHeader,
    Segment,
    fixed_width_isa,
    read_isa,
    split_segments,
)

__all__ = [
    "Chunk",
    "count_clm_segments",
    "cut_interchanges",
    "interchange_chunk",
    "interchange_end_patterns",
    "next_isa_start",
]

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
    isa_odd_widths: tuple[tuple[int, int, int], ...] = ()
    """(ISA element number, width sent, fixed width) for each ISA element off its width."""
    isa_fixed_width: str | None = None
    """The ISA padded to its fixed widths (see :func:`~claimedit.x12.tokens.fixed_width_isa`) when it was not."""


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
    length = len(text)
    while position < length:
        try:
            header = read_isa(text, position)
        except DelimiterError as exc:
            chunks.append(Chunk(text[position:], next_index, error=str(exc)))
            break
        delimiters = header.delimiters
        end = _interchange_end(text, header.end, delimiters)
        chunk = interchange_chunk(text[position:end], header, next_index)
        chunks.append(chunk)
        next_index += len(chunk.segments)
        position = end
        while position < length and text[position] in " \t\r\n":
            position += 1
    return chunks


def interchange_chunk(piece: str, header: IsaHeader, first_index: int) -> Chunk:
    """The chunk of one interchange's text ``piece``, opened by the ISA ``header`` read from it."""
    segments = split_segments(piece, header.delimiters, first_index=first_index)
    odd = header.odd_widths
    return Chunk(
        piece,
        first_index,
        header.delimiters,
        tuple(segments),
        isa_odd_widths=odd,
        isa_fixed_width=fixed_width_isa(header) if odd else None,
    )


@lru_cache(maxsize=64)
def interchange_end_patterns(delimiters: Delimiters) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The IEA of an interchange, and the start of the next ISA (which may declare other delimiters)."""
    segment, element = re.escape(delimiters.segment), re.escape(delimiters.element)
    iea = re.compile(segment + r"[ \t\r\n]*IEA" + element)
    next_isa = re.compile(f"(?:{segment}|\n)" + r"[ \t\r\n]*ISA[^A-Za-z0-9\s]")
    return iea, next_isa


_BLANKS = " \t\r\n"


def next_isa_start(text: str, start: int, terminator: str) -> int:
    """Where the next interchange's ISA begins in ``text`` from ``start``, or -1: what the second pattern of
    :func:`interchange_end_patterns` finds (its match's start), without the pattern.

    The pattern tries a match at every terminator and line end of the interchange; ``str.find`` looks at
    the few places ``ISA`` is written instead, and each is checked back to the terminator (or line end)
    before it: over a small input, the search was a fifth of cutting it into interchanges.
    """
    find = text.find
    length = len(text)
    hit = find("ISA", start + 1)
    while hit >= 0:
        after = hit + 3
        if after < length:
            following = text[after]
            if not (following.isascii() and following.isalnum()) and not following.isspace():
                opened = _opening_before(text, start, hit, terminator)
                if opened >= 0:
                    return opened
        hit = find("ISA", hit + 1)
    return -1


def _opening_before(text: str, start: int, isa: int, terminator: str) -> int:
    """The first terminator or line end (from ``start``) that only blanks separate from the ISA at ``isa``, or -1."""
    opened = -1
    position = isa - 1
    while position >= start:
        character = text[position]
        if character == terminator or character == "\n":  # noqa: PLR1714  (two plain compares beat a tuple)
            opened = position
        if character not in _BLANKS:
            break
        position -= 1
    return opened


def _interchange_end(text: str, isa_end: int, delimiters: Delimiters) -> int:
    """Offset just past the IEA segment's terminator, or the start of the next ISA when the IEA is missing.

    Both searches stop at the next ISA: the work is proportional to this interchange's length.
    """
    iea_pattern = interchange_end_patterns(delimiters)[0]
    next_isa = next_isa_start(text, isa_end - 1, delimiters.segment)
    limit = len(text) if next_isa < 0 else next_isa
    iea = iea_pattern.search(text, isa_end - 1, limit + 1)
    if iea is None:
        return len(text) if next_isa < 0 else next_isa + 1
    terminator = text.find(delimiters.segment, iea.end(), limit + 1 if next_isa >= 0 else len(text))
    if terminator < 0:
        return limit if next_isa < 0 else next_isa + 1
    return terminator + 1
