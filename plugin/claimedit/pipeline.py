"""One input in, every claim accounted for: read, validate against the implementation guide, run the edits.

The replay CLI and the broker service both call :meth:`Pipeline.process`. It is synchronous and pure
CPU; everything expensive (pyx12 maps, reference tables, the edit registry) is loaded once by
:meth:`Pipeline.start`.

Work stays linear in the input: a finding that concerns an interchange, group, transaction or HL loop
is built once, and each claim below carries at most ``SHARED_ON_EACH_CLAIM`` findings of each kind from
it; beyond that, the claim carries a SYN011 finding and the scope's findings are stated once, in
:attr:`InputResult.shared`.
"""

from __future__ import annotations

import gc
import hashlib
import uuid
from bisect import bisect_right
from collections import defaultdict
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path

from claimedit._gc import gc_paused
from claimedit.history.port import HistoryBatch, HistoryPort, HistoryUnavailableError
from claimedit.results import (
    ClaimResult,
    GroupAck,
    InputResult,
    Scope,
    SharedFindings,
    TransactionLocation,
    UnreadableResult,
)
from claimedit.x12.ack999 import NOT_SUPPORTED, SEGMENTS_IN_ERROR, rejecting_group_ack
from claimedit.x12.interchanges import count_clm_segments
from claimedit.x12.parsed import ParsedClaim
from claimedit.x12.reader import A1, InterchangeRead, TransactionRead, describe, read_input
from claimedit.x12.syntax import internal_finding, syntax_finding
from claimedit.x12.tokens import Segment, decode
from claimedit.x12.validation import Pyx12Validator, SyntaxError837, ValidationReport, redact_values
from claimedit_edits.engine import Engine
from claimedit_edits.model import Claim, Finding, Severity, verdict_for
from claimedit_edits.setup import build_engine

__all__ = ["SHARED_ON_EACH_CLAIM", "STRAY_FOR_PYX12", "Pipeline"]

SHARED_ON_EACH_CLAIM = 20
"""Findings of each kind (reader's, pyx12's) that a claim carries from one interchange, group, transaction
or HL loop above it. More than that are stated once, in :attr:`InputResult.shared`."""
STRAY_FOR_PYX12 = 20
"""Segments outside any transaction given to pyx12 per interchange: the reader names every one (SYN005)."""


