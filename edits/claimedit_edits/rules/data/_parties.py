"""The provider loops of a claim that carry an NPI, with the entity type the guide allows for each."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from claimedit_edits.model import Claim, Provider

__all__ = ["Party", "parties"]

PERSON, ORGANIZATION = "1", "2"


@dataclass(frozen=True)
class Party:
    role: str
    """Billing provider (2010AA), rendering provider (2310B) ..."""
    provider: Provider
    line: int | None
    allowed: frozenset[str]
    """NM102 values the guide allows for the loop: 1 person, 2 non-person entity."""


def parties(claim: Claim) -> Iterator[Party]:
    both = frozenset({PERSON, ORGANIZATION})
    yield Party("billing provider (2010AA)", claim.billing_provider, None, both)
    if claim.referring_provider is not None:
        yield Party("referring provider (2310A)", claim.referring_provider, None, frozenset({PERSON}))
    if claim.rendering_provider is not None:
        yield Party("rendering provider (2310B)", claim.rendering_provider, None, both)
    if claim.service_facility is not None:
        yield Party("service facility (2310C)", claim.service_facility, None, frozenset({ORGANIZATION}))
    for line in claim.service_lines:
        if line.rendering_provider is not None:
            yield Party(f"line {line.number} rendering provider (2420A)", line.rendering_provider, line.number, both)
