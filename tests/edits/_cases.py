"""Per-edit YAML cases: 2300-loop segments wrapped in a fixed 005010X222A1 envelope and read with the reader.

A case file ``cases/<CODE>.yml`` holds::

    edit: LES001
    cases:
      - name: three-lesions-as-17000-x3
        payer: {filing_indicator: MB, payer_id: "00120"}   # optional (default MB / 00120)
        config: |                                         # optional TOML replacing the default config
          extend_select = ["SIZ003"]
        claim: |
          CLM*LES001-F1*300***11:B:1*Y*A*Y*Y
          HI*ABK:L570
          LX*1
          SV1*HC:17000*300*UN*3***1
          DTP*472*D8*20250304
        expect:                                           # [] for a passing case
          - line: 1
            severity: error                               # optional
            fix: {action: change_units, suggested: "1"}   # optional, a subset of the Fix fields
            message_contains: ["17003"]                   # optional
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from claimedit_case_interchange import group_interchange, segments

from claimedit.x12.reader import read_claims
from claimedit_edits.codesets import open_codesets
from claimedit_edits.config import ConfigPolicy, load_config, parse_config
from claimedit_edits.engine import Engine, Reference, Registry, load_registry
from claimedit_edits.model import Claim, Finding
from claimedit_edits.tables import Tables, load_tables

__all__ = [
    "CASES_DIR",
    "Case",
    "EditHarness",
    "case_id",
    "interchange",
    "load_case_files",
    "matches",
]

CASES_DIR = Path(__file__).with_name("cases")
CORE_CODE_SET_EDITS = frozenset({"CSET001"})
"""Cases of these edits run with the real ICD-10-CM code set (the stand-in accepts every code)."""
DEFAULT_PAYER = {"filing_indicator": "MB", "payer_id": "00120", "name": "FICTIONAL MEDICARE CONTRACTOR"}
_PAYER_NAMES = {"MB": "FICTIONAL MEDICARE CONTRACTOR", "MC": "FICTIONAL STATE MEDICAID", "BL": "FICTIONAL BLUE PLAN"}


@dataclass(frozen=True)
class Case:
    edit: str
    name: str
    claim: str
    expect: list[dict[str, Any]]
    payer: dict[str, str] = field(default_factory=dict)
    config: str | None = None
    source: str = ""
    tables: str | None = None
    """A table directory under tests/edits/ added to the packaged tables (e.g. one with a 090-day code)."""
    history: list[dict[str, Any]] = field(default_factory=list)
    """Earlier claims (``claim``, optional ``payer``, ``verdict``) recorded before this one: cases of the history
    family, run by tests/history/test_history_cases.py on SQLite and PostgreSQL."""

    @property
    def failing(self) -> bool:
        return bool(self.expect)


def case_id(case: Case) -> str:
    return f"{case.edit}-{'fail' if case.failing else 'pass'}-{case.name}"


def load_case_files(directory: Path = CASES_DIR) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases.extend(
            Case(
                edit=data["edit"],
                name=entry["name"],
                claim=entry["claim"],
                expect=list(entry.get("expect") or []),
                payer=dict(entry.get("payer") or {}),
                config=entry.get("config"),
                source=path.name,
                tables=entry.get("tables"),
                history=list(entry.get("history") or []),
            )
            for entry in data["cases"]
        )
    return cases


def _subscriber_loop(hl_number: int, index: int, payer: dict[str, str]) -> list[str]:
    indicator = payer.get("filing_indicator", DEFAULT_PAYER["filing_indicator"])
    payer_id = payer.get("payer_id", DEFAULT_PAYER["payer_id"])
    name = payer.get("name", _PAYER_NAMES.get(indicator, "FICTIONAL COMMERCIAL HEALTH PLAN"))
    return [
        f"HL*{hl_number}*1*22*0",
        f"SBR*P*18*******{indicator}",
        f"NM1*IL*1*TESTPATIENT*CASE{index:04d}****MI*TESTMBR{index:04d}",
        "N3*1 FICTION LANE",
        "N4*ANYTOWN*OH*430000001",
        "DMG*D8*19500101*F",
        f"NM1*PR*2*{name}*****PI*{payer_id}",
    ]


def interchange(claims: Iterable[tuple[str, dict[str, str]]], control: int = 1) -> str:
    """A 005010X222A1 interchange holding each (2300 segments, payer) claim under its own subscriber."""
    return group_interchange(
        (
            [*_subscriber_loop(index + 1, index, payer), *segments(block)]
            for index, (block, payer) in enumerate(claims, start=1)
        ),
        control=control,
        reference="CASE",
    )


class _AnyCode:
    """ICD-10-CM stand-in: the lesion edits never consult it; the core edits are not under test here."""

    edition = "test stand-in"

    def is_valid(self, code: str) -> bool:
        return bool(code)

    def is_billable(self, code: str) -> bool:
        return bool(code)


class EditHarness:
    """Registry, tables and configurations built once per test session."""

    def __init__(self) -> None:
        self.registry: Registry = load_registry()
        self.tables: Tables = load_tables()
        self.reference = Reference(icd10cm=_AnyCode(), tables=self.tables)
        self.default_policy: ConfigPolicy = load_config(None, self.registry)
        self._engines: dict[str | None, Engine] = {}

    def engine(self, config: str | None = None) -> Engine:
        engine = self._engines.get(config)
        if engine is None:
            policy = self.default_policy if config is None else parse_config(config, self.registry)
            engine = self._engines[config] = Engine(self.registry, self.reference, policy)
        return engine

    def full_engine(self) -> Engine:
        """Every edit with the real ICD-10-CM code set (the core code-set edits included)."""
        engine = self._engines.get("<full>")
        if engine is None:
            codesets = open_codesets()
            reference = Reference(icd10cm=codesets.at("icd10cm", None), tables=self.tables, codesets=codesets)
            engine = self._engines["<full>"] = Engine(self.registry, reference, self.default_policy)
        return engine

    def read(self, case: Case) -> Claim:
        text = interchange([(case.claim, case.payer)])
        claims = read_claims(text, source=case_id(case))
        assert len(claims) == 1, f"{case_id(case)}: the case must read as exactly one claim"
        return claims[0]

    def findings(self, case: Case) -> list[Finding]:
        if case.tables is not None:
            tables = load_tables(CASES_DIR.parent / case.tables)
            policy = self.default_policy if case.config is None else parse_config(case.config, self.registry)
            return Engine(self.registry, Reference(icd10cm=_AnyCode(), tables=tables), policy).check(self.read(case))
        if case.edit in CORE_CODE_SET_EDITS:
            return self.full_engine().check(self.read(case))
        return self.engine(case.config).check(self.read(case))


def assert_exact_findings(case: Case, findings: list[Finding]) -> None:
    """A case passes when no edit failed (no internal finding) and its edit's findings are exactly the expected ones:
    as many, and each expectation met by one of them (the edit cases and the history cases judge the same way)."""
    no_internal: list[str] = []
    internal = [finding.message for finding in findings if finding.category == "internal"]
    assert no_internal == internal, internal
    of_edit = [finding for finding in findings if finding.code == case.edit]
    unmatched = [expected for expected in case.expect if not any(matches(f, expected) for f in of_edit)]
    expected_shape: tuple[int, list[Any]] = (len(case.expect), [])
    assert expected_shape == (len(of_edit), unmatched), [f.model_dump() for f in of_edit]


def matches(finding: Finding, expected: dict[str, Any]) -> bool:
    """A finding matches an expectation when every field the expectation names agrees."""
    if "line" in expected and finding.line != expected["line"]:
        return False
    if "severity" in expected and finding.severity != expected["severity"]:
        return False
    for text in expected.get("message_contains", []):
        if text not in finding.message:
            return False
    fix = expected.get("fix")
    if fix is not None:
        if finding.fix is None:
            return False
        actual = finding.fix.model_dump()
        if any(str(actual.get(key)) != str(value) for key, value in fix.items()):
            return False
    return True