class Pipeline:
    """Reader + pyx12 validation + edit engine, ready to process inputs."""

    def __init__(
        self,
        engine: Engine | None,
        validator: Pyx12Validator | None,
        history: HistoryPort | None = None,
        *,
        history_keys_by_content: bool = False,
    ) -> None:
        self.engine = engine
        self.validator = validator
        self.history = history
        """The patient's earlier claims: recalled before a claim's edits, the claim recorded after its verdict."""
        self.history_keys_by_content = history_keys_by_content
        """True (the service): a claim's idempotency key comes from the input's content, so a redelivery is
        recognised; False (replay): every call is a new submission, so a file replayed twice is a duplicate."""

    @classmethod
    def start(
        cls,
        *,
        config_path: Path | None = None,
        validate: bool = True,
        edits: bool = True,
        history: HistoryPort | None = None,
        history_keys_by_content: bool = False,
    ) -> Pipeline:
        """Load everything once: pyx12 maps (when validating), reference tables and the edit registry.

        The loaded reference data lives as long as the process: it is moved out of the cyclic garbage
        collector's view (``gc.freeze``) so that collections after each input do not walk it again.
        """
        pipeline = cls(
            build_engine(config_path) if edits else None,
            Pyx12Validator() if validate else None,
            history,
            history_keys_by_content=history_keys_by_content,
        )
        gc.collect()
        gc.freeze()
        return pipeline

    def process(self, data: bytes | str, source: str = "<input>") -> InputResult:
        """Every claim of ``data`` with its findings, every unreadable piece, and the 999s.

        Never raises on input: when claimedit fails on one interchange, transaction or claim, that piece
        gets an INT002 finding where it stands and the rest of the input is processed as usual.
        """
        with gc_paused():
            try:
                return self._process(data, source)
            except HistoryUnavailableError:  # not the input's fault: the service retries it
                raise
            except Exception as exc:  # noqa: BLE001  (last resort: the whole input, every claim in it counted)
                return _failed_input(data, source, exc)

    def _process(self, data: bytes | str, source: str) -> InputResult:
        out = _Collected(input_key=self._input_key(data))
        seen = 0
        for read in read_input(data, source):
            in_chunk = _clm_segments_in(read)
            seen += in_chunk
            mark = out.mark()
            try:
                self._interchange(read, in_chunk, out)
            except HistoryUnavailableError:
                raise
            except Exception as exc:  # noqa: BLE001  (this interchange's claims become one unreadable piece)
                out.rollback(mark)
                location = TransactionLocation(source, read.isa_control, segment_index=read.chunk.first_segment_index)
                failure = internal_finding("processing the interchange", exc, location=describe(location))
                out.unreadable.append(UnreadableResult(location, in_chunk, (failure,), raw=read.chunk.text))
        return InputResult(
            source, tuple(out.claims), tuple(out.unreadable), tuple(out.acks), seen, shared=tuple(out.shared)
        )

    def _interchange(self, read: InterchangeRead, in_chunk: int, out: _Collected) -> None:
        if not read.readable:
            out.unreadable.append(_unreadable_chunk(read, in_chunk))
            return
        rows_before = out.mark()[:2]
        base = TransactionLocation(source=read.source, interchange_control=read.isa_control)
        interchange = _Shared("interchange", base, describe(base))
        failure: list[Finding] = []
        try:
            report = self._validate(read)
        except Exception as exc:  # noqa: BLE001  (the claims are still read; the groups get a rejecting 999)
            report = ValidationReport(fatal="", fatal_in_envelope=False)
            failure.append(internal_finding("validating the interchange", exc, location=describe(base)))
        out.acks.extend(replace(ack, interchange_control=read.isa_control) for ack in report.acks)
        out.acks.extend(_rejecting_group_acks(read, supported=False, reason=NOT_SUPPORTED))
        if report.fatal is not None and not report.fatal_in_envelope:  # pyx12 gave up: still answer
            out.acks.extend(_rejecting_group_acks(read, supported=True, reason=SEGMENTS_IN_ERROR))
        syntax = _SyntaxIndex(read, report)
        interchange.parts = [read.findings, [*failure, *syntax.everywhere]]
        groups: dict[str, _Shared] = {}
        accounted = 0
        for tx in read.transactions:
            accounted += tx.clm_segments
            control = tx.location.group_control
            group = groups.get(control)
            if group is None:
                where = replace(base, group_control=control)
                group = groups[control] = _Shared("group", where, describe(where), [syntax.by_group.get(control, [])])
            mark = out.mark()
            try:
                self._transaction(tx, syntax, interchange, group, out)
            except HistoryUnavailableError:
                raise
            except Exception as exc:  # noqa: BLE001  (this transaction's claims become one unreadable piece)
                out.rollback(mark)
                failure_here = internal_finding("processing the transaction", exc, location=describe(tx.location))
                out.unreadable.append(UnreadableResult(tx.location, tx.clm_segments, (failure_here,), raw=tx.raw))
        stray = in_chunk - accounted
        if stray > 0:
            location = TransactionLocation(read.source, read.isa_control, segment_index=read.chunk.first_segment_index)
            findings = (*interchange.part(0), *interchange.reference())
            out.unreadable.append(UnreadableResult(location, stray, findings, raw=read.chunk.text))
        for shared in (interchange, *groups.values()):
            shared.publish(out)
        if out.mark()[:2] == rows_before and (problems := syntax.without_claims(read)):
            # nothing was read from the interchange, yet something is wrong with it: one row says what
            location = TransactionLocation(read.source, read.isa_control, segment_index=read.chunk.first_segment_index)
            out.unreadable.append(UnreadableResult(location, 0, tuple(problems), raw=read.chunk.text))

    def _transaction(
        self, tx: TransactionRead, syntax: _SyntaxIndex, interchange: _Shared, group: _Shared, out: _Collected
    ) -> None:
        """The claims of one transaction: each with its own findings and the first findings of every scope above."""
        location = tx.location
        if tx.unreadable:
            inside = (*tx.findings, *interchange.part(0), *interchange.reference())
            out.unreadable.append(UnreadableResult(location, tx.clm_segments, inside, raw=tx.raw))
            return
        if not tx.parsed:  # no claim to carry what is wrong with the transaction: a row of its own
            if own := [*tx.findings, *syntax.for_transaction(tx)]:
                around = (*interchange.part(0), *interchange.part(1), *group.part(0))
                out.unreadable.append(UnreadableResult(location, 0, (*around, *own), raw=tx.raw))
            return
        errors = syntax.sorted_errors(tx)
        where = describe(replace(location, segment_index=None))
        transaction = _Shared("transaction", location, where, [tx.findings, errors.transaction_findings(location)])
        loops = {
            loop: _Shared("loop", location, f"{where} / segment {loop[0]} of the transaction (HL)", [found])
            for loop, found in errors.loop_findings(location).items()
        }
        keys = [f"{_claim_key(claim, len(out.claims) + n)}:{out.input_key}" for n, claim in enumerate(tx.claims)]
        with self._history_batch(tx.claims, keys) as history:
            for number, parsed in enumerate(tx.parsed):
                claim = parsed.claim
                above = [interchange, group, transaction]
                above += [loops[loop] for loop in claim.location.loop_ranges if loop in loops]
                try:
                    findings = [
                        *interchange.part(0),
                        *transaction.part(0),
                        *interchange.part(1),
                        *group.part(0),
                        *transaction.part(1),
                        *(finding for shared in above[3:] for finding in shared.part(0)),
                        *(_finding(error, location, claim) for error in errors.own[number]),
                        *(finding for shared in above for finding in shared.reference()),
                    ]
                    if self.engine is not None:
                        findings.extend(self._edit(claim, findings, history, number))
                except Exception as exc:  # noqa: BLE001  (this claim is reported with the failure; the others go on)
                    where_claim = f"{where} / segment {claim.location.clm_segment_index} of the transaction (CLM)"
                    findings = [internal_finding("checking the claim", exc, location=where_claim)]
                out.claims.append(ClaimResult(claim, tuple(findings), parsed.segments))
        for shared in (transaction, *loops.values()):
            shared.publish(out)

    def _input_key(self, data: bytes | str) -> str:
        if not self.history_keys_by_content:
            return uuid.uuid4().hex
        raw = data.encode() if isinstance(data, str) else data
        return hashlib.sha256(raw).hexdigest()[:16]

    def _history_batch(self, claims: list[Claim], keys: list[str]) -> AbstractContextManager[HistoryBatch | None]:
        """One history transaction per transaction set: its patients locked, recorded claims written at exit."""
        if self.history is None or self.engine is None or not claims:
            return nullcontext()
        return self.history.batch(list(zip(claims, keys, strict=True)))

    def _edit(self, claim: Claim, findings: list[Finding], history: HistoryBatch | None, number: int) -> list[Finding]:
        """The edits of one claim; with a history, against the patient's earlier claims, then recorded."""
        assert self.engine is not None
        if history is None:
            return self.engine.check(claim)
        recall = history.recall(number)
        edits = self.engine.check(claim, recall)
        recall.record(verdict_for([*findings, *edits]))
        return edits

    def _validate(self, read: InterchangeRead) -> ValidationReport:
        if self.validator is None or not read.supported_groups:
            return ValidationReport()
        rejected = frozenset(
            (tx.location.group_control, tx.location.transaction_control)
            for tx in read.transactions
            if tx.rejected_early or any(finding.code == "SYN004" for finding in tx.findings)
        )
        return self.validator.validate(_text_for_pyx12(read), rejected)


