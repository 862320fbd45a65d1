"""Test-support writer: a plain description of claims in, a complete 005010X222A1 837P input out.

The description (:class:`InputSpec` down to :class:`LineSpec`) says what the claims are; the writer
decides the envelopes around them: HL numbering (2000A billing, 2000B subscriber, optional 2000C
patient), SE segment counts, GE/IEA counts, CLM02 as the sum of SV102, and the delimiters each
interchange declares in its ISA. Layout (BOM, leading whitespace, line breaks and indentation around
segments) is chosen per input. Every name, address and id the writer invents is fictional.

The writer works on segments as lists of elements (components already joined), so tests can find
positions (CLM, SV1) and cut or pad the rendered text at segment boundaries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

__all__ = [
    "A1",
    "BillingSpec",
    "ClaimSpec",
    "Delimiters",
    "GroupSpec",
    "InputSpec",
    "InterchangeSpec",
    "Layout",
    "LineSpec",
    "Piece",
    "SubscriberSpec",
    "TransactionSpec",
    "interchange_segments",
    "prefix",
    "render",
    "render_pieces",
    "transaction_segments",
]

A1 = "005010X222A1"
_ENVELOPE_DATE = dt.date(2026, 1, 15)


@dataclass(frozen=True)
class Delimiters:
    """The four separators an interchange declares in its ISA (all distinct)."""

    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"


@dataclass(frozen=True)
class LineSpec:
    """One 2400 service line."""

    procedure_code: str
    charge: Decimal
    units: int
    pointers: tuple[int, ...]
    """SV107: 1-based positions in the claim's diagnosis list."""
    date_of_service: dt.date
    modifiers: tuple[str, ...] = ()
    place_of_service: str = ""
    """SV105; empty when the claim's place of service applies."""
    note: str | None = None
    """NTE*ADD line note."""
    control_number: str | None = None
    """REF*6R line item control number."""


@dataclass(frozen=True)
class ClaimSpec:
    """One 2300 claim with its lines; CLM02 is always written as the sum of the line charges."""

    claim_id: str
    place_of_service: str
    frequency_code: str
    diagnoses: tuple[str, ...]
    """ICD-10-CM codes without the dot: the first is written ABK, the others ABF."""
    lines: tuple[LineSpec, ...]
    note: str | None = None
    """2300 NTE*ADD claim note."""
    payer_claim_number: str | None = None
    """REF*F8, written for replacement and void claims (frequency 7 or 8)."""
    rendering_npi: str | None = None
    """2310B rendering provider, when set."""

    @property
    def total_charge(self) -> Decimal:
        return sum((line.charge for line in self.lines), Decimal(0))


@dataclass(frozen=True)
class SubscriberSpec:
    """A 2000B subscriber with its payer; with ``patient_relationship`` set, claims sit in a 2000C patient loop."""

    payer_name: str
    payer_id: str
    filing_indicator: str
    """SBR09: MB Medicare Part B, MC Medicaid, CI commercial, BL Blue Cross/Blue Shield."""
    claims: tuple[ClaimSpec, ...]
    patient_relationship: str | None = None
    """PAT01 (19 child, 01 spouse ...) of a 2000C patient loop; None when the subscriber is the patient."""


@dataclass(frozen=True)
class BillingSpec:
    """A 2000A billing provider and the subscribers below it."""

    npi: str
    subscribers: tuple[SubscriberSpec, ...]
    name: str = "FICTIONAL DERMATOLOGY GROUP"


@dataclass(frozen=True)
class TransactionSpec:
    control: str
    """ST02 / SE02."""
    billing_providers: tuple[BillingSpec, ...]


@dataclass(frozen=True)
class GroupSpec:
    control: str
    """GS06 / GE02."""
    transactions: tuple[TransactionSpec, ...]


