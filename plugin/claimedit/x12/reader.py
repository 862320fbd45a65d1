"""The fast 837P reader: segments split on the ISA-declared delimiters, walked by loop, into typed claims.

It reads what pyx12 reads (a test compares both on every fixture and sample pyx12 accepts) at a small
fraction of the cost, and it never stops quietly: every CLM segment ends in a claim or is counted in an
unreadable transaction. Implementation-guide validation is separate (:mod:`claimedit.validation.pyx12`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TextIO

from claimedit._gc import gc_paused
from claimedit.results import TransactionLocation
from claimedit.x12.claim_runs import ClaimRun, RunShape, cut_runs, run_claims_now
from claimedit.x12.interchange_stream import cut_stream
from claimedit.x12.interchanges import Chunk, count_clm_segments, interchange_chunk
from claimedit.x12.limits import LimitBreach, LimitWatch
from claimedit.x12.parsed import ClaimSegments, ParsedClaim
from claimedit.x12.spool import SpooledInterchange, spooled_segments, text_file
from claimedit.x12.syntax import internal_finding, syntax_finding
from claimedit.x12.text_stream import TextStream, text_stream
from claimedit.x12.tokens import ISA_ELEMENTS, Decoded, Delimiters, Segment, encoding_name, fixed_width_isa
from claimedit.x12.transactions import describe_transaction
from claimedit_edits.model import (
    Claim,
    ClaimLocation,
    Diagnosis,
    Envelope,
    Finding,
    Payer,
    Person,
    Provider,
    ServiceLine,
)
from claimedit_edits.model._trusted import trusted, trusted_from, trusted_update

__all__ = [
    "A1",
    "ClaimSpans",
    "InterchangeRead",
    "SpooledRead",
    "TransactionRead",
    "WalkedTransaction",
    "check_transaction",
    "describe",
    "read_claims",
    "read_input",
    "read_parsed_claims",
    "read_stream",
    "walk_interchange",
]

A1 = "005010X222A1"
_READ_AS_A1 = frozenset({"005010X222A2", "005010X222"})
_DIAGNOSIS_QUALIFIERS = frozenset({"ABK", "ABF", "BK", "BF"})
LISTED_ONE_BY_ONE = 20
"""Stray or empty segments named one finding each; beyond, one finding counts the rest (bounded output)."""


@dataclass
class TransactionRead:
    """One ST/SE transaction: its claims, or why none could be read."""

    location: TransactionLocation
    parsed: list[ParsedClaim] = field(default_factory=list)
    """Each claim read, with its raw segments beside it."""
    clm_segments: int = 0
    findings: list[Finding] = field(default_factory=list)
    """Findings that concern every claim of the transaction."""
    unreadable: bool = False
    rejected_early: bool = False
    """Beyond the guide's limits (SYN010): not read, and not given to pyx12 either."""
    raw: str = ""
    runs: Callable[[], Iterator[ClaimRun]] | None = field(default=None, repr=False)
    """A large transaction's runs of claims (:mod:`claimedit.x12.claim_runs`), cut afresh from its text at
    each call and read one at a time by :meth:`claim_runs`; ``parsed`` then stays empty."""
    spans: ClaimSpans | None = field(default=None, repr=False)
    """Where each claim and HL loop of a transaction read in runs stands (for sorting errors to them)."""
    isa: Segment | None = field(default=None, repr=False)
    gs: Segment | None = field(default=None, repr=False)
    delimiters: Delimiters | None = field(default=None, repr=False)

    @property
    def claims(self) -> list[Claim]:
        """The domain claims read, in order (without their raw segments)."""
        return [parsed.claim for parsed in self.parsed]

    @property
    def has_claims(self) -> bool:
        return bool(self.parsed) or self.runs is not None

    def claim_runs(self) -> Iterator[list[ParsedClaim]]:
        """The claims read, in runs: all of ``parsed`` at once, or each run of a large transaction read now."""
        if self.runs is None:
            yield self.parsed
            return
        for run in self.runs():
            yield _parse_run(self, run)


@dataclass(frozen=True)
class ClaimSpans:
    """Where claims of a transaction stand (their 2300/2400 segments, from ST = 1) and HL loops.

    Either every claim and loop (a held transaction) or only those holding one of the positions errors
    were found at (a transaction read in runs): what sorting those errors needs, a few bytes per error
    instead of per claim, so that a large transaction with errors stays in flat memory too.
    """

    ordinals: array[int]
    """Each kept claim's number in the transaction (from 0), in order."""
    starts: array[int]
    ends: array[int]
    loops: frozenset[tuple[int, int]]


@dataclass
class InterchangeRead:
    """One ISA/IEA interchange as read, or a piece of input that is not one."""

    chunk: Chunk
    source: str
    isa_control: str = ""
    transactions: list[TransactionRead] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    """Envelope problems of the interchange itself (missing IEA ...)."""
    supported_groups: list[str] = field(default_factory=list)
    """GS control numbers of the 837P 5010 groups, in order (the ones pyx12 validates)."""

    failed: bool = False
    """The reader itself failed on the interchange (an INT002 finding says so): nothing was read from it."""

    @property
    def readable(self) -> bool:
        return self.chunk.error is None and not self.failed


def describe(location: TransactionLocation, segment: Segment | None = None, element: str = "") -> str:
    """``interchange X / group Y / transaction Z / segment N (TAG) / element E``: where a finding points."""
    parts = []
    if location.source:
        parts.append(f"file {location.source}")
    if location.interchange_control:
        parts.append(f"interchange {location.interchange_control}")
    if location.group_control:
        parts.append(f"group {location.group_control}")
    if location.transaction_control:
        parts.append(f"transaction {location.transaction_control}")
    if segment is not None:
        parts.append(f"segment {segment.index} ({segment_id(segment)})")
    elif location.segment_index is not None:
        parts.append(f"segment {location.segment_index}")
    if element:
        parts.append(f"element {element}")
    return " / ".join(parts)


def segment_id(segment: Segment) -> str:
    """The segment's id as sent when it looks like one; a garbled line (maybe a name) is not repeated."""
    tag = segment.tag
    if not tag:
        return "empty"
    return tag if 2 <= len(tag) <= 3 and tag.isalnum() and tag.isupper() and tag[0].isalpha() else "unknown segment id"


def read_input(data: bytes | str, source: str = "") -> list[InterchangeRead]:
    """Every interchange in ``data``, each read whole. Never raises on bad input: problems become findings."""
    with gc_paused():
        return [
            item if isinstance(item, InterchangeRead) else item.whole()
            for item in read_stream(text_stream(data), source)
        ]


def read_stream(stream: TextStream, source: str = "") -> Iterator[InterchangeRead | SpooledRead]:
    """Every interchange of a text stream, each read as soon as its end is seen (see :func:`read_input`)."""
    decoded = stream.decoded
    if decoded.error is not None:
        text = decoded.text
        chunk = Chunk(text, 1, error=decoded.error)
        read = InterchangeRead(chunk, source)
        read.findings.append(
            syntax_finding(
                "SYN006",
                f"The input could not be decoded: {decoded.error}. {count_clm_segments(text)} claim segment(s) "
                "inside were not read. Resend it as UTF-8 or ASCII text.",
                location=_file(source),
            )
        )
        yield read
        return
    empty = True
    for piece in cut_stream(stream.pieces):
        if isinstance(piece, SpooledInterchange):
            empty = False
            yield SpooledRead(piece, decoded, source)
            continue
        if empty and piece.error is not None and not piece.text.strip():
            break  # only blanks (beyond those an interchange may follow): the input is empty
        empty = False
        yield _read_decoded_chunk(piece, decoded, source)
    if empty:
        chunk = Chunk("", 1, error="input is empty")
        read = InterchangeRead(chunk, source)
        read.findings.append(
            syntax_finding("SYN006", "The input is empty: there is no interchange to read.", location=_file(source))
        )
        yield read


