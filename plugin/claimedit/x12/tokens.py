"""Splitting raw X12 text into segments using the delimiters the ISA declares.

Tolerates what real feeds send: a UTF-8 BOM, UTF-16/UTF-32 text (found by its byte order mark or by
the NUL bytes around ASCII characters), whitespace or line breaks before the ISA and between segments
(a carriage return may itself be the segment terminator), an ISA whose elements are not padded to
their fixed widths, several interchanges in one input. Empty segments (``~~``) are kept as empty
entries so that the caller can report them: pyx12's reader stops at one without a word.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ISA_ELEMENTS",
    "ISA_LENGTH",
    "Decoded",
    "DelimiterError",
    "Delimiters",
    "IsaHeader",
    "Segment",
    "decode",
    "decode_input",
    "encoding_name",
    "find_delimiters",
    "fixed_width_isa",
    "read_isa",
    "segments_of",
    "sniff_encoding",
    "split_segments",
]

ISA_LENGTH = 106
ISA_ELEMENTS: tuple[tuple[int, str], ...] = (
    (2, "authorization information qualifier"),
    (10, "authorization information"),
    (2, "security information qualifier"),
    (10, "security information"),
    (2, "interchange sender id qualifier"),
    (15, "interchange sender id"),
    (2, "interchange receiver id qualifier"),
    (15, "interchange receiver id"),
    (6, "interchange date"),
    (4, "interchange time"),
    (1, "repetition separator"),
    (5, "interchange control version number"),
    (9, "interchange control number"),
    (1, "acknowledgment requested"),
    (1, "interchange usage indicator"),
    (1, "component element separator"),
)
"""Width and name of ISA01 .. ISA16: X12 fixes each width, so that a fixed-width ISA is 106 characters."""

_PADDED = frozenset({2, 4, 6, 8})
"""ISA elements padded with trailing spaces (authorization, security, sender and receiver ids)."""
_BOM = "\ufeff"
_WHITESPACE = " \t\r\n"
_LINE_ENDS = "\r\n"
"""Whitespace characters that may serve as the segment terminator (a space or tab cannot: it is padding)."""
_ISA_WIDTHS = [width for width, _ in ISA_ELEMENTS]
_ISA_SEARCH = 400
"""Characters after ``ISA`` within which its 16 elements must end (106 when fixed width)."""


class DelimiterError(ValueError):
    """The text does not start with a readable ISA segment."""


@dataclass(frozen=True)
class Delimiters:
    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"


@dataclass(frozen=True)
class IsaHeader:
    """An ISA segment read by counting its 16 elements."""

    delimiters: Delimiters
    elements: tuple[str, ...]
    """ISA01 .. ISA16 as sent (``elements[0]`` is ISA01)."""
    end: int
    """Offset just past the ISA's segment terminator."""

    @property
    def odd_widths(self) -> tuple[tuple[int, int, int], ...]:
        """(element number, width sent, width X12 fixes) for each ISA element off its fixed width."""
        if list(map(len, self.elements)) == _ISA_WIDTHS:  # the usual ISA: every width as X12 fixes it
            return ()
        return tuple(
            (number, len(value), width)
            for number, (value, (width, _)) in enumerate(zip(self.elements, ISA_ELEMENTS, strict=True), start=1)
            if len(value) != width
        )


@dataclass(frozen=True)
class Decoded:
    """Input text and how it was decoded."""

    text: str
    encoding: str
    """Python codec name: ``utf-8``, ``latin-1``, ``utf-16-le``, ``utf-16-be``, ``utf-32-le``, ``utf-32-be``."""
    detected_by: str = ""
    """``byte order mark`` or ``NUL bytes`` for UTF-16/32 input, else empty."""
    error: str | None = None
    """Why the input could not be decoded as ``encoding`` (``text`` then holds what could be read)."""

    @property
    def wide(self) -> bool:
        """True for UTF-16/UTF-32 input: X12 interchanges are normally single-byte text."""
        return self.encoding.startswith(("utf-16", "utf-32"))


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