@dataclass
class _Collected:
    """What one input has produced so far."""

    input_key: str = ""
    """Tells this input from others in the claim history (its content hash, or a fresh id per call)."""
    claims: list[ClaimResult] = field(default_factory=list)
    unreadable: list[UnreadableResult] = field(default_factory=list)
    acks: list[GroupAck] = field(default_factory=list)
    shared: list[SharedFindings] = field(default_factory=list)

    def mark(self) -> tuple[int, int, int, int]:
        return len(self.claims), len(self.unreadable), len(self.acks), len(self.shared)

    def rollback(self, mark: tuple[int, int, int, int]) -> None:
        """Forget what was added since ``mark`` (an interchange that failed half-way is reported whole)."""
        del self.claims[mark[0] :], self.unreadable[mark[1] :], self.acks[mark[2] :], self.shared[mark[3] :]


class _Shared:
    """Findings of one scope (interchange, group, transaction, HL loop), built once, capped on each claim.

    ``parts`` are kinds of findings kept apart (the reader's and pyx12's), each capped on its own so
    that the claims list them in the order they always had.
    """

    def __init__(
        self, scope: Scope, location: TransactionLocation, where: str, parts: list[list[Finding]] | None = None
    ) -> None:
        self.scope = scope
        self.location = location
        self.where = where
        self.parts: list[list[Finding]] = parts or []
        self.users = 0
        self._reference: tuple[Finding, ...] | None = None

    def part(self, index: int) -> list[Finding]:
        """The first findings of one kind, as each claim below carries them."""
        if index >= len(self.parts):
            return []
        found = self.parts[index]
        return found if len(found) <= SHARED_ON_EACH_CLAIM else found[:SHARED_ON_EACH_CLAIM]

    def reference(self) -> tuple[Finding, ...]:
        """Nothing, or one SYN011 finding pointing to the scope's row when any kind was capped; counts its users."""
        self.users += 1
        if self._reference is None:
            omitted = [finding for found in self.parts for finding in found[SHARED_ON_EACH_CLAIM:]]
            self._reference = () if not omitted else (self._reference_finding(omitted),)
        return self._reference

    def _reference_finding(self, omitted: list[Finding]) -> Finding:
        total = sum(len(found) for found in self.parts)
        severity = min((finding.severity for finding in omitted), key=_SEVERITY_ORDER.index)
        return syntax_finding(
            "SYN011",
            f"{total} findings concern this {_SCOPE_WORDS[self.scope]}: the first {SHARED_ON_EACH_CLAIM} of each "
            f"kind are repeated here, and all of them are stated once for the whole {self.scope} (in the replay, "
            f'the row with scope "{self.scope}"; from the service, the scope_findings of the group.acknowledged '
            f"event); {len(omitted)} are not repeated here.",
            location=self.where,
            severity=severity,
        )

    def publish(self, out: _Collected) -> None:
        """The scope's row, when some claim below it carries a reference to it."""
        if self._reference and self.users:
            findings = tuple(finding for found in self.parts for finding in found)
            out.shared.append(SharedFindings(self.scope, self.location, self.where, findings, self.users))


