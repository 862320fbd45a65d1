"""Feeding a compiled guide's check the segments pyx12 would be given, until it turns unclean.

The segments come as the text :class:`~claimedit.validation.pyx12_text.Pyx12Text` keeps (the fixed-width
ISA first, A2 read as A1, stubs for transactions rejected before validation); the first opens the check,
the others are fed to it. ``clean`` is sticky in the check, so feeding stops the moment it turns False:
with :class:`~claimedit.validation.gate.Pyx12Only` that is right after the ISA.
"""

from __future__ import annotations

from claimedit.results import GroupAck
from claimedit.validation.gate import Guide, InterchangeCheck
from claimedit.x12.tokens import Delimiters, Segment

__all__ = ["GuideFeed"]


class GuideFeed:
    """One interchange's check, fed one kept segment at a time."""

    def __init__(self, guide: Guide, delimiters: Delimiters) -> None:
        self.guide = guide
        self.delimiters = delimiters
        self.check: InterchangeCheck | None = None
        self.clean = True
        """False once the check says so (pyx12 then validates the interchange); True before the first segment."""
        self._count = 0

    def take(self, text: str) -> None:
        """The next kept segment, as pyx12 will read it (without terminator)."""
        if not self.clean:
            return
        self._count += 1
        segment = Segment(self._count, text.split(self.delimiters.element), text)
        if self.check is None:
            self.check = self.guide.open(segment, self.delimiters)
        else:
            self.check.feed(segment)
        self.clean = self.check.clean

    def acks(self) -> list[GroupAck]:
        """The check's accepting 999s, once the whole interchange was fed clean; else none."""
        if self.check is None or not self.clean:
            return []
        return self.check.acks()
