"""One input in, every claim accounted for: read, validate against the implementation guide, run the edits.

The replay CLI and the broker service both call :meth:`Pipeline.process`. It is synchronous and pure
CPU; everything expensive (pyx12 maps, reference tables, the edit registry) is loaded once by
:meth:`Pipeline.start`.
"""

from __future__ import annotations

import gc
import hashlib
import uuid
from bisect import bisect_right
from collections import defaultdict
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace
from pathlib import Path

from claimedit._gc import gc_paused
from claimedit.history.port import HistoryBatch, HistoryPort
from claimedit.results import ClaimResult, GroupAck, InputResult, TransactionLocation, UnreadableResult
from claimedit.x12.ack999 import NOT_SUPPORTED, SEGMENTS_IN_ERROR, rejecting_group_ack
from claimedit.x12.interchanges import count_clm_segments
from claimedit.x12.reader import A1, InterchangeRead, TransactionRead, describe, read_input
from claimedit.x12.syntax import syntax_finding
from claimedit.x12.tokens import Segment
from claimedit.x12.validation import Pyx12Validator, SyntaxError837, ValidationReport
from claimedit_edits.engine import Engine
from claimedit_edits.model import Claim, Finding, verdict_for
from claimedit_edits.setup import build_engine

__all__ = ["Pipeline"]


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
        """Every claim of ``data`` with its findings, every unreadable piece, and the 999s."""
        with gc_paused():
            return self._process(data, source)

    def _process(self, data: bytes | str, source: str) -> InputResult:
        claims: list[ClaimResult] = []
        unreadable: list[UnreadableResult] = []
        acks: list[GroupAck] = []
        seen = 0
        input_key = self._input_key(data)
        for read in read_input(data, source):
            in_chunk = _clm_segments_in(read)
            seen += in_chunk
            if not read.readable:
                unreadable.append(_unreadable_chunk(read, in_chunk))
                continue
            report = self._validate(read)
            acks.extend(replace(ack, interchange_control=read.isa_control) for ack in report.acks)
            acks.extend(_rejecting_group_acks(read, supported=False, reason=NOT_SUPPORTED))
            if report.fatal is not None and not report.fatal_in_envelope:  # pyx12 gave up: still answer
                acks.extend(_rejecting_group_acks(read, supported=True, reason=SEGMENTS_IN_ERROR))
            syntax = _SyntaxIndex(read, report)
            accounted = 0
            for tx in read.transactions:
                accounted += tx.clm_segments
                if tx.unreadable:
                    unreadable.append(
                        UnreadableResult(tx.location, tx.clm_segments, tuple(tx.findings + read.findings), raw=tx.raw)
                    )
                    continue
                keys = [f"{_claim_key(claim, len(claims) + n)}:{input_key}" for n, claim in enumerate(tx.claims)]
                with self._history_batch(tx.claims, keys) as history:
                    for number, claim in enumerate(tx.claims):
                        findings = [*read.findings, *tx.findings, *syntax.for_claim(tx, number)]
                        if self.engine is not None:
                            findings.extend(self._edit(claim, findings, history, number))
                        claims.append(ClaimResult(claim, tuple(findings)))
            stray = in_chunk - accounted
            if stray > 0:
                location = TransactionLocation(source, read.isa_control, segment_index=read.chunk.first_segment_index)
                unreadable.append(UnreadableResult(location, stray, tuple(read.findings), raw=read.chunk.text))
        return InputResult(source, tuple(claims), tuple(unreadable), tuple(acks), seen)

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
            if any(finding.code == "SYN004" for finding in tx.findings)
        )
        return self.validator.validate(_text_for_pyx12(read), rejected)


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
    for segment in segments:
        if segment.tag == "GS":
            groups.append((segment, []))
        elif segment.tag == "ST" and groups:
            groups[-1][1].append(segment)
    return [
        rejecting_group_ack(isa=segments[0], gs=gs, transactions=transactions, reason=reason)
        for gs, transactions in groups
        if (gs.get(6) in read.supported_groups) == supported
    ]


def _clm_segments_in(read: InterchangeRead) -> int:
    """CLM segments in the raw chunk: counted on its segments, or by pattern when it is not X12."""
    if read.chunk.delimiters is None:
        return count_clm_segments(read.chunk.text)
    return sum(1 for segment in read.chunk.segments if segment.tag == "CLM")


def _unreadable_chunk(read: InterchangeRead, inside: int) -> UnreadableResult:
    location = TransactionLocation(source=read.source, segment_index=read.chunk.first_segment_index)
    return UnreadableResult(location, inside, tuple(read.findings), raw=read.chunk.text)


