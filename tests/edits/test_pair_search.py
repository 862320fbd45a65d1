"""The NCCI pair search looks up the table partners of the codes present on a date, never every line
against every line: a claim of 4,000 service lines costs a handful of PTP lookups."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any

from claimedit_edits.engine import Engine, Reference, Selection, SelectionPolicy
from claimedit_edits.model import Claim, ClaimLocation, Envelope, ServiceLine
from claimedit_edits.tables import PtpEdit, Tables

DAY = dt.date(2025, 3, 3)


class _CountingPairs(Mapping[tuple[str, str], PtpEdit]):
    """The PTP pair index, counting lookups."""

    def __init__(self, pairs: Mapping[tuple[str, str], PtpEdit]) -> None:
        self._pairs = pairs
        self.lookups = 0

    def __getitem__(self, key: tuple[str, str]) -> PtpEdit:
        self.lookups += 1
        return self._pairs[key]

    def get(self, key: tuple[str, str], default: Any = None) -> Any:
        self.lookups += 1
        return self._pairs.get(key, default)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)


class _CountingTables:
    """The packaged tables with the PTP pair index of every date replaced by a counting one."""

    def __init__(self, tables: Tables) -> None:
        self._tables = tables
        ptp = tables.at(DAY).ptp
        self.pairs = _CountingPairs(ptp.pairs)
        self._set = dataclasses.replace(tables.at(DAY), ptp=dataclasses.replace(ptp, pairs=self.pairs))

    def at(self, day: dt.date | None) -> Any:
        return self._set


def _claim(codes_and_modifiers: list[tuple[str, tuple[str, ...]]]) -> Claim:
    lines = tuple(
        ServiceLine(number=n, procedure_code=code, modifiers=mods, charge=Decimal(1), date_of_service=DAY)
        for n, (code, mods) in enumerate(codes_and_modifiers, start=1)
    )
    return Claim(
        claim_id="PAIRS-4000",
        total_charge=Decimal(len(lines)),
        service_lines=lines,
        envelope=Envelope(isa_control="1"),
        location=ClaimLocation(clm_segment_index=1),
    )


def _engine(harness: Any, tables: Any, code: str) -> Engine:
    reference = Reference(icd10cm=harness.reference.icd10cm, tables=tables)
    return Engine(harness.registry, reference, SelectionPolicy(Selection(select=frozenset({code}))))


def test_4000_lines_of_two_paired_codes_cost_two_lookups_and_flag_every_column_2_line(harness: Any) -> None:
    tables = _CountingTables(harness.tables)
    claim = _claim([("11402", ()), ("11102", ())] * 2000)
    findings = _engine(harness, tables, "MOD002").check(claim)
    expected = (2000, {"11102"}, 2)
    actual = (
        len(findings),
        {claim.service_lines[f.line - 1].procedure_code for f in findings if f.line},
        tables.pairs.lookups,
    )
    assert expected == actual


def test_4000_lines_of_40_codes_look_up_each_present_partner_once(harness: Any) -> None:
    tables = _CountingTables(harness.tables)
    ptp = harness.tables.at(DAY).ptp
    codes = sorted(ptp.codes)[:40]
    claim = _claim([(codes[n % 40], ("XS",)) for n in range(4000)])
    _engine(harness, tables, "MOD001").check(claim)
    present = set(codes)
    partners_present = sum(len(ptp.partners_of(code) & present) for code in present)
    expected = (partners_present, True)
    assert expected == (tables.pairs.lookups, tables.pairs.lookups < 40 * 40)
