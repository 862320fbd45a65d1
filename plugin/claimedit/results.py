"""What processing one input (one file or one broker message) yields: per-claim results, unreadable
transactions and the 999 acknowledgments. The replay CLI and the broker service both consume these."""

from __future__ import annotations

from dataclasses import dataclass, field

from claimedit_edits.model import Claim, Finding, Verdict, verdict_for

__all__ = ["ClaimResult", "GroupAck", "InputResult", "TransactionLocation", "UnreadableResult"]


@dataclass(frozen=True)
class TransactionLocation:
    """Where an unreadable piece sits. Empty strings where the input did not get that far."""

    source: str = ""
    interchange_control: str = ""
    group_control: str = ""
    transaction_control: str = ""
    segment_index: int | None = None
    """1-based index of the first offending segment in the input."""


@dataclass(frozen=True)
class ClaimResult:
    claim: Claim
    findings: tuple[Finding, ...]

    @property
    def verdict(self) -> Verdict:
        return verdict_for(self.findings)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.severity == "error")


@dataclass(frozen=True)
class UnreadableResult:
    """An interchange or transaction no claim could be read from. ``claims_inside`` counts its CLM segments."""

    location: TransactionLocation
    claims_inside: int
    findings: tuple[Finding, ...]
    raw: str = field(default="", repr=False)
    """The unreadable text itself (PHI: for a dead-letter queue, never for logs)."""

    @property
    def verdict(self) -> Verdict:
        return "unreadable"


@dataclass(frozen=True)
class GroupAck:
    """The 999 implementation acknowledgment for one functional group."""

    interchange_control: str
    group_control: str
    accepted: bool
    ack_code: str
    """IK5/AK9 acknowledgment code: A accepted, E accepted with errors, R rejected, P partially accepted."""
    x12: str


@dataclass(frozen=True)
class InputResult:
    """Everything one input produced. Every CLM segment of the input is in exactly one claim or unreadable."""

    source: str
    claims: tuple[ClaimResult, ...] = ()
    unreadable: tuple[UnreadableResult, ...] = ()
    acks: tuple[GroupAck, ...] = ()
    clm_segments_seen: int = 0

    @property
    def claims_accounted(self) -> int:
        return len(self.claims) + sum(item.claims_inside for item in self.unreadable)