def _text_for_pyx12(read: InterchangeRead) -> str:
    """The interchange as pyx12 should see it: 837P 5010 groups only, A2 errata read as A1, no empty segments."""
    delimiters = read.chunk.delimiters
    assert delimiters is not None
    element = delimiters.element
    keep: list[str] = []
    groups = 0
    in_supported = False
    for segment in read.chunk.segments:
        if not segment.elements:
            continue
        tag = segment.tag
        if tag == "GS":
            in_supported = segment.get(6) in read.supported_groups
            if in_supported:
                groups += 1
                keep.append(_with_element(segment.elements, 8, A1, element))
            continue
        if tag in ("ISA", "IEA"):
            keep.append(segment.raw)
            continue
        if in_supported:
            keep.append(_with_element(segment.elements, 3, A1, element) if tag == "ST" else segment.raw)
        if tag == "GE":
            in_supported = False
    if groups != sum(1 for segment in read.chunk.segments if segment.tag == "GS") and keep[-1].startswith("IEA"):
        iea = keep[-1].split(element)
        keep[-1] = element.join([iea[0], str(groups), *iea[2:]])
    separator = delimiters.segment if delimiters.segment == "\n" else f"{delimiters.segment}\n"
    return "".join(f"{segment}{separator}" for segment in keep)


def _with_element(elements: list[str], position: int, value: str, separator: str) -> str:
    if position < len(elements) and elements[position] and elements[position] != value:
        elements = [*elements[:position], value, *elements[position + 1 :]]
    return separator.join(elements)


class _SyntaxIndex:
    """pyx12 errors turned into findings and sorted to the claims they concern."""

    def __init__(self, read: InterchangeRead, report: ValidationReport) -> None:
        self.everywhere: list[Finding] = []
        self.by_group: dict[str, list[Finding]] = defaultdict(list)
        self.by_transaction: dict[tuple[str, str], list[SyntaxError837]] = defaultdict(list)
        self._sorted: dict[int, list[list[SyntaxError837]]] = {}
        base = TransactionLocation(source=read.source, interchange_control=read.isa_control)
        if report.fatal is not None:
            self.everywhere.append(_fatal_finding(report.fatal, envelope=report.fatal_in_envelope, where=base))
        for error in report.errors:
            if error.level == "interchange":
                self.everywhere.append(_finding(error, base))
            elif error.level == "group":
                group = replace(base, group_control=error.group_control)
                self.by_group[error.group_control].append(_finding(error, group))
            else:
                self.by_transaction[(error.group_control, error.transaction_control)].append(error)

    def for_claim(self, tx: TransactionRead, claim_number: int) -> list[Finding]:
        """Errors of the interchange, the group, the claim's own segments and the loops above it."""
        location = tx.location
        found = [*self.everywhere, *self.by_group.get(location.group_control, [])]
        errors = self.by_transaction.get((location.group_control, location.transaction_control))
        if not errors:
            return found
        per_claim = self._sorted.get(id(tx))
        if per_claim is None:
            per_claim = self._sorted[id(tx)] = _sort_to_claims(tx.claims, errors)
        claim = tx.claims[claim_number]
        found.extend(_finding(error, location, claim) for error in per_claim[claim_number])
        return found


def _sort_to_claims(claims: list[Claim], errors: list[SyntaxError837]) -> list[list[SyntaxError837]]:
    """Each error to the claims it concerns, in O(errors x log claims).

    An error inside a claim's 2300/2400 segments concerns that claim; one in an HL loop's own segments
    (billing provider, subscriber, patient) concerns the claims below that loop; anything else (ST, BHT,
    1000A/B, SE, or no position) concerns every claim of the transaction.
    """
    starts = [claim.location.clm_segment_index for claim in claims]
    ends = [start + len(claim.segments.claim) for start, claim in zip(starts, claims, strict=True)]
    owners: dict[tuple[int, int], list[int]] = defaultdict(list)
    for number, claim in enumerate(claims):
        for loop in claim.location.loop_ranges:
            owners[loop].append(number)
    loops = sorted(owners)
    loop_starts = [loop[0] for loop in loops]
    per_claim: list[list[SyntaxError837]] = [[] for _ in claims]
    for error in errors:
        position = error.segment_in_transaction
        if position is not None:
            at = bisect_right(starts, position) - 1
            if at >= 0 and position < ends[at]:
                per_claim[at].append(error)
                continue
            at = bisect_right(loop_starts, position) - 1
            if at >= 0 and position < loops[at][1]:
                for number in owners[loops[at]]:
                    per_claim[number].append(error)
                continue
        for own in per_claim:
            own.append(error)
    return per_claim


def _fatal_finding(fatal: str, *, envelope: bool, where: TransactionLocation) -> Finding:
    """pyx12 could not validate the interchange: its envelope is broken (SYN005), or pyx12 failed on a segment."""
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
