"""The bounds every input runs under: its size, its longest element, and its CPU time.

An input over a bound is never processed further. It gets exactly one dead letter naming the bound,
and a 999 rejecting each functional group whose ISA/GS/ST headers a single regular-expression pass
can read (the headers only, never the claims): the submitter hears back, the broker never redelivers.
Everything here is linear in the input.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import FrameType
from typing import Literal

from claimedit.results import GroupAck
from claimedit.validation.ack999 import SEGMENTS_IN_ERROR, rejecting_group_ack
from claimedit.x12.tokens import DelimiterError, Delimiters, Segment, decode, find_delimiters

__all__ = [
    "BudgetExceeded",
    "LimitKind",
    "Limits",
    "OverLimit",
    "cpu_budget",
    "over_size",
    "rejecting_acks",
]

LimitKind = Literal["over-size", "over-cpu-budget"]
_HEADER_ELEMENT_CAP = 35
"""GS and ST elements are at most 35 characters (GS02/GS03 15, GS06 9, GS08 12): longer is cut."""


@dataclass(frozen=True)
class Limits:
    """The bounds of one input; picklable, handed to the worker with the input."""

    max_input_bytes: int = 2 * 1024 * 1024
    max_element_length: int = 1024
    cpu_seconds: float = 30.0


@dataclass(frozen=True)
class OverLimit:
    """Why an input was not processed: the bound it broke, in words without any of its values."""

    kind: LimitKind
    reason: str
    acks: list[GroupAck] = field(default_factory=list)


class BudgetExceeded(BaseException):
    """Raised in a worker when the input's CPU budget ran out.

    A ``BaseException`` so that a stage catching ``Exception`` to turn a failure into a finding cannot
    swallow it and carry on spending CPU.
    """


@contextmanager
def cpu_budget(seconds: float) -> Iterator[None]:
    """Raise :class:`BudgetExceeded` in the main thread once this process spent ``seconds`` of CPU time.

    ``ITIMER_PROF`` counts user and system time of the whole process. Python runs the handler between
    bytecodes: a single C call that never returns is caught by the parent's wall-clock backstop instead.
    """

    def _expired(_signum: int, _frame: FrameType | None) -> None:
        raise BudgetExceeded

    previous = signal.signal(signal.SIGPROF, _expired)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _delimiters(text: str) -> Delimiters | None:
    try:
        return find_delimiters(text)
    except (DelimiterError, IndexError):
        return None


def _longest_run_over(text: str, delimiters: Delimiters, limit: int) -> bool:
    """Whether some element (text between delimiters) is longer than ``limit`` characters.

    The lookbehind starts a match only where a run of element characters begins, so each character is
    looked at a bounded number of times: linear, however the runs are laid out.
    """
    chars = re.escape(
        "".join({delimiters.element, delimiters.segment, delimiters.component, delimiters.repetition, "\r", "\n"})
    )
    pattern = re.compile(rf"(?<![^{chars}])[^{chars}]{{{limit + 1}}}")
    return pattern.search(text) is not None


def over_size(body: bytes, limits: Limits) -> OverLimit | None:
    """The size bound ``body`` breaks (whole input, or one element), else None."""
    if len(body) > limits.max_input_bytes:
        reason = f"the input is {len(body)} bytes, over max_input_bytes ({limits.max_input_bytes})"
        return OverLimit("over-size", reason)
    text = decode(body)
    delimiters = _delimiters(text)
    if delimiters is not None and _longest_run_over(text, delimiters, limits.max_element_length):
        reason = f"a data element is longer than max_element_length ({limits.max_element_length} characters)"
        return OverLimit("over-size", reason)
    return None


def _header_pattern(delimiters: Delimiters) -> re.Pattern[str]:
    element, segment = re.escape(delimiters.element), re.escape(delimiters.segment)
    return re.compile(rf"(?:^|{segment})[ \t\r\n]*((?:ISA|GS|ST){element}[^{segment}]*)")


def _segment(index: int, raw: str, delimiters: Delimiters) -> Segment:
    elements = raw.split(delimiters.element)
    if elements[0] != "ISA":
        elements = [value[:_HEADER_ELEMENT_CAP] for value in elements]
    return Segment(index, elements, raw[:200])


def rejecting_acks(body: bytes, *, ik502: str = SEGMENTS_IN_ERROR) -> list[GroupAck]:
    """A 999 rejecting every transaction of each group whose headers can be read, in input order.

    Only ISA, GS and ST segments are looked at (one pass of a regular expression); a GS before any
    readable ISA, or an input without a readable ISA, yields nothing.
    """
    text = decode(body)
    delimiters = _delimiters(text)
    if delimiters is None:
        return []
    groups: list[tuple[Segment, Segment, list[Segment]]] = []
    isa: Segment | None = None
    for index, match in enumerate(_header_pattern(delimiters).finditer(text), start=1):
        segment = _segment(index, match.group(1), delimiters)
        if segment.tag == "ISA":
            isa = segment
        elif segment.tag == "GS" and isa is not None:
            groups.append((isa, segment, []))
        elif segment.tag == "ST" and groups:
            groups[-1][2].append(segment)
    return [
        rejecting_group_ack(isa=isa_segment, gs=gs, transactions=transactions, reason=ik502)
        for isa_segment, gs, transactions in groups
    ]
