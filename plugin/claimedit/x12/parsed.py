"""What the reader keeps beside each domain claim: the X12 transport state (raw segments, delimiters).

The domain :class:`~claimedit_edits.model.Claim` holds what an edit reads and nothing of the wire, so a
database row or an HTTP answer built from it never holds raw segments. The raw segments are PHI (names,
member ids, addresses as sent): they travel only on :class:`ParsedClaim` and the plugin's per-claim result,
to the outputs that write X12 again (the split 837P, the 277CA) and to the pipeline's error sorting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from claimedit_edits.model import Claim

__all__ = ["ClaimSegments", "ParsedClaim"]


@dataclass(frozen=True, slots=True)
class ClaimSegments:
    """The raw segments (without terminator) needed to write one claim as its own interchange."""

    header: tuple[str, ...] = field(default=(), repr=False)
    """BHT and the 1000A/1000B loops."""
    billing_provider: tuple[str, ...] = field(default=(), repr=False)
    """2000A HL through the end of the 2010AB/AC loops."""
    subscriber: tuple[str, ...] = field(default=(), repr=False)
    """2000B HL through 2010BB."""
    patient: tuple[str, ...] = field(default=(), repr=False)
    """2000C HL through 2010CA; empty when the subscriber is the patient."""
    claim: tuple[str, ...] = field(default=(), repr=False)
    """The 2300 loop with its 2400 loops."""
    element_separator: str = "*"
    component_separator: str = ":"
    repetition_separator: str = "^"
    segment_terminator: str = "~"


@dataclass(frozen=True, slots=True)
class ParsedClaim:
    """One claim as the reader read it: the domain claim and, beside it, its raw segments."""

    claim: Claim
    segments: ClaimSegments = field(repr=False)