@dataclass(frozen=True)
class InterchangeSpec:
    control: str
    """ISA13 / IEA02: nine digits."""
    delimiters: Delimiters
    groups: tuple[GroupSpec, ...]
    sender_id: str = "SUBMITTER01"
    receiver_id: str = "RECEIVER01"


@dataclass(frozen=True)
class Layout:
    """What surrounds the segments: none of it changes the claims."""

    bom: bool = False
    leading: str = ""
    """Whitespace before the first ISA."""
    line_break: str = ""
    """Written after every segment terminator: "", LF or CR LF (skipped where the terminator is LF itself:
    the break would be an empty segment)."""
    indent: str = ""
    """Spaces or tabs written before every segment."""


@dataclass(frozen=True)
class InputSpec:
    interchanges: tuple[InterchangeSpec, ...]
    layout: Layout = field(default_factory=Layout)


@dataclass(frozen=True)
class Piece:
    """One rendered segment: ``text`` is the indent, the segment, its terminator and the line break."""

    text: str
    elements: tuple[str, ...]
    """The segment's elements (elements[0] is its id) as written."""
    delimiters: Delimiters
    in_transaction: bool
    """True from ST through SE."""

    @property
    def tag(self) -> str:
        return self.elements[0]


def transaction_segments(tx: TransactionSpec, delimiters: Delimiters) -> list[tuple[str, ...]]:
    """ST through SE of one 837P transaction, with a correct SE01 count and HL numbering."""
    c = delimiters.component
    segments: list[tuple[str, ...]] = [
        ("ST", "837", tx.control, A1),
        ("BHT", "0019", "00", f"B{tx.control}", _ENVELOPE_DATE.strftime("%Y%m%d"), "1200", "CH"),
        ("NM1", "41", "2", "FICTIONAL SUBMITTER", "", "", "", "", "46", "SUBMITTER01"),
        ("PER", "IC", "BILLING OFFICE", "TE", "5555550100"),
        ("NM1", "40", "2", "FICTIONAL RECEIVER", "", "", "", "", "46", "RECEIVER01"),
    ]
    hl = 0
    for billing in tx.billing_providers:
        hl += 1
        billing_hl = hl
        segments += [
            ("HL", str(billing_hl), "", "20", "1"),
            ("PRV", "BI", "PXC", "207N00000X"),
            ("NM1", "85", "2", billing.name, "", "", "", "", "XX", billing.npi),
            ("N3", "100 PRETEND PLAZA"),
            ("N4", "ANYTOWN", "OH", "430000001"),
            ("REF", "EI", "990000001"),
        ]
        for subscriber in billing.subscribers:
            hl += 1
            subscriber_hl = hl
            has_patient = subscriber.patient_relationship is not None
            segments += [
                ("HL", str(subscriber_hl), str(billing_hl), "22", "1" if has_patient else "0"),
                ("SBR", "P", "" if has_patient else "18", "", "", "", "", "", "", subscriber.filing_indicator),
                ("NM1", "IL", "1", "TESTSUBSCRIBER", "ALPHA", "", "", "", "MI", "TESTMEMBER01"),
                ("N3", "1 FICTION LANE"),
                ("N4", "ANYTOWN", "OH", "430000001"),
                ("DMG", "D8", "19600101", "F"),
                ("NM1", "PR", "2", subscriber.payer_name, "", "", "", "", "PI", subscriber.payer_id),
            ]
            if subscriber.patient_relationship is not None:
                hl += 1
                segments += [
                    ("HL", str(hl), str(subscriber_hl), "23", "0"),
                    ("PAT", subscriber.patient_relationship),
                    ("NM1", "QC", "1", "TESTPATIENT", "BRAVO"),
                    ("N3", "1 FICTION LANE"),
                    ("N4", "ANYTOWN", "OH", "430000001"),
                    ("DMG", "D8", "20100101", "M"),
                ]
            for claim in subscriber.claims:
                segments += _claim_segments(claim, c)
    segments.append(("SE", str(len(segments) + 1), tx.control))
    return segments


