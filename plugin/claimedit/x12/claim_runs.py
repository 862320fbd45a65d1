"""Cutting a large transaction's segments into runs of claims that the claim parser reads one at a time.

A run is what the parser needs to read some claims exactly as it reads them in the whole transaction:
the ST, the header (BHT, 1000A/B), the HL loops above the run's first segment (the billing provider's
2000A, the subscriber's 2000B and the patient's 2000C loop in force there, their own segments only),
then the run's own segments, from an HL or CLM up to (not including) the HL or CLM after its last
claim. Every segment keeps its position in the transaction, so error positions are the whole
transaction's; so are loop ranges once :attr:`ClaimRun.loop_ends` is applied (in a run, an HL loop of the
context is followed by the next loop of the context, not by the segment that ends it in the transaction).

A transaction is cut only when its HL levels are the guide's (20, 22, 23) and no claim stands before
the first HL: anything else is read whole, as before. :class:`RunShape` tells it one segment at a time
and :func:`cut_runs` cuts from a segment iterator, so a transaction too large to hold (its segments read
back from a file) is cut holding only the header, the HL loops in force and one run.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from claimedit.x12.tokens import Segment

__all__ = ["RUN_CLAIMS", "ClaimRun", "RunShape", "claim_runs", "cut_runs", "run_claims_now"]

RUN_CLAIMS = 200
"""Claims read, validated, edited and written together in a large transaction."""
_LEVELS = ("20", "22", "23")
_ENDS_OWN_SEGMENTS = ("HL", "CLM", "SE")


@dataclass(frozen=True)
class ClaimRun:
    """One run's segments, and where each HL loop of its context ends in the whole transaction."""

    segments: list[Segment]
    loop_ends: dict[int, int] = field(default_factory=dict)
    """Position of an HL loop's HL segment -> position of the HL, CLM or SE that ends its own segments."""

    def loop_range(self, loop: tuple[int, int]) -> tuple[int, int]:
        """A loop range as the parser found it in the run, as it stands in the whole transaction."""
        end = self.loop_ends.get(loop[0])
        return loop if end is None else (loop[0], end)


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


def claim_runs(segments: list[Segment], claims: int, run_claims: int | None = None) -> list[ClaimRun] | None:
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


def cut_runs(segments: Iterable[Segment], run_claims: int) -> Iterator[ClaimRun]:
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
    loops = _LoopsInForce()
    context: list[Segment] = []
    context_ends: dict[int, int] = {}
    run: list[Segment] = []
    claims = 0
    for segment in _prepend(first_hl, source):
        loops.close(segment)
        if segment.tag in ("HL", "CLM") and claims >= run_claims:
            yield ClaimRun([*head, *context, *run], context_ends)
            run, claims = [], 0
            context, context_ends = loops.context(), loops.ends_by_start()
        run.append(segment)
        claims += loops.take(segment)
    if run:
        yield ClaimRun([*head, *context, *run], context_ends)


class _LoopsInForce:
    """The billing provider, subscriber and patient HL loops in force: their own segments and where they end."""

    def __init__(self) -> None:
        self.blocks: dict[str, list[Segment]] = {}
        """The own segments of the HL loops in force, by level."""
        self.ends: dict[str, int] = {}
        """Where the own segments of the HL loops in force end, by level, once known."""
        self.level = ""
        self.in_claim = False

    def close(self, segment: Segment) -> None:
        """Before ``segment`` is taken: the HL, CLM or SE that ends the own segments of the current loop."""
        level = self.level
        if segment.tag in _ENDS_OWN_SEGMENTS and not self.in_claim and level in self.blocks and level not in self.ends:
            self.ends[level] = segment.position

    def take(self, segment: Segment) -> int:
        """The next segment of the transaction; 1 for a claim's CLM, else 0."""
        tag = segment.tag
        if tag == "HL":
            level = self.level = segment.get(3)
            self.in_claim = False
            if level == "20":
                self.blocks, self.ends = {}, {}
            elif level == "22":
                for name in ("22", "23"):
                    self.blocks.pop(name, None)
                    self.ends.pop(name, None)
            else:
                self.ends.pop("23", None)
            self.blocks[level] = [segment]
        elif tag == "CLM":
            self.in_claim = True
            return 1
        elif tag != "SE" and not self.in_claim and self.level in self.blocks:
            self.blocks[self.level].append(segment)
        return 0

    def context(self) -> list[Segment]:
        return [segment for name in _LEVELS for segment in self.blocks.get(name, ())]

    def ends_by_start(self) -> dict[int, int]:
        return {
            self.blocks[name][0].position: self.ends[name]
            for name in _LEVELS
            if name in self.blocks and name in self.ends
        }


def _prepend(first: Segment, rest: Iterator[Segment]) -> Iterator[Segment]:
    yield first
    yield from rest