class SpooledRead:
    """An interchange too large to hold (:class:`~claimedit.x12.spool.SpooledInterchange`), read in passes.

    :meth:`check` walks it without reading a claim (twice: the transactions' findings first): its envelope,
    each transaction's findings before reading, and every segment for the guide check and pyx12.
    :meth:`transactions` then reads the
    claims, one transaction at a time; a transaction of more than 200 claims run by run
    (:func:`_read_streamed_transaction`). No transaction is held whole past its 200th claim.
    """

    def __init__(self, spooled: SpooledInterchange, decoded: Decoded, source: str) -> None:
        self.spooled = spooled
        self.decoded = decoded
        self.source = source
        header = spooled.header
        odd = header.odd_widths
        chunk = Chunk(
            "",
            spooled.first_segment_index,
            header.delimiters,
            isa_odd_widths=odd,
            isa_fixed_width=fixed_width_isa(header) if odd else None,
        )
        self.read = InterchangeRead(chunk, source)
        """The interchange as :meth:`check` found it: envelope findings, groups, transactions without claims."""

    def check(self) -> Iterator[Segment | tuple[TransactionRead, WalkedTransaction]]:
        """Every segment outside a transaction, and each transaction with what is known before reading it.

        Two readings of the spool: the first checks every transaction (counters only, :class:`_TransactionCheck`),
        so that each is yielded with its findings known (a transaction beyond the guide's limits is left out
        of pyx12's text from its ST on, however late the breach); the second yields the segments, each
        transaction's as an iterator (:attr:`WalkedTransaction.body`) to read before the next event.
        """
        read, delimiters = self.read, self.read.chunk.delimiters
        assert delimiters is not None
        probe = InterchangeRead(read.chunk, self.source)
        checked: list[TransactionRead] = []
        for event in walk_interchange(probe, self.spooled.segments()):
            if isinstance(event, WalkedTransaction):
                check = _TransactionCheck(event.gs, event.st, event.location, delimiters, raw=False)
                for segment in event.body:
                    check.take(segment)
                check.finish()
                checked.append(check.tx)
        segments = self.spooled.segments()
        isa = next(segments)
        if read.chunk.isa_odd_widths:
            read.findings.append(_isa_width_finding(read.chunk, self.source, isa))
        known = iter(checked)
        for event in walk_interchange(read, itertools.chain((isa,), segments)):
            if isinstance(event, WalkedTransaction):
                tx = next(known)
                read.transactions.append(tx)
                yield tx, event
            else:
                yield event
        if self.decoded.wide:
            read.findings.append(_encoding_finding(self.decoded, read, self.source))

    def transactions(
        self, spans_for: Callable[[TransactionLocation], Sequence[int] | None] = lambda _: None
    ) -> Iterator[TransactionRead]:
        """Each transaction read with its claims, one at a time (after :meth:`check`).

        ``spans_for`` a transaction's location gives the sorted positions (segment in the transaction) of
        the errors found in it, or None when there are none: the caller validated first. A transaction read
        in runs keeps :attr:`TransactionRead.spans` for the claims and HL loops holding those positions only.
        """
        delimiters = self.read.chunk.delimiters
        assert delimiters is not None
        again = InterchangeRead(self.read.chunk, self.source)
        for event in walk_interchange(again, self.spooled.segments()):
            if isinstance(event, WalkedTransaction):
                yield from _read_streamed_transaction(
                    event, self.spooled, delimiters, error_positions=spans_for(event.location)
                )

    def whole(self) -> InterchangeRead:
        """The interchange read whole, as :func:`read_input` reads one (for tools and tests; not bounded)."""
        self.spooled.file.seek(0)
        text = self.spooled.file.read()
        chunk = interchange_chunk(text, self.spooled.header, self.spooled.first_segment_index)
        return _read_decoded_chunk(chunk, self.decoded, self.source)


def _read_decoded_chunk(chunk: Chunk, decoded: Decoded, source: str) -> InterchangeRead:
    """One chunk read; for UTF-16/32 input, with how it was decoded said."""
    with gc_paused():
        if decoded.wide and chunk.error:  # say how the text was read when it is not an interchange after all
            how = f"decoded as {encoding_name(decoded)}, found by its {decoded.detected_by}"
            chunk = replace(chunk, error=f"{chunk.error}; {how}")
        read = _read_chunk(chunk, source)
        if decoded.wide and read.readable:
            read.findings.append(_encoding_finding(decoded, read, source))
        return read


def read_claims(data: bytes | str, source: str = "") -> list[Claim]:
    """The claims of every readable 837P transaction in ``data`` (convenience for tests and tools)."""
    return [parsed.claim for parsed in read_parsed_claims(data, source)]


def read_parsed_claims(data: bytes | str, source: str = "") -> list[ParsedClaim]:
    """The claims of ``data`` with their raw segments (for tests and tools that write X12 again)."""
    with gc_paused():  # resume collection only once the segments are gone: it then scans the claims alone
        return [parsed for read in read_input(data, source) for tx in read.transactions for parsed in tx.parsed]


def _file(source: str) -> str:
    return f"file {source}" if source else "input"


def _read_chunk(chunk: Chunk, source: str) -> InterchangeRead:
    read = InterchangeRead(chunk, source)
    if chunk.error is not None or chunk.delimiters is None:
        read.findings.append(
            syntax_finding(
                "SYN006",
                f"Not a readable X12 interchange ({chunk.error}); "
                f"{count_clm_segments(chunk.text)} claim segment(s) inside were not read.",
                location=f"{_file(source)} / segment {chunk.first_segment_index}",
            )
        )
        return read
    if chunk.isa_odd_widths:
        read.findings.append(_isa_width_finding(chunk, source, chunk.segments[0] if chunk.segments else None))
    try:
        _Walker(read, chunk.delimiters).walk(list(chunk.segments))
    except Exception as exc:  # noqa: BLE001  (a reader defect must cost this interchange, not the input)
        read.failed = True
        read.transactions.clear()
        read.supported_groups.clear()
        where = f"{_file(source)} / segment {chunk.first_segment_index}"
        read.findings.append(internal_finding("reading the interchange", exc, location=where))
    return read


def _encoding_finding(decoded: Decoded, read: InterchangeRead, source: str) -> Finding:
    """SYN009: the interchange was read from UTF-16/UTF-32 text."""
    name = encoding_name(decoded)
    return syntax_finding(
        "SYN009",
        f"The input is {name} text (found by its {decoded.detected_by}); claimedit decoded and read it, but X12 "
        "interchanges are single-byte text and most payers' translators cannot read this one. Resend it as "
        "ASCII or UTF-8.",
        location=f"{_file(source)} / interchange {read.isa_control}" if read.isa_control else _file(source),
    )


def _isa_width_finding(chunk: Chunk, source: str, isa: Segment | None) -> Finding:
    """SYN008: the ISA's elements are not at their fixed widths; it was read by counting its elements."""
    odd = [
        f"ISA{number:02d} ({ISA_ELEMENTS[number - 1][1]}) has {sent} character{'s' if sent != 1 else ''}, not {fixed}"
        for number, sent, fixed in chunk.isa_odd_widths
    ]
    where = f"{_file(source)} / interchange {isa.get(13).strip()}" if isa is not None else _file(source)
    return syntax_finding(
        "SYN008",
        f"The ISA segment is not fixed-width: {'; '.join(odd)}. X12 fixes the width of every ISA element "
        "(106 characters in all), and translators that read the ISA by position misread this one; claimedit "
        "found its delimiters by counting its 16 elements and read the interchange. Pad each element to its "
        "width (ids with trailing spaces) and resend.",
        location=f"{where} / segment {chunk.first_segment_index} (ISA)",
    )


@dataclass(frozen=True)
class WalkedTransaction:
    """One transaction's segments as the interchange walk found them (ST up to its SE or the next envelope)."""

    isa: Segment
    gs: Segment | None
    st: Segment
    body: Iterator[Segment]
    """The segments from the ST on, read from the walk's own source: read them (or not) before the next
    event, which skips any left unread."""
    location: TransactionLocation


