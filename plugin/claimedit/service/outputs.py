"""From one processed input to the messages the service publishes: a pure function, no broker here."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from claimedit._gc import gc_paused
from claimedit.results import ClaimResult, GroupAck, InputResult, SharedFindings, UnreadableResult
from claimedit.service.events import (
    ClaimAnnotated,
    ClaimRejected,
    DeadLetterHeaders,
    GroupAcknowledged,
    InputRef,
    PayerRef,
    ScopeFindings,
    SourceEnvelope,
    control_number_for,
    event_id_for,
)
from claimedit.service.headers import bounded, capped, key_for
from claimedit.x12.ack277 import Ack277Frame, ack277_frame, write_277ca
from claimedit.x12.split import SplitFrame, split_claim, split_frame
from claimedit.x12.tokens import Decoded, decode_input
from claimedit_edits.model import Claim, Envelope

__all__ = [
    "HEADER_CORRELATION",
    "HEADER_SOURCE",
    "HEADER_SUBMITTER",
    "DeadLetterKind",
    "Destination",
    "InputMeta",
    "Outgoing",
    "build_outputs",
    "claim_277ca",
    "dead_letter",
    "input_meta",
    "input_sha256",
    "over_limit_outputs",
]

HEADER_SUBMITTER = "x-submitter-id"
HEADER_CORRELATION = "x-correlation-id"
HEADER_SOURCE = "x-claimedit-source"
X12_CONTENT_TYPE = "application/edi-x12"

Destination = Literal["annotated", "rejected", "acks", "dlq"]
DeadLetterKind = Literal["unreadable", "processing-failed", "over-size", "over-cpu-budget", "publish-failed"]
HEADER_REPLACED = "x-claimedit-replaced-headers"
_FINDINGS_HEADER_BYTES = 16 * 1024
"""The dead letter's findings header holds at most this much JSON; the rest is counted, not sent."""


@dataclass(frozen=True)
class InputMeta:
    """What the service knows about an input message before reading it."""

    correlation_id: str
    source: str
    sha256: str
    submitter_id: str = ""
    delivery_attempts: int = 1
    replaced_headers: tuple[str, ...] = ()
    """Input headers whose value was too long or not printable and was replaced by its hash."""


def input_meta(
    *, correlation_id: str, source: str | None, sha256: str, submitter_id: str, delivery_attempts: int
) -> InputMeta:
    """The input's identity with every header value bounded (:func:`claimedit.service.headers.bounded`)."""
    replaced = []
    correlation, was_replaced = bounded(correlation_id)
    if was_replaced:
        replaced.append(HEADER_CORRELATION)
    named, was_replaced = bounded(source or f"broker:{correlation}")
    if was_replaced:
        replaced.append(HEADER_SOURCE)
    submitter, was_replaced = bounded(submitter_id)
    if was_replaced:
        replaced.append(HEADER_SUBMITTER)
    return InputMeta(correlation, named, sha256, submitter, delivery_attempts, tuple(replaced))


def _identity_headers(meta: InputMeta) -> dict[str, str]:
    headers = {HEADER_CORRELATION: meta.correlation_id}
    if meta.replaced_headers:
        headers[HEADER_REPLACED] = ",".join(meta.replaced_headers)
    return headers


@dataclass(frozen=True)
class Outgoing:
    """One message to publish: an event model, or raw bytes with headers for the dead-letter queue."""

    destination: Destination
    payload: bytes
    content_type: str
    idempotency_key: str
    event_id: str
    correlation_id: str
    headers: dict[str, str] = field(default_factory=dict)
    payload_is_input: bool = False
    """The payload is the input's own bytes, left out of a worker's answer (the event loop has them)."""


def _event(
    destination: Destination,
    event: ClaimAnnotated | ClaimRejected | GroupAcknowledged,
    event_id: str,
    headers: dict[str, str],
) -> Outgoing:
    """``event`` as its JSON (``model_dump_json``'s bytes, straight from the model's serializer, no str between)."""
    payload = event.__pydantic_serializer__.to_json(event)
    return Outgoing(
        destination, payload, "application/json", event.idempotency_key, event_id, event.correlation_id, headers
    )


def input_sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def _input_ref(meta: InputMeta, result: InputResult) -> InputRef:
    return InputRef(
        correlation_id=meta.correlation_id,
        source=meta.source,
        sha256=meta.sha256,
        claims=len(result.claims),
        unreadable=len(result.unreadable),
        groups=len(result.acks),
    )