_SEVERITY_ORDER: tuple[Severity, ...] = ("error", "warning", "info")
_SCOPE_WORDS: dict[Scope, str] = {
    "interchange": "interchange (ISA/IEA)",
    "group": "functional group (GS/GE)",
    "transaction": "transaction (ST/SE)",
    "loop": "HL loop (billing provider, subscriber or patient)",
}


def _failed_input(data: bytes | str, source: str, exc: Exception) -> InputResult:
    """The whole input as one unreadable piece: claimedit failed before it could cut it into interchanges."""
    try:
        text = decode(data)
    except Exception:  # noqa: BLE001  (counting must not fail the last resort)
        text = ""
    location = TransactionLocation(source=source, segment_index=1)
    failure = internal_finding("reading the input", exc, location=describe(location))
    clm = count_clm_segments(text)
    return InputResult(source, (), (UnreadableResult(location, clm, (failure,), raw=text),), (), clm)


def _claim_key(claim: Claim, index: int) -> str:
    """The claim's place in its input, as the service's per-claim idempotency key names it."""
    env = claim.envelope
    return f"{env.isa_control}:{env.gs_control}:{env.st_control}:{claim.claim_id}:{index}"


def _rejecting_group_acks(read: InterchangeRead, *, supported: bool, reason: str) -> list[GroupAck]:
    """A rejecting 999 for each functional group claimedit reads (``supported``) or does not (4010, 837I ...)."""
    segments = read.chunk.segments
    if not segments or segments[0].tag != "ISA":
        return []
    groups: list[tuple[Segment, list[Segment]]] = []
    read_groups = frozenset(read.supported_groups)
    for segment in segments:
        if segment.tag == "GS":
            groups.append((segment, []))
        elif segment.tag == "ST" and groups:
            groups[-1][1].append(segment)
    return [
        rejecting_group_ack(isa=segments[0], gs=gs, transactions=transactions, reason=reason)
        for gs, transactions in groups
        if (gs.get(6) in read_groups) == supported
    ]


