"""The rejecting 999s claimedit writes itself: for groups it does not read, and for groups pyx12 gave up on.

They need only the interchange's outline (its ISA, each GS and the ST segments under it), collected in
the same pass that reads the interchange, so that a large interchange is not held for them.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from claimedit.results import GroupAck
from claimedit.validation.ack999 import rejecting_group_ack
from claimedit.x12.tokens import Segment

__all__ = ["EnvelopeOutline", "rejecting_group_acks"]


@dataclass
class EnvelopeOutline:
    """An interchange's ISA, and each functional group's GS with the ST segments under it, in order."""

    isa: Segment | None = None
    groups: list[tuple[Segment, list[Segment]]] = field(default_factory=list)

    def take(self, segment: Segment) -> None:
        """The next segment of the interchange (only ISA, GS and ST are kept)."""
        tag = segment.tag
        if tag == "GS":
            self.groups.append((segment, []))
        elif tag == "ST" and self.groups:
            self.groups[-1][1].append(segment)
        elif tag == "ISA" and self.isa is None:
            self.isa = segment

    @classmethod
    def of(cls, segments: Sequence[Segment]) -> EnvelopeOutline:
        """The outline of an interchange's segments (none when they do not start with an ISA)."""
        return cls.with_claims(segments)[0]

    @classmethod
    def with_claims(cls, segments: Sequence[Segment]) -> tuple[EnvelopeOutline, int]:
        """The outline of an interchange's segments and their CLM segments, counted in the same walk (the pipeline
        needs both of every input held whole: one pass over its segments, not two)."""
        outline = cls()
        if not segments or segments[0].tag != "ISA":
            return outline, sum(1 for segment in segments if segment.tag == "CLM")
        outline.isa = segments[0]
        groups = outline.groups
        claims = 0
        for segment in segments:  # :meth:`take` inlined: this walks every segment of each input
            tag = segment.tag
            if tag == "CLM":
                claims += 1
            elif tag == "GS":
                groups.append((segment, []))
            elif tag == "ST" and groups:
                groups[-1][1].append(segment)
        return outline, claims


def rejecting_group_acks(
    outline: EnvelopeOutline, supported_groups: Collection[str], *, supported: bool, reason: str
) -> list[GroupAck]:
    """A rejecting 999 for each functional group claimedit reads (``supported``) or does not (4010, 837I ...).

    ``supported_groups`` holds the GS06 of each group read (of the outline's groups, at most one entry each):
    as many as the outline's groups means every group is read, and none is rejected as not supported."""
    if outline.isa is None or (not supported and len(supported_groups) == len(outline.groups)):
        return []
    read_groups = frozenset(supported_groups)
    return [
        rejecting_group_ack(isa=outline.isa, gs=gs, transactions=transactions, reason=reason)
        for gs, transactions in outline.groups
        if (gs.get(6) in read_groups) == supported
    ]