class _Walker:
    """Walks one interchange's segments: envelopes, then each 837P transaction loop by loop."""

    def __init__(self, read: InterchangeRead, delimiters: Delimiters) -> None:
        self.read = read
        self.delimiters = delimiters

    def walk(self, segments: list[Segment]) -> None:
        """Every transaction read whole into :attr:`InterchangeRead.transactions`."""
        read, delimiters = self.read, self.delimiters
        for event in walk_interchange(read, segments):
            if isinstance(event, WalkedTransaction):
                walked = event.body
                body = walked.segments if isinstance(walked, _HeldBody) else list(walked)
                read.transactions.append(_read_transaction(event.isa, event.gs, body, event.location, delimiters))


def walk_interchange(
    read: InterchangeRead, segments: Iterator[Segment] | list[Segment]
) -> Iterator[Segment | WalkedTransaction]:
    """One pass over an interchange's segments (from its ISA), one transaction at a time, in input order.

    Yields each segment outside any transaction (the ISA first) and each transaction (ST up to its SE,
    or to where the next ST, GE, IEA, ISA or GS begins) as soon as its ST is seen, its segments an
    iterator over the same source: the walk holds no segment of it (given a list, the walk finds each
    transaction's end by index and hands its segments as one slice). Sets the interchange's control number,
    supported groups and envelope findings on ``read`` (the findings once the walk is done).
    """
    source: _Pushback | _Held = _Held(segments) if isinstance(segments, list) else _Pushback(segments)
    isa = next(source)
    yield isa
    read.isa_control = isa.get(13).strip()
    base = TransactionLocation(source=read.source, interchange_control=read.isa_control)
    gs: Segment | None = None
    seen_iea = False
    stray = _Stray()
    last = isa
    for segment in source:
        last = segment
        tag = segment.tag
        if tag == "ST":
            body = source.transaction(segment)
            location = TransactionLocation(
                source=read.source,
                interchange_control=read.isa_control,
                group_control=gs.get(6) if gs else "",
                transaction_control=segment.get(2),
                segment_index=segment.index,
            )
            yield WalkedTransaction(isa, gs, segment, body, location)
            body.skip()  # what the consumer left unread
            last = body.last
            continue
        if tag == "GS":
            gs = segment
            if _supported_version(segment.get(8)) and segment.get(1) == "HC":
                read.supported_groups.append(segment.get(6))
        elif tag == "IEA":
            seen_iea = True
        elif tag not in ("GE", "SE", ""):
            stray.add(segment)
        yield segment
    read.findings.extend(_stray_findings(base, stray))
    if not seen_iea:
        read.findings.append(
            syntax_finding(
                "SYN005",
                "The interchange has no IEA trailer: it may have been cut short in transmission.",
                location=describe(base, last),
            )
        )


_ENDS_TRANSACTION_BEFORE = frozenset({"ST", "GE", "IEA", "ISA", "GS"})
"""Segments that end a transaction without SE: they belong to what follows it."""


class _Pushback:
    """Segments one at a time, where the segment that ended a transaction without SE is read again."""

    def __init__(self, segments: Iterator[Segment]) -> None:
        self._segments = segments
        self._back: Segment | None = None

    def __iter__(self) -> Iterator[Segment]:
        return self

    def __next__(self) -> Segment:
        back = self._back
        if back is not None:
            self._back = None
            return back
        return next(self._segments)

    def transaction(self, st: Segment) -> _TransactionBody:
        """The segments from ``st`` up to its SE, or to (not including) the next ST, GE, IEA, ISA or GS."""
        return _TransactionBody(self, st)

    def in_transaction(self) -> Segment | None:
        """The next segment of a transaction, or None at its end (a segment that ends it is read again)."""
        following = next(self._segments, None)
        if following is not None and following.tag in _ENDS_TRANSACTION_BEFORE:
            self._back = following
            return None
        return following


class _Held:
    """A held interchange's segments by index: :class:`_Pushback`'s interface without a call per segment of a
    transaction (its end is found by a scan of the tags, its segments handed on as one slice)."""

    def __init__(self, segments: list[Segment]) -> None:
        self._segments = segments
        self._next = 0

    def __iter__(self) -> Iterator[Segment]:
        return self

    def __next__(self) -> Segment:
        index = self._next
        if index >= len(self._segments):
            raise StopIteration
        self._next = index + 1
        return self._segments[index]

    def transaction(self, st: Segment) -> _HeldBody:
        """The segments from ``st`` (just read) up to its SE, or to (not including) the next ST, GE, IEA, ISA or GS."""
        segments = self._segments
        start = end = self._next
        assert segments[start - 1] is st  # the walk asks right after reading it
        count = len(segments)
        ends_before = _ENDS_TRANSACTION_BEFORE
        while end < count:
            tag = segments[end].tag
            if tag in ends_before:
                break
            end += 1
            if tag == "SE":
                break
        self._next = end
        return _HeldBody(segments[start - 1 : end])


class _HeldBody:
    """One held transaction's segments (ST first), iterated once, like :class:`_TransactionBody`."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self.last = segments[-1]
        self._iterator = iter(segments)

    def __iter__(self) -> Iterator[Segment]:
        return self._iterator

    def __next__(self) -> Segment:
        return next(self._iterator)

    def skip(self) -> None:
        """Nothing to read past: the walk already stands after the transaction."""


class _TransactionBody:
    """One transaction's segments read one at a time from a :class:`_Pushback`; ``last`` is the last one read."""

    def __init__(self, source: _Pushback, st: Segment) -> None:
        self._source = source
        self._next: Segment | None = st
        self.last = st
        self._done = False

    def __iter__(self) -> Iterator[Segment]:
        return self

    def __next__(self) -> Segment:
        if self._next is not None:
            segment, self._next = self._next, None
            return segment
        if self._done:
            raise StopIteration
        following = self._source.in_transaction()
        if following is None:
            self._done = True
            raise StopIteration
        self.last = following
        if following.tag == "SE":
            self._done = True
        return following

    def skip(self) -> None:
        """Read what the consumer left unread, so that the walk goes on after the transaction."""
        for _ in self:
            pass


class _Stray:
    """Segments outside any transaction: the first ones named, the rest counted (bounded however many)."""

    def __init__(self) -> None:
        self.named: list[Segment] = []
        self.count = 0
        self.first_unnamed: Segment | None = None
        self.last: Segment | None = None

    def add(self, segment: Segment) -> None:
        self.count += 1
        if len(self.named) < LISTED_ONE_BY_ONE:
            self.named.append(segment)
        elif self.first_unnamed is None:
            self.first_unnamed = segment
        self.last = segment


def _stray_findings(base: TransactionLocation, stray: _Stray) -> list[Finding]:
    findings = [
        syntax_finding(
            "SYN005",
            f"Segment {segment_id(segment)} stands outside any transaction (ST/SE) and was not read.",
            location=describe(base, segment),
        )
        for segment in stray.named
    ]
    if stray.first_unnamed is not None and stray.last is not None:
        first = stray.first_unnamed
        findings.append(
            syntax_finding(
                "SYN005",
                f"{stray.count - len(stray.named)} more segments stand outside any transaction (ST/SE), from "
                f"segment {first.index} to segment {stray.last.index}; none was read.",
                location=describe(base, first),
            )
        )
    return findings


def _supported_version(version: str) -> bool:
    return version == A1 or version in _READ_AS_A1


def _read_transaction(
    isa: Segment, gs: Segment | None, body: list[Segment], location: TransactionLocation, delimiters: Delimiters
) -> TransactionRead:
    """One transaction held whole, read whole."""
    tx, segments = check_transaction(gs, body, location, delimiters)
    if segments is not None:
        _parse_whole(tx, isa, gs, segments, delimiters)
    return tx


