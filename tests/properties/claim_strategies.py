"""Hypothesis strategies for valid 837P claims and the inputs that carry them.

Values stay inside what the implementation guide allows (so pyx12 accepts the interchange) and
inside a text alphabet that excludes every delimiter the strategies can choose, so any claim can be
written with any delimiters.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from hypothesis import strategies as st

from .x12_writer import (
    BillingSpec,
    ClaimSpec,
    Delimiters,
    GroupSpec,
    InputSpec,
    InterchangeSpec,
    Layout,
    LineSpec,
    SubscriberSpec,
    TransactionSpec,
)

__all__ = [
    "DIAGNOSIS_CODES",
    "ELEMENT_SEPARATORS",
    "MODIFIERS",
    "PROCEDURE_CODES",
    "claims",
    "delimiters",
    "inputs",
    "interchanges",
    "layouts",
    "npis",
    "transactions",
]

ELEMENT_SEPARATORS = "*|^!"
COMPONENT_SEPARATORS = ":>\\"
REPETITION_SEPARATORS = "^{}"
SEGMENT_TERMINATORS = "~\n'"
_EVERY_DELIMITER = set(ELEMENT_SEPARATORS + COMPONENT_SEPARATORS + REPETITION_SEPARATORS + SEGMENT_TERMINATORS)

_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_DIGITS = "0123456789"
NOTE_ALPHABET = _UPPER + _DIGITS + " &(),-./;?=+#"
"""Free text (NTE notes): the X12 basic character set without any delimiter candidate."""
ID_ALPHABET = _UPPER + _DIGITS + "-"
assert not _EVERY_DELIMITER & set(NOTE_ALPHABET + ID_ALPHABET)


def _range(prefix: int, first: int, last: int) -> list[str]:
    return [str(prefix + digit) for digit in range(first, last + 1)]


PROCEDURE_CODES: tuple[str, ...] = (
    "17000",
    "17003",
    "17004",
    "17110",
    "17111",
    *_range(11100, 2, 7),
    *(code for base in (11400, 11420, 11440, 11600, 11620, 11640) for code in _range(base, 0, 6)),
    *(code for base in (17260, 17270, 17280) for code in _range(base, 0, 6)),
    *_range(99210, 2, 5),
)
MODIFIERS: tuple[str, ...] = ("25", "59", "XS", "XE", "RT", "LT", "51", "76")
DIAGNOSIS_CODES: tuple[str, ...] = (
    "L570",
    "C44612",
    "C44619",
    "C44311",
    "C4441",
    "C44519",
    "C4362",
    "D0372",
    "D0439",
    "D2261",
    "D225",
    "D2362",
    "D485",
    "D492",
    "L820",
    "L821",
    "L720",
    "L980",
    "B078",
    "B079",
    "B081",
)
PLACES_OF_SERVICE: tuple[str, ...] = ("11", "19", "22", "24")
FILING_INDICATORS: tuple[str, ...] = ("MB", "MC", "CI", "BL")


@st.composite
def _delimiters(draw: st.DrawFn) -> Delimiters:
    element = draw(st.sampled_from(ELEMENT_SEPARATORS))
    component = draw(st.sampled_from(COMPONENT_SEPARATORS))
    segment = draw(st.sampled_from(SEGMENT_TERMINATORS))
    repetition = draw(st.sampled_from([char for char in REPETITION_SEPARATORS if char != element]))
    return Delimiters(element=element, component=component, repetition=repetition, segment=segment)


delimiters = _delimiters()
"""Four distinct delimiters: the element, component and terminator pools are disjoint; repetition avoids the element."""


def _words(alphabet: str, max_size: int) -> st.SearchStrategy[str]:
    """Text of ``alphabet`` with single spaces inside and none at either end (X12 drops trailing blanks)."""
    return (
        st.text(alphabet=alphabet, min_size=1, max_size=max_size).map(lambda text: " ".join(text.split())).filter(bool)
    )


notes = _words(NOTE_ALPHABET, 60)
identifiers = st.text(alphabet=ID_ALPHABET, min_size=1, max_size=20)
diagnosis_codes = st.one_of(
    st.sampled_from(DIAGNOSIS_CODES),
    st.from_regex(r"\A[A-TV-Z][0-9][0-9A-Z][0-9A-Z]{0,4}\Z"),
)


def _luhn_check_digit(digits: str) -> str:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            value -= 9 if value > 9 else 0
        total += value
    return str((10 - total % 10) % 10)


npis = st.builds(
    lambda first, rest: f"{first}{rest:08d}" + _luhn_check_digit(f"80840{first}{rest:08d}"),
    st.sampled_from("12"),
    st.integers(0, 99_999_999),
)
"""Ten-digit NPIs that pass the check digit (Luhn over the 80840 prefix)."""

charges = st.one_of(
    st.integers(1, 99_999).map(Decimal),
    st.integers(1, 999_999).map(lambda tenths: Decimal(tenths).scaleb(-1)),
    st.integers(1, 9_999_999).map(lambda cents: Decimal(cents).scaleb(-2)),
)
"""Charges with zero, one or two decimal places, as sent (12, 12.5, 12.50)."""

dates_of_service = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2025, 12, 31))


@st.composite
def _line(draw: st.DrawFn, diagnosis_count: int) -> LineSpec:
    pointer_count = draw(st.integers(1, min(4, diagnosis_count)))
    return LineSpec(
        procedure_code=draw(st.sampled_from(PROCEDURE_CODES)),
        charge=draw(charges),
        units=draw(st.integers(1, 20)),
        pointers=tuple(
            draw(st.lists(st.integers(1, diagnosis_count), min_size=pointer_count, max_size=pointer_count, unique=True))
        ),
        date_of_service=draw(dates_of_service),
        modifiers=tuple(draw(st.lists(st.sampled_from(MODIFIERS), max_size=4, unique=True))),
        place_of_service=draw(st.one_of(st.just(""), st.sampled_from(PLACES_OF_SERVICE))),
        note=draw(st.none() | notes),
        control_number=draw(st.none() | identifiers),
    )


@st.composite
def claims(draw: st.DrawFn) -> ClaimSpec:
    """One claim: 1-12 diagnoses, 1-6 lines pointing within them."""
    diagnoses = tuple(draw(st.lists(diagnosis_codes, min_size=1, max_size=12, unique=True)))
    frequency = draw(st.sampled_from("178"))
    return ClaimSpec(
        claim_id=draw(identifiers),
        place_of_service=draw(st.sampled_from(PLACES_OF_SERVICE)),
        frequency_code=frequency,
        diagnoses=diagnoses,
        lines=tuple(draw(st.lists(_line(len(diagnoses)), min_size=1, max_size=6))),
        note=draw(st.none() | notes),
        payer_claim_number=None if frequency == "1" else draw(identifiers),
        rendering_npi=draw(st.none() | npis),
    )


def _split(draw: st.DrawFn, items: list[ClaimSpec], at_most: int) -> list[list[ClaimSpec]]:
    """``items`` cut into 1..at_most consecutive non-empty runs."""
    runs = draw(st.integers(1, min(at_most, len(items))))
    if runs == 1:
        return [items]
    cuts = sorted(draw(st.lists(st.integers(1, len(items) - 1), min_size=runs - 1, max_size=runs - 1, unique=True)))
    bounds = [0, *cuts, len(items)]
    return [items[start:end] for start, end in itertools.pairwise(bounds)]


@st.composite
def _subscriber(draw: st.DrawFn, claim_run: list[ClaimSpec]) -> SubscriberSpec:
    return SubscriberSpec(
        payer_name=draw(_words(_UPPER + " ", 30)),
        payer_id=draw(st.text(alphabet=_UPPER + _DIGITS, min_size=2, max_size=10)),
        filing_indicator=draw(st.sampled_from(FILING_INDICATORS)),
        claims=tuple(claim_run),
        patient_relationship=draw(st.one_of(st.none(), st.sampled_from(("19", "01")))),
    )


@st.composite
def transactions(draw: st.DrawFn, control: str) -> TransactionSpec:
    """One transaction of 1-5 claims under 1-2 billing providers, each with 1-2 subscribers."""
    items = draw(st.lists(claims(), min_size=1, max_size=5))
    billing = []
    for billing_run in _split(draw, items, 2):
        subscribers = tuple(draw(_subscriber(run)) for run in _split(draw, billing_run, 2))
        billing.append(BillingSpec(npi=draw(npis), subscribers=subscribers))
    return TransactionSpec(control=control, billing_providers=tuple(billing))


@st.composite
def interchanges(
    draw: st.DrawFn,
    max_groups: int = 1,
    max_transactions: int = 1,
    delimiter_choice: st.SearchStrategy[Delimiters] = delimiters,
) -> InterchangeSpec:
    """One interchange with unique GS06 and ST02 control numbers."""
    group_controls = draw(st.lists(st.integers(1, 999_999_999), min_size=1, max_size=max_groups, unique=True))
    groups = []
    for group_control in group_controls:
        tx_controls = draw(st.lists(st.integers(1, 999_999_999), min_size=1, max_size=max_transactions, unique=True))
        groups.append(
            GroupSpec(
                control=str(group_control),
                transactions=tuple(draw(transactions(f"{control:04d}")) for control in tx_controls),
            )
        )
    return InterchangeSpec(
        control=f"{draw(st.integers(1, 999_999_999)):09d}",
        delimiters=draw(delimiter_choice),
        groups=tuple(groups),
        sender_id=draw(st.text(alphabet=_UPPER + _DIGITS, min_size=2, max_size=15)),
        receiver_id=draw(st.text(alphabet=_UPPER + _DIGITS, min_size=2, max_size=15)),
    )


layouts = st.builds(
    Layout,
    bom=st.booleans(),
    leading=st.text(alphabet=" \t\r\n", max_size=3),
    line_break=st.sampled_from(("", "\n", "\r\n")),
    indent=st.sampled_from(("", "", " ", "  ", "\t")),
)
"""BOM, leading whitespace, a line break after each terminator and indentation, in any combination."""


@st.composite
def inputs(
    draw: st.DrawFn,
    max_interchanges: int = 1,
    max_groups: int = 1,
    max_transactions: int = 1,
    same_delimiters: bool = False,
) -> InputSpec:
    """One input of 1..max_interchanges interchanges, each with its own delimiters unless ``same_delimiters``."""
    count = draw(st.integers(1, max_interchanges))
    shared = draw(delimiters)
    choice = st.just(shared) if same_delimiters else delimiters
    items = tuple(draw(interchanges(max_groups, max_transactions, choice)) for _ in range(count))
    return InputSpec(interchanges=items, layout=draw(layouts))
