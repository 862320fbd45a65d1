"""One input in, every claim accounted for: read, validate against the implementation guide, run the edits.

The broker service calls :meth:`Pipeline.process`; the replay CLI calls :meth:`Pipeline.stream`, which
reads a file in bounded pieces and hands each claim's result on as soon as its piece is done (an
interchange of up to 1 MB, else a transaction or a run of claims of a spooled one: see "Streaming" in
docs/design.md). Both are synchronous and pure CPU; everything expensive (pyx12 maps, reference tables,
the edit registry) is loaded once by :meth:`Pipeline.start`. Validation asks the compiled guide's check
first (:mod:`claimedit.validation.gate`, ``Pyx12Only`` by default) and pyx12 when it is not clean.

Work stays linear in the input: a finding that concerns an interchange, group, transaction or HL loop
is built once, and each claim below carries at most ``SHARED_ON_EACH_CLAIM`` findings of each kind from
it; beyond that, the claim carries a SYN011 finding and the scope's findings are stated once, in
:attr:`InputResult.shared`.
"""

from __future__ import annotations

import gc
import hashlib
import uuid
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import BinaryIO

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
from claimedit.validation.ack999 import NOT_SUPPORTED, SEGMENTS_IN_ERROR
from claimedit.validation.acks import EnvelopeOutline, rejecting_group_acks
from claimedit.validation.errors import SyntaxIndex, error_finding
from claimedit.validation.gate import Guide, Pyx12Only
from claimedit.validation.guide import load_guide
from claimedit.validation.guide_feed import GuideFeed
from claimedit.validation.pyx12 import Pyx12Validator, SyntaxError837, ValidationReport
from claimedit.validation.pyx12_text import (
    STRAY_FOR_PYX12,
    KeptRuns,
    Pyx12Text,
    segments_for_pyx12,
    separator_for,
    text_of,
)
from claimedit.x12.interchanges import count_clm_segments
from claimedit.x12.reader import InterchangeRead, SpooledRead, TransactionRead, describe, read_stream
from claimedit.x12.spool import text_file
from claimedit.x12.syntax import internal_finding, syntax_finding
from claimedit.x12.text_stream import text_stream
from claimedit.x12.tokens import Segment, decode
from claimedit_edits.engine import Engine
from claimedit_edits.model import Claim, Finding, Severity, verdict_for
from claimedit_edits.setup import build_engine

__all__ = ["SHARED_ON_EACH_CLAIM", "STRAY_FOR_PYX12", "Pipeline", "Produced"]

Produced = ClaimResult | UnreadableResult | SharedFindings | GroupAck
"""What :meth:`Pipeline.stream` yields."""

SHARED_ON_EACH_CLAIM = 20
"""Findings of each kind (reader's, pyx12's) that a claim carries from one interchange, group, transaction
or HL loop above it. More than that are stated once, in :attr:`InputResult.shared`."""