class _Transaction(NamedTuple):
    """What the outputs of every claim of one source transaction share (a named tuple: made per input)."""

    envelope: Envelope
    source_envelope: SourceEnvelope
    split_frame: SplitFrame


@dataclass
class _InputOutputs:
    """What every output of one input shares, built once per input (envelope and split frame once per
    transaction, payer reference once per payer)."""

    meta: InputMeta
    ref: InputRef
    now: dt.datetime
    identity_headers: dict[str, str]
    transactions: dict[int, _Transaction] = field(default_factory=dict)
    payers: dict[tuple[str, ...], tuple[PayerRef, str]] = field(default_factory=dict)
    ack_frames: dict[int, Ack277Frame] = field(default_factory=dict)

    def ack_frame(self, item: ClaimResult) -> Ack277Frame:
        """The 277CA frame of the claim's transaction, made for its first rejected claim."""
        env = item.claim.envelope
        known = self.ack_frames.get(id(env))
        if known is None or known.envelope is not env:
            known = self.ack_frames[id(env)] = ack277_frame(env, item.segments, self.now)
        return known

    # A frame made for another claim of the same envelope is checked by the writer (split_claim, write_277ca)
    # against the claim's own envelope and delimiters and made again if it does not fit: never a wrong text.

    def transaction(self, item: ClaimResult) -> _Transaction:
        """The claim's transaction, known by its envelope object (held here, so its id is not reused)."""
        env = item.claim.envelope
        known = self.transactions.get(id(env))
        if known is not None and known.envelope is env:
            return known
        submitter = self.meta.submitter_id or env.submitter_id or env.isa_sender_id
        source = SourceEnvelope(
            interchange_control=env.isa_control,
            group_control=env.gs_control,
            transaction_control=env.st_control,
            submitter_id=submitter,
            sender_id=env.isa_sender_id,
            receiver_id=env.isa_receiver_id,
        )
        made = self.transactions[id(env)] = _Transaction(env, source, split_frame(env, item.segments))
        return made

    def payer(self, claim: Claim) -> tuple[PayerRef, str]:
        """The claim's payer reference and its ``x-claimedit-payer-id`` header value."""
        payer = claim.payer
        key = (payer.name, payer.payer_id, payer.payer_id_qualifier, payer.responsibility, payer.filing_indicator)
        known = self.payers.get(key)
        if known is None:
            known = self.payers[key] = (_payer(claim), capped(payer.payer_id, 80))
        return known


def _payer(claim: Claim) -> PayerRef:
    payer = claim.payer
    return PayerRef(
        name=payer.name,
        payer_id=payer.payer_id,
        payer_id_qualifier=payer.payer_id_qualifier,
        responsibility=payer.responsibility,
        filing_indicator=payer.filing_indicator,
    )


def _claim_key(item: ClaimResult, index: int, meta: InputMeta) -> str:
    env = item.claim.envelope
    return key_for("claim", env.isa_control, env.gs_control, env.st_control, item.claim.claim_id, index, meta.sha256)


def claim_277ca(item: ClaimResult, index: int, meta: InputMeta, now: dt.datetime) -> str:
    """The 277CA of a rejected claim, with the control number the broker path gives it (same key)."""
    return _277ca_of_key(item, _claim_key(item, index, meta), now)


def _277ca_of_key(item: ClaimResult, key: str, now: dt.datetime, frame: Ack277Frame | None = None) -> str:
    return write_277ca(item, control_number=control_number_for(key, "277"), processed=now, frame=frame)


