"""Splitting raw X12 text into segments using the delimiters the ISA declares.

Tolerates what real feeds send: a UTF-8 BOM, whitespace or line breaks before the ISA and between
segments, several interchanges in one input. Empty segments (``~~``) are kept as empty entries so
that the caller can report them: pyx12's reader stops at one without a word.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ISA_LENGTH", "DelimiterError", "Delimiters", "Segment", "decode", "find_delimiters", "split_segments"]

ISA_LENGTH = 106
_BOM = "\ufeff"
_WHITESPACE = " \t\r\n"


class DelimiterError(ValueError):
    """The text does not start with a readable ISA segment."""


@dataclass(frozen=True)
class Delimiters:
    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"


class Segment:
    """One segment: ``index`` is its 1-based position in the input, counting empty segments."""

    __slots__ = ("elements", "index", "position", "raw", "tag")

    def __init__(self, index: int, elements: list[str], raw: str) -> None:
        self.index = index
        self.elements = elements
        """elements[0] is the segment id; elements[1] is the first data element."""
        self.raw = raw
        self.tag = elements[0] if elements else ""
        self.position = 0
        """1-based position in its transaction (ST = 1), empty segments not counted, as pyx12 counts."""

    def get(self, position: int) -> str:
        """Data element ``position`` (1-based) or an empty string when absent."""
        elements = self.elements
        return elements[position] if position < len(elements) else ""

    def __repr__(self) -> str:
        return f"Segment({self.index}, {self.tag})"


def decode(data: bytes | str) -> str:
    """Text from bytes (UTF-8, falling back to Latin-1 so no byte is ever lost) without BOM or leading blanks."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    else:
        text = data
    return text.lstrip(_BOM + _WHITESPACE)


def find_delimiters(text: str, start: int = 0) -> Delimiters:
    """Delimiters from the ISA at ``start``: element at 3, repetition ISA11, component ISA16, then the terminator.

    A fixed-length ISA is read by position; a trimmed one (seen in the wild) by counting elements.
    """
    if text[start : start + 3] != "ISA" or len(text) < start + 4:
        raise DelimiterError("input does not start with an ISA segment")
    element = text[start + 3]
    if element.isalnum() or element in _WHITESPACE:
        raise DelimiterError(f"ISA element separator {element!r} is not a usable delimiter")
    fixed = text[start : start + ISA_LENGTH]
    if len(fixed) == ISA_LENGTH and fixed.count(element) == 16 and fixed[103] == element:
        fields = fixed.split(element)
        component, terminator = fixed[104], fixed[105]
    else:
        fields = text[start : start + 200].split(element, 16)
        if len(fields) < 17 or not fields[16]:
            raise DelimiterError("ISA segment is truncated: fewer than 16 elements")
        component, terminator = fields[16][0], fields[16][1:2]
    if not terminator or terminator.isalnum() or terminator == element:
        raise DelimiterError("ISA segment does not end with a segment terminator after ISA16")
    repetition = fields[11] if len(fields[11]) == 1 and not fields[11].isalnum() else "^"
    if terminator in _WHITESPACE and terminator != "\n":
        raise DelimiterError(f"segment terminator {terminator!r} is not usable")
    return Delimiters(element=element, component=component, repetition=repetition, segment=terminator)


def split_segments(text: str, delimiters: Delimiters, first_index: int = 1) -> list[Segment]:
    """All segments of ``text`` in order, numbered from ``first_index``; blanks dropped, empty segments kept."""
    pieces = text.split(delimiters.segment)
    if pieces and not pieces[-1].strip(_WHITESPACE):
        pieces.pop()
    element = delimiters.element
    stripped = [piece.strip(_WHITESPACE) for piece in pieces]
    return [
        Segment(index, raw.split(element) if raw else [], raw) for index, raw in enumerate(stripped, start=first_index)
    ]