def _clm_segments_in(read: InterchangeRead) -> int:
    """CLM segments in the raw chunk: counted on its segments, or by pattern when it is not X12."""
    if read.chunk.delimiters is None:
        return count_clm_segments(read.chunk.text)
    return sum(1 for segment in read.chunk.segments if segment.tag == "CLM")


def _unreadable_chunk(read: InterchangeRead, inside: int) -> UnreadableResult:
    location = TransactionLocation(source=read.source, segment_index=read.chunk.first_segment_index)
    return UnreadableResult(location, inside, tuple(read.findings), raw=read.chunk.text)


_ENVELOPE = frozenset({"ISA", "IEA", "GS", "GE"})


def _text_for_pyx12(read: InterchangeRead) -> str:
    """The interchange as pyx12 should see it: 837P 5010 groups only, A2 errata read as A1, no empty segments.

    Bounded for hostile input: a transaction rejected before validation (SYN010) is given as its ST and
    an SE, so that its 999 still answers it; of the segments outside any transaction, the first
    ``STRAY_FOR_PYX12`` only (the reader names every one).
    """
    delimiters = read.chunk.delimiters
    assert delimiters is not None
    kept = _Pyx12Text(read, delimiters.element)
    for segment in read.chunk.segments:
        if segment.elements:
            kept.take(segment)
    keep = kept.finish()
    element = delimiters.element
    if kept.groups != sum(1 for segment in read.chunk.segments if segment.tag == "GS") and keep[-1].startswith("IEA"):
        iea = keep[-1].split(element)
        keep[-1] = element.join([iea[0], str(kept.groups), *iea[2:]])
    separator = delimiters.segment if delimiters.segment == "\n" else f"{delimiters.segment}\n"
    return "".join(f"{segment}{separator}" for segment in keep)