def _parse_whole(
    tx: TransactionRead, isa: Segment, gs: Segment | None, segments: list[Segment], delimiters: Delimiters
) -> None:
    """Every claim of a checked transaction (``segments`` from its ST, empty ones left out) into ``tx.parsed``."""
    location, st = tx.location, segments[0]
    try:
        _TransactionParser(
            isa=isa, gs=gs, st=st, segments=segments, location=location, delimiters=delimiters, tx=tx
        ).parse()
    except _StructureError as exc:
        tx.parsed.clear()
        tx.unreadable = True
        tx.findings.append(_structure_finding(tx, exc))
    except Exception as exc:  # noqa: BLE001  (a reader defect must cost this transaction, not the interchange)
        tx.parsed.clear()
        tx.unreadable = True
        tx.findings.append(_reading_failure(tx, exc, st))


def _read_streamed_transaction(
    walked: WalkedTransaction,
    spooled: SpooledInterchange,
    delimiters: Delimiters,
    *,
    error_positions: Sequence[int] | None = None,
) -> Iterator[TransactionRead]:
    """One transaction of a spooled interchange, read as it streams by; yields it once.

    Its segments are held while it has :func:`~claimedit.x12.claim_runs.run_claims_now` claims or fewer
    (then it is read whole, as a held one is). Beyond, its text goes to a temporary file of its own, read
    back, run by run, for the claims (:attr:`TransactionRead.runs`). Whether every claim can be read is known
    before: without errors to sort, from :class:`_ClaimStructure` fed as the transaction streams by; with
    errors, from :func:`_read_spans`, which reads the file back once more and keeps where each error's claim
    and loop stands. The file is closed once the caller asks for the next transaction. A transaction too large
    to hold whose shape cannot be cut into runs is read whole.
    """
    isa, gs, location = walked.isa, walked.gs, walked.location
    check = _TransactionCheck(gs, walked.st, location, delimiters, raw=False)
    if not check.supported:  # nothing of it is read: only counted
        for segment in walked.body:
            check.take(segment)
        check.finish()
        yield check.tx
        return
    threshold = run_claims_now()
    terminator = delimiters.segment
    shape = RunShape()
    held: list[Segment] | None = []
    structure = None if error_positions else _ClaimStructure()
    with text_file() as text:
        for segment in walked.body:
            if check.take(segment):
                shape.take(segment)
                if structure is not None:
                    structure.take(segment)
            if held is None:
                text.write(segment.raw + terminator)
                continue
            held.append(segment)
            if check.tx.clm_segments > threshold:
                text.write("".join(kept.raw + terminator for kept in held))
                held = None
        readable = check.finish()
        tx = check.tx
        if held is not None or not readable:
            if held is not None and readable:
                _parse_whole(tx, isa, gs, [segment for segment in held if segment.elements], delimiters)
            yield tx
            return
        first_index = walked.st.index

        def segments() -> Iterator[Segment]:
            return _read_back(text, spooled, first_index)

        if not shape.cuttable:  # a shape the cut does not know: read whole, as before
            _parse_whole(tx, isa, gs, list(segments()), delimiters)
            yield tx
            return
        tx.isa, tx.gs, tx.delimiters = isa, gs, delimiters
        runs = lambda: cut_runs(segments(), threshold)  # noqa: E731  (read afresh at each call)
        if structure is None:
            _read_spans(tx, runs, error_positions)
        else:
            _check_structure(tx, structure, runs, error_positions)
        yield tx


def _read_back(text: TextIO, spooled: SpooledInterchange, first_index: int) -> Iterator[Segment]:
    """A transaction's segments written to ``text``, read back as :class:`_TransactionCheck` numbered them."""
    position = 0
    for segment in spooled_segments(text, spooled.header, first_index):
        if segment.elements:
            position += 1
            segment.position = position
            yield segment


def _read_spans(
    tx: TransactionRead, runs: Callable[[], Iterator[ClaimRun]], error_positions: Sequence[int] | None
) -> None:
    """Read every run once, keeping where each claim and loop holding one of ``error_positions`` stands (not
    the claims): the transaction is readable only when every claim is, and errors are sorted to claims
    before the first one is handed on. Without errors only the reading is done; with them, what is kept
    grows with the errors, not with the claims."""
    positions = error_positions
    ordinals: array[int] = array("l")
    starts: array[int] = array("l")
    ends: array[int] = array("l")
    loops: set[tuple[int, int]] = set()
    ordinal = -1
    for run in runs():
        parsed = _parse_run(tx, run)
        if tx.unreadable:
            return
        if not positions:
            continue
        for item in parsed:
            ordinal += 1
            location = item.claim.location
            start = location.clm_segment_index
            end = start + len(item.segments.claim)
            if _holds(positions, start, end):
                ordinals.append(ordinal)
                starts.append(start)
                ends.append(end)
            loops.update(loop for loop in location.loop_ranges if _holds(positions, *loop))
    tx.runs = runs
    tx.spans = None if positions is None else ClaimSpans(ordinals, starts, ends, frozenset(loops))


def _check_structure(
    tx: TransactionRead,
    structure: _ClaimStructure,
    runs: Callable[[], Iterator[ClaimRun]],
    error_positions: Sequence[int] | None,
) -> None:
    """:func:`_read_spans` for a transaction without errors to sort: only whether every claim can be read,
    as ``structure`` found while the transaction streamed by, without cutting runs or building a claim (the
    runs are then read once, for the claims)."""
    if structure.failure is not None:
        assert structure.st is not None
        tx.unreadable = True
        tx.findings.append(_reading_failure(tx, structure.failure, structure.st))
        return
    error = structure.first_error()
    if error is not None:
        tx.unreadable = True
        tx.findings.append(_structure_finding(tx, error))
        return
    tx.runs = runs
    tx.spans = None if error_positions is None else ClaimSpans(array("l"), array("l"), array("l"), frozenset())


class _ClaimStructure:
    """The first :class:`_StructureError` :meth:`_TransactionParser._claim` raises reading the claims of a
    transaction taken one segment at a time (from its ST, empty ones left out), in the same order: a
    claim's CLM01 first, then its LX01s as they come, then its first service line without SV1; or what the
    parser fails on otherwise (``failure``)."""

    __slots__ = ("error", "failure", "in_claim", "line", "st", "without_sv1")

    def __init__(self) -> None:
        self.st: Segment | None = None
        self.in_claim = False
        self.line: tuple[int, Segment] | None = None
        """The number and LX of the claim's current service line while that line has no SV1."""
        self.without_sv1: tuple[int, Segment] | None = None
        """The claim's first service line without SV1."""
        self.error: _StructureError | None = None
        self.failure: Exception | None = None

    def take(self, segment: Segment) -> None:
        if self.error is not None or self.failure is not None:
            return
        tag = segment.tag
        if self.st is None:
            self.st = segment
        elif tag in _ENDS_CLAIM:
            self.without_sv1 = self.without_sv1 or self.line
            if self.without_sv1 is not None:
                self.error = self.first_error()
                return
            self.in_claim = tag == "CLM"
            if self.in_claim and not segment.get(1):
                self.error = _StructureError(_EMPTY_CLM01, segment)
        elif not self.in_claim:
            return
        elif tag == "LX":
            self.without_sv1 = self.without_sv1 or self.line
            number = segment.get(1)
            if not number.isdigit():
                self.error = _StructureError(_LX01_NOT_DIGITS, segment)
                return
            try:
                self.line = (int(number), segment)
            except ValueError as exc:  # a digit to isdigit that int refuses: the parser fails on it too
                self.failure = exc
        elif tag == "SV1":
            self.line = None

    def first_error(self) -> _StructureError | None:
        """The first structure error of the segments taken so far (the last claim ending with them)."""
        if self.error is not None:
            return self.error
        without_sv1 = self.without_sv1 or self.line
        return None if without_sv1 is None else _StructureError(_NO_SV1.format(number=without_sv1[0]), without_sv1[1])


