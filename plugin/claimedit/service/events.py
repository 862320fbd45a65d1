"""The events the service publishes. Their JSON Schemas are in docs/ (generated, checked by a test).

Every event carries an ``idempotency_key``, the SHA-256 (64 hex digits) of the source interchange
control number, the claim id (or group) and the hash of the input message, and an ``event_id`` derived
from it: an input delivered twice yields events with the same key and id, which consumers recognise as
duplicates.

PHI appears only inside X12 payload fields (``claim_x12``, ``ack_277ca``), never in the other fields.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from claimedit_edits.model import Finding

__all__ = [
    "EVENT_MODELS",
    "SCHEMA_VERSION",
    "ClaimAnnotated",
    "ClaimRejected",
    "DeadLetterHeaders",
    "GroupAcknowledged",
    "InputRef",
    "PayerRef",
    "ScopeFindings",
    "SourceEnvelope",
    "SplitControl",
    "control_number_for",
    "event_id_for",
]

SCHEMA_VERSION: Literal["1.0"] = "1.0"
_EVENT_NAMESPACE = uuid.UUID("6f1d8a52-3c4e-4d0b-9a57-0c8e2f7b1d43")
_NAMESPACE_BYTES = _EVENT_NAMESPACE.bytes
_VARIANT_DIGIT = {digit: "89ab"[int(digit, 16) & 0b11] for digit in "0123456789abcdef"}
"""The first digit of the fourth group of an RFC 4122 UUID: variant bits 10, then two bits of the hash."""


def event_id_for(event_type: str, idempotency_key: str) -> str:
    """A stable event id: the same event of the same input always gets the same id.

    ``str(uuid.uuid5(namespace, f"{event_type}|{idempotency_key}"))``, written straight from the SHA-1 hex
    digest (version digit 5, variant bits 10) without building a :class:`uuid.UUID` for each event.
    """
    name = f"{event_type}|{idempotency_key}".encode()
    digest = hashlib.sha1(_NAMESPACE_BYTES + name, usedforsecurity=False).hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-{_VARIANT_DIGIT[digest[16]]}{digest[17:20]}-{digest[20:32]}"


def control_number_for(idempotency_key: str, purpose: str) -> int:
    """A stable 9-digit ISA13 for an interchange this service writes (1 ... 999,999,999)."""
    digest = hashlib.sha256(f"{purpose}|{idempotency_key}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % 999_999_999 + 1


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InputRef(_Model):
    """The input message an event comes from, and how many outputs that input produced in total."""

    correlation_id: str
    source: str = Field(description="x-claimedit-source header, else broker:<correlation id>")
    sha256: str = Field(description="SHA-256 of the input message body")
    claims: int = Field(description="claims read from the input (one claims.annotated event each)")
    unreadable: int = Field(description="unreadable interchanges or transactions (one claims.dlq message each)")
    groups: int = Field(description="functional groups acknowledged (one claims.acks event each)")


class SourceEnvelope(_Model):
    """Where the claim sat in the submitted interchange."""

    interchange_control: str = Field(description="ISA13")
    group_control: str = Field(description="GS06")
    transaction_control: str = Field(description="ST02")
    submitter_id: str = Field(description="x-submitter-id header, else the 1000A submitter id (NM109)")
    sender_id: str = Field(description="ISA06")
    receiver_id: str = Field(description="ISA08")


class PayerRef(_Model):
    """The destination payer (2010BB) and the SBR filing data: what downstream routes on."""

    name: str
    payer_id: str
    payer_id_qualifier: str
    responsibility: str = Field(description="SBR01")
    filing_indicator: str = Field(description="SBR09")


class SplitControl(_Model):
    """Control numbers of the interchange written for this claim alone."""

    interchange_control: str
    group_control: str
    transaction_control: str


class _Event(_Model):
    schema_version: Literal["1.0"] = SCHEMA_VERSION
    event_id: uuid.UUID
    idempotency_key: str
    correlation_id: str
    processed_at: dt.datetime
    input: InputRef


class _ClaimEvent(_Event):
    source_envelope: SourceEnvelope
    claim_index: int = Field(description="0-based position of the claim among the input's claims")
    claim_id: str = Field(description="CLM01, the patient control number")
    payer: PayerRef


class ClaimAnnotated(_ClaimEvent):
    """claims.annotated: one per claim read, whatever its verdict."""

    event_type: Literal["claim.annotated"] = "claim.annotated"
    verdict: Literal["accepted", "accepted_with_warnings", "rejected"]
    findings: list[Finding]
    claim_x12: str = Field(
        description="The claim as a self-contained 837P 005010X222A1 interchange (PHI inside)",
        json_schema_extra={"phi": True},
    )
    claim_x12_control: SplitControl


class ClaimRejected(_ClaimEvent):
    """claims.rejected: one per claim with verdict rejected, with its 277CA."""

    event_type: Literal["claim.rejected"] = "claim.rejected"
    errors: list[Finding]
    ack_277ca: str = Field(
        description="277CA 005010X214 rejecting the claim: STC A7/A8, TRN02 = CLM01, SVC per rejected line (PHI)",
        json_schema_extra={"phi": True},
    )


class ScopeFindings(_Model):
    """Every finding of one interchange, group, transaction or HL loop, stated once (the replay's ``shared`` row).

    Made only when more findings concern the claims below the scope than each claim carries: those claims
    then carry the first 20 of each kind and a SYN011 finding pointing here.
    """

    scope_index: int = Field(description="0-based position of the scope among the input's scopes stated once")
    scope: Literal["interchange", "group", "transaction", "loop"]
    location: str = Field(description="where the scope stands: interchange / group / transaction / segment")
    interchange_control: str = Field(description="ISA13")
    group_control: str | None = Field(description="GS06, or null for an interchange")
    transaction_control: str | None = Field(description="ST02, or null for an interchange or group")
    claims_referencing: int = Field(description="claims whose SYN011 finding points to this scope")
    findings: list[Finding]


class GroupAcknowledged(_Event):
    """claims.acks: the 999 implementation acknowledgment of one functional group."""

    event_type: Literal["group.acknowledged"] = "group.acknowledged"
    group_index: int = Field(description="0-based position of the group among the input's acknowledged groups")
    interchange_control: str
    group_control: str
    accepted: bool
    ack_code: str = Field(description="AK901: A accepted, E accepted with errors, P partially accepted, R rejected")
    ack_999: str
    scope_findings: list[ScopeFindings] = Field(
        default_factory=list,
        description="The findings of the group, its transactions and HL loops (and, on the interchange's first "
        "group, of the interchange) that its claims carry only in part (SYN011): each scope's whole list, once",
    )


class DeadLetterHeaders(_Model):
    """Headers of a claims.dlq message. The body is the unreadable X12 (or the whole input) as bytes."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    reason: str = Field(alias="x-claimedit-reason", description="Why the input could not be read or processed")
    reason_kind: Literal["unreadable", "processing-failed", "over-size", "over-cpu-budget", "publish-failed"] = Field(
        alias="x-claimedit-reason-kind",
        description="unreadable: not X12 claimedit can read; processing-failed: an error on every delivery; "
        "over-size / over-cpu-budget: over max_input_bytes, max_element_length or input_cpu_seconds; "
        "publish-failed: an output could not be published after publish_attempts tries",
    )
    event_id: str = Field(alias="x-claimedit-event-id")
    idempotency_key: str = Field(alias="x-claimedit-idempotency-key")
    correlation_id: str = Field(alias="x-correlation-id")
    source: str = Field(alias="x-claimedit-source")
    input_sha256: str = Field(alias="x-claimedit-input-sha256")
    input_claims: int = Field(alias="x-claimedit-input-claims")
    input_unreadable: int = Field(alias="x-claimedit-input-unreadable")
    input_groups: int = Field(alias="x-claimedit-input-groups")
    unreadable_index: int = Field(alias="x-claimedit-unreadable-index")
    claims_inside: int = Field(alias="x-claimedit-claims-inside", description="CLM segments in the dead letter")
    interchange_control: str = Field(default="", alias="x-claimedit-interchange-control")
    group_control: str = Field(default="", alias="x-claimedit-group-control")
    transaction_control: str = Field(default="", alias="x-claimedit-transaction-control")
    delivery_attempts: int = Field(alias="x-claimedit-delivery-attempts")
    findings: str = Field(alias="x-claimedit-findings", description="JSON list of findings (no PHI)")
    findings_omitted: int = Field(
        default=0, alias="x-claimedit-findings-omitted", description="findings left out to keep the headers small"
    )
    body_sha256: str = Field(default="", alias="x-claimedit-body-sha256", description="SHA-256 of this message's body")
    replaced_headers: str = Field(
        default="",
        alias="x-claimedit-replaced-headers",
        description="input headers (comma-separated) too long or not printable, carried as sha256:<hex> of the value",
    )

    def to_headers(self) -> dict[str, str]:
        return {key: str(value) for key, value in self.model_dump(by_alias=True).items()}

    @classmethod
    def from_headers(cls, headers: dict[str, Any]) -> DeadLetterHeaders:
        wanted = {info.alias for info in cls.model_fields.values()}
        return cls.model_validate({key: value for key, value in headers.items() if key in wanted})

    def finding_list(self) -> list[Finding]:
        return [Finding.model_validate(item) for item in json.loads(self.findings)]


EVENT_MODELS: dict[str, type[BaseModel]] = {
    "claim.annotated": ClaimAnnotated,
    "claim.rejected": ClaimRejected,
    "group.acknowledged": GroupAcknowledged,
    "dead-letter.headers": DeadLetterHeaders,
}
