"""Cutting a large transaction's segments into runs of claims that the claim parser reads one at a time.

A run is what the parser needs to read some claims exactly as it reads them in the whole transaction:
the ST, the header (BHT, 1000A/B), the HL loops above the run's first segment (the billing provider's
2000A, the subscriber's 2000B and the patient's 2000C loop in force there, their own segments only),
then the run's own segments, from an HL or CLM up to (not including) the HL or CLM after its last
claim. Every segment keeps its position in the transaction, so loop ranges and error positions are the
whole transaction's.

A transaction is cut only when its HL levels are the guide's (20, 22, 23) and no claim stands before
the first HL: anything else is read whole, as before. :class:`RunShape` tells it one segment at a time
and :func:`cut_runs` cuts from a segment iterator, so a transaction too large to hold (its segments read
back from a file) is cut holding only the header, the HL loops in force and one run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from claimedit.x12.tokens import Segment

__all__ = ["RUN_CLAIMS", "RunShape", "claim_runs", "cut_runs", "run_claims_now"]

RUN_CLAIMS = 200
"""Claims read, validated, edited and written together in a large transaction."""
_LEVELS = ("20", "22", "23")


def run_claims_now() -> int:
    """:data:`RUN_CLAIMS` as it is now (tests make runs of one claim)."""
    return RUN_CLAIMS


class RunShape:
    """Whether a transaction's segments (from ST, empty ones left out), taken one at a time, can be cut."""

    def __init__(self) -> None:
        self.seen_hl = False
        self.known = True

    def take(self, segment: Segment) -> None:
        tag = segment.tag
        if tag == "HL":
            self.seen_hl = True
            if segment.get(3) not in _LEVELS:
                self.known = False
        elif tag == "CLM" and not self.seen_hl:
            self.known = False

    @property
    def cuttable(self) -> bool:
        return self.known and self.seen_hl


def claim_runs(segments: list[Segment], claims: int, run_claims: int | None = None) -> list[list[Segment]] | None:
    """The runs of ``segments`` (one transaction from ST, empty segments left out), or None to read it whole.

    None when the transaction holds ``run_claims`` (default :data:`RUN_CLAIMS`) claims or fewer, or has a
    shape the cut does not know.
    """
    if run_claims is None:
        run_claims = RUN_CLAIMS
    if claims <= run_claims:
        return None
    shape = RunShape()
    for segment in segments:
        shape.take(segment)
    if not shape.cuttable:
        return None
    return list(cut_runs(segments, run_claims))


def cut_runs(segments: Iterable[Segment], run_claims: int) -> Iterator[list[Segment]]:
    """The runs of a transaction whose :class:`RunShape` is cuttable, read from ``segments`` as they come."""
    source = iter(segments)
    head: list[Segment] = []
    first_hl: Segment | None = None
    for segment in source:
        if segment.tag == "HL":
            first_hl = segment
            break
        head.append(segment)
    if first_hl is None:
        return
    blocks: dict[str, list[Segment]] = {}
    """The own segments of the HL loops in force, by level."""
    level = ""
    in_claim = False
    context: list[Segment] = []
    run: list[Segment] = []
    claims = 0
    for segment in _prepend(first_hl, source):
        tag = segment.tag
        if tag in ("HL", "CLM") and claims >= run_claims:
            yield [*head, *context, *run]
            run, claims = [], 0
            context = [block_segment for name in _LEVELS for block_segment in blocks.get(name, ())]
        run.append(segment)
        if tag == "HL":
            level = segment.get(3)
            in_claim = False
            if level == "20":
                blocks = {"20": [segment]}
            elif level == "22":
                blocks.pop("23", None)
                blocks["22"] = [segment]
            else:
                blocks["23"] = [segment]
        elif tag == "CLM":
            in_claim = True
            claims += 1
        elif tag != "SE" and not in_claim and level in blocks:
            blocks[level].append(segment)
    if run:
        yield [*head, *context, *run]


def _prepend(first: Segment, rest: Iterator[Segment]) -> Iterator[Segment]:
    yield first
    yield from rest