class _Pyx12Text:
    """The segments of one interchange kept for pyx12, one at a time (see :func:`_text_for_pyx12`)."""

    def __init__(self, read: InterchangeRead, element: str) -> None:
        self.element = element
        self.isa_fixed_width = read.chunk.isa_fixed_width
        """pyx12 reads the ISA by position: it is given the fixed-width form when one exists."""
        self.early = {tx.location.segment_index for tx in read.transactions if tx.rejected_early}
        self.supported = frozenset(read.supported_groups)
        self.keep: list[str] = []
        self.groups = 0
        self.in_supported = False
        self.in_transaction = False
        self.stubbed = ""
        """ST02 of the transaction rejected before validation whose segments are being left out."""
        self.stray = 0

    def take(self, segment: Segment) -> None:
        tag = segment.tag
        if self.stubbed:
            if tag not in ("SE", "ST", *_ENVELOPE):
                return
            self._close_stub()
            if tag == "SE":
                return
        if tag in _ENVELOPE:
            self._envelope(segment)
            return
        if tag == "ST":
            self.in_transaction = True
            self.stubbed = segment.get(2) if self.in_supported and segment.index in self.early else ""
        elif not self.in_transaction:
            self.stray += 1
            if self.stray > STRAY_FOR_PYX12:
                return
        if self.in_supported:
            self.keep.append(_with_element(segment.elements, 3, A1, self.element) if tag == "ST" else segment.raw)
        if tag == "SE":
            self.in_transaction = False

    def _envelope(self, segment: Segment) -> None:
        tag = segment.tag
        self.in_transaction = False
        if tag == "GS":
            self.in_supported = segment.get(6) in self.supported
            if self.in_supported:
                self.groups += 1
                self.keep.append(_with_element(segment.elements, 8, A1, self.element))
            return
        if tag == "GE":
            if self.in_supported:
                self.keep.append(segment.raw)
            self.in_supported = False
            return
        self.keep.append((self.isa_fixed_width or segment.raw) if tag == "ISA" else segment.raw)

    def _close_stub(self) -> None:
        self.keep.append(self.element.join(["SE", "2", self.stubbed]))
        self.stubbed, self.in_transaction = "", False

    def finish(self) -> list[str]:
        if self.stubbed:
            self._close_stub()
        return self.keep


def _with_element(elements: list[str], position: int, value: str, separator: str) -> str:
    if position < len(elements) and elements[position] and elements[position] != value:
        elements = [*elements[:position], value, *elements[position + 1 :]]
    return separator.join(elements)


@dataclass(frozen=True)
class _SortedErrors:
    """pyx12's errors of one transaction, by what they concern."""

    own: list[list[SyntaxError837]]
    """Per claim: the errors inside its own 2300/2400 segments."""
    transaction: list[SyntaxError837]
    """Errors of the transaction as a whole (ST, BHT, 1000A/B, SE, outside every loop, or without position)."""
    loops: dict[tuple[int, int], list[SyntaxError837]]
    """Errors inside an HL loop's own segments (billing provider, subscriber, patient), by loop range."""

    def transaction_findings(self, location: TransactionLocation) -> list[Finding]:
        return [_finding(error, location) for error in self.transaction]

    def loop_findings(self, location: TransactionLocation) -> dict[tuple[int, int], list[Finding]]:
        return {loop: [_finding(error, location) for error in errors] for loop, errors in self.loops.items()}


class _SyntaxIndex:
    """pyx12 errors turned into findings and sorted to the claims they concern."""

    def __init__(self, read: InterchangeRead, report: ValidationReport) -> None:
        self.everywhere: list[Finding] = []
        self.by_group: dict[str, list[Finding]] = defaultdict(list)
        self.by_transaction: dict[tuple[str, str], list[SyntaxError837]] = defaultdict(list)
        base = TransactionLocation(source=read.source, interchange_control=read.isa_control)
        if report.fatal:
            self.everywhere.append(_fatal_finding(report.fatal, envelope=report.fatal_in_envelope, where=base))
        for error in report.errors:
            if error.level == "interchange":
                self.everywhere.append(_finding(error, base))
            elif error.level == "group":
                group = replace(base, group_control=error.group_control)
                self.by_group[error.group_control].append(_finding(error, group))
            else:
                self.by_transaction[(error.group_control, error.transaction_control)].append(error)

    def for_transaction(self, tx: TransactionRead) -> list[Finding]:
        """pyx12 errors inside one transaction, located there (for a transaction without claims)."""
        location = tx.location
        errors = self.by_transaction.get((location.group_control, location.transaction_control), [])
        return [_finding(error, location) for error in errors]

    def without_claims(self, read: InterchangeRead) -> list[Finding]:
        """Every finding of an interchange no claim was read from, so that one row can state them."""
        found = [*read.findings, *self.everywhere, *(f for group in self.by_group.values() for f in group)]
        for tx in read.transactions:
            found.extend(tx.findings)
        base = TransactionLocation(source=read.source, interchange_control=read.isa_control)
        for (group, transaction), errors in self.by_transaction.items():
            where = replace(base, group_control=group, transaction_control=transaction)
            found.extend(_finding(error, where) for error in errors)
        return found

    def sorted_errors(self, tx: TransactionRead) -> _SortedErrors:
        """The transaction's errors sorted to its claims, its HL loops and the transaction itself."""
        location = tx.location
        errors = self.by_transaction.get((location.group_control, location.transaction_control))
        if not errors:
            return _SortedErrors([[] for _ in tx.parsed], [], {})
        return _sort_to_claims(tx.parsed, errors)


