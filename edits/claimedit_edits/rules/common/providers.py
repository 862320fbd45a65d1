"""Which provider a service line belongs to (history family and the history store)."""

from __future__ import annotations

from claimedit_edits.model import Claim, ServiceLine

__all__ = ["line_npi"]


def line_npi(claim: Claim, line: ServiceLine) -> str:
    """The NPI that rendered the line: the line's rendering provider, else the claim's, else the billing one."""
    for provider in (line.rendering_provider, claim.rendering_provider):
        if provider is not None and provider.npi:
            return provider.npi
    return claim.billing_provider.npi
