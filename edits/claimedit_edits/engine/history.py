"""What an edit sees of the patient's earlier claims: a port the engine hands in, filled by a history store.

The records hold only what the cross-claim edits need (provider NPIs, dates, codes, modifiers, units) and
how to name the earlier claim in a finding (its claim id and when it was seen): never a patient identifier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

__all__ = ["ClaimHistory", "PriorClaim", "PriorLine"]


@dataclass(frozen=True, slots=True)
class PriorLine:
    """One service line of an earlier claim."""

    number: int
    day: dt.date
    code: str
    modifiers: tuple[str, ...]
    units: int
    rendering_npi: str
    """The line's rendering NPI, else the claim's, else the billing provider's."""


@dataclass(frozen=True, slots=True)
class PriorClaim:
    """An earlier accepted claim of the same patient."""

    claim_id: str
    seen_at: dt.datetime
    billing_npi: str
    lines: tuple[PriorLine, ...]

    @property
    def named(self) -> str:
        """How a finding names it: ``claim C-1 (seen 2025-03-04)``."""
        return f"claim {self.claim_id} (seen {self.seen_at.date().isoformat()})"


class ClaimHistory(Protocol):
    """The patient's earlier claims, as a history store recalls them for the claim being edited."""

    def claims_between(self, first: dt.date, last: dt.date) -> Sequence[PriorClaim]:
        """Earlier accepted claims of the same patient (any provider) with a line dated in ``[first, last]``.

        Never the claim itself (a redelivery), nor the original a replacement or void replaces.
        """
        ...
