"""The bounds every input runs under: its size, its longest element, and its CPU time.

An input over a bound is never processed further. It gets exactly one dead letter naming the bound,
and a 999 rejecting each functional group whose ISA/GS/ST headers a single regular-expression pass
can read (the headers only, never the claims): the submitter hears back, the broker never redelivers.
Everything here is linear in the input.
"""

from __future__ import annotations

import codecs
import itertools
import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Literal

from claimedit.results import GroupAck
from claimedit.validation.ack999 import SEGMENTS_IN_ERROR, rejecting_group_ack
from claimedit.x12.tokens import DelimiterError, Delimiters, Segment, decode, find_delimiters, sniff_encoding

__all__ = [
    "BudgetExceeded",
    "LimitKind",
    "Limits",
    "OverLimit",
    "cpu_budget",
    "over_size",
    "rejecting_acks",
    "size_over",
]

LimitKind = Literal["over-size", "over-cpu-budget"]
_HEADER_ELEMENT_CAP = 35
"""GS and ST elements are at most 35 characters (GS02/GS03 15, GS06 9, GS08 12): longer is cut."""


@dataclass(frozen=True)
class Limits:
    """The bounds of one input; picklable, handed to the worker with the input."""

    max_input_bytes: int = 2 * 1024 * 1024
    max_element_length: int = 1024
    cpu_seconds: float = 30.0


@dataclass(frozen=True)
class OverLimit:
    """Why an input was not processed: the bound it broke, in words without any of its values."""

    kind: LimitKind
    reason: str
    acks: list[GroupAck] = field(default_factory=list)


