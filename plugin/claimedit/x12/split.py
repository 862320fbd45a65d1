"""Split one claim out of its interchange into a self-contained 837P (005010X222A1) interchange.

The new interchange carries the claim's own header (BHT, submitter, receiver), billing provider,
subscriber (with the payer) and patient loops, renumbered hierarchical levels and new ISA/GS/ST control
numbers. It is written with the delimiters of the source, so the claim's segments are copied as they
were sent. The result holds PHI: it is event payload, never log material.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimedit.x12.parsed import ClaimSegments
from claimedit_edits.model import Claim

__all__ = ["SplitError", "SplitInterchange", "interchange_header", "split_claim"]

_VERSION = "005010X222A1"


class SplitError(ValueError):
    """The control number given does not fit ISA13 (a caller's mistake, never the claim's)."""


@dataclass(frozen=True)
class SplitInterchange:
    """A claim written as its own interchange, with the control numbers it was given."""

    x12: str
    interchange_control: str
    group_control: str
    transaction_control: str


def interchange_header(
    *,
    sender_qualifier: str,
    sender_id: str,
    receiver_qualifier: str,
    receiver_id: str,
    date: str,
    time: str,
    control: str,
    usage: str,
    segments: ClaimSegments,
) -> str:
    """An ISA segment (without terminator) with fixed-width fields and the delimiters of ``segments``."""
    sep = segments.element_separator
    fields = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        (sender_qualifier or "ZZ")[:2].ljust(2),
        sender_id[:15].ljust(15),
        (receiver_qualifier or "ZZ")[:2].ljust(2),
        receiver_id[:15].ljust(15),
        date[-6:].rjust(6, "0"),
        time[:4].ljust(4, "0"),
        segments.repetition_separator,
        "00501",
        control,
        "0",
        usage or "P",
        segments.component_separator,
    ]
    return sep.join(fields)


def _hl(sep: str, segment: str, number: int, parent: int | None, level: str, *, child: bool) -> str:
    """The loop's HL renumbered; an HL that does not start the loop as it should is kept as sent."""
    if not segment.startswith(f"HL{sep}"):
        return segment
    return sep.join(["HL", str(number), "" if parent is None else str(parent), level, "1" if child else "0"])


def _hierarchy(parts: ClaimSegments) -> list[str]:
    """The HL loops above the claim, renumbered 1, 2, 3 with parents; a loop the source lacked stays absent.

    A claim read without its subscriber (or billing provider) loop is written as it was sent, with the
    loops it had: its own findings already say what is missing, and the split must not fail on it.
    """
    sep = parts.element_separator
    loops = [
        (level, segments)
        for level, segments in (("20", parts.billing_provider), ("22", parts.subscriber), ("23", parts.patient))
        if segments
    ]
    written: list[str] = []
    for number, (level, segments) in enumerate(loops, start=1):
        parent = number - 1 if number > 1 else None
        written += [_hl(sep, segments[0], number, parent, level, child=number < len(loops)), *segments[1:]]
    return written


def split_claim(claim: Claim, segments: ClaimSegments, control_number: int) -> SplitInterchange:
    """Write ``claim`` (read with ``segments``) as its own 837P interchange with ISA13 and GS06 = ``control_number``.

    Dates and times come from the source envelope, so the same claim and control number always give
    the same text (a redelivered input yields byte-identical events). Whatever the claim lacks (a
    subscriber loop, a header), it is written with what it has: a broken claim is split as it was sent.
    """
    if not 0 < control_number < 1_000_000_000:
        msg = f"control number {control_number} does not fit ISA13 (1-999999999)"
        raise SplitError(msg)
    parts = segments
    sep, term = parts.element_separator, parts.segment_terminator
    env = claim.envelope
    isa13 = f"{control_number:09d}"
    gs06 = str(control_number)
    st02 = "0001"
    transaction = [sep.join(["ST", "837", st02, _VERSION]), *parts.header, *_hierarchy(parts), *parts.claim]
    transaction.append(sep.join(["SE", str(len(transaction) + 1), st02]))
    group_date = env.bht_date or f"20{env.isa_date}"
    isa = interchange_header(
        sender_qualifier=env.isa_sender_qualifier,
        sender_id=env.isa_sender_id,
        receiver_qualifier=env.isa_receiver_qualifier,
        receiver_id=env.isa_receiver_id,
        date=env.isa_date or group_date[2:],
        time=env.isa_time or "0000",
        control=isa13,
        usage=env.usage_indicator,
        segments=parts,
    )
    gs = sep.join(
        [
            "GS",
            "HC",
            env.gs_sender or env.isa_sender_id,
            env.gs_receiver or env.isa_receiver_id,
            group_date,
            (env.isa_time or "0000")[:4],
            gs06,
            "X",
            _VERSION,
        ]
    )
    written = [isa, gs, *transaction, sep.join(["GE", "1", gs06]), sep.join(["IEA", "1", isa13])]
    text = term.join(written) + term
    return SplitInterchange(x12=text, interchange_control=isa13, group_control=gs06, transaction_control=st02)