def _structure_finding(tx: TransactionRead, error: _StructureError) -> Finding:
    """SYN007: the claims of ``tx`` cannot be read, for ``error``'s reason, at its segment."""
    return syntax_finding(
        "SYN007",
        f"{error.message} The transaction's {tx.clm_segments} claim(s) could not be read.",
        location=describe(tx.location, error.segment),
    )


def _reading_failure(tx: TransactionRead, exc: Exception, st: Segment) -> Finding:
    """A reader defect reading the claims of ``tx``: it costs this transaction, not the interchange."""
    return internal_finding("reading the transaction", exc, location=describe(tx.location, st))


def _holds(positions: Sequence[int], start: int, end: int) -> bool:
    """Whether one of the sorted ``positions`` is in ``[start, end)``."""
    at = bisect_left(positions, start)
    return at < len(positions) and positions[at] < end


def _parse_run(tx: TransactionRead, claim_run: ClaimRun) -> list[ParsedClaim]:
    """The claims of one run of a transaction's segments; a structure error makes the transaction unreadable."""
    run = claim_run.segments
    st = run[0]
    assert tx.isa is not None
    assert tx.delimiters is not None
    piece = TransactionRead(location=tx.location)
    try:
        _TransactionParser(
            isa=tx.isa, gs=tx.gs, st=st, segments=run, location=tx.location, delimiters=tx.delimiters, tx=piece
        ).parse()
    except _StructureError as exc:
        tx.unreadable = True
        tx.runs = None
        tx.findings.append(_structure_finding(tx, exc))
        return []
    except Exception as exc:  # noqa: BLE001  (a reader defect must cost this transaction, not the interchange)
        tx.unreadable = True
        tx.runs = None
        tx.findings.append(_reading_failure(tx, exc, st))
        return []
    return [_in_whole_transaction(parsed, claim_run) for parsed in piece.parsed]


def _in_whole_transaction(parsed: ParsedClaim, run: ClaimRun) -> ParsedClaim:
    """A claim read from a run, its HL loop ranges those of the whole transaction."""
    location = parsed.claim.location
    ranges = tuple(run.loop_range(loop) for loop in location.loop_ranges)
    if ranges == location.loop_ranges:
        return parsed
    claim = trusted_update(parsed.claim, location=trusted_update(location, loop_ranges=ranges))
    return replace(parsed, claim=claim)


def check_transaction(
    gs: Segment | None, body: list[Segment], location: TransactionLocation, delimiters: Delimiters, *, raw: bool = True
) -> tuple[TransactionRead, list[Segment] | None]:
    """What is known of a transaction before its claims are read: its findings so far, whether it is read at
    all, and the segments to read (empty ones left out, each numbered from ST = 1), or None.

    ``raw`` False leaves :attr:`TransactionRead.raw` empty (a check that keeps nothing of the text).
    """
    check = _TransactionCheck(gs, body[0], location, delimiters, raw=raw)
    segments = check.take_all(body)
    return check.tx, segments if check.finish() else None


class _TransactionCheck:
    """:func:`check_transaction` one segment at a time: counters and the first few findings, never the segments
    (but the whole text when ``raw``), so that a transaction too large to hold is checked in flat memory."""

    def __init__(
        self, gs: Segment | None, st: Segment, location: TransactionLocation, delimiters: Delimiters, *, raw: bool
    ) -> None:
        self.gs, self.st = gs, st
        self.tx = TransactionRead(location=location)
        self.version = (gs.get(8) if gs else "") or st.get(3)
        self.supported = st.get(1) == "837" and (gs is None or gs.get(1) == "HC") and _supported_version(self.version)
        self.terminator = delimiters.segment
        self.raw: list[str] | None = [] if raw else None
        self.empties: list[Segment] = []
        """The first :data:`LISTED_ONE_BY_ONE` empty segments, and the one after (the first counted)."""
        self.empty_count = 0
        self.last_empty: Segment | None = None
        self.position = 0
        self.last = st
        self.limits = LimitWatch()
        self.breach: LimitBreach | None = None

    def take(self, segment: Segment) -> bool:
        """The transaction's next segment (from its ST); whether it is one to read (not empty, read at all)."""
        if segment.tag == "CLM":
            self.tx.clm_segments += 1
        if self.raw is not None:
            self.raw.append(segment.raw)
        if not self.supported:
            return False
        if not segment.elements:
            self._take_empty(segment)
            return False
        self.position += 1
        segment.position = self.position
        if self.position > 1 and self.breach is None:
            self.breach = self.limits.take(segment)
        self.last = segment
        return True

    def take_all(self, body: list[Segment]) -> list[Segment]:
        """:meth:`take` of every segment of a held transaction (from its ST, none taken before): the ones to read.

        The same counters in one loop with local variables, and the guide's limits watched over the kept
        segments in one call (:meth:`LimitWatch.take_all`): a method call per segment was most of the check.
        """
        tx = self.tx
        if self.raw is not None:
            self.raw.extend([segment.raw for segment in body])
        if not self.supported:
            tx.clm_segments += sum(1 for segment in body if segment.tag == "CLM")
            return []
        kept: list[Segment] = []
        append = kept.append
        clm = 0
        position = self.position
        for segment in body:
            if segment.elements:
                position += 1
                segment.position = position
                append(segment)
                if segment.tag == "CLM":
                    clm += 1
            else:
                self._take_empty(segment)
        tx.clm_segments += clm
        self.position = position
        if kept:
            self.last = kept[-1]
            if self.breach is None:
                self.breach = self.limits.take_all(kept if kept[0].position > 1 else kept[1:])
        return kept

    def _take_empty(self, segment: Segment) -> None:
        self.empty_count += 1
        if len(self.empties) <= LISTED_ONE_BY_ONE:
            self.empties.append(segment)
        self.last_empty = segment

    def finish(self) -> bool:
        """Every finding known before reading added to :attr:`tx`; whether its claims are to be read."""
        tx, st, location = self.tx, self.st, self.tx.location
        if self.raw is not None:
            tx.raw = self.terminator.join(self.raw) + self.terminator
        if not self.supported:
            kind = _kind_of(st, self.gs)
            tx.unreadable = True
            tx.findings.append(
                syntax_finding(
                    "SYN002",
                    f"This transaction is {kind}; claimedit reads 837P professional claims in version 005010X222A1 "
                    f"only. Its {tx.clm_segments} claim(s) were not read.",
                    location=describe(location, st),
                )
            )
            return False
        version = self.version
        if version in _READ_AS_A1 or st.get(3) in _READ_AS_A1:
            sent = version if version in _READ_AS_A1 else st.get(3)
            tx.findings.append(
                syntax_finding(
                    "SYN003",
                    f"GS08/ST03 say {sent}; the claims were read and validated as {A1}, the version the "
                    "HIPAA rule names (the A2 errata changes no 837P segment this edit engine reads).",
                    location=describe(location, st),
                )
            )
        for empty in self.empties[:LISTED_ONE_BY_ONE]:
            tx.findings.append(
                syntax_finding(
                    "SYN004",
                    "An empty segment (two segment terminators in a row) stands here; it was skipped. "
                    "Remove it and resend: many translators stop reading at it.",
                    location=describe(location, empty),
                )
            )
        if self.empty_count > LISTED_ONE_BY_ONE and self.last_empty is not None:
            first = self.empties[LISTED_ONE_BY_ONE]
            tx.findings.append(
                syntax_finding(
                    "SYN004",
                    f"{self.empty_count - LISTED_ONE_BY_ONE} more empty segments stand in this transaction, from "
                    f"segment {first.index} to segment {self.last_empty.index}; they were skipped. Remove them "
                    "and resend.",
                    location=describe(location, first),
                )
            )
        if self.last.tag != "SE":
            tx.findings.append(
                syntax_finding(
                    "SYN005",
                    "The transaction has no SE trailer: it ends without being closed.",
                    location=describe(location, self.last),
                )
            )
        breach = self.breach
        if breach is not None:
            tx.unreadable = tx.rejected_early = True
            tx.findings.append(
                syntax_finding(
                    "SYN010",
                    f"{breach.message} The transaction was rejected before validation and its {tx.clm_segments} "
                    "claim(s) were not read; split it as the guide allows and resend.",
                    location=describe(location, breach.segment),
                )
            )
            return False
        return True


