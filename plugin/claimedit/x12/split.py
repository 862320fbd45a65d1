"""Split one claim out of its interchange into a self-contained 837P (005010X222A1) interchange.

The new interchange carries the claim's own header (BHT, submitter, receiver), billing provider,
subscriber (with the payer) and patient loops, renumbered hierarchical levels and new ISA/GS/ST control
numbers. It is written with the delimiters of the source, so the claim's segments are copied as they
were sent. The result holds PHI: it is event payload, never log material.
"""

from __future__ import annotations

from dataclasses import dataclass

from claimedit_edits.model import Claim, ClaimSegments

__all__ = ["SplitError", "SplitInterchange", "interchange_header", "split_claim"]

_VERSION = "005010X222A1"


class SplitError(ValueError):
    """The claim lacks the raw segments needed to write it as its own interchange."""


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
    if not segment.startswith(f"HL{sep}"):
        msg = f"expected an HL segment at the start of the {level} loop"
        raise SplitError(msg)
    return sep.join(["HL", str(number), "" if parent is None else str(parent), level, "1" if child else "0"])


def split_claim(claim: Claim, control_number: int) -> SplitInterchange:
    """Write ``claim`` as its own 837P interchange with ISA13 and GS06 set to ``control_number``.

    Dates and times come from the source envelope, so the same claim and control number always give
    the same text (a redelivered input yields byte-identical events).
    """
    if not 0 < control_number < 1_000_000_000:
        msg = f"control number {control_number} does not fit ISA13 (1-999999999)"
        raise SplitError(msg)
    parts = claim.segments
    if not (parts.header and parts.billing_provider and parts.subscriber and parts.claim):
        msg = f"claim {claim.claim_id} was read without its raw segments: it cannot be split"
        raise SplitError(msg)
    sep, term = parts.element_separator, parts.segment_terminator
    env = claim.envelope
    isa13 = f"{control_number:09d}"
    gs06 = str(control_number)
    st02 = "0001"
    has_patient = bool(parts.patient)
    transaction = [
        sep.join(["ST", "837", st02, _VERSION]),
        *parts.header,
        _hl(sep, parts.billing_provider[0], 1, None, "20", child=True),
        *parts.billing_provider[1:],
        _hl(sep, parts.subscriber[0], 2, 1, "22", child=has_patient),
        *parts.subscriber[1:],
    ]
    if has_patient:
        transaction += [_hl(sep, parts.patient[0], 3, 2, "23", child=False), *parts.patient[1:]]
    transaction += parts.claim
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
    segments = [isa, gs, *transaction, sep.join(["GE", "1", gs06]), sep.join(["IEA", "1", isa13])]
    text = term.join(segments) + term
    return SplitInterchange(x12=text, interchange_control=isa13, group_control=gs06, transaction_control=st02)
