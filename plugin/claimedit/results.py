"""What processing one input (one file or one broker message) yields: per-claim results, unreadable
transactions and the 999 acknowledgments. The replay CLI and the broker service both consume these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from claimedit.x12.parsed import ClaimSegments
from claimedit_edits.model import Claim, Finding, Verdict, verdict_for

__all__ = [
    "ClaimResult",
    "GroupAck",
    "InputResult",
    "Scope",
    "SharedFindings",
    "TransactionLocation",
    "UnreadableResult",
]

Scope = Literal["interchange", "group", "transaction", "loop"]
_set = object.__setattr__
_NO_SEGMENTS = ClaimSegments()


@dataclass(frozen=True, init=False)
class TransactionLocation:
    """Where an unreadable piece sits. Empty strings where the input did not get that far."""

    source: str = ""
    interchange_control: str = ""
    group_control: str = ""
    transaction_control: str = ""
    segment_index: int | None = None
    """1-based index of the first offending segment in the input."""

    def __init__(
        self,
        source: str = "",
        interchange_control: str = "",
        group_control: str = "",
        transaction_control: str = "",
        segment_index: int | None = None,
    ) -> None:
        """The dataclass's own ``__init__``, its fields set in one step: a frozen dataclass sets each through
        ``object.__setattr__``, and several locations are built for every input."""
        _set(
            self,
            "__dict__",
            {
                "source": source,
                "interchange_control": interchange_control,
                "group_control": group_control,
                "transaction_control": transaction_control,
                "segment_index": segment_index,
            },
        )


@dataclass(frozen=True, init=False)
class ClaimResult:
    claim: Claim
    findings: tuple[Finding, ...]
    segments: ClaimSegments = field(default=ClaimSegments(), repr=False)
    """The claim's raw segments as read (PHI), for the outputs that write X12 again; none when the result
    was rebuilt from events (replay --broker), which carry the domain claim only."""

    def __init__(self, claim: Claim, findings: tuple[Finding, ...], segments: ClaimSegments = _NO_SEGMENTS) -> None:
        """The dataclass's own ``__init__``, its fields set in one step (one result per claim)."""
        _set(self, "__dict__", {"claim": claim, "findings": findings, "segments": segments})

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
class SharedFindings:
    """Every finding of one interchange, group, transaction or HL loop, stated once.

    Made only when more of them concern the claims below than each claim carries (``SHARED_ON_EACH_CLAIM``
    per kind in :mod:`claimedit.pipeline`): those claims then carry the first ones and a SYN011 finding
    pointing here, so that a thousand stray segments cost a thousand findings, not a thousand per claim.
    """

    scope: Scope
    location: TransactionLocation
    where: str
    """The scope in words (file / interchange / group / transaction / segment), as syntax findings say it."""
    findings: tuple[Finding, ...]
    claims: int
    """Claims (and unreadable transactions) below the scope that point to these findings."""

    @property
    def verdict(self) -> Verdict:
        return verdict_for(self.findings)


@dataclass(frozen=True, init=False)
class GroupAck:
    """The 999 implementation acknowledgment for one functional group."""

    interchange_control: str
    group_control: str
    accepted: bool
    ack_code: str
    """IK5/AK9 acknowledgment code: A accepted, E accepted with errors, R rejected, P partially accepted."""
    x12: str

    def __init__(self, interchange_control: str, group_control: str, accepted: bool, ack_code: str, x12: str) -> None:
        """The dataclass's own ``__init__``, its fields set in one step (each group's 999, for every input)."""
        _set(
            self,
            "__dict__",
            {
                "interchange_control": interchange_control,
                "group_control": group_control,
                "accepted": accepted,
                "ack_code": ack_code,
                "x12": x12,
            },
        )


@dataclass(frozen=True, init=False)
class InputResult:
    """Everything one input produced. Every CLM segment of the input is in exactly one claim or unreadable."""

    source: str
    claims: tuple[ClaimResult, ...] = ()
    unreadable: tuple[UnreadableResult, ...] = ()
    acks: tuple[GroupAck, ...] = ()
    clm_segments_seen: int = 0
    shared: tuple[SharedFindings, ...] = ()
    """Findings stated once for a scope whose claims carry only the first of them (see SharedFindings)."""

    def __init__(  # noqa: PLR0917  (the dataclass's fields, positional as its own __init__ takes them)
        self,
        source: str,
        claims: tuple[ClaimResult, ...] = (),
        unreadable: tuple[UnreadableResult, ...] = (),
        acks: tuple[GroupAck, ...] = (),
        clm_segments_seen: int = 0,
        shared: tuple[SharedFindings, ...] = (),
    ) -> None:
        """The dataclass's own ``__init__``, its fields set in one step (one result per input)."""
        _set(
            self,
            "__dict__",
            {
                "source": source,
                "claims": claims,
                "unreadable": unreadable,
                "acks": acks,
                "clm_segments_seen": clm_segments_seen,
                "shared": shared,
            },
        )

    @property
    def claims_accounted(self) -> int:
        return len(self.claims) + sum(item.claims_inside for item in self.unreadable)
