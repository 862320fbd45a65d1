"""pyx12 against a compiled guide, interchange by interchange, exactly as the pipeline runs them.

The pipeline validates an interchange by handing :class:`Pyx12Validator` the text its own
``text_for_pyx12`` writes (``Pipeline._validate``); the guide is fed the segments of that very text
(cut with :func:`read_isa` and :func:`split_segments`). Per interchange:

- the guide says clean: pyx12 must report no error, every 999 must be IK5*A and AK9*A, and the guide's
  999s must equal pyx12's byte for byte once control numbers and dates are set aside (ISA09, ISA10,
  ISA13, GS04, GS05, GS06, GE02, IEA02). Anything else is a *disagreement*;
- the guide says not clean: pyx12 runs in the pipeline, nothing is required; the interchanges pyx12
  accepts but the guide did not are the guide's missing *coverage*.

``clean`` only speaks of the segments fed so far, and the protocol has no "end of interchange" call:
when the text pyx12 is given does not end with an IEA (cut off), the guide's ``clean`` is not taken
as a verdict (the pipeline must not take it either). An interchange with a transaction claimedit
rejects before pyx12 sees it (an empty segment, SYN010) gets a rejecting 999 the text does not
explain: the guide is not asked there (the pipeline must not ask it either), and it is counted apart.

pyx12's verdict on an interchange the guide calls unclean can never make a disagreement: it only counts
towards the coverage. ``Differential.check(..., pyx12_when_unclean=False)`` leaves pyx12 out there (its
call recorded, not made: ``Outcome.pyx12_asked`` False), which halves pyx12's work in a long mutation
run; the run asks it everywhere on a sample of its mutations for the coverage (bench/diff_guide.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from claimedit.pipeline import Pipeline
from claimedit.results import GroupAck
from claimedit.validation.gate import Guide
from claimedit.validation.pyx12 import Pyx12Validator, ValidationReport
from claimedit.x12.reader import read_input
from claimedit.x12.tokens import DelimiterError, read_isa, split_segments

__all__ = ["REPORTED", "Differential", "Outcome", "Remembered", "Tally", "normalised_ack", "pyx12_accepts"]

_NORMALISED = {"ISA": (9, 10, 13), "GS": (4, 5, 6), "GE": (2,), "IEA": (2,)}
"""Elements stamped by whoever writes the 999 (dates, times, its own control numbers)."""


@dataclass
class _Call:
    text: str
    rejected: frozenset[tuple[str, str]]
    report: ValidationReport | None
    """pyx12's answer; None while the call is deferred (made by :meth:`_RecordingValidator.answer`)."""


class _RecordingValidator(Pyx12Validator):
    """pyx12 as the pipeline calls it, remembering what it was given and what it answered.

    ``deferred``: a call is recorded and answered with an empty report (the pipeline's answer is not used
    here), pyx12 walking the text only when :meth:`answer` asks for it.
    """

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[_Call] = []
        self.deferred = False

    def validate(self, text: str, rejected_transactions: frozenset[tuple[str, str]] = frozenset()) -> ValidationReport:
        if self.deferred:
            self.calls.append(_Call(text, rejected_transactions, None))
            return ValidationReport()
        report = super().validate(text, rejected_transactions)
        self.calls.append(_Call(text, rejected_transactions, report))
        return report

    def answer(self, call: _Call) -> ValidationReport:
        """pyx12's report on ``call``: the one the pipeline got, or the deferred call made now as it was asked."""
        if call.report is None:
            call.report = super().validate(call.text, call.rejected)
        return call.report


@dataclass(frozen=True)
class Outcome:
    """One validated interchange of an input: both verdicts and, when they conflict, why."""

    text: str
    """What pyx12 was given (and the guide fed)."""
    pyx12_clean: bool
    guide_clean: bool
    disagreement: str = ""
    """Empty unless the guide said clean where pyx12 did not, wrote another 999, raised, or un-stuck ``clean``."""
    pyx12_says: str = ""
    """pyx12's first errors (or why it gave up), for the notes."""
    rejected_before: bool = False
    """claimedit rejected a transaction before pyx12: the guide was not asked."""
    pyx12_asked: bool = True
    """False when pyx12 was left out (the guide said unclean, ``pyx12_when_unclean=False``): ``pyx12_clean`` unknown."""


def pyx12_accepts(report: ValidationReport) -> bool:
    """No error, no failure, and every 999 accepts every transaction (IK5*A, AK9*A)."""
    return (
        report.fatal is None
        and not report.errors
        and bool(report.acks)
        and all(ack.accepted and ack.ack_code == "A" and _all_ik5_accept(ack.x12) for ack in report.acks)
    )