def _kind_of(st: Segment, gs: Segment | None) -> str:
    """What the transaction is, from ST01 and GS08 (ST03 when GS08 is empty): ``an 837I (institutional claim ...)``."""
    version = (gs.get(8) if gs else "") or st.get(3)
    kind = describe_transaction(st.get(1), version)
    if gs is not None and gs.get(1) != "HC":
        kind += f", in a functional group whose GS01 is {gs.get(1) or 'empty'}, not HC"
    return kind


_EMPTY_CLM01 = "CLM01 (patient control number) is empty."
_LX01_NOT_DIGITS = "LX01 is not a line number (digits expected)."
_NO_SV1 = "Service line {number} (LX) has no SV1 segment."


_VALUES_REMEMBERED = 4096
"""Amounts and dates remembered by their text (bounded whatever the input)."""


class _StructureError(Exception):
    def __init__(self, message: str, segment: Segment) -> None:
        super().__init__(message)
        self.message = message
        self.segment = segment


@lru_cache(maxsize=_VALUES_REMEMBERED)
def _decimal(value: str, default: str = "0") -> Decimal:
    """An amount or a count as sent (``default`` when empty, 0 when not a number); remembered by its text: the
    same charges and units come again and again, and a Decimal is immutable."""
    try:
        return Decimal(value or default)
    except InvalidOperation:
        return Decimal(0)


def _date(value: str) -> dt.date | None:
    if len(value) != 8 or not value.isdigit():
        return None
    try:
        return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        return None


@lru_cache(maxsize=_VALUES_REMEMBERED)
def _date_range(qualifier: str, value: str) -> tuple[dt.date | None, dt.date | None]:
    """A DTP's date or range (D8 or RD8), remembered by its text: most claims of a day bill the same dates, and
    dates are immutable."""
    if qualifier == "RD8" and "-" in value:
        start, _, end = value.partition("-")
        return _date(start), _date(end)
    return _date(value), None


_PAD = [""] * 24
"""Appended to a segment's elements so that optional trailing elements read as empty: only when it was sent
shorter than the element read (``e if len(e) > 9 else e + _PAD``, written out: a call per segment costs more)."""


class _Hierarchy:
    """What the HL loops above the current claim say, and the models built from it (shared by the claims
    of one loop until a field changes: a field change drops the model, the next claim builds it again)."""

    __slots__ = (
        "billing_fields",
        "billing_model",
        "billing_segments",
        "header",
        "header_tuple",
        "in_payer_loop",
        "loop_ranges",
        "patient_fields",
        "patient_model",
        "patient_segments",
        "payer_fields",
        "payer_model",
        "subscriber_fields",
        "subscriber_model",
        "subscriber_segments",
    )

    def __init__(self, header: list[str]) -> None:
        self.header = header
        self.header_tuple: tuple[str, ...] | None = None
        self.billing_segments: list[str] = []
        self.billing_fields: dict[str, str] = {}
        self.subscriber_segments: list[str] = []
        self.subscriber_fields: dict[str, str | None] = {}
        self.payer_fields: dict[str, str] = {}
        self.patient_segments: list[str] = []
        self.patient_fields: dict[str, str | None] | None = None
        """None when the subscriber is the patient (no 2000C loop)."""
        self.loop_ranges: dict[str, tuple[int, int]] = {}
        """Own segments (HL up to the next HL or CLM) of the billing, subscriber and patient loops above."""
        self.in_payer_loop = False
        """Inside 2010BB: its N3/N4 belong to the payer, not the subscriber."""
        self.billing_model: Provider | None = None
        self.payer_model: Payer | None = None
        self.subscriber_model: Person | None = None
        self.patient_model: Person | None = None

    def opened(self, level: str, hl: Segment) -> _Hierarchy:
        """The hierarchy once the HL of ``level`` opens its loop: a new one for a billing provider (2000A)."""
        if level == "20":
            hierarchy = _Hierarchy(self.header)
            hierarchy.header_tuple = self.header_tuple
            hierarchy.billing_segments = [hl.raw]
            return hierarchy
        if level == "22":
            self.subscriber_segments = [hl.raw]
            self.subscriber_fields, self.payer_fields = {}, {}
            self.in_payer_loop = False
            self.patient_segments, self.patient_fields = [], None
            self.subscriber_model = self.payer_model = self.patient_model = None
            self.loop_ranges.pop("23", None)
        elif level == "23":
            self.patient_segments = [hl.raw]
            self.patient_fields = {}
            self.patient_model = None
        return self

    def frozen_header(self) -> tuple[str, ...]:
        """The header segments as a tuple, built once per transaction (they precede every HL)."""
        found = self.header_tuple
        if found is None or len(found) != len(self.header):
            found = self.header_tuple = tuple(self.header)
        return found

    def billing(self) -> Provider:
        model = self.billing_model
        if model is None:
            model = self.billing_model = trusted_from(Provider, self.billing_fields)
        return model

    def payer(self) -> Payer:
        model = self.payer_model
        if model is None:
            model = self.payer_model = trusted_from(Payer, self.payer_fields)
        return model

    def subscriber(self) -> Person:
        model = self.subscriber_model
        if model is None:
            model = self.subscriber_model = trusted_from(Person, self.subscriber_fields)
        return model

    def patient(self) -> Person | None:
        fields = self.patient_fields
        if fields is None:
            return None
        model = self.patient_model
        if model is None:
            model = self.patient_model = trusted_from(Person, fields)
        return model


def _take_header(hierarchy: _Hierarchy, segment: Segment, env: dict[str, str]) -> None:
    """A segment before the first HL (BHT, 1000A submitter, 1000B receiver)."""
    hierarchy.header.append(segment.raw)
    tag = segment.tag
    if tag == "BHT":
        e = segment.elements
        e = e if len(e) > 5 else e + _PAD
        env["bht_reference"], env["bht_date"], env["bht_time"] = e[3], e[4], e[5]
    elif tag == "NM1":
        e = segment.elements
        e = e if len(e) > 9 else e + _PAD
        if e[1] == "41":
            env["submitter_name"], env["submitter_id"] = e[3], e[9]
        elif e[1] == "40":
            env["receiver_name"], env["receiver_id"] = e[3], e[9]


def _take_billing(hierarchy: _Hierarchy, segment: Segment, env: dict[str, str]) -> None:  # noqa: ARG001
    """A segment of the billing provider's loops (2000A, 2010AA/AB/AC): 2010AA's NM1, PRV and tax id."""
    hierarchy.billing_segments.append(segment.raw)
    tag = segment.tag
    if tag not in ("PRV", "NM1", "REF"):
        return
    e = segment.elements
    e = e if len(e) > 9 else e + _PAD
    fields = hierarchy.billing_fields
    if tag == "PRV" and e[1] == "BI":
        fields["taxonomy"] = e[3]
    elif tag == "NM1" and e[1] == "85":
        fields["entity_type"] = e[2]
        fields["last_or_organization_name"] = e[3]
        fields["first_name"] = e[4]
        fields["npi"] = e[9] if e[8] == "XX" else ""
    elif tag == "REF" and e[1] in ("EI", "SY") and "tax_id" not in fields:
        fields["tax_id"], fields["tax_id_qualifier"] = e[2], e[1]
    else:
        return
    hierarchy.billing_model = None