def _claim_outputs(item: ClaimResult, index: int, shared: _InputOutputs) -> list[Outgoing]:
    """The claim's annotated event (and rejected event): validated from plain values in one call each, the
    input's shared models (input, envelope, payer) passed as they are."""
    meta, now, claim = shared.meta, shared.now, item.claim
    key = _claim_key(item, index, meta)
    transaction = shared.transaction(item)
    split = split_claim(claim, item.segments, control_number_for(key, "837"), transaction.split_frame)
    verdict = item.verdict
    if verdict == "unreadable":  # pragma: no cover  (a ClaimResult is never unreadable)
        msg = "a read claim cannot be unreadable"
        raise AssertionError(msg)
    payer, payer_header = shared.payer(claim)
    identity = {
        "idempotency_key": key,
        "correlation_id": meta.correlation_id,
        "processed_at": now,
        "input": shared.ref,
        "source_envelope": transaction.source_envelope,
        "claim_index": index,
        "claim_id": claim.claim_id,
        "payer": payer,
    }
    annotated_id = event_id_for("claim.annotated", key)
    annotated = ClaimAnnotated.model_validate(
        {
            "event_id": annotated_id,
            "verdict": verdict,
            "findings": item.findings,
            "claim_x12": split.x12,
            "claim_x12_control": {
                "interchange_control": split.interchange_control,
                "group_control": split.group_control,
                "transaction_control": split.transaction_control,
            },
            **identity,
        }
    )
    headers = {
        **shared.identity_headers,
        "x-claimedit-idempotency-key": key,
        "x-claimedit-payer-id": payer_header,
        "x-claimedit-verdict": verdict,
    }
    out = [_event("annotated", annotated, annotated_id, headers)]
    if verdict == "rejected":
        rejected_id = event_id_for("claim.rejected", key)
        rejected = ClaimRejected.model_validate(
            {
                "event_id": rejected_id,
                "errors": item.errors,
                "ack_277ca": _277ca_of_key(item, key, now, shared.ack_frame(item)),
                **identity,
            }
        )
        out.append(_event("rejected", rejected, rejected_id, headers))
    return out


def _scope_findings(shared: SharedFindings, index: int) -> ScopeFindings:
    location = shared.location
    return ScopeFindings(
        scope_index=index,
        scope=shared.scope,
        location=shared.where,
        interchange_control=location.interchange_control,
        group_control=location.group_control or None,
        transaction_control=location.transaction_control or None,
        claims_referencing=shared.claims,
        findings=list(shared.findings),
    )


def _scopes_by_ack(result: InputResult) -> dict[int, list[ScopeFindings]]:
    """Each shared scope on the 999 of its group; an interchange's own on the first 999 of that interchange."""
    first_of_interchange: dict[str, int] = {}
    by_group: dict[tuple[str, str], int] = {}
    for position, ack in enumerate(result.acks):
        first_of_interchange.setdefault(ack.interchange_control, position)
        by_group.setdefault((ack.interchange_control, ack.group_control), position)
    placed: dict[int, list[ScopeFindings]] = {}
    for index, shared in enumerate(result.shared):
        location = shared.location
        at = (
            first_of_interchange.get(location.interchange_control)
            if shared.scope == "interchange"
            else by_group.get((location.interchange_control, location.group_control))
        )
        if at is not None:
            placed.setdefault(at, []).append(_scope_findings(shared, index))
    return placed


def _ack_output(
    ack: GroupAck,
    index: int,
    meta: InputMeta,
    ref: InputRef,
    now: dt.datetime,
    *,
    scopes: list[ScopeFindings] | None = None,
) -> Outgoing:
    key = key_for("999", ack.interchange_control, ack.group_control, index, meta.sha256)
    event_id = event_id_for("group.acknowledged", key)
    event = GroupAcknowledged.model_validate(
        {
            "event_id": event_id,
            "idempotency_key": key,
            "correlation_id": meta.correlation_id,
            "processed_at": now,
            "input": ref,
            "group_index": index,
            "interchange_control": ack.interchange_control,
            "group_control": ack.group_control,
            "accepted": ack.accepted,
            "ack_code": ack.ack_code,
            "ack_999": ack.x12,
            "scope_findings": scopes or [],
        }
    )
    headers = {**_identity_headers(meta), "x-claimedit-idempotency-key": key}
    return _event("acks", event, event_id, headers)


