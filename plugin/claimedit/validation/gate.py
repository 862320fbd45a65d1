"""The seam between the pipeline and the compiled guide check: what the pipeline asks, what the guide answers.

The pipeline opens one :class:`InterchangeCheck` per interchange it gives to pyx12 and feeds it, in input
order, exactly the segments pyx12 would be given (the same filtering and rewriting as the text handed
to pyx12: supported groups only, ST03/GS08 A2 read as A1, empty segments left out, the fixed-width ISA).
While :attr:`InterchangeCheck.clean` stays True, pyx12 does not run; after the IEA, a clean check gives
the accepting 999 of each group, byte for byte what pyx12 writes (control numbers and dates aside).

``clean`` is sticky: once False it stays False, and the pipeline falls back to pyx12 for the whole
interchange. It must never be True for an interchange where pyx12 reports any error: anything the
compiled check does not know makes it False.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from claimedit.results import GroupAck
from claimedit.x12.tokens import Delimiters, Segment

__all__ = ["Guide", "InterchangeCheck", "Pyx12Only"]


class InterchangeCheck(Protocol):
    """The guide check of one interchange, fed one segment at a time."""

    def feed(self, segment: Segment) -> None:
        """The next segment after the ISA (GS, ST, ..., SE, GE, IEA), in input order."""

    def feed_all(self, segments: Iterable[Segment]) -> None:
        """The next segments, in input order: the same as feeding each (one call for many: the pipeline's way)."""

    @property
    def clean(self) -> bool:
        """True while pyx12 would report no error on any segment fed so far (False once anything is unknown)."""

    def acks(self) -> list[GroupAck]:
        """After the IEA of a clean interchange: the accepting 999 of each group, in order (else empty)."""


class Guide(Protocol):
    """A compiled implementation guide, loaded once per process."""

    def open(self, isa: Segment, delimiters: Delimiters) -> InterchangeCheck:
        """A check of the interchange opened by ``isa`` (already the fixed-width form pyx12 reads)."""


class _NeverClean:
    clean = False

    def feed(self, segment: Segment) -> None:
        del segment

    def feed_all(self, segments: Iterable[Segment]) -> None:
        del segments

    def acks(self) -> list[GroupAck]:
        return []


class Pyx12Only:
    """The guide that knows nothing: every interchange goes to pyx12 (the reference in differential tests)."""

    def open(self, isa: Segment, delimiters: Delimiters) -> InterchangeCheck:
        del isa, delimiters
        return _NeverClean()
