"""Minimal X12 splitting for tests about the fixtures themselves (not the project's reader)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import pyx12.params
import pyx12.x12n_document

__all__ = ["Segment", "claim_totals", "iter_segments", "npi_passes_luhn", "pyx12_ack_codes"]

ISA_LENGTH = 106


@dataclass(frozen=True)
class Segment:
    """One segment with its elements and the component separator of its interchange."""

    elements: tuple[str, ...]
    component: str

    @property
    def tag(self) -> str:
        return self.elements[0]

    def element(self, index: int) -> str:
        return self.elements[index] if index < len(self.elements) else ""


def iter_segments(text: str) -> Iterator[Segment]:
    """Yield the segments of every interchange in `text`, each read with its own ISA delimiters."""
    position = text.find("ISA")
    while position != -1:
        header = text[position : position + ISA_LENGTH]
        element_sep, component_sep, terminator = header[3], header[104], header[105]
        end = text.find(f"{terminator}", text.find(f"IEA{element_sep}", position))
        body = text[position : end + 1 if end != -1 else len(text)]
        for raw in body.split(terminator):
            stripped = raw.strip("\r\n ")
            if stripped:
                yield Segment(tuple(stripped.split(element_sep)), component_sep)
        if end == -1:
            return
        position = text.find("ISA", end + 1)


def claim_totals(text: str) -> list[tuple[str, Decimal, Decimal]]:
    """(CLM01, CLM02, sum of that claim's SV102) for every claim in `text`."""
    totals: list[tuple[str, Decimal, Decimal]] = []
    for segment in iter_segments(text):
        if segment.tag == "CLM":
            totals.append((segment.element(1), Decimal(segment.element(2)), Decimal(0)))
        elif segment.tag == "SV1":
            claim_id, charged, lines = totals[-1]
            totals[-1] = (claim_id, charged, lines + Decimal(segment.element(2)))
    return totals


def npi_passes_luhn(npi: str) -> bool:
    """NPI check digit: Luhn over the 80840 prefix plus the first nine digits."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed("80840" + npi)):
        digit = int(char)
        if index % 2 == 1:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return total % 10 == 0


def pyx12_ack_codes(text: str) -> tuple[bool, list[str]]:
    """Run pyx12's x12n_document on `text`; return its result and the IK3/IK4/IK5/AK9 segments of the 999."""
    pyx12_logger = logging.getLogger("pyx12")
    was_disabled = pyx12_logger.disabled
    pyx12_logger.disabled = True
    try:
        ack = io.StringIO()
        ok = pyx12.x12n_document.x12n_document(pyx12.params.params(), io.StringIO(text), ack, None, None)
    finally:
        pyx12_logger.disabled = was_disabled
    segments = [raw.strip() for raw in ack.getvalue().split("~")]
    return bool(ok), [s for s in segments if s[:3] in {"IK3", "IK4", "IK5", "AK9"}]
