"""Typed claims and findings shared by the reader, the edits and the plugin."""

from claimedit_edits.model.claim import (
    PHI,
    Claim,
    ClaimLocation,
    Diagnosis,
    Envelope,
    Payer,
    Person,
    Provider,
    ServiceLine,
    phi_field_names,
    safe_dump,
)
from claimedit_edits.model.finding import (
    CATEGORIES,
    Category,
    Finding,
    Fix,
    FixAction,
    Severity,
    Verdict,
    verdict_for,
)

__all__ = [
    "CATEGORIES",
    "PHI",
    "Category",
    "Claim",
    "ClaimLocation",
    "Diagnosis",
    "Envelope",
    "Finding",
    "Fix",
    "FixAction",
    "Payer",
    "Person",
    "Provider",
    "ServiceLine",
    "Severity",
    "Verdict",
    "phi_field_names",
    "safe_dump",
    "verdict_for",
]
