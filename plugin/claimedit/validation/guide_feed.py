"""Feeding a compiled guide's check the segments pyx12 would be given, until it turns unclean.

The segments come as :class:`~claimedit.validation.pyx12_text.Pyx12Text` keeps them (the fixed-width
ISA first, A2 read as A1, stubs for transactions rejected before validation): the reader's own segment
objects where the text is unchanged, so nothing is split twice. The first opens the check, the others are
fed to it. ``clean`` is sticky in the check, so feeding stops the moment it turns False: with
:class:`~claimedit.validation.gate.Pyx12Only` that is right after the ISA.
"""

from __future__ import annotations

from claimedit.results import GroupAck
from claimedit.validation.gate import Guide, InterchangeCheck
from claimedit.x12.tokens import Delimiters, Segment

__all__ = ["GuideFeed"]


class GuideFeed:
    """One interchange's check, fed one kept segment at a time."""

    __slots__ = ("check", "clean", "delimiters", "guide")

    def __init__(self, guide: Guide, delimiters: Delimiters) -> None:
        self.guide = guide
        self.delimiters = delimiters
        self.check: InterchangeCheck | None = None
        self.clean = True
        """False once the check says so (pyx12 then validates the interchange); True before the first segment."""

    def take(self, segment: Segment) -> None:
        """The next kept segment; its ``raw`` is the text pyx12 will read (without terminator)."""
        if not self.clean:
            return
        check = self.check
        if check is None:
            check = self.check = self.guide.open(segment, self.delimiters)
        else:
            check.feed(segment)
        self.clean = check.clean

    def acks(self) -> list[GroupAck]:
        """The check's accepting 999s, once the whole interchange was fed clean; else none."""
        if self.check is None or not self.clean:
            return []
        return self.check.acks()
