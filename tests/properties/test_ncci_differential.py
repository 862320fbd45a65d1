"""Differential test: the NCCI edits (PTP MOD001/MOD002, MUE LES007, add-on AON001) against a plain reading of
the CMS tables written here, on generated claims. 100% agreement is required.

The reference below reads the packaged CSV files with the csv module (not claimedit's indexes) and applies
the CMS rules as written: every ordered pair of lines with a PTP row; indicator 0 denies the column 2 line;
indicator 1 is bypassed by 25/57 on the E/M line when one code is an E/M code, otherwise by an
NCCI-associated modifier on either line or by anatomic modifiers that differ between the two lines; MUE
units per line (MAI 1) or summed per date (MAI 2/3); an add-on whose listed primaries are all absent.
Repair codes are left out of the generated claims: their pairs carry a CMS manual exception (REP001) that a
plain table reading does not have. The edits run with their deferrals switched off.

Claims: 20,000 by default (about 10 s); set CLAIMEDIT_DIFFERENTIAL_CLAIMS for bigger runs.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import random
from collections import defaultdict
from decimal import Decimal

from claimedit_edits.config import parse_config
from claimedit_edits.engine import Engine, Reference, load_registry
from claimedit_edits.model import Claim, ClaimLocation, Envelope, ServiceLine
from claimedit_edits.tables import DEFAULT_TABLES_DIR, load_tables

CLAIMS = int(os.environ.get("CLAIMEDIT_DIFFERENTIAL_CLAIMS", "20000"))
DATA = DEFAULT_TABLES_DIR / "data"
DAYS = (dt.date(2025, 3, 3), dt.date(2025, 3, 4))
ANATOMIC = {"LT", "RT", "E1", "E2", "FA", "F1", "TA", "T1"}
NON_ANATOMIC = {"24", "25", "27", "57", "58", "59", "78", "79", "91", "XE", "XP", "XS", "XU"}
MODIFIER_CHOICES = [
    (),
    (),
    (),
    (),
    ("59",),
    ("XS",),
    ("25",),
    ("57",),
    ("RT",),
    ("LT",),
    ("RT", "59"),
    ("24",),
    ("51",),
]
CONFIG = """
select = ["MOD001", "MOD002", "LES007", "AON001"]
[options.MOD001]
deferred_pairs = []
[options.LES007]
deferred_codes = []
"""


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _ranges(name: str) -> set[str]:
    return {str(code) for row in _rows(name) for code in range(int(row["first"]), int(row["last"]) + 1)}


class CmsReading:
    """The CMS tables as plain dictionaries, read straight from the packaged files."""

    def __init__(self) -> None:
        self.ptp = {(r["col1"], r["col2"]): int(r["mod"]) for r in _rows("ptp_practitioner_2024-07-01.csv")}
        self.ptp = {pair: mod for pair, mod in self.ptp.items() if mod in (0, 1)}
        self.mue = {
            r["hcpcs_code"]: (int(r["mue_units"]), int(r["mue_mai"][0]))
            for r in _rows("mue_practitioner_2024-07-01.csv")
        }
        self.add_ons: dict[str, set[str]] = defaultdict(set)
        for r in _rows("aoc_2024-06-03.csv"):
            if r["aoc_edit_type"] != "2":
                self.add_ons[r["add_on_code"]].add(r["primary_code"])
        self.em = _ranges("em_codes.csv")
        repairs = _ranges("repair_codes.csv")
        codes = {code for pair in self.ptp for code in pair} | set(self.mue) | set(self.add_ons)
        self.codes = sorted(code for code in codes if code not in repairs)

    def findings(self, claim: Claim) -> set[tuple[str, int]]:
        by_day: dict[dt.date | None, list[ServiceLine]] = defaultdict(list)
        for line in claim.service_lines:
            by_day[line.date_of_service].append(line)
        found: set[tuple[str, int]] = set()
        for lines in by_day.values():
            found |= self._ptp(lines) | self._mue(lines) | self._add_on(lines)
        return found

    def _ptp(self, lines: list[ServiceLine]) -> set[tuple[str, int]]:
        found: set[tuple[str, int]] = set()
        for first in lines:
            for second in lines:
                mod = self.ptp.get((first.procedure_code, second.procedure_code))
                if mod is None or first.procedure_code == second.procedure_code:
                    continue
                if mod == 0:
                    found.add(("MOD001", second.number))
                    continue
                em = [line for line in (first, second) if line.procedure_code in self.em]
                if em:
                    found |= {("MOD002", line.number) for line in em if not {"25", "57"} & set(line.modifiers)}
                    continue
                if NON_ANATOMIC & (set(first.modifiers) | set(second.modifiers)):
                    continue
                if ANATOMIC & set(first.modifiers) != ANATOMIC & set(second.modifiers):
                    continue
                found.add(("MOD002", second.number))
        return found

    def _mue(self, lines: list[ServiceLine]) -> set[tuple[str, int]]:
        found: set[tuple[str, int]] = set()
        totals: dict[str, int] = defaultdict(int)
        for line in lines:
            limit = self.mue.get(line.procedure_code)
            if limit is None:
                continue
            units = math.ceil(line.units)
            if limit[1] == 1 and units > limit[0]:
                found.add(("LES007", line.number))
            if limit[1] in (2, 3):
                totals[line.procedure_code] += units
        for code, total in totals.items():
            if total > self.mue[code][0]:
                found.add(("LES007", [line for line in lines if line.procedure_code == code][-1].number))
        return found

    def _add_on(self, lines: list[ServiceLine]) -> set[tuple[str, int]]:
        present = {line.procedure_code for line in lines}
        return {
            ("AON001", line.number)
            for line in lines
            if self.add_ons.get(line.procedure_code) and not self.add_ons[line.procedure_code] & present
        }


def _claims(reading: CmsReading, count: int, seed: int = 9) -> list[Claim]:
    rng = random.Random(seed)
    envelope, location = Envelope(isa_control="1"), ClaimLocation(clm_segment_index=1)
    claims = []
    for index in range(count):
        pool = rng.sample(reading.codes, 4)
        lines = tuple(
            ServiceLine(
                number=number,
                procedure_code=rng.choice(pool),
                modifiers=rng.choice(MODIFIER_CHOICES),
                units=Decimal(rng.choice((1, 1, 1, 2, 3, 7, 14))),
                date_of_service=rng.choice(DAYS) if rng.random() < 0.3 else DAYS[0],
            )
            for number in range(1, rng.randint(1, 6) + 1)
        )
        claims.append(Claim(claim_id=f"DIFF-{index}", service_lines=lines, envelope=envelope, location=location))
    return claims


def test_ncci_edits_agree_with_a_plain_reading_of_the_cms_tables_on_every_generated_claim() -> None:
    registry = load_registry()
    engine = Engine(registry, Reference(icd10cm=_NoIcd(), tables=load_tables()), parse_config(CONFIG, registry))
    reading = CmsReading()
    claims = _claims(reading, CLAIMS)
    disagreements = []
    for claim in claims:
        actual = {(finding.code, finding.line or 0) for finding in engine.check(claim)}
        expected = reading.findings(claim)
        if actual != expected:
            disagreements.append((claim.claim_id, sorted(expected - actual), sorted(actual - expected)))
    flagged = sum(1 for claim in claims if reading.findings(claim))
    expected_shape: tuple[int, list[object], bool] = (CLAIMS, [], True)
    assert expected_shape == (len(claims), disagreements[:5], flagged > CLAIMS // 10)


class _NoIcd:
    edition = "unused"

    def is_valid(self, code: str) -> bool:
        return bool(code)

    def is_billable(self, code: str) -> bool:
        return bool(code)

    def children(self, code: str) -> list[str]:
        return []