def _take_subscriber(hierarchy: _Hierarchy, segment: Segment, env: dict[str, str]) -> None:  # noqa: ARG001
    """A segment of the subscriber's loops (2000B, 2010BA subscriber, 2010BB payer)."""
    hierarchy.subscriber_segments.append(segment.raw)
    tag = segment.tag
    if tag == "SBR":
        e = segment.elements
        e = e if len(e) > 9 else e + _PAD
        payer = hierarchy.payer_fields
        payer["responsibility"], payer["filing_indicator"] = e[1], e[9]
        hierarchy.subscriber_fields["relationship_code"] = e[2]
        hierarchy.payer_model = hierarchy.subscriber_model = None
    elif tag == "NM1":
        e = segment.elements
        e = e if len(e) > 9 else e + _PAD
        entity = e[1]
        if entity == "PR":
            payer = hierarchy.payer_fields
            payer["name"], payer["payer_id_qualifier"], payer["payer_id"] = e[3], e[8], e[9]
            hierarchy.in_payer_loop = True
            hierarchy.payer_model = None
        elif entity == "IL":
            hierarchy.in_payer_loop = False
            _person_name(hierarchy.subscriber_fields, e)
            hierarchy.subscriber_model = None
    elif tag in _PERSON_DETAILS and not hierarchy.in_payer_loop:
        e = segment.elements
        _PERSON_DETAILS[tag](hierarchy.subscriber_fields, e if len(e) > 3 else e + _PAD)
        hierarchy.subscriber_model = None


def _take_patient(hierarchy: _Hierarchy, segment: Segment, env: dict[str, str]) -> None:  # noqa: ARG001
    """A segment of the patient's loops (2000C with PAT, 2010CA)."""
    hierarchy.patient_segments.append(segment.raw)
    fields = hierarchy.patient_fields
    if fields is None:
        return
    tag = segment.tag
    if tag == "NM1":
        e = segment.elements
        e = e if len(e) > 9 else e + _PAD
        if e[1] != "QC":
            return
        _person_name(fields, e)
    elif tag in _PERSON_DETAILS:
        e = segment.elements
        _PERSON_DETAILS[tag](fields, e if len(e) > 3 else e + _PAD)
    elif tag == "PAT":
        fields["relationship_code"] = segment.elements[1] if len(segment.elements) > 1 else ""
    else:
        return
    hierarchy.patient_model = None


def _person_name(fields: dict[str, str | None], e: list[str]) -> None:
    """A subscriber's or patient's NM1 (``e`` padded): names and member id, None where not sent."""
    fields["entity_type"] = e[2]
    fields["last_name"] = e[3] or None
    fields["first_name"] = e[4] or None
    fields["middle_name"] = e[5] or None
    fields["member_id"] = e[9] or None


def _person_address(fields: dict[str, str | None], e: list[str]) -> None:
    fields["address_line1"], fields["address_line2"] = e[1] or None, e[2] or None


def _person_place(fields: dict[str, str | None], e: list[str]) -> None:
    fields["city"], fields["state"], fields["postal_code"] = e[1] or None, e[2] or None, e[3] or None


def _person_demographics(fields: dict[str, str | None], e: list[str]) -> None:
    fields["date_of_birth"], fields["gender"] = e[2] or None, e[3] or None


_PERSON_DETAILS: dict[str, Callable[[dict[str, str | None], list[str]], None]] = {
    "N3": _person_address,
    "N4": _person_place,
    "DMG": _person_demographics,
}
"""A subscriber's or patient's N3, N4 and DMG (elements padded to index 3)."""

_PartyTaker = Callable[[_Hierarchy, Segment, dict[str, str]], None]
_PARTY_TAKERS: dict[str, _PartyTaker] = {
    "": _take_header,
    "20": _take_billing,
    "22": _take_subscriber,
    "23": _take_patient,
}
"""What reads a segment outside the claims, by the HL03 level code in force ("" before the first HL);
a segment under any other level is not read."""
_ENDS_CLAIM = frozenset({"CLM", "HL", "SE"})