_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_BOM_OR_NUL_FIRST = frozenset({b"", b"\x00", *(bom[:1] for bom, _ in _BOMS)})
"""First bytes with which an input may start with a byte order mark or be UTF-16/32 (or be empty)."""


def _wide_by_nul_bytes(head: bytes) -> str | None:
    """UTF-16/32 without a byte order mark: ASCII text shows NUL bytes in a fixed pattern."""
    if len(head) < 4 or b"\x00" not in head:
        return None
    nul = [byte == 0 for byte in head[:4]]
    patterns = {
        (False, True, True, True): "utf-32-le",
        (True, True, True, False): "utf-32-be",
        (False, True, False, True): "utf-16-le",
        (True, False, True, False): "utf-16-be",
    }
    return patterns.get((nul[0], nul[1], nul[2], nul[3]))


def sniff_encoding(head: bytes) -> tuple[str, str, int]:
    """The encoding the first four bytes of an input announce, how it was told, and the BOM's length.

    ``("", "", 0)`` when they announce none (then the text is UTF-8, else Latin-1); a UTF-8 BOM gives
    ``("utf-8", "", 3)``; UTF-16/32 are told by their byte order mark or by NUL bytes around ASCII.
    """
    if head[:1] not in _BOM_OR_NUL_FIRST and b"\x00" not in head:  # neither a BOM nor UTF-16/32
        return "", "", 0
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name, "byte order mark" if name != "utf-8" else "", len(bom)
    wide = _wide_by_nul_bytes(head)
    return (wide, "NUL bytes", 0) if wide is not None else ("", "", 0)


def decode_input(data: bytes | str) -> Decoded:
    """Text from bytes, without BOM or leading blanks, and the encoding it was read in.

    UTF-16 and UTF-32 are recognised by their byte order mark or, without one, by the NUL bytes that
    surround ASCII characters. Anything else is UTF-8, falling back to Latin-1 so no byte is ever lost.
    """
    if isinstance(data, str):
        return Decoded(data.lstrip(_BOM + _WHITESPACE), "utf-8")
    encoding, detected_by, skip = sniff_encoding(data[:4])
    body = data[skip:]
    if encoding and encoding != "utf-8":
        try:
            text = body.decode(encoding)
        except UnicodeDecodeError as exc:
            name = _display(encoding)
            return Decoded(
                body.decode(encoding, errors="replace").lstrip(_BOM + _WHITESPACE),
                encoding,
                detected_by,
                error=f"it looks like {name} text (by its {detected_by}) but is not valid {name}: "
                f"{exc.reason} at byte {exc.start + skip}",
            )
        return Decoded(text.lstrip(_BOM + _WHITESPACE), encoding, detected_by)
    try:
        return Decoded(body.decode("utf-8").lstrip(_BOM + _WHITESPACE), "utf-8")
    except UnicodeDecodeError:
        return Decoded(body.decode("latin-1").lstrip(_BOM + _WHITESPACE), "latin-1")


def _display(encoding: str) -> str:
    return encoding.upper().replace("-LE", "LE").replace("-BE", "BE")


def encoding_name(decoded: Decoded) -> str:
    """``UTF-16LE`` and the like, as people write them."""
    return _display(decoded.encoding)


def decode(data: bytes | str) -> str:
    """Text from bytes (see :func:`decode_input`) without BOM or leading blanks."""
    return decode_input(data).text