def _all_ik5_accept(x12: str) -> bool:
    element, terminator = x12[3], x12[105]
    return all(
        segment.strip() == f"IK5{element}A"
        for segment in x12.split(terminator)
        if segment.strip().startswith(f"IK5{element}")
    )


def normalised_ack(ack: GroupAck) -> tuple[str, bool, str, str]:
    """``ack`` with the writer's dates and control numbers blanked (the group it answers kept)."""
    x12 = ack.x12
    element, terminator = x12[3], x12[105]
    pieces = []
    for piece in x12.split(terminator):
        body = piece.lstrip()
        fields = body.split(element)
        for position in _NORMALISED.get(fields[0], ()):
            if position < len(fields):
                fields[position] = "#"
        pieces.append(piece[: len(piece) - len(body)] + element.join(fields))
    return ack.group_control, ack.accepted, ack.ack_code, terminator.join(pieces)


def _summary(report: ValidationReport) -> str:
    if report.fatal is not None:
        return report.fatal
    if report.errors:
        return "; ".join(
            f"{e.segment_id}{'-' + e.element if e.element else ''} (segment {e.segment_in_transaction}) "
            f"code {e.code}: {e.message}"
            for e in report.errors[:3]
        )
    return "999 not accepting: " + " | ".join(f"AK9 {ack.ack_code}" for ack in report.acks)


class Differential:
    """Runs inputs through the pipeline's validation and through ``guide``, and compares."""

    def __init__(self, guide: Guide) -> None:
        self.guide = guide
        self._validator = _RecordingValidator()
        self._pipeline = Pipeline(None, self._validator)

    @property
    def validator(self) -> Pyx12Validator:
        return self._validator

    def check(self, data: bytes | str, source: str = "<input>", *, pyx12_when_unclean: bool = True) -> list[Outcome]:
        """Every interchange of ``data`` the pipeline would give pyx12, both verdicts compared.

        ``pyx12_when_unclean`` False: pyx12 is asked only where its answer can make a disagreement (the
        guide said clean, raised, or un-stuck ``clean``); elsewhere ``Outcome.pyx12_asked`` is False.
        """
        self._validator.calls.clear()
        self._validator.deferred = not pyx12_when_unclean
        try:
            for read in read_input(data, source):
                if not read.readable:
                    continue
                try:
                    self._pipeline._validate(read)  # the pipeline's own call, not a copy of it
                except Exception:  # noqa: BLE001  (the pipeline reports INT002 there and asks no validator)
                    continue
        finally:
            self._validator.deferred = False
        return [self._compare(call, pyx12_when_unclean) for call in self._validator.calls]

    def _compare(self, call: _Call, pyx12_when_unclean: bool) -> Outcome:  # noqa: PLR0911  (one return per verdict)
        def pyx12() -> tuple[ValidationReport, bool, str]:
            report = self._validator.answer(call)
            clean = pyx12_accepts(report)
            return report, clean, "" if clean else _summary(report)

        if call.rejected:
            if not pyx12_when_unclean:
                return Outcome(call.text, False, False, rejected_before=True, pyx12_asked=False)
            _, pyx12_clean, says = pyx12()
            return Outcome(call.text, pyx12_clean, guide_clean=False, pyx12_says=says, rejected_before=True)
        try:
            guide_clean, acks, unstuck = self._ask_guide(call.text)
        except Exception as exc:  # noqa: BLE001  (a guide that raises is a finding, not a crash of the harness)
            _, pyx12_clean, says = pyx12()
            return Outcome(call.text, pyx12_clean, False, f"the guide raised {type(exc).__name__}: {exc}", says)
        if unstuck:
            _, pyx12_clean, says = pyx12()
            return Outcome(call.text, pyx12_clean, guide_clean, "clean went False and then True again", says)
        if not guide_clean:
            if not pyx12_when_unclean:
                return Outcome(call.text, False, False, pyx12_asked=False)
            _, pyx12_clean, says = pyx12()
            return Outcome(call.text, pyx12_clean, False, pyx12_says=says)
        report, pyx12_clean, says = pyx12()
        if not pyx12_clean:
            return Outcome(call.text, False, True, f"the guide says clean, pyx12 does not: {says}", says)
        expected = [normalised_ack(ack) for ack in report.acks]
        actual = [normalised_ack(ack) for ack in acks]
        if expected != actual:
            return Outcome(call.text, True, True, f"the 999s differ: {_first_difference(expected, actual)}")
        return Outcome(call.text, True, True)

    def _ask_guide(self, text: str) -> tuple[bool, list[GroupAck], bool]:
        """(clean, acks, whether ``clean`` came back after going False) for the segments of ``text``."""
        try:
            delimiters = read_isa(text).delimiters
        except DelimiterError:
            return False, [], False  # pyx12 cannot read this ISA either: the pipeline never asks the guide
        segments = [segment for segment in split_segments(text, delimiters) if segment.elements]
        check = self.guide.open(segments[0], delimiters)
        went_false = not check.clean
        for segment in segments[1:]:
            check.feed(segment)
            clean = check.clean
            if clean and went_false:
                return True, [], True
            went_false = went_false or not clean
        clean = check.clean and segments[-1].tag == "IEA"  # no IEA: ``clean`` speaks of what was fed only
        return clean, check.acks() if clean else [], False