class _TransactionParser:
    """Reads the loops of one 837P transaction (segments without empties)."""

    def __init__(
        self,
        *,
        isa: Segment,
        gs: Segment | None,
        st: Segment,
        segments: list[Segment],
        location: TransactionLocation,
        delimiters: Delimiters,
        tx: TransactionRead,
    ) -> None:
        self.isa, self.gs, self.st = isa, gs, st
        self.segments = segments
        self.location = location
        self.delimiters = delimiters
        self.component = delimiters.component
        self.tx = tx
        self._envelope_cache: Envelope | None = None

    def parse(self) -> None:
        """One pass over the transaction: each segment outside a claim to the taker of its HL level, each
        claim (CLM up to the next CLM, HL or SE) read whole by :meth:`_claim`."""
        envelope_fields: dict[str, str] = {}
        hierarchy = _Hierarchy([])
        takers = _PARTY_TAKERS
        take: _PartyTaker | None = takers[""]
        segments = self.segments
        count = len(segments)
        parsed = self.tx.parsed
        ends_claim = _ENDS_CLAIM
        open_level: str | None = None
        open_start = 0
        index = 1
        while index < count:
            segment = segments[index]
            tag = segment.tag
            if tag not in ends_claim:
                if take is not None:
                    take(hierarchy, segment, envelope_fields)
                index += 1
                continue
            if open_level is not None:
                hierarchy.loop_ranges[open_level] = (open_start, segment.position)
                open_level = None
            if tag == "HL":
                elements = segment.elements
                level = elements[3] if len(elements) > 3 else ""
                open_level, open_start = level, segment.position
                hierarchy = hierarchy.opened(level, segment)
                take = takers.get(level)
                index += 1
            elif tag == "CLM":
                end = index + 1
                while end < count and segments[end].tag not in ends_claim:
                    end += 1
                parsed.append(self._claim(segments[index:end], hierarchy, envelope_fields))
                index = end
            else:
                index += 1

    def _envelope(self, fields: dict[str, str]) -> Envelope:
        isa = self.isa.elements + _PAD
        gs = self.gs.elements + _PAD if self.gs else _PAD  # no GS: every GS element reads as empty
        st = self.st.elements + _PAD
        gs_version = gs[8]
        return trusted(
            Envelope,
            isa_control=isa[13].strip(),
            isa_sender_qualifier=isa[5].strip(),
            isa_sender_id=isa[6].strip(),
            isa_receiver_qualifier=isa[7].strip(),
            isa_receiver_id=isa[8].strip(),
            isa_date=isa[9],
            isa_time=isa[10],
            isa_version=isa[12],
            usage_indicator=isa[15],
            gs_control=gs[6],
            gs_functional_id=gs[1],
            gs_sender=gs[2],
            gs_receiver=gs[3],
            gs_version_as_sent=gs_version,
            gs_version=A1 if _supported_version(gs_version) else gs_version,
            st_control=st[2],
            st_version_as_sent=st[3],
            **fields,
        )

    def _claim(  # noqa: PLR0912, PLR0915  (one branch per segment kind of the 2300 loop reads best as one walk)
        self, segments: list[Segment], hierarchy: _Hierarchy, env_fields: dict[str, str]
    ) -> ParsedClaim:
        clm = segments[0]
        c = clm.elements
        c = c if len(c) > 9 else c + _PAD
        if not c[1]:
            raise _StructureError(_EMPTY_CLM01, clm)
        component = self.component
        facility = [*c[5].split(component), "", ""]
        diagnoses: list[Diagnosis] = []
        notes: list[str] = []
        claim_date: dt.date | None = None
        rendering: Segment | None = None
        """The 2310B NM1*82, its taxonomy from the PRV after it (the model is built once, at the end)."""
        rendering_taxonomy = ""
        parties: dict[str, Segment] = {}
        references: dict[str, str] = {}
        received: dt.date | None = None
        lines: list[_Line] = []
        current: _Line | None = None
        in_other_payer = False
        nm1_owner = ""
        for segment in segments[1:]:
            tag = segment.tag
            if tag == "LX":
                elements = segment.elements
                number = elements[1] if len(elements) > 1 else ""
                if not number.isdigit():
                    raise _StructureError(_LX01_NOT_DIGITS, segment)
                current = _Line(int(number), segment)
                lines.append(current)
            elif current is not None:
                current.take(segment)
            elif tag == "SBR":
                in_other_payer = True
            elif in_other_payer:
                continue
            elif tag == "NM1":
                elements = segment.elements
                nm1_owner = elements[1] if len(elements) > 1 else ""
                if nm1_owner == "82":
                    rendering, rendering_taxonomy = segment, ""
                elif nm1_owner in ("DN", "P3", "77"):
                    parties.setdefault("77" if nm1_owner == "77" else "DN", segment)
            elif tag == "PRV":
                if nm1_owner == "82" and rendering is not None:
                    elements = segment.elements
                    rendering_taxonomy = elements[3] if len(elements) > 3 else ""
            elif tag == "HI":
                diagnoses.extend(self._diagnoses(segment, len(diagnoses)))
            elif tag == "DTP":
                e = segment.elements
                e = e if len(e) > 3 else e + _PAD
                qualifier = e[1]
                if qualifier == "472":
                    claim_date = _date_range(e[2], e[3])[0]
                elif qualifier == "050":
                    received = _date_range(e[2], e[3])[0]
            elif tag == "REF":
                e = segment.elements
                e = e if len(e) > 2 else e + _PAD
                if e[1] in ("F8", "G1"):
                    references.setdefault(e[1], e[2])
            elif tag == "NTE":
                notes.append(segment.get(2))
        codes = {diagnosis.position: diagnosis.code for diagnosis in diagnoses}
        service_lines = tuple([self._service_line(line, codes) for line in lines])
        envelope = self._envelope_cache
        if envelope is None:
            envelope = self._envelope_cache = self._envelope(env_fields)
        location = self.location
        referring = parties.get("DN")
        facility_party = parties.get("77")
        claim = trusted(
            Claim,
            claim_id=c[1],
            total_charge=_decimal(c[2]),
            place_of_service=facility[0],
            facility_code_qualifier=facility[1],
            frequency_code=facility[2],
            provider_signature=c[6],
            assignment=c[7],
            benefits_assignment=c[8],
            release_of_information=c[9],
            date_of_service=claim_date,
            notes=tuple(notes),
            diagnoses=tuple(diagnoses),
            billing_provider=hierarchy.billing(),
            rendering_provider=None if rendering is None else _provider_from_nm1(rendering, rendering_taxonomy),
            referring_provider=None if referring is None else _provider_from_nm1(referring),
            service_facility=None if facility_party is None else _provider_from_nm1(facility_party),
            payer_claim_control_number=references.get("F8", ""),
            prior_authorization=references.get("G1", ""),
            received_date=received,
            payer=hierarchy.payer(),
            subscriber=hierarchy.subscriber(),
            patient=hierarchy.patient(),
            service_lines=service_lines,
            envelope=envelope,
            location=trusted(
                ClaimLocation,
                source=location.source,
                interchange_control=location.interchange_control,
                group_control=location.group_control,
                transaction_control=location.transaction_control,
                clm_segment_index=clm.position,
                loop_ranges=tuple(hierarchy.loop_ranges.values()),
            ),
        )
        delimiters = self.delimiters
        raw = ClaimSegments(
            header=hierarchy.frozen_header(),
            billing_provider=tuple(hierarchy.billing_segments),
            subscriber=tuple(hierarchy.subscriber_segments),
            patient=tuple(hierarchy.patient_segments),
            claim=tuple([segment.raw for segment in segments]),
            element_separator=delimiters.element,
            component_separator=delimiters.component,
            repetition_separator=delimiters.repetition,
            segment_terminator=delimiters.segment,
        )
        return ParsedClaim(claim, raw)

    def _diagnoses(self, segment: Segment, already: int) -> list[Diagnosis]:
        """Diagnosis composites of one HI; tolerates qualifier and code sent as two elements."""
        found: list[Diagnosis] = []
        elements = segment.elements
        count = len(elements)
        component = self.component
        position = 1
        while position < count:
            qualifier, _, code = elements[position].partition(component)
            if not code and qualifier in _DIAGNOSIS_QUALIFIERS and position + 1 < count:
                code = elements[position + 1]
                position += 1
            position += 1
            if qualifier in _DIAGNOSIS_QUALIFIERS and code:
                found.append(
                    trusted(Diagnosis, position=already + len(found) + 1, qualifier=qualifier, code=code.strip())
                )
        return found

    def _service_line(self, line: _Line, codes: dict[int, str]) -> ServiceLine:
        sv1 = line.sv1
        if sv1 is None:
            raise _StructureError(_NO_SV1.format(number=line.number), line.lx)
        e = sv1.elements
        e = e if len(e) > 7 else e + _PAD
        component = self.component
        procedure = e[1].split(component)
        pointers = tuple([int(p) for p in e[7].split(component) if p.isdigit()])
        rendering = line.rendering
        return trusted(
            ServiceLine,
            number=line.number,
            segment_index=sv1.position,
            procedure_qualifier=procedure[0],
            procedure_code=procedure[1] if len(procedure) > 1 else "",
            modifiers=tuple([modifier for modifier in procedure[2:6] if modifier]),
            charge=_decimal(e[2]),
            unit_basis=e[3],
            units=_decimal(e[4], default="1"),
            place_of_service=e[5],
            diagnosis_pointers=pointers,
            diagnosis_codes=tuple([codes[p] for p in pointers if p in codes]),
            date_of_service=line.dates[0],
            date_of_service_end=line.dates[1],
            notes=tuple(line.notes),
            control_number=line.control,
            rendering_provider=None if rendering is None else _provider_from_nm1(rendering, line.rendering_taxonomy),
            prior_authorization=line.authorization,
        )


class _Line:
    """One 2400 loop while it is being read."""

    __slots__ = (
        "authorization",
        "control",
        "dates",
        "lx",
        "nm1_owner",
        "notes",
        "number",
        "rendering",
        "rendering_taxonomy",
        "sv1",
    )

    def __init__(self, number: int, lx: Segment) -> None:
        self.number = number
        self.lx = lx
        self.sv1: Segment | None = None
        self.dates: tuple[dt.date | None, dt.date | None] = (None, None)
        self.notes: list[str] = []
        self.control = ""
        self.authorization = ""
        self.nm1_owner = ""
        self.rendering: Segment | None = None
        """The 2420A NM1*82 (its model built once the line is read, with the taxonomy of the PRV after it)."""
        self.rendering_taxonomy = ""

    def take(self, segment: Segment) -> None:
        tag = segment.tag
        if tag == "SV1":
            self.sv1 = segment
        elif tag == "DTP":
            e = segment.elements
            e = e if len(e) > 3 else e + _PAD
            if e[1] == "472":
                self.dates = _date_range(e[2], e[3])
        elif tag == "REF":
            e = segment.elements
            e = e if len(e) > 2 else e + _PAD
            qualifier = e[1]
            if qualifier == "6R":
                self.control = e[2]
            elif qualifier == "G1":
                self.authorization = e[2]
        elif tag == "NTE":
            e = segment.elements
            e = e if len(e) > 2 else e + _PAD
            if e[1] == "ADD":
                self.notes.append(e[2])
        elif tag == "NM1":
            self.nm1_owner = owner = segment.get(1)
            if owner == "82":
                self.rendering, self.rendering_taxonomy = segment, ""
        elif tag == "PRV" and self.nm1_owner == "82" and self.rendering is not None:
            self.rendering_taxonomy = segment.get(3)


def _provider_from_nm1(segment: Segment, taxonomy: str = "") -> Provider:
    """A provider from its NM1 (with the taxonomy of the PRV after it, for a rendering provider)."""
    e = segment.elements
    e = e if len(e) > 9 else e + _PAD
    return trusted(
        Provider,
        entity_type=e[2],
        last_or_organization_name=e[3],
        first_name=e[4],
        npi=e[9] if e[8] == "XX" else "",
        taxonomy=taxonomy,
    )
