"""The provider loops of a claim that carry an NPI, with the entity type the guide allows for each."""

from __future__ import annotations

from typing import NamedTuple

from claimedit_edits.model import Claim, Provider

__all__ = ["Party", "parties"]

PERSON, ORGANIZATION = "1", "2"


class Party(NamedTuple):
    """One provider loop (a named tuple: built for every claim, it must be cheap)."""

    role: str
    """Billing provider (2010AA), rendering provider (2310B) ..."""
    provider: Provider
    line: int | None
    allowed: frozenset[str]
    """NM102 values the guide allows for the loop: 1 person, 2 non-person entity."""


_BOTH = frozenset({PERSON, ORGANIZATION})
_PERSON_ONLY = frozenset({PERSON})
_ORGANIZATION_ONLY = frozenset({ORGANIZATION})


def parties(claim: Claim) -> tuple[Party, ...]:
    """The claim's provider loops in claim order (edits share one list per claim: ``ctx.derived(parties)``)."""
    new = tuple.__new__  # Party(...) without the named tuple's own __new__ (a Python call): built for every claim
    found = [new(Party, ("billing provider (2010AA)", claim.billing_provider, None, _BOTH))]
    if claim.referring_provider is not None:
        found.append(new(Party, ("referring provider (2310A)", claim.referring_provider, None, _PERSON_ONLY)))
    if claim.rendering_provider is not None:
        found.append(new(Party, ("rendering provider (2310B)", claim.rendering_provider, None, _BOTH)))
    if claim.service_facility is not None:
        found.append(new(Party, ("service facility (2310C)", claim.service_facility, None, _ORGANIZATION_ONLY)))
    for line in claim.service_lines:
        provider = line.rendering_provider
        if provider is not None:
            found.append(new(Party, (f"line {line.number} rendering provider (2420A)", provider, line.number, _BOTH)))
    return tuple(found)