def read_isa(text: str, start: int = 0) -> IsaHeader:
    """The ISA at ``start``: its 16 elements found by counting element separators, then its terminator.

    The element separator is the character after ``ISA``; ISA16 (one character, the component
    separator) follows the 16th separator and the segment terminator follows ISA16. Counting reads an
    ISA whose sender or receiver id was not padded to 15 characters, or was padded too far, as well
    as a fixed-width one; :attr:`IsaHeader.odd_widths` says which elements are off their width.
    """
    if text[start : start + 3] != "ISA" or len(text) < start + 4:
        raise DelimiterError("input does not start with an ISA segment")
    element = text[start + 3]
    if element.isalnum() or element in _WHITESPACE:
        raise DelimiterError(f"ISA element separator {element!r} is not a usable delimiter")
    head = text[start : min(len(text), start + 4 + _ISA_SEARCH)]
    parts = head.split(element, 16)  # "ISA", ISA01 .. ISA15, then what follows the 16th separator
    if len(parts) < 17:
        raise DelimiterError("ISA segment is truncated: fewer than 16 elements")
    last = start + len(head) - len(parts[16]) - 1
    component, terminator = text[last + 1 : last + 2], text[last + 2 : last + 3]
    if not component or component.isalnum() or component in _WHITESPACE:
        raise DelimiterError("ISA16 (component element separator) is missing or not a usable delimiter")
    if not terminator or terminator.isalnum() or terminator in (element, component):
        raise DelimiterError("ISA segment does not end with a segment terminator after ISA16")
    if terminator in _WHITESPACE and terminator not in _LINE_ENDS:
        raise DelimiterError(f"segment terminator {terminator!r} is not usable: it cannot be told from padding")
    values = parts[1:16]
    if terminator in element.join(values):  # one character, and not the element separator: in some value
        raise DelimiterError("ISA segment is truncated: its segment terminator comes before ISA16")
    values.append(component)
    repetition = values[10] if len(values[10]) == 1 and not values[10].isalnum() else "^"
    return IsaHeader(_delimiters(element, component, repetition, terminator), tuple(values), last + 3)


@lru_cache(maxsize=64)
def _delimiters(element: str, component: str, repetition: str, segment: str) -> Delimiters:
    """One :class:`Delimiters` per set in use (inputs nearly all use one or two), built once instead of per
    interchange (a frozen dataclass sets each field through ``object.__setattr__``)."""
    return Delimiters(element=element, component=component, repetition=repetition, segment=segment)


def find_delimiters(text: str, start: int = 0) -> Delimiters:
    """Delimiters from the ISA at ``start`` (see :func:`read_isa`)."""
    return read_isa(text, start).delimiters


def fixed_width_isa(header: IsaHeader) -> str | None:
    """The ISA padded to its fixed widths, for a validator that reads it by position; None if that would change a value.

    Only the space-padded elements (ISA02, ISA04, ISA06, ISA08) are adjusted: short ones padded with
    spaces, long ones trimmed of trailing spaces. Without its segment terminator.
    """
    values = list(header.elements)
    for number, _, width in header.odd_widths:
        value = values[number - 1]
        if number not in _PADDED or len(value.rstrip(" ")) > width:
            return None
        values[number - 1] = value.rstrip(" ").ljust(width)
    return "ISA" + header.delimiters.element + header.delimiters.element.join(values)


def split_segments(text: str, delimiters: Delimiters, first_index: int = 1) -> list[Segment]:
    """All segments of ``text`` in order, numbered from ``first_index``; blanks dropped, empty segments kept."""
    pieces = text.split(delimiters.segment)
    if pieces and not pieces[-1].strip(_WHITESPACE):
        pieces.pop()
    return segments_of(pieces, delimiters.element, first_index)


_new_segment = object.__new__


def segments_of(pieces: list[str], element: str, first_index: int) -> list[Segment]:
    """One :class:`Segment` per piece of text between segment terminators (blanks around it stripped).

    Builds each segment without calling ``Segment.__init__``: a Python-level call per segment was a
    third of the splitting cost, and every input segment passes through here (or ``spool``).
    """
    segments: list[Segment] = []
    append = segments.append
    index = first_index
    for piece in pieces:
        raw = piece.strip(_WHITESPACE)
        segment: Segment = _new_segment(Segment)
        segment.index = index
        segment.raw = raw
        if raw:
            elements = segment.elements = raw.split(element)
            segment.tag = elements[0]
        else:
            segment.elements = []
            segment.tag = ""
        segment.position = 0
        append(segment)
        index += 1
    return segments