def _sort_to_claims(parsed: list[ParsedClaim], errors: list[SyntaxError837]) -> _SortedErrors:
    """Each error to the claim, the HL loop or the transaction it concerns, in O(errors x log claims).

    An error inside a claim's 2300/2400 segments concerns that claim; one in an HL loop's own segments
    (billing provider, subscriber, patient) concerns the claims below that loop; anything else (ST, BHT,
    1000A/B, SE, or no position) concerns every claim of the transaction.
    """
    claims = [item.claim for item in parsed]
    starts = [claim.location.clm_segment_index for claim in claims]
    ends = [start + len(item.segments.claim) for start, item in zip(starts, parsed, strict=True)]
    loops = sorted({loop for claim in claims for loop in claim.location.loop_ranges})
    loop_starts = [loop[0] for loop in loops]
    sorted_errors = _SortedErrors([[] for _ in claims], [], {})
    for error in errors:
        position = error.segment_in_transaction
        if position is not None:
            at = bisect_right(starts, position) - 1
            if at >= 0 and position < ends[at]:
                sorted_errors.own[at].append(error)
                continue
            at = bisect_right(loop_starts, position) - 1
            if at >= 0 and position < loops[at][1]:
                sorted_errors.loops.setdefault(loops[at], []).append(error)
                continue
        sorted_errors.transaction.append(error)
    return sorted_errors


def _fatal_finding(fatal: str, *, envelope: bool, where: TransactionLocation) -> Finding:
    """pyx12 could not validate the interchange: its envelope is broken (SYN005), or pyx12 failed on a segment."""
    fatal = redact_values(fatal)
    if envelope:
        code = "SYN005"
        message = (
            f"The interchange envelope is not valid X12: {fatal}. Fix the ISA segment (106 characters, "
            "fixed-width elements) and resend."
        )
    else:
        code = "SYN001"
        message = (
            f"Implementation guide: {fatal}, so this interchange was not checked against 005010X222A1. A "
            "segment is likely malformed (more elements or components than the guide allows); fix it and resend."
        )
    return syntax_finding(code, message, location=describe(where))


def _finding(error: SyntaxError837, location: TransactionLocation, claim: Claim | None = None) -> Finding:
    line = None
    if claim is not None and error.segment_in_transaction is not None:
        line = _line_at(claim, error.segment_in_transaction)
    where = describe(replace(location, segment_index=None))
    if error.segment_in_transaction is not None:
        where += f" / segment {error.segment_in_transaction} of the transaction ({error.segment_id})"
    if error.element:
        where += f" / element {error.element}"
    return syntax_finding(
        "SYN001",
        f"Implementation guide: {error.message} (pyx12 error {error.code or '?'}).",
        location=where,
        line=line,
    )


def _line_at(claim: Claim, position: int) -> int | None:
    """LX number of the service line containing transaction segment ``position``, if any."""
    found: int | None = None
    for service_line in claim.service_lines:
        if service_line.segment_index and service_line.segment_index - 1 <= position:
            found = service_line.number
    return found