def dead_letter(
    body: bytes,
    meta: InputMeta,
    *,
    reason: str,
    reason_kind: DeadLetterKind,
    ref: InputRef | None = None,
    unreadable: UnreadableResult | None = None,
    index: int = 0,
) -> Outgoing:
    """A claims.dlq message: ``body`` as sent, the reason and the counts in headers (each value bounded)."""
    key = key_for("dlq", reason_kind, index, meta.sha256)
    location = unreadable.location if unreadable is not None else None
    findings, omitted = _findings_header(unreadable)
    headers = DeadLetterHeaders(
        reason=capped(reason[:500], 1024),
        reason_kind=reason_kind,
        event_id=event_id_for("dead-letter", key),
        idempotency_key=key,
        correlation_id=meta.correlation_id,
        source=meta.source,
        input_sha256=meta.sha256,
        input_claims=ref.claims if ref else 0,
        input_unreadable=ref.unreadable if ref else 1,
        input_groups=ref.groups if ref else 0,
        unreadable_index=index,
        claims_inside=unreadable.claims_inside if unreadable is not None else 0,
        interchange_control=capped(location.interchange_control, 35) if location else "",
        group_control=capped(location.group_control, 35) if location else "",
        transaction_control=capped(location.transaction_control, 35) if location else "",
        delivery_attempts=meta.delivery_attempts,
        findings=findings,
        findings_omitted=omitted,
        body_sha256=input_sha256(body),
        replaced_headers=",".join(meta.replaced_headers),
    )
    return Outgoing("dlq", body, X12_CONTENT_TYPE, key, headers.event_id, meta.correlation_id, headers.to_headers())


def _findings_header(unreadable: UnreadableResult | None) -> tuple[str, int]:
    """The findings as compact JSON within the header budget, and how many did not fit."""
    if unreadable is None:
        return "[]", 0
    parts: list[str] = []
    size = 2
    for finding in unreadable.findings:
        text = json.dumps(finding.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False)
        if size + len(text.encode()) + 1 > _FINDINGS_HEADER_BYTES:
            break
        parts.append(text)
        size += len(text.encode()) + 1
    return "[" + ",".join(parts) + "]", len(unreadable.findings) - len(parts)


def over_limit_outputs(
    body: bytes, meta: InputMeta, *, kind: DeadLetterKind, reason: str, acks: list[GroupAck], now: dt.datetime
) -> list[Outgoing]:
    """An input over a bound: itself to the DLQ, once, and the 999s rejecting each group read from its headers."""
    ref = InputRef(
        correlation_id=meta.correlation_id,
        source=meta.source,
        sha256=meta.sha256,
        claims=0,
        unreadable=1,
        groups=len(acks),
    )
    out = [_ack_output(ack, index, meta, ref, now) for index, ack in enumerate(acks)]
    out.append(dead_letter(body, meta, reason=reason, reason_kind=kind, ref=ref))
    return out


def _as_sent(piece: str, body: bytes, decoded: Decoded) -> bytes:
    """``piece`` in the bytes it arrived as: the whole body, byte for byte, when the piece is all of the
    text read from it (BOM and surrounding blanks aside); else re-encoded with the codec it was read with."""
    if not piece or piece.strip() == decoded.text.strip():
        return body
    return piece.encode(decoded.encoding, errors="replace")


def _unreadable_reason(item: UnreadableResult) -> str:
    for finding in item.findings:
        if finding.severity == "error":
            return finding.message
    return item.findings[0].message if item.findings else "the input could not be read as X12"


def build_outputs(result: InputResult, body: bytes, meta: InputMeta, *, now: dt.datetime) -> list[Outgoing]:
    """Every message one input yields: per claim annotated (+ rejected), per group a 999, per unreadable a DLQ.

    Many small objects per claim (events, their dicts, split texts), none in a reference cycle: the
    cyclic collector is paused meanwhile (:class:`claimedit._gc.gc_paused`), so that its passes do not walk
    the input's result again and again.
    """
    with gc_paused():
        return _build_outputs(result, body, meta, now)


def _build_outputs(result: InputResult, body: bytes, meta: InputMeta, now: dt.datetime) -> list[Outgoing]:
    ref = _input_ref(meta, result)
    shared = _InputOutputs(meta, ref, now, _identity_headers(meta))
    out: list[Outgoing] = []
    for index, item in enumerate(result.claims):
        out.extend(_claim_outputs(item, index, shared))
    scopes = _scopes_by_ack(result) if result.shared else {}
    for index, ack in enumerate(result.acks):
        out.append(_ack_output(ack, index, meta, ref, now, scopes=scopes.get(index)))
    decoded = decode_input(body) if result.unreadable else None
    for index, lost in enumerate(result.unreadable):
        assert decoded is not None
        raw = _as_sent(lost.raw, body, decoded)
        reason = _unreadable_reason(lost)
        out.append(
            dead_letter(raw, meta, reason=reason, reason_kind="unreadable", ref=ref, unreadable=lost, index=index)
        )
    if not out:
        out.append(
            dead_letter(body, meta, reason="the input holds no interchange and no claim", reason_kind="unreadable")
        )
    return out
