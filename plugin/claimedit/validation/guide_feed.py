"""Feeding a compiled guide's check the segments pyx12 would be given, until it turns unclean.

The segments come as :class:`~claimedit.validation.pyx12_text.Pyx12Text` keeps them (the fixed-width
ISA first, A2 read as A1, stubs for transactions rejected before validation): the reader's own segment
objects where the text is unchanged, so nothing is split twice. The first opens the check, the others are
fed to it. ``clean`` is sticky in the check, so feeding stops the moment it turns False: with
:class:`~claimedit.validation.gate.Pyx12Only` that is right after the ISA.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

from claimedit.results import GroupAck
from claimedit.validation.gate import Guide, InterchangeCheck
from claimedit.x12.tokens import Delimiters, Segment

__all__ = ["GuideFeed"]


class GuideFeed:
    """One interchange's check, fed kept segments one at a time (:meth:`take`) or many at once (:meth:`take_all`).

    Segments taken one at a time are handed to the check in runs of :data:`RUN` (one ``feed_all`` call per run,
    not one ``feed`` per segment); :attr:`clean` and :meth:`acks` hand on what is pending first.
    """

    __slots__ = ("_clean", "_pending", "check", "delimiters", "guide")

    RUN = 256
    """Segments held before the check is given them (bounded memory for a spooled interchange)."""

    def __init__(self, guide: Guide, delimiters: Delimiters) -> None:
        self.guide = guide
        self.delimiters = delimiters
        self.check: InterchangeCheck | None = None
        self._clean = True
        self._pending: list[Segment] = []

    @property
    def clean(self) -> bool:
        """False once the check says so (pyx12 then validates the interchange); True before the first segment."""
        self._hand_on()
        return self._clean

    def take(self, segment: Segment) -> None:
        """The next kept segment; its ``raw`` is the text pyx12 will read (without terminator)."""
        if self._clean:
            pending = self._pending
            pending.append(segment)
            if len(pending) >= self.RUN:
                self._hand_on()

    def take_all(self, segments: Sequence[Segment]) -> None:
        """The next kept segments (an interchange held whole: all of them at once)."""
        self._hand_on()
        self._feed(segments)

    def acks(self) -> list[GroupAck]:
        """The check's accepting 999s, once the whole interchange was fed clean; else none."""
        if not self.clean or self.check is None:
            return []
        return self.check.acks()

    def _hand_on(self) -> None:
        if self._pending:
            pending, self._pending = self._pending, []
            self._feed(pending)

    def _feed(self, segments: Sequence[Segment]) -> None:
        """The first segment opens the check (the ISA), the others are fed to it; ``clean`` is sticky."""
        if not self._clean or not segments:
            return
        check = self.check
        if check is None:
            check = self.check = self.guide.open(segments[0], self.delimiters)
            check.feed_all(islice(segments, 1, None))
        else:
            check.feed_all(segments)
        self._clean = check.clean