def _claim_segments(claim: ClaimSpec, c: str) -> list[tuple[str, ...]]:
    segments: list[tuple[str, ...]] = [
        (
            "CLM",
            claim.claim_id,
            _amount(claim.total_charge),
            "",
            "",
            c.join((claim.place_of_service, "B", claim.frequency_code)),
            "Y",
            "A",
            "Y",
            "Y",
        )
    ]
    if claim.payer_claim_number is not None:
        segments.append(("REF", "F8", claim.payer_claim_number))
    if claim.note is not None:
        segments.append(("NTE", "ADD", claim.note))
    segments.append(
        ("HI", *(c.join(("ABK" if index == 0 else "ABF", code)) for index, code in enumerate(claim.diagnoses)))
    )
    if claim.rendering_npi is not None:
        segments += [
            ("NM1", "82", "1", "TESTDOCTOR", "ADA", "", "", "", "XX", claim.rendering_npi),
            ("PRV", "PE", "PXC", "207N00000X"),
        ]
    for number, line in enumerate(claim.lines, start=1):
        segments += [
            ("LX", str(number)),
            (
                "SV1",
                c.join(("HC", line.procedure_code, *line.modifiers)),
                _amount(line.charge),
                "UN",
                str(line.units),
                line.place_of_service,
                "",
                c.join(str(pointer) for pointer in line.pointers),
            ),
            ("DTP", "472", "D8", line.date_of_service.strftime("%Y%m%d")),
        ]
        if line.control_number is not None:
            segments.append(("REF", "6R", line.control_number))
        if line.note is not None:
            segments.append(("NTE", "ADD", line.note))
    return segments


def _amount(value: Decimal) -> str:
    return format(value, "f")


def interchange_segments(interchange: InterchangeSpec) -> list[tuple[tuple[str, ...], bool]]:
    """Every segment of one interchange, ISA to IEA, each with whether it lies inside a transaction."""
    d = interchange.delimiters
    segments: list[tuple[tuple[str, ...], bool]] = [(_isa(interchange), False)]
    for group in interchange.groups:
        segments.append(
            (
                (
                    "GS",
                    "HC",
                    interchange.sender_id,
                    interchange.receiver_id,
                    _ENVELOPE_DATE.strftime("%Y%m%d"),
                    "1200",
                    group.control,
                    "X",
                    A1,
                ),
                False,
            )
        )
        for tx in group.transactions:
            segments += [(segment, True) for segment in transaction_segments(tx, d)]
        segments.append((("GE", str(len(group.transactions)), group.control), False))
    segments.append((("IEA", str(len(interchange.groups)), interchange.control), False))
    return segments


def _isa(interchange: InterchangeSpec) -> tuple[str, ...]:
    d = interchange.delimiters
    return (
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        interchange.sender_id.ljust(15),
        "ZZ",
        interchange.receiver_id.ljust(15),
        _ENVELOPE_DATE.strftime("%y%m%d"),
        "1200",
        d.repetition,
        "00501",
        interchange.control,
        "0",
        "T",
        d.component,
    )


def render_pieces(spec: InputSpec) -> list[Piece]:
    """The input's segments in order, each rendered with its interchange's delimiters and the layout."""
    layout = spec.layout
    pieces: list[Piece] = []
    for interchange in spec.interchanges:
        d = interchange.delimiters
        line_break = "" if d.segment == "\n" else layout.line_break
        for elements, in_transaction in interchange_segments(interchange):
            text = f"{layout.indent}{d.element.join(elements)}{d.segment}{line_break}"
            pieces.append(Piece(text, elements, d, in_transaction))
    return pieces


def prefix(layout: Layout) -> str:
    """What comes before the first ISA: an optional BOM and leading whitespace."""
    return ("\ufeff" if layout.bom else "") + layout.leading


def render(spec: InputSpec) -> str:
    """The whole input as text."""
    return prefix(spec.layout) + "".join(piece.text for piece in render_pieces(spec))