class BudgetExceeded(BaseException):
    """Raised in a worker when the input's CPU budget ran out.

    A ``BaseException`` so that a stage catching ``Exception`` to turn a failure into a finding cannot
    swallow it and carry on spending CPU.
    """


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` in the main thread once this process spent ``seconds`` of CPU time.

    ``ITIMER_PROF`` counts user and system time of the whole process. Python runs the handler between
    bytecodes: a single C call that never returns is caught by the parent's wall-clock backstop instead.
    """

    def _expired(_signum: int, _frame: FrameType | None) -> None:
        raise BudgetExceeded

    previous = signal.signal(signal.SIGPROF, _expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _delimiters(text: str) -> Delimiters | None:
    try:
        return find_delimiters(text)
    except (DelimiterError, IndexError):
        return None


def _longest_run_over(text: str, delimiters: Delimiters, limit: int) -> bool:
    """Whether some element (text between delimiters) is longer than ``limit`` characters.

    The lookbehind starts a match only where a run of element characters begins, so each character is
    looked at a bounded number of times: linear, however the runs are laid out.
    """
    chars = re.escape(
        "".join({delimiters.element, delimiters.segment, delimiters.component, delimiters.repetition, "\r", "\n"})
    )
    pattern = re.compile(rf"(?<![^{chars}])[^{chars}]{{{limit + 1}}}")
    return pattern.search(text) is not None


def size_over(size: int, limits: Limits) -> OverLimit | None:
    """The refusal of an input of ``size`` bytes, over ``max_input_bytes``, else None: known before reading it."""
    if size <= limits.max_input_bytes:
        return None
    return OverLimit("over-size", f"the input is {size} bytes, over max_input_bytes ({limits.max_input_bytes})")


def over_size(body: bytes, limits: Limits) -> OverLimit | None:
    """The size bound ``body`` breaks (whole input, or one element), else None."""
    too_large = size_over(len(body), limits)
    if too_large is not None:
        return too_large
    text = decode(body)
    delimiters = _delimiters(text)
    if delimiters is not None and _longest_run_over(text, delimiters, limits.max_element_length):
        reason = f"a data element is longer than max_element_length ({limits.max_element_length} characters)"
        return OverLimit("over-size", reason)
    return None


def _header_pattern(delimiters: Delimiters) -> re.Pattern[str]:
    element, segment = re.escape(delimiters.element), re.escape(delimiters.segment)
    return re.compile(rf"(?:^|{segment})[ \t\r\n]*((?:ISA|GS|ST){element}[^{segment}]*)")


def _header_patterns_bytes(element: bytes, segment: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    """:func:`_header_pattern` over bytes, for one-byte delimiters: the first segment, then every later one.

    Apart, because the text starts with its ISA: ``(?:^|~)`` would be tried at every byte, where a
    pattern starting with the terminator alone is searched for as a literal (measured: 2.2 s against
    0.24 s on a 50 MB input).
    """
    element, segment = re.escape(element), re.escape(segment)
    header = rb"((?:ISA|GS|ST)" + element + rb"[^" + segment + rb"]*)"
    return re.compile(header), re.compile(segment + rb"[ \t\r\n]*" + header)


def _segment(index: int, raw: str, delimiters: Delimiters) -> Segment:
    elements = raw.split(delimiters.element)
    if elements[0] != "ISA":
        elements = [value[:_HEADER_ELEMENT_CAP] for value in elements]
    return Segment(index, elements, raw[:200])


def _groups(segments: Iterator[Segment]) -> list[tuple[Segment, Segment, list[Segment]]]:
    """ISA, GS and ST segments in input order grouped by functional group; a GS before any ISA is dropped."""
    groups: list[tuple[Segment, Segment, list[Segment]]] = []
    isa: Segment | None = None
    for segment in segments:
        if segment.tag == "ISA":
            isa = segment
        elif segment.tag == "GS" and isa is not None:
            groups.append((isa, segment, []))
        elif segment.tag == "ST" and groups:
            groups[-1][2].append(segment)
    return groups


def _headers_of_text(body: bytes) -> Iterator[Segment]:
    """The header segments of the whole input decoded to text: for what the bytes pass cannot read."""
    text = decode(body)
    delimiters = _delimiters(text)
    if delimiters is None:
        return
    for index, match in enumerate(_header_pattern(delimiters).finditer(text), start=1):
        yield _segment(index, match.group(1), delimiters)


@dataclass(frozen=True)
class _PlainBytes:
    """An input read as :func:`decode` would read it, but in place: where its text starts and in what encoding."""

    start: int
    encoding: Literal["utf-8", "latin-1"]


_UTF8_BOM = codecs.BOM_UTF8
_CHECK_CHUNK = 64 * 1024
_HEAD_BYTES = 2048
"""Bytes decoded to find the delimiters: more than the ISA's 404 characters even at 4 bytes a character."""
_LEADING_UTF8 = re.compile(rb"(?:[ \t\r\n]|" + re.escape(_UTF8_BOM) + rb")*")
"""What :func:`decode` strips before the text of UTF-8 input: blanks and byte order marks."""
_LEADING_LATIN1 = re.compile(rb"[ \t\r\n]*")


def _is_utf8(body: bytes, start: int) -> bool:
    """Whether ``body[start:]`` is valid UTF-8, decoded a chunk at a time: no copy of it is ever whole."""
    if body.isascii():
        return True
    view = memoryview(body)[start:]
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        for offset in range(0, len(view), _CHECK_CHUNK):
            decoder.decode(view[offset : offset + _CHECK_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def _plain(body: bytes) -> _PlainBytes | None:
    """Where :func:`decode`'s text starts in ``body`` and its encoding; None for UTF-16/32 (decoded instead)."""
    encoding, _, skip = sniff_encoding(body[:4])
    if encoding and encoding != "utf-8":
        return None
    chosen: Literal["utf-8", "latin-1"] = "utf-8" if _is_utf8(body, skip) else "latin-1"
    blanks = _LEADING_UTF8 if chosen == "utf-8" else _LEADING_LATIN1
    match = blanks.match(memoryview(body)[skip:])
    return _PlainBytes(skip + (match.end() if match is not None else 0), chosen)


def _one_byte(character: str, encoding: str) -> bytes | None:
    encoded = character.encode(encoding)
    return encoded if len(encoded) == 1 else None


def _headers_of_bytes(body: bytes) -> Iterator[Segment] | None:
    """The header segments read from the bytes as sent: no copy of the input, each segment decoded alone.

    The same segments as :func:`_headers_of_text`; None where that needs the whole text (UTF-16/32, or a
    delimiter that is more than one byte in the input's encoding).
    """
    plain = _plain(body)
    if plain is None:
        return None
    view = memoryview(body)[plain.start :]
    head = codecs.getincrementaldecoder(plain.encoding)().decode(view[:_HEAD_BYTES])
    delimiters = _delimiters(head)
    if delimiters is None:
        return iter(())
    element = _one_byte(delimiters.element, plain.encoding)
    segment = _one_byte(delimiters.segment, plain.encoding)
    if element is None or segment is None:
        return None
    first, later = _header_patterns_bytes(element, segment)
    opening = first.match(view)  # the ISA the delimiters were read from
    if opening is None:  # pragma: no cover  (the text starts with "ISA" and its element separator)
        return iter(())
    matches = itertools.chain([opening], later.finditer(view, opening.end()))
    return (
        _segment(index, match.group(1).decode(plain.encoding), delimiters)
        for index, match in enumerate(matches, start=1)
    )


def rejecting_acks(body: bytes, *, ik502: str = SEGMENTS_IN_ERROR) -> list[GroupAck]:
    """A 999 rejecting every transaction of each group whose headers can be read, in input order.

    Only ISA, GS and ST segments are looked at (one pass of a regular expression over the bytes as
    sent, so that refusing a 50 MB input copies none of it); a GS before any readable ISA, or an input
    without a readable ISA, yields nothing.
    """
    segments = _headers_of_bytes(body)
    groups = _groups(segments if segments is not None else _headers_of_text(body))
    return [
        rejecting_group_ack(isa=isa_segment, gs=gs, transactions=transactions, reason=ik502)
        for isa_segment, gs, transactions in groups
    ]
