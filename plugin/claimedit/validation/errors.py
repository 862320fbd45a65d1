"""pyx12's errors as findings, each sorted to the claim, HL loop, transaction, group or interchange it concerns.

:class:`SyntaxIndex` takes one interchange's :class:`~claimedit.validation.pyx12.ValidationReport`; the
pipeline asks it, transaction by transaction, for the errors of each claim (:meth:`SyntaxIndex.sorted_errors`).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, replace

from claimedit.results import TransactionLocation
from claimedit.validation.pyx12 import SyntaxError837, ValidationReport, redact_values
from claimedit.x12.parsed import ParsedClaim
from claimedit.x12.reader import ClaimSpans, InterchangeRead, TransactionRead, describe
from claimedit.x12.syntax import syntax_finding
from claimedit_edits.model import Claim, Finding

__all__ = [
    "SortedErrors",
    "SyntaxIndex",
    "error_finding",
    "fatal_finding",
    "line_at",
    "sort_to_claims",
    "sort_to_spans",
]


@dataclass(frozen=True)
class SortedErrors:
    """pyx12's errors of one transaction, by what they concern."""

    own: dict[int, list[SyntaxError837]]
    """By claim number in the transaction (from 0): the errors inside its own 2300/2400 segments."""
    transaction: list[SyntaxError837]
    """Errors of the transaction as a whole (ST, BHT, 1000A/B, SE, outside every loop, or without position)."""
    loops: dict[tuple[int, int], list[SyntaxError837]]
    """Errors inside an HL loop's own segments (billing provider, subscriber, patient), by loop range."""

    def transaction_findings(self, location: TransactionLocation) -> list[Finding]:
        return [error_finding(error, location) for error in self.transaction]

    def loop_findings(self, location: TransactionLocation) -> dict[tuple[int, int], list[Finding]]:
        return {loop: [error_finding(error, location) for error in errors] for loop, errors in self.loops.items()}


class SyntaxIndex:
    """pyx12 errors turned into findings and sorted to the claims they concern."""

    def __init__(self, read: InterchangeRead, report: ValidationReport) -> None:
        self.everywhere: list[Finding] = []
        self.by_group: dict[str, list[Finding]] = defaultdict(list)
        self.by_transaction: dict[tuple[str, str], list[SyntaxError837]] = defaultdict(list)
        base = TransactionLocation(source=read.source, interchange_control=read.isa_control)
        if report.fatal:
            self.everywhere.append(fatal_finding(report.fatal, envelope=report.fatal_in_envelope, where=base))
        for error in report.errors:
            if error.level == "interchange":
                self.everywhere.append(error_finding(error, base))
            elif error.level == "group":
                group = replace(base, group_control=error.group_control)
                self.by_group[error.group_control].append(error_finding(error, group))
            else:
                self.by_transaction[(error.group_control, error.transaction_control)].append(error)

    def for_transaction(self, tx: TransactionRead) -> list[Finding]:
        """pyx12 errors inside one transaction, located there (for a transaction without claims)."""
        location = tx.location
        errors = self.by_transaction.get((location.group_control, location.transaction_control), [])
        return [error_finding(error, location) for error in errors]

    def without_claims(self, read: InterchangeRead) -> list[Finding]:
        """Every finding of an interchange no claim was read from, so that one row can state them."""
        found = [*read.findings, *self.everywhere, *(f for group in self.by_group.values() for f in group)]
        for tx in read.transactions:
            found.extend(tx.findings)
        base = TransactionLocation(source=read.source, interchange_control=read.isa_control)
        for (group, transaction), errors in self.by_transaction.items():
            where = replace(base, group_control=group, transaction_control=transaction)
            found.extend(error_finding(error, where) for error in errors)
        return found

    def sorted_errors(self, tx: TransactionRead) -> SortedErrors:
        """The transaction's errors sorted to its claims, its HL loops and the transaction itself."""
        location = tx.location
        errors = self.by_transaction.get((location.group_control, location.transaction_control))
        if not errors:
            return _NO_ERRORS
        if tx.spans is not None:
            return sort_to_spans(tx.spans, errors)
        return sort_to_claims(tx.parsed, errors)


_NO_ERRORS = SortedErrors({}, [], {})
"""The sorted errors of a transaction pyx12 found nothing in (most): one shared, never written to."""


def sort_to_claims(parsed: list[ParsedClaim], errors: list[SyntaxError837]) -> SortedErrors:
    """Each error to the claim, the HL loop or the transaction it concerns, in O(errors x log claims).

    An error inside a claim's 2300/2400 segments concerns that claim; one in an HL loop's own segments
    (billing provider, subscriber, patient) concerns the claims below that loop; anything else (ST, BHT,
    1000A/B, SE, or no position) concerns every claim of the transaction.
    """
    claims = [item.claim for item in parsed]
    starts = [claim.location.clm_segment_index for claim in claims]
    ends = [start + len(item.segments.claim) for start, item in zip(starts, parsed, strict=True)]
    loops = {loop for claim in claims for loop in claim.location.loop_ranges}
    spans = ClaimSpans(array("l", range(len(claims))), array("l", starts), array("l", ends), frozenset(loops))
    return sort_to_spans(spans, errors)


def sort_to_spans(spans: ClaimSpans, errors: list[SyntaxError837]) -> SortedErrors:
    """:func:`sort_to_claims` for claims known by where they stand (a transaction read in runs).

    ``spans`` may hold only the claims and loops some error's position falls in: claims and loops do not
    overlap, so the kept one nearest below a position holds it exactly when a full list's would."""
    ordinals, starts, ends = spans.ordinals, spans.starts, spans.ends
    loops = sorted(spans.loops)
    loop_starts = [loop[0] for loop in loops]
    sorted_errors = SortedErrors({}, [], {})
    for error in errors:
        position = error.segment_in_transaction
        if position is not None:
            at = bisect_right(starts, position) - 1
            if at >= 0 and position < ends[at]:
                sorted_errors.own.setdefault(ordinals[at], []).append(error)
                continue
            at = bisect_right(loop_starts, position) - 1
            if at >= 0 and position < loops[at][1]:
                sorted_errors.loops.setdefault(loops[at], []).append(error)
                continue
        sorted_errors.transaction.append(error)
    return sorted_errors


def fatal_finding(fatal: str, *, envelope: bool, where: TransactionLocation) -> Finding:
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


def error_finding(error: SyntaxError837, location: TransactionLocation, claim: Claim | None = None) -> Finding:
    line = None
    if claim is not None and error.segment_in_transaction is not None:
        line = line_at(claim, error.segment_in_transaction)
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


def line_at(claim: Claim, position: int) -> int | None:
    """LX number of the service line containing transaction segment ``position``, if any."""
    found: int | None = None
    for service_line in claim.service_lines:
        if service_line.segment_index and service_line.segment_index - 1 <= position:
            found = service_line.number
    return found
