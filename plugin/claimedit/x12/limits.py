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
    depth: dict[str, int] = {}
    claims_here = 0
    lines_here = 0
    in_loop = 0
    for segment in segments[1:]:
        tag = segment.tag
        if tag == "HL":
            parent = segment.get(2)
            level = depth.get(parent, 0) + 1 if parent else 1
            if level > MAX_HL_DEPTH:
                return LimitBreach(
                    f"This HL segment opens a hierarchical level {level} deep; 005010X222A1 nests {MAX_HL_DEPTH} "
                    "(billing provider, subscriber, patient).",
                    segment,
                )
            depth[segment.get(1)] = level
            claims_here, lines_here, in_loop = 0, 0, 0
        elif tag == "CLM":
            claims_here += 1
            if claims_here > MAX_CLAIMS_PER_HL:
                return LimitBreach(
                    f"This is claim {claims_here} under one subscriber or patient (HL); 005010X222A1 allows "
                    f"{MAX_CLAIMS_PER_HL} (loop 2300).",
                    segment,
                )
            lines_here, in_loop = 0, 0
        elif tag == "LX":
            lines_here += 1
            if lines_here > MAX_LINES_PER_CLAIM:
                return LimitBreach(
                    f"This is service line {lines_here} of one claim; 005010X222A1 allows {MAX_LINES_PER_CLAIM} "
                    "(loop 2400).",
                    segment,
                )
            in_loop = 0
        elif tag != "SE":
            in_loop += 1
            if in_loop > MAX_SEGMENTS_PER_LOOP:
                return LimitBreach(
                    f"More than {MAX_SEGMENTS_PER_LOOP} segments stand in one loop here; no loop of 005010X222A1 "
                    "holds as many.",
                    segment,
                )
    return None
