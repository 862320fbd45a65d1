"""What 005010X222A1 allows in one transaction, checked in one pass before anything costly reads it.

A transaction beyond these limits is rejected as a whole, before pyx12 and the edits (SYN010): a few
kilobytes of nested HL segments or a million tiny segments must not buy seconds of work. The limits
are the implementation guide's own, with room where the guide leaves a loop open:

- HL nesting: billing provider (2000A) > subscriber (2000B) > patient (2000C): three levels;
- service lines (2400, LX) per claim: 50;
- claims (2300, CLM) per subscriber or patient HL: 100;
- segments in one loop instance (the header, an HL loop's own segments, a claim's own segments, one
  service line): 1,000. The largest the guide allows are 582 (2300 with every 2310/2320 loop at its
  maximum) and 438 (2400 with one 2440 form); a service line with several 2440 forms still fits.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimedit.x12.tokens import Segment

__all__ = [
    "MAX_CLAIMS_PER_HL",
    "MAX_HL_DEPTH",
    "MAX_LINES_PER_CLAIM",
    "MAX_SEGMENTS_PER_LOOP",
    "LimitBreach",
    "LimitWatch",
    "first_breach",
]

MAX_HL_DEPTH = 3
MAX_LINES_PER_CLAIM = 50
MAX_CLAIMS_PER_HL = 100
MAX_SEGMENTS_PER_LOOP = 1_000


@dataclass(frozen=True)
class LimitBreach:
    """The first segment beyond a limit, and what the limit is (no value of the input is quoted)."""

    message: str
    segment: Segment


def first_breach(segments: list[Segment]) -> LimitBreach | None:
    """The first place ``segments`` (one transaction from ST, empty segments removed) go beyond the guide."""
    return LimitWatch().take_all(segments[1:])


class LimitWatch:
    """:func:`first_breach` one segment at a time (after the ST), for a transaction too large to hold.

    It keeps counters and the level of each HL id seen: an id written as a plain number (as translators
    number them) in one byte at that number, any other in a dict.
    """

    def __init__(self) -> None:
        self._levels = bytearray()
        self._other_levels: dict[str, int] = {}
        self._claims_here = 0
        self._lines_here = 0
        self._in_loop = 0

    def _level_of(self, hl_id: str) -> int:
        if _numbered(hl_id):
            number = int(hl_id)
            return self._levels[number] if number < len(self._levels) else 0
        return self._other_levels.get(hl_id, 0)

    def _set_level(self, hl_id: str, level: int) -> None:
        if _numbered(hl_id):
            number = int(hl_id)
            if number >= len(self._levels):
                self._levels.extend(bytes(number + 1 - len(self._levels)))
            self._levels[number] = level
        else:
            self._other_levels[hl_id] = level

    def take(self, segment: Segment) -> LimitBreach | None:
        """The breach this segment makes, if any."""
        tag = segment.tag
        if tag == "HL":
            parent = segment.get(2)
            level = self._level_of(parent) + 1 if parent else 1
            if level > MAX_HL_DEPTH:
                return LimitBreach(
                    f"This HL segment opens a hierarchical level {level} deep; 005010X222A1 nests {MAX_HL_DEPTH} "
                    "(billing provider, subscriber, patient).",
                    segment,
                )
            self._set_level(segment.get(1), level)
            self._claims_here, self._lines_here, self._in_loop = 0, 0, 0
        elif tag == "CLM":
            self._claims_here += 1
            if self._claims_here > MAX_CLAIMS_PER_HL:
                return LimitBreach(
                    f"This is claim {self._claims_here} under one subscriber or patient (HL); 005010X222A1 allows "
                    f"{MAX_CLAIMS_PER_HL} (loop 2300).",
                    segment,
                )
            self._lines_here, self._in_loop = 0, 0
        elif tag == "LX":
            self._lines_here += 1
            if self._lines_here > MAX_LINES_PER_CLAIM:
                return LimitBreach(
                    f"This is service line {self._lines_here} of one claim; 005010X222A1 allows "
                    f"{MAX_LINES_PER_CLAIM} (loop 2400).",
                    segment,
                )
            self._in_loop = 0
        elif tag != "SE":
            self._in_loop += 1
            if self._in_loop > MAX_SEGMENTS_PER_LOOP:
                return LimitBreach(
                    f"More than {MAX_SEGMENTS_PER_LOOP} segments stand in one loop here; no loop of 005010X222A1 "
                    "holds as many.",
                    segment,
                )
        return None

    def take_all(self, segments: list[Segment]) -> LimitBreach | None:
        """:meth:`take` of each segment in turn, up to the first breach: a held transaction's in one call.

        A segment other than HL, CLM, LX and SE only counts towards its loop's size: that count is kept in a
        local variable, and :meth:`take` is called for the others (and for the segment that breaches).
        """
        in_loop = self._in_loop
        counted_apart = _COUNTED_APART
        for segment in segments:
            if segment.tag in counted_apart:
                self._in_loop = in_loop
                breach = self.take(segment)
                if breach is not None:
                    return breach
                in_loop = self._in_loop
            elif in_loop < MAX_SEGMENTS_PER_LOOP:
                in_loop += 1
            else:
                self._in_loop = in_loop
                return self.take(segment)
        self._in_loop = in_loop
        return None


_COUNTED_APART = frozenset({"HL", "CLM", "LX", "SE"})
"""Segments :meth:`LimitWatch.take` does not count as one more segment of the loop they stand in."""
_NUMBERED_UP_TO = 1 << 26
"""HL ids up to this number take a byte each (64 MB at most); larger or other ids go to a dict."""


def _numbered(hl_id: str) -> bool:
    """Whether ``hl_id`` is a plain decimal number (no sign, no leading zero) small enough to index by."""
    return (
        hl_id.isascii()
        and hl_id.isdigit()
        and (hl_id == "0" or hl_id[0] != "0")
        and len(hl_id) <= 8
        and int(hl_id) < _NUMBERED_UP_TO
    )
