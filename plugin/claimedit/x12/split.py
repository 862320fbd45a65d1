"""Split one claim out of its interchange into a self-contained 837P (005010X222A1) interchange.

The new interchange carries the claim's own header (BHT, submitter, receiver), billing provider,
subscriber (with the payer) and patient loops, renumbered hierarchical levels and new ISA/GS/ST control
numbers. It is written with the delimiters of the source, so the claim's segments are copied as they
were sent. The result holds PHI: it is event payload, never log material.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from claimedit.x12.parsed import ClaimSegments
from claimedit_edits.model import Claim, Envelope

__all__ = [
    "SplitError",
    "SplitFrame",
    "SplitInterchange",
    "delimiters_of",
    "isa_around_control",
    "split_claim",
    "split_frame",
]

_VERSION = "005010X222A1"
_ST02 = "0001"


class SplitError(ValueError):
    """The control number given does not fit ISA13 (a caller's mistake, never the claim's)."""


@dataclass(frozen=True)
class SplitInterchange:
    """A claim written as its own interchange, with the control numbers it was given."""

    x12: str
    interchange_control: str
    group_control: str
    transaction_control: str


def isa_around_control(
    *,
    sender_qualifier: str,
    sender_id: str,
    receiver_qualifier: str,
    receiver_id: str,
    date: str,
    time: str,
    usage: str,
    segments: ClaimSegments,
) -> tuple[str, str]:
    """An ISA segment (without terminator), fixed-width fields and the delimiters of ``segments``, in two:
    before ISA13 (its separator included) and after it, so that many interchanges share one envelope."""
    sep = segments.element_separator
    before = [
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
        "",
    ]
    after = ["", "0", usage or "P", segments.component_separator]
    return sep.join(before), sep.join(after)


class SplitFrame(NamedTuple):
    """What every claim split out of one transaction shares: the ISA and GS around their control numbers,
    the ST, and the delimiters. Made once per transaction by :func:`split_frame`, used by :func:`split_claim`.
    A named tuple: made per input, and a frozen dataclass's field-by-field ``__init__`` costs more than it saves
    a one-claim input."""

    envelope: Envelope
    delimiters: tuple[str, str, str, str]
    """:func:`delimiters_of` the segments it was made with."""
    isa_before_control: str
    isa_after_control: str
    gs_before_control: str
    gs_after_control: str
    st: str


def delimiters_of(segments: ClaimSegments) -> tuple[str, str, str, str]:
    """Element, component and repetition separators and segment terminator the segments were read with."""
    return (
        segments.element_separator,
        segments.component_separator,
        segments.repetition_separator,
        segments.segment_terminator,
    )


def split_frame(envelope: Envelope, segments: ClaimSegments) -> SplitFrame:
    """The frame of the interchanges written for the claims of ``envelope``'s transaction, read with ``segments``.

    Dates and times come from the source envelope, so the same claim and control number always give
    the same text (a redelivered input yields byte-identical events).
    """
    env = envelope
    sep = segments.element_separator
    group_date = env.bht_date or f"20{env.isa_date}"
    isa_before, isa_after = isa_around_control(
        sender_qualifier=env.isa_sender_qualifier,
        sender_id=env.isa_sender_id,
        receiver_qualifier=env.isa_receiver_qualifier,
        receiver_id=env.isa_receiver_id,
        date=env.isa_date or group_date[2:],
        time=env.isa_time or "0000",
        usage=env.usage_indicator,
        segments=segments,
    )
    gs_sender, gs_receiver = env.gs_sender or env.isa_sender_id, env.gs_receiver or env.isa_receiver_id
    gs_before = sep.join(["GS", "HC", gs_sender, gs_receiver, group_date, (env.isa_time or "0000")[:4], ""])
    return SplitFrame(
        envelope=envelope,
        delimiters=delimiters_of(segments),
        isa_before_control=isa_before,
        isa_after_control=isa_after,
        gs_before_control=gs_before,
        gs_after_control=sep.join(["", "X", _VERSION]),
        st=sep.join(["ST", "837", _ST02, _VERSION]),
    )


def _add_hierarchy(written: list[str], parts: ClaimSegments) -> None:
    """The HL loops above the claim, renumbered 1, 2, 3 with parents; a loop the source lacked stays absent.

    A claim read without its subscriber (or billing provider) loop is written as it was sent, with the
    loops it had: its own findings already say what is missing, and the split must not fail on it. An HL
    that does not start its loop as it should is kept as sent.
    """
    sep = parts.element_separator
    hl = f"HL{sep}"
    levels = (("20", parts.billing_provider), ("22", parts.subscriber), ("23", parts.patient))
    loops = [(level, segments) for level, segments in levels if segments]
    for number, (level, segments) in enumerate(loops, start=1):
        at = len(written)
        written += segments
        if segments[0].startswith(hl):
            parent = str(number - 1) if number > 1 else ""
            child = "1" if number < len(loops) else "0"
            written[at] = f"HL{sep}{number}{sep}{parent}{sep}{level}{sep}{child}"


def split_claim(
    claim: Claim, segments: ClaimSegments, control_number: int, frame: SplitFrame | None = None
) -> SplitInterchange:
    """Write ``claim`` (read with ``segments``) as its own 837P interchange with ISA13 and GS06 = ``control_number``.

    ``frame``: :func:`split_frame` of the claim's envelope and delimiters, when the caller splits many
    claims of one transaction (made here otherwise, or when it is not theirs). Whatever the claim lacks
    (a subscriber loop, a header), it is written with what it has: a broken claim is split as it was sent.
    """
    if not 0 < control_number < 1_000_000_000:
        msg = f"control number {control_number} does not fit ISA13 (1-999999999)"
        raise SplitError(msg)
    if frame is None or frame.envelope is not claim.envelope or frame.delimiters != delimiters_of(segments):
        frame = split_frame(claim.envelope, segments)
    sep = segments.element_separator  # the frame's own: it was made with these delimiters
    isa13 = f"{control_number:09d}"
    gs06 = str(control_number)
    written = [
        frame.isa_before_control + isa13 + frame.isa_after_control,
        frame.gs_before_control + gs06 + frame.gs_after_control,
        frame.st,
    ]
    written += segments.header
    _add_hierarchy(written, segments)
    written += segments.claim
    written += [f"SE{sep}{len(written) - 1}{sep}{_ST02}", f"GE{sep}1{sep}{gs06}", f"IEA{sep}1{sep}{isa13}", ""]
    text = segments.segment_terminator.join(written)
    return SplitInterchange(x12=text, interchange_control=isa13, group_control=gs06, transaction_control=_ST02)
