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
    found = [Party("billing provider (2010AA)", claim.billing_provider, None, _BOTH)]
    if claim.referring_provider is not None:
        found.append(Party("referring provider (2310A)", claim.referring_provider, None, _PERSON_ONLY))
    if claim.rendering_provider is not None:
        found.append(Party("rendering provider (2310B)", claim.rendering_provider, None, _BOTH))
    if claim.service_facility is not None:
        found.append(Party("service facility (2310C)", claim.service_facility, None, _ORGANIZATION_ONLY))
    found += [
        Party(f"line {line.number} rendering provider (2420A)", line.rendering_provider, line.number, _BOTH)
        for line in claim.service_lines
        if line.rendering_provider is not None
    ]
    return tuple(found)