class Remembered:
    """:meth:`Differential.check` that answers a text it checked before from that first check.

    A long mutation run draws about a fifth of its mutations again, byte for byte (the same segment
    dropped from the same seed ...). The pipeline, pyx12 and the guide are functions of the text, so the
    first check's outcomes stand for every repeat; a repeat is counted, not checked again (unless it now
    wants pyx12's verdict where the first check left pyx12 out). Kept per text: a 16-byte digest, the
    first check's label and its outcomes without their ``text`` (an interchange's text is kilobytes; a
    repeat's outcomes have it empty).
    """

    def __init__(self, differential: Differential) -> None:
        self.differential = differential
        self.checked = 0
        """Checks made (repeats answered from memory not counted)."""
        self._seen: dict[bytes, tuple[str, list[Outcome]]] = {}

    def check(
        self, data: bytes | str, source: str = "<input>", label: str = "", *, pyx12_when_unclean: bool = True
    ) -> tuple[list[Outcome], str | None]:
        """The outcomes of ``data``, and the label of its first check when it is a repeat (None when checked now)."""
        key = hashlib.blake2b(data.encode() if isinstance(data, str) else data, digest_size=16).digest()
        known = self._seen.get(key)
        if known is not None and (not pyx12_when_unclean or all(outcome.pyx12_asked for outcome in known[1])):
            return known[1], known[0]
        outcomes = self.differential.check(data, source, pyx12_when_unclean=pyx12_when_unclean)
        self.checked += 1
        self._seen[key] = (label, [replace(outcome, text="") for outcome in outcomes])
        return outcomes, None


def _first_difference(expected: list[tuple[str, bool, str, str]], actual: list[tuple[str, bool, str, str]]) -> str:
    if len(expected) != len(actual):
        return f"pyx12 wrote {len(expected)} group 999(s), the guide {len(actual)}"
    for mine, theirs in zip(expected, actual, strict=True):
        if mine[:3] != theirs[:3]:
            return f"group {mine[0]}: pyx12 {mine[:3]}, the guide {theirs[:3]}"
        terminator = mine[3][105] if len(mine[3]) > 105 else "~"
        want, got = mine[3].split(terminator), theirs[3].split(terminator)
        for a, b in zip(want, got, strict=False):
            if a != b:
                return f"group {mine[0]}: pyx12 {a.strip()!r}, the guide {b.strip()!r}"
        return f"group {mine[0]}: pyx12 {len(want)} segments, the guide {len(got)}"
    return "equal"


@dataclass
class Tally:
    """Counts of one corpus."""

    interchanges: int = 0
    pyx12_clean: int = 0
    guide_clean: int = 0
    covered: int = 0
    """pyx12-clean interchanges the guide called clean too."""
    rejected_before: int = 0
    disagreements: list[tuple[str, Outcome]] = field(default_factory=list)

    def add(self, source: str, outcomes: Iterable[Outcome]) -> None:
        for outcome in outcomes:
            self.interchanges += 1
            self.pyx12_clean += outcome.pyx12_clean
            self.guide_clean += outcome.guide_clean
            self.covered += outcome.pyx12_clean and outcome.guide_clean and not outcome.disagreement
            self.rejected_before += outcome.rejected_before
            if outcome.disagreement:
                self.disagreements.append((source, outcome))

    @property
    def coverage(self) -> float:
        """Share of the pyx12-clean interchanges the guide called clean (1.0 when there are none)."""
        return self.covered / self.pyx12_clean if self.pyx12_clean else 1.0

    def line(self, corpus: str) -> str:
        return (
            f"{corpus}: {self.interchanges} interchanges, pyx12 clean {self.pyx12_clean}, guide clean "
            f"{self.guide_clean}, disagreements {len(self.disagreements)}, coverage {self.coverage:.1%}"
            + (f", rejected before validation {self.rejected_before}" if self.rejected_before else "")
        )


REPORTED: dict[str, Tally] = {}
"""The tallies of the guide under test, by corpus, printed at the end of the test run."""
