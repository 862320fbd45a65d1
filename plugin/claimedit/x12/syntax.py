"""The x12-syntax findings the reader and the validator raise, with stable codes like the edits'.

These are not registry edits (they come from reading, not from a claim), but they follow the same
rules: a code never changes meaning, and every one is documented in docs/edits.md by ``claimedit docs``.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimedit_edits.model import Finding, Fix, Severity

__all__ = ["INTERNAL_CODE", "SYNTAX_FINDINGS", "SyntaxKind", "internal_finding", "syntax_finding"]

IG_SOURCE = "ASC X12 005010X222A1 implementation guide (validated with pyx12 4.0)"


@dataclass(frozen=True)
class SyntaxKind:
    code: str
    name: str
    severity: Severity
    what: str


SYNTAX_FINDINGS: dict[str, SyntaxKind] = {
    kind.code: kind
    for kind in (
        SyntaxKind(
            "SYN001",
            "implementation-guide-violation",
            "error",
            "A segment or element breaks the 005010X222A1 implementation guide (pyx12 validation).",
        ),
        SyntaxKind(
            "SYN002",
            "unsupported-transaction",
            "error",
            "The group or transaction is not an 837P 005010X222A1 (e.g. 4010, 837I): nothing is read from it.",
        ),
        SyntaxKind(
            "SYN003",
            "errata-version-read-as-a1",
            "info",
            "GS08/ST03 carry 005010X222A2 or 005010X222: the claims are read as 005010X222A1.",
        ),
        SyntaxKind(
            "SYN004", "empty-segment", "error", "An empty segment (two terminators in a row) stands in the transaction."
        ),
        SyntaxKind(
            "SYN005",
            "envelope-error",
            "error",
            "ISA/IEA, GS/GE or ST/SE do not match: a trailer is missing or a count or control number differs.",
        ),
        SyntaxKind(
            "SYN006",
            "not-an-interchange",
            "error",
            "The input, or part of it, is not an X12 interchange: no readable ISA segment.",
        ),
        SyntaxKind(
            "SYN007",
            "unreadable-claim-structure",
            "error",
            "A claim's segments could not be read into a claim (missing CLM elements, SV1 without LX ...).",
        ),
        SyntaxKind(
            "SYN008",
            "isa-not-fixed-width",
            "error",
            "An ISA element is off its fixed width (e.g. a sender id of 14 characters): read by counting its elements.",
        ),
        SyntaxKind(
            "SYN009",
            "wide-character-encoding",
            "warning",
            "The input is UTF-16 or UTF-32 text: read, but most translators expect single-byte (ASCII/UTF-8) X12.",
        ),
        SyntaxKind(
            "SYN010",
            "beyond-guide-limits",
            "error",
            "The transaction nests HL levels deeper, or holds more service lines, claims or segments in one loop, "
            "than 005010X222A1 allows: it is rejected before validation and its claims are not read.",
        ),
        SyntaxKind(
            "SYN011",
            "findings-listed-once",
            "error",
            "More findings concern the claim's interchange, group, transaction or HL loop than are copied onto each "
            "claim: the rest are listed once, on that scope's own row (severity: the worst of them).",
        ),
    )
}

INTERNAL_CODE = "INT002"
"""A stage of claimedit failed on one interchange, transaction or claim (INT001 is an edit failing)."""


def syntax_finding(
    code: str,
    message: str,
    *,
    location: str,
    line: int | None = None,
    fix: Fix | None = None,
    severity: Severity | None = None,
) -> Finding:
    kind = SYNTAX_FINDINGS[code]
    return Finding(
        code=kind.code,
        edit=kind.name,
        category="x12-syntax",
        severity=severity or kind.severity,
        line=line,
        message=message,
        source=IG_SOURCE,
        fix=fix,
        location=location,
    )


def internal_finding(stage: str, exc: BaseException, *, location: str) -> Finding:
    """``stage`` raised ``exc`` on the piece at ``location``: a claimedit defect, reported instead of raised.

    Only the exception's type is named: its text may quote the input (PHI).
    """
    return Finding(
        code=INTERNAL_CODE,
        edit="processing-failed",
        category="internal",
        severity="error",
        message=(
            f"claimedit failed while {stage} ({type(exc).__name__}); what it concerns was not fully checked. "
            "This is a claimedit defect, not a coding problem: report it with the location."
        ),
        source="claimedit pipeline",
        location=location,
    )