class Pipeline:
    """Reader + pyx12 validation + edit engine, ready to process inputs."""

    def __init__(
        self,
        engine: Engine | None,
        validator: Pyx12Validator | None,
        history: HistoryPort | None = None,
        *,
        history_keys_by_content: bool = False,
        guide: Guide | None = None,
    ) -> None:
        self.engine = engine
        self.validator = validator
        self.guide: Guide = guide if guide is not None else Pyx12Only()
        """The compiled implementation guide: an interchange its check calls clean is not given to pyx12."""
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
        guide: Guide | None = None,
    ) -> Pipeline:
        """Load everything once: pyx12 maps and the compiled guide (when validating), reference tables and the
        edit registry. ``guide`` defaults to the check compiled from pyx12's map; ``Pyx12Only()`` gives every
        interchange to pyx12.

        The loaded reference data lives as long as the process: it is moved out of the cyclic garbage
        collector's view (``gc.freeze``) so that collections after each input do not walk it again.
        """
        pipeline = cls(
            build_engine(config_path) if edits else None,
            Pyx12Validator() if validate else None,
            history,
            history_keys_by_content=history_keys_by_content,
            guide=guide if guide is not None or not validate else load_guide(),
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

    def stream(self, data: bytes | str | BinaryIO, source: str = "<input>") -> Iterator[Produced]:
        """What :meth:`process` returns, one piece at a time, in input order, as soon as each is done.

        ``data`` may be a binary file: it is read in bounded pieces, never whole. Each piece's results
        come as soon as it is done: an interchange of up to ``SPILL_AT`` characters, else (spooled) each
        transaction or run of claims; within a piece, its claims, unreadable pieces, scope rows and 999s.
        A failure of claimedit itself on one interchange, transaction or claim is reported where it
        stands, as :meth:`process` reports it (claims already handed on stay handed on).
        """
        for out, _ in self._interchanges(data, source):
            yield from out.claims
            yield from out.unreadable
            yield from out.shared
            yield from out.acks

    def _process(self, data: bytes | str, source: str) -> InputResult:
        claims: list[ClaimResult] = []
        unreadable: list[UnreadableResult] = []
        acks: list[GroupAck] = []
        shared: list[SharedFindings] = []
        seen = 0
        for out, in_chunk in self._interchanges(data, source):
            seen += in_chunk
            claims += out.claims
            unreadable += out.unreadable
            acks += out.acks
            shared += out.shared
        return InputResult(source, tuple(claims), tuple(unreadable), tuple(acks), seen, shared=tuple(shared))

    def _interchanges(self, data: bytes | str | BinaryIO, source: str) -> Iterator[tuple[_Collected, int]]:
        """The input's results in pieces (an interchange, or a transaction of a large one), with the CLM
        segments each piece brings into view (an interchange's all come with its first piece)."""
        input_key = self._input_key(data) if self._keeps_history else ""
        claims_before = 0
        for read in read_stream(text_stream(data), source):
            out = _Collected(input_key=input_key, claims_before=claims_before)
            pieces = self._spooled(read, out) if isinstance(read, SpooledRead) else self._held(read, out)
            for piece, in_view in pieces:
                claims_before += len(piece.claims)
                yield piece, in_view

    def _held(self, read: InterchangeRead, out: _Collected) -> Iterator[tuple[_Collected, int]]:
        """An interchange held whole: read, validated and edited as one piece."""
        with gc_paused():
            outline, in_chunk = _outline_and_clm_segments(read)
            try:
                report = self._validate(read) if read.readable else ValidationReport()
                for _ in self._interchange(
                    read, in_chunk, out, transactions=read.transactions, report=report, outline=outline
                ):
                    pass
            except HistoryUnavailableError:
                raise
            except Exception as exc:  # noqa: BLE001  (this interchange's claims become one unreadable piece)
                out.rollback((0, 0, 0, 0))
                out.unreadable.append(_failed_interchange(read, in_chunk, exc))
        yield out, in_chunk

    def _spooled(self, spooled: SpooledRead, out: _Collected) -> Iterator[tuple[_Collected, int]]:
        """A large interchange: checked and validated in one pass over its text, then its claims read, validated
        and edited transaction by transaction, each transaction's results handed on as soon as it is done."""
        read = spooled.read
        with gc_paused():
            in_chunk, outline, report = self._check_spooled(spooled)
        in_view, accounted = in_chunk, 0
        erring = _error_positions(report)
        try:
            transactions = spooled.transactions(
                spans_for=lambda location: erring.get((location.group_control, location.transaction_control))
            )
            steps = self._interchange(read, in_chunk, out, transactions=transactions, report=report, outline=outline)
            while True:
                with gc_paused():
                    if next(steps, _DONE) is _DONE:
                        break
                    piece = out.drain()
                accounted += piece.accounted()
                yield piece, in_view
                in_view = 0
        except HistoryUnavailableError:
            raise
        except Exception as exc:  # noqa: BLE001  (the claims not yet handed on become one unreadable piece)
            out.rollback((0, 0, 0, 0))
            out.unreadable.append(_failed_interchange(read, max(in_chunk - accounted, 0), exc))
        yield out, in_view

    def _check_spooled(self, spooled: SpooledRead) -> tuple[int, EnvelopeOutline, ValidationReport | Exception]:
        """One pass over a large interchange: its CLM segments, its outline, and its validation (the guide
        check fed as the pass goes; pyx12 over the text kept for it when the check is not clean)."""
        read = spooled.read
        delimiters = read.chunk.delimiters
        assert delimiters is not None
        outline = EnvelopeOutline()
        supported: set[str] = set()
        early: set[int | None] = set()
        rejected: set[tuple[str, str]] = set()
        validating = self.validator is not None
        with text_file() as pyx12_text:
            feed = GuideFeed(self.guide, delimiters)
            kept = KeptRuns(pyx12_text, delimiters, feed.take_all)
            writer = Pyx12Text(
                delimiters, isa_fixed_width=read.chunk.isa_fixed_width, supported=supported, early=early, sink=kept.take
            )
            clm = 0
            try:
                for event in spooled.check():
                    if isinstance(event, Segment):
                        clm += event.tag == "CLM"
                        if event.tag == "GS" and len(read.supported_groups) > len(supported):
                            supported.add(read.supported_groups[-1])
                        outline.take(event)
                        if validating:
                            writer.take(event)
                        continue
                    tx, walked = event
                    clm += tx.clm_segments
                    if tx.rejected_early:
                        early.add(tx.location.segment_index)
                    if _rejected_before_validation(tx):
                        rejected.add((tx.location.group_control, tx.location.transaction_control))
                    for segment in walked.body:
                        outline.take(segment)
                        if validating:
                            writer.take(segment)
            except Exception as exc:  # noqa: BLE001  (a reader defect costs this interchange, not the input)
                return _reader_failed(spooled, exc), outline, ValidationReport()
            if self.validator is None or not read.supported_groups:
                return clm, outline, ValidationReport()
            writer.finish()
            kept.finish()
            # a transaction rejected before validation is answered IK5*R by pyx12, never by the template
            if feed.clean and not rejected and (acks := feed.acks()):
                return clm, outline, ValidationReport(acks=acks)
            try:
                report = self.validator.validate_file(pyx12_text, frozenset(rejected), segments=kept.kept)
            except Exception as exc:  # noqa: BLE001  (the claims are still read; the groups get a rejecting 999)
                return clm, outline, exc
            return clm, outline, report

    def _interchange(
        self,
        read: InterchangeRead,
        in_chunk: int,
        out: _Collected,
        *,
        transactions: Iterable[TransactionRead],
        report: ValidationReport | Exception,
        outline: EnvelopeOutline,
    ) -> Iterator[None]:
        """Every claim of one interchange with its findings; yields after each transaction (a large
        interchange's results are handed on there)."""
        if not read.readable:
            out.unreadable.append(_unreadable_chunk(read, in_chunk))
            return
        rows_before = out.rows()
        base = TransactionLocation(source=read.source, interchange_control=read.isa_control)
        interchange = _Shared("interchange", base)
        failure: list[Finding] = []
        if isinstance(report, Exception):  # the claims are still read; the groups get a rejecting 999
            failure.append(internal_finding("validating the interchange", report, location=describe(base)))
            report = ValidationReport(fatal="", fatal_in_envelope=False)
        out.acks.extend(_of_interchange(ack, read.isa_control) for ack in report.acks)
        supported = read.supported_groups
        out.acks.extend(rejecting_group_acks(outline, supported, supported=False, reason=NOT_SUPPORTED))
        if report.fatal is not None and not report.fatal_in_envelope:  # pyx12 gave up: still answer
            out.acks.extend(rejecting_group_acks(outline, supported, supported=True, reason=SEGMENTS_IN_ERROR))
        syntax = SyntaxIndex(read, report)
        interchange.parts = [read.findings, [*failure, *syntax.everywhere]]
        groups: dict[str, _Shared] = {}
        accounted = 0
        for tx in transactions:
            accounted += tx.clm_segments
            control = tx.location.group_control
            group = groups.get(control)
            if group is None:
                where = TransactionLocation(read.source, read.isa_control, control)  # ``base`` in the group
                group = groups[control] = _Shared("group", where, [syntax.by_group.get(control, [])])
            mark = out.mark()
            handed_on = out.claims_drained
            try:
                for _ in self._transaction(tx, syntax, interchange, group, out):
                    if tx.runs is not None:
                        yield
            except HistoryUnavailableError:
                raise
            except Exception as exc:  # noqa: BLE001  (this transaction's claims become one unreadable piece)
                handed_on = out.claims_drained - handed_on  # claims of this transaction already handed on
                out.rollback((0, 0, 0, 0) if handed_on else mark)
                failure_here = internal_finding("processing the transaction", exc, location=describe(tx.location))
                inside = max(tx.clm_segments - handed_on, 0)
                out.unreadable.append(UnreadableResult(tx.location, inside, (failure_here,), raw=tx.raw))
            yield
        stray = in_chunk - accounted
        if stray > 0:
            location = TransactionLocation(read.source, read.isa_control, segment_index=read.chunk.first_segment_index)
            findings = (*interchange.part(0), *interchange.reference())
            out.unreadable.append(UnreadableResult(location, stray, findings, raw=read.chunk.text))
        for shared in (interchange, *groups.values()):
            shared.publish(out)
        if out.rows() == rows_before and (problems := syntax.without_claims(read)):
            # nothing was read from the interchange, yet something is wrong with it: one row says what
            location = TransactionLocation(read.source, read.isa_control, segment_index=read.chunk.first_segment_index)
            out.unreadable.append(UnreadableResult(location, 0, tuple(problems), raw=read.chunk.text))

    def _transaction(
        self, tx: TransactionRead, syntax: SyntaxIndex, interchange: _Shared, group: _Shared, out: _Collected
    ) -> Iterator[None]:
        """The claims of one transaction: each with its own findings and the first findings of every scope above.

        Yields after each run of claims of a large transaction (its results may be handed on there).
        """
        location = tx.location
        if tx.unreadable:
            inside = (*tx.findings, *interchange.part(0), *interchange.reference())
            out.unreadable.append(UnreadableResult(location, tx.clm_segments, inside, raw=tx.raw))
            return
        if not tx.has_claims:  # no claim to carry what is wrong with the transaction: a row of its own
            if own := [*tx.findings, *syntax.for_transaction(tx)]:
                around = (*interchange.part(0), *interchange.part(1), *group.part(0))
                out.unreadable.append(UnreadableResult(location, 0, (*around, *own), raw=tx.raw))
            return
        errors = syntax.sorted_errors(tx)
        transaction = _Shared("transaction", location, [tx.findings, errors.transaction_findings(location)])
        loops = {
            loop: _Shared("loop", location, [found], within=f" / segment {loop[0]} of the transaction (HL)")
            for loop, found in errors.loop_findings(location).items()
        }
        # what every claim of the transaction carries first, in this order: built once, not per claim
        from_above = [
            *interchange.part(0),
            *transaction.part(0),
            *interchange.part(1),
            *group.part(0),
            *transaction.part(1),
        ]
        before = 0
        for run in tx.claim_runs():
            if tx.unreadable:  # a defect of the reader only a second reading met
                raise RuntimeError("the transaction could not be read again")
            first = out.claims_before + out.claims_drained + len(out.claims)
            claims = [parsed.claim for parsed in run]
            with self._history_batch(claims, first, out.input_key) as history:
                for index, parsed in enumerate(run):
                    number = before + index
                    claim = parsed.claim
                    above = [interchange, group, transaction]
                    if loops:
                        above += [loops[loop] for loop in claim.location.loop_ranges if loop in loops]
                    try:
                        findings = _carried(claim, from_above, above, errors.own.get(number), location)
                        if self.engine is not None:
                            findings.extend(self._edit(claim, findings, history, index))
                    except Exception as exc:  # noqa: BLE001  (this claim is reported with the failure; the others go on)
                        where_claim = (
                            f"{transaction.where} / segment {claim.location.clm_segment_index} of the transaction (CLM)"
                        )
                        findings = [internal_finding("checking the claim", exc, location=where_claim)]
                    out.claims.append(ClaimResult(claim, tuple(findings), parsed.segments))
            before += len(run)
            yield
        for shared in (transaction, *loops.values()):
            shared.publish(out)

    def _input_key(self, data: bytes | str | BinaryIO) -> str:
        if not self.history_keys_by_content or not isinstance(data, bytes | str):
            return uuid.uuid4().hex
        raw = data.encode() if isinstance(data, str) else data
        return hashlib.sha256(raw).hexdigest()[:16]

    @property
    def _keeps_history(self) -> bool:
        """Claims are recalled from and recorded in a history: only then do they need their idempotency keys."""
        return self.history is not None and self.engine is not None

    def _history_batch(
        self, claims: list[Claim], first: int, input_key: str
    ) -> AbstractContextManager[HistoryBatch | None]:
        """One history transaction per transaction set: its patients locked, recorded claims written at exit.

        ``first`` is the place in the input of the first of ``claims`` (their keys count it)."""
        if not self._keeps_history or not claims:
            return _NO_HISTORY
        assert self.history is not None
        keys = [f"{_claim_key(claim, first + n)}:{input_key}" for n, claim in enumerate(claims)]
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

    def _validate(self, read: InterchangeRead) -> ValidationReport | Exception:
        """The guide check of an interchange held whole, then pyx12 when the check is not clean."""
        if self.validator is None or not read.supported_groups:
            return ValidationReport()
        try:
            rejected = frozenset(
                (tx.location.group_control, tx.location.transaction_control)
                for tx in read.transactions
                if _rejected_before_validation(tx)
            )
            delimiters = read.chunk.delimiters
            assert delimiters is not None
            # a transaction rejected before validation is answered IK5*R by pyx12, never by the template
            asks_guide = not rejected and not isinstance(self.guide, Pyx12Only)
            kept = segments_for_pyx12(read)
            if asks_guide:
                feed = GuideFeed(self.guide, delimiters)
                feed.take_all(kept)
                if feed.clean and (acks := feed.acks()):
                    return ValidationReport(acks=acks)  # a clean interchange is never written out for pyx12
            return self.validator.validate(text_of(kept, separator_for(delimiters)), rejected)
        except Exception as exc:  # noqa: BLE001  (the claims are still read; the groups get a rejecting 999)
            return exc


@dataclass
class _Collected:
    """What one input has produced so far."""

    input_key: str = ""
    """Tells this input from others in the claim history (its content hash, or a fresh id per call)."""
    claims_before: int = 0
    """Claims of the input's earlier interchanges (a claim's history key counts its place in the input)."""
    claims: list[ClaimResult] = field(default_factory=list)
    unreadable: list[UnreadableResult] = field(default_factory=list)
    acks: list[GroupAck] = field(default_factory=list)
    shared: list[SharedFindings] = field(default_factory=list)
    claims_drained: int = 0
    """Claims of this interchange already handed on (:meth:`drain`)."""
    unreadable_drained: int = 0

    def mark(self) -> tuple[int, int, int, int]:
        return len(self.claims), len(self.unreadable), len(self.acks), len(self.shared)

    def rows(self) -> tuple[int, int]:
        """Claims and unreadable pieces of the interchange so far, handed on or not."""
        return self.claims_drained + len(self.claims), self.unreadable_drained + len(self.unreadable)

    def rollback(self, mark: tuple[int, int, int, int]) -> None:
        """Forget what was added since ``mark`` (an interchange that failed half-way is reported whole)."""
        del self.claims[mark[0] :], self.unreadable[mark[1] :], self.acks[mark[2] :], self.shared[mark[3] :]

    def drain(self) -> _Collected:
        """What was collected since the last drain, handed on; this keeps counting."""
        piece = _Collected(self.input_key, self.claims_before, self.claims, self.unreadable, self.acks, self.shared)
        self.claims_drained += len(self.claims)
        self.unreadable_drained += len(self.unreadable)
        self.claims, self.unreadable, self.acks, self.shared = [], [], [], []
        return piece

    def accounted(self) -> int:
        return len(self.claims) + sum(item.claims_inside for item in self.unreadable)


class _Shared:
    """Findings of one scope (interchange, group, transaction, HL loop), built once, capped on each claim.

    ``parts`` are kinds of findings kept apart (the reader's and pyx12's), each capped on its own so
    that the claims list them in the order they always had.
    """

    def __init__(
        self, scope: Scope, location: TransactionLocation, parts: list[list[Finding]] | None = None, within: str = ""
    ) -> None:
        self.scope = scope
        self.location = location
        self.parts: list[list[Finding]] = parts or []
        self.users = 0
        self._reference: tuple[Finding, ...] | None = None
        self._within = within
        """Where in the scope's location it stands (an HL loop in its transaction), after that location."""

    @cached_property
    def where(self) -> str:
        """The scope as its findings and row name it (``interchange X / group Y / transaction Z``, no segment).

        Built only when something states it: most scopes have nothing to state."""
        location = self.location
        if location.segment_index is not None:
            location = replace(location, segment_index=None)
        return describe(location) + self._within

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


def _of_interchange(ack: GroupAck, control: str) -> GroupAck:
    """The 999 of a group, named by its interchange's control number (built directly: ``dataclasses.replace``
    cost 4 us an input)."""
    return GroupAck(control, ack.group_control, ack.accepted, ack.ack_code, ack.x12)


def _error_positions(report: ValidationReport | Exception) -> dict[tuple[str, str], list[int]]:
    """By (GS06, ST02), the sorted positions of the errors validation found in each transaction: where a
    large transaction keeps the spans of claims and loops (:meth:`SpooledRead.transactions`) to sort them."""
    if isinstance(report, Exception):
        return {}
    positions: dict[tuple[str, str], list[int]] = {}
    for error in report.errors:
        if error.level in ("interchange", "group"):
            continue
        held = positions.setdefault((error.group_control, error.transaction_control), [])
        if error.segment_in_transaction is not None:
            held.append(error.segment_in_transaction)
    for held in positions.values():
        held.sort()
    return positions


def _rejected_before_validation(tx: TransactionRead) -> bool:
    """A transaction claimedit rejects itself (SYN010 limits, an empty segment removed: SYN004): pyx12 answers
    it IK5*R, so its interchange is never answered from the compiled guide's template."""
    return tx.rejected_early or any(finding.code == "SYN004" for finding in tx.findings)


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


def _carried(
    claim: Claim,
    from_above: list[Finding],
    above: list[_Shared],
    own: list[SyntaxError837] | None,
    location: TransactionLocation,
) -> list[Finding]:
    """The findings a claim carries before its edits: those of every scope above it (``from_above``, then its
    HL loops' from ``above[3:]``), pyx12's own errors in it, and a reference to each capped scope above."""
    findings = [*from_above]
    for shared in above[3:]:
        findings += shared.part(0)
    if own:
        findings += [error_finding(error, location, claim) for error in own]
    for shared in above:
        findings += shared.reference()
    return findings


def _claim_key(claim: Claim, index: int) -> str:
    """The claim's place in its input, as the service's per-claim idempotency key names it."""
    env = claim.envelope
    return f"{env.isa_control}:{env.gs_control}:{env.st_control}:{claim.claim_id}:{index}"


def _outline_and_clm_segments(read: InterchangeRead) -> tuple[EnvelopeOutline, int]:
    """The interchange's outline and its CLM segments in the raw chunk: counted on its segments, or by pattern
    when it is not X12 (then it has no outline)."""
    if read.chunk.delimiters is None:
        return EnvelopeOutline.of(read.chunk.segments), count_clm_segments(read.chunk.text)
    return EnvelopeOutline.with_claims(read.chunk.segments)


def _failed_interchange(read: InterchangeRead, inside: int, exc: Exception) -> UnreadableResult:
    """claimedit failed on the interchange (not the reader): its claims (or those not yet handed on) as one piece."""
    location = TransactionLocation(read.source, read.isa_control, segment_index=read.chunk.first_segment_index)
    failure = internal_finding("processing the interchange", exc, location=describe(location))
    return UnreadableResult(location, inside, (failure,), raw=read.chunk.text)


def _reader_failed(spooled: SpooledRead, exc: Exception) -> int:
    """The reader failed on a large interchange: it is reported unreadable, as a held one is; its CLM segments."""
    read = spooled.read
    read.failed = True
    read.transactions.clear()
    read.supported_groups.clear()
    where = f"{f'file {read.source}' if read.source else 'input'} / segment {read.chunk.first_segment_index}"
    read.findings.append(internal_finding("reading the interchange", exc, location=where))
    return sum(segment.tag == "CLM" for segment in spooled.spooled.segments())


_DONE = object()
_NO_HISTORY: AbstractContextManager[None] = nullcontext()
"""Claims edited without a history (nullcontext is reentrant: one serves every transaction)."""


def _unreadable_chunk(read: InterchangeRead, inside: int) -> UnreadableResult:
    location = TransactionLocation(source=read.source, segment_index=read.chunk.first_segment_index)
    return UnreadableResult(location, inside, tuple(read.findings), raw=read.chunk.text)
