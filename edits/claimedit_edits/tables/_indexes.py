"""Indexed, read-only views of the table files: built once at load, looked up in O(1) by the edits."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import cast

from claimedit_edits.tables._compiled import (
    FeeIndicatorRows,
    MueLimits,
    PtpPairs,
    PtpPartners,
    compiled_rows,
    open_compiled,
)
from claimedit_edits.tables._manifest import Edition, TableError

__all__ = [
    "AddOnPrimary",
    "AddOnTable",
    "DxSiteTable",
    "DxSupportTable",
    "EmCodeTable",
    "FeeIndicators",
    "FeeScheduleTable",
    "LateralityRule",
    "LateralityTable",
    "LesionCode",
    "LesionCodeTable",
    "ModifierTable",
    "MueLimit",
    "MueTable",
    "PtpEdit",
    "PtpTable",
    "RepairCodeTable",
    "build_index",
]

_OPEN_END = dt.date(9999, 12, 31)


def _rows(edition: Edition, required: tuple[str, ...], non_empty: int = 2) -> Iterator[dict[str, str]]:
    """The rows of a table file (from its compiled SQLite twin, else the CSV); the first ``non_empty`` required
    columns must hold a value."""
    connection = open_compiled(edition)
    with edition.path.open(encoding="utf-8", newline="") as handle:
        reader: Iterator[dict[str, str]] = compiled_rows(connection) if connection else csv.DictReader(handle)
        names = _columns(connection) if connection else (cast(csv.DictReader[str], reader).fieldnames or ())
        missing = set(required) - set(names)
        if missing:
            raise TableError(f"{edition.path}: missing column(s) {sorted(missing)} for a {edition.kind} table")
        for number, row in enumerate(reader, start=2):
            clean = {key: (value or "").strip() for key, value in row.items() if key is not None}
            empty = [name for name in required[:non_empty] if not clean.get(name)]
            if empty:
                raise TableError(f"{edition.path}:{number}: empty {', '.join(empty)}")
            yield clean


def _columns(connection: sqlite3.Connection) -> list[str]:
    return [str(column[1]) for column in connection.execute("PRAGMA table_info(rows)")]


def _int(edition: Edition, value: str, column: str) -> int:
    try:
        return int(value)
    except ValueError as exc:
        raise TableError(f"{edition.path}: {column} {value!r} is not a whole number") from exc


def _date_or_none(edition: Edition, value: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise TableError(f"{edition.path}: {value!r} is not a date (YYYY-MM-DD)") from exc


@dataclass(frozen=True)
class MueLimit:
    units: int
    mai: int
    """MUE adjudication indicator: 1 per line, 2 per date of service (policy), 3 per date of service (clinical)."""
    rationale: str

    @property
    def per_date_of_service(self) -> bool:
        return self.mai in (2, 3)


@dataclass(frozen=True)
class MueTable:
    edition: Edition
    limits: Mapping[str, MueLimit]

    def get(self, code: str) -> MueLimit | None:
        return self.limits.get(code)


@dataclass(frozen=True, slots=True)
class PtpEdit:
    column1: str
    column2: str
    modifier_indicator: int
    """0 never together, 1 a distinct-service modifier may bypass."""
    rationale: str
    effective: dt.date | None
    deleted: dt.date | None

    def active_on(self, day: dt.date | None) -> bool:
        if day is None:
            return self.deleted is None
        if self.effective is not None and day < self.effective:
            return False
        return self.deleted is None or day < self.deleted


@dataclass(frozen=True)
class PtpTable:
    edition: Edition
    pairs: Mapping[tuple[str, str], PtpEdit]
    codes: frozenset[str] = field(default=frozenset())
    """Every code in column 1 or 2: a line whose code is not here needs no pair lookup."""
    partners: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Code -> every code it pairs with, in either column: the pair search looks up only the codes present."""

    def get(self, column1: str, column2: str) -> PtpEdit | None:
        return self.pairs.get((column1, column2))

    def partners_of(self, code: str) -> frozenset[str]:
        return self.partners.get(code, frozenset())


@dataclass(frozen=True)
class AddOnPrimary:
    primary: str
    edit_type: int
    """1 payable only with a listed primary; 2 no primary list; 3 some primaries listed, others possible."""


@dataclass(frozen=True)
class AddOnTable:
    edition: Edition
    primaries: Mapping[str, tuple[AddOnPrimary, ...]]

    def get(self, add_on: str) -> tuple[AddOnPrimary, ...]:
        return self.primaries.get(add_on, ())


@dataclass(frozen=True)
class FeeIndicators:
    status: str
    pctc: str
    global_days: str
    multiple_procedure: str
    bilateral: str


@dataclass(frozen=True)
class FeeScheduleTable:
    edition: Edition
    indicators: Mapping[str, FeeIndicators]
    """By code, from the row without a modifier."""

    def get(self, code: str) -> FeeIndicators | None:
        return self.indicators.get(code)


@dataclass(frozen=True)
class LesionCode:
    code: str
    family: str
    site_group: str
    """``any`` for codes valid at every site."""
    size_basis: str
    """``excised-diameter``, ``lesion-diameter`` or ``count``."""
    tier: int | None


@dataclass(frozen=True)
class LesionCodeTable:
    edition: Edition
    codes: Mapping[str, LesionCode]
    by_family_site_tier: Mapping[tuple[str, str, int], str]

    def get(self, code: str) -> LesionCode | None:
        return self.codes.get(code)

    def code_for(self, family: str, site_group: str, tier: int) -> str | None:
        """The code of ``family`` for that site group and size tier (11442 for benign excision, face, tier 2)."""
        return self.by_family_site_tier.get((family, site_group, tier))


@dataclass(frozen=True)
class DxSupportTable:
    edition: Edition
    prefixes: Mapping[str, tuple[str, ...]]
    """Family -> diagnosis code prefixes (dotless) that support it."""

    def supports(self, family: str, diagnosis: str) -> bool | None:
        """None when the table says nothing about ``family`` (biopsies: any diagnosis)."""
        prefixes = self.prefixes.get(family)
        if prefixes is None:
            return None
        return diagnosis.startswith(prefixes)

    def families_of(self, diagnosis: str) -> list[str]:
        return [family for family, prefixes in self.prefixes.items() if diagnosis.startswith(prefixes)]


@dataclass(frozen=True)
class DxSiteTable:
    edition: Edition
    sites: Mapping[str, str]
    fits: Mapping[str, frozenset[str]]
    fit_edition: Edition

    def site_of(self, diagnosis: str) -> str | None:
        """The anatomic site an ICD-10-CM code names (longest prefix first), or None."""
        for length in (4, 3):
            site = self.sites.get(diagnosis[:length])
            if site is not None:
                return site
        return None

    def groups_fitting(self, site: str) -> frozenset[str]:
        return self.fits.get(site, frozenset())


@dataclass(frozen=True)
class LateralityRule:
    position: int
    """1-based character of the dotless code that carries the side."""
    right: str
    left: str
    unspecified: str


@dataclass(frozen=True)
class LateralityTable:
    edition: Edition
    rules: Mapping[str, LateralityRule]

    def side_of(self, diagnosis: str) -> str | None:
        """``RT``, ``LT``, or None when the code has no side axis or its side is unspecified."""
        rule = self.rules.get(diagnosis[:4])
        if rule is None or len(diagnosis) < rule.position:
            return None
        character = diagnosis[rule.position - 1]
        if character == rule.right:
            return "RT"
        if character == rule.left:
            return "LT"
        return None


@dataclass(frozen=True)
class ModifierTable:
    edition: Edition
    modifiers: frozenset[str]

    def __contains__(self, modifier: object) -> bool:
        return modifier in self.modifiers


@dataclass(frozen=True)
class EmCodeTable:
    """Evaluation and management codes, from the CPT E/M section's code ranges."""

    edition: Edition
    groups: Mapping[str, str]
    """Code -> its E/M group (office-new, office-established, hospital-initial ...)."""

    def __contains__(self, code: object) -> bool:
        return code in self.groups

    def group_of(self, code: str) -> str | None:
        return self.groups.get(code)


@dataclass(frozen=True)
class RepairCodeTable:
    """Wound repair codes by type: simple, intermediate, complex."""

    edition: Edition
    types: Mapping[str, str]

    def type_of(self, code: str) -> str | None:
        return self.types.get(code)


def _code_range(edition: Edition, first: str, last: str) -> list[str]:
    """Every code from ``first`` to ``last`` (five-digit CPT numbers; a letter prefix must match)."""
    if first[:1].isalpha() or last[:1].isalpha():
        if first[:1] != last[:1]:
            raise TableError(f"{edition.path}: range {first}-{last} mixes code prefixes")
        prefix, low, high = first[:1], first[1:], last[1:]
    else:
        prefix, low, high = "", first, last
    start, end = _int(edition, low, "first"), _int(edition, high, "last")
    if end < start:
        raise TableError(f"{edition.path}: range {first}-{last} runs backwards")
    return [f"{prefix}{number:0{len(low)}d}" for number in range(start, end + 1)]


def _ranged(edition: Edition, value_column: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for row in _rows(edition, ("first", "last", value_column), non_empty=3):
        for code in _code_range(edition, row["first"], row["last"]):
            found[code] = row[value_column]
    return found


def _em_codes(edition: Edition) -> EmCodeTable:
    return EmCodeTable(edition, _ranged(edition, "group"))


def _repair_codes(edition: Edition) -> RepairCodeTable:
    return RepairCodeTable(edition, _ranged(edition, "repair_type"))


def _mue(edition: Edition) -> MueTable:
    connection = open_compiled(edition)
    if connection is not None and {"hcpcs_code", "mue_units", "mue_mai", "mue_rationale"} <= set(_columns(connection)):
        # looked up on demand: the official table holds every code, most never billed by a practice
        return MueTable(edition, cast(Mapping[str, MueLimit], MueLimits(connection, MueLimit)))
    limits = {
        row["hcpcs_code"]: MueLimit(
            units=_int(edition, row["mue_units"], "mue_units"),
            mai=_int(edition, row["mue_mai"][:1], "mue_mai"),
            rationale=row.get("mue_rationale", ""),
        )
        for row in _rows(edition, ("hcpcs_code", "mue_units", "mue_mai"), non_empty=3)
    }
    return MueTable(edition, limits)


def _ptp(edition: Edition) -> PtpTable:
    """The PTP index: from the compiled SQLite twin when there is one (partners and pairs looked up when a
    claim bills them), else read from the CSV with a plain csv reader, dates and rationales shared between
    rows, edits kept in slotted objects (full CMS tables hold over a million pairs)."""
    connection = open_compiled(edition)
    if connection is not None and {"col1", "col2", "deleted", "mod", "rationale"} <= set(_columns(connection)):
        # a million pairs stay in SQLite: each code's partners and each pair are looked up when a claim bills them
        lookup = PtpPartners(connection)
        return PtpTable(
            edition,
            cast(Mapping[tuple[str, str], PtpEdit], PtpPairs(connection, PtpEdit)),
            lookup.codes(),
            lookup,
        )
    pairs: dict[tuple[str, str], PtpEdit] = {}
    partners: dict[str, set[str]] = {}
    dates: dict[str, dt.date | None] = {"": None}
    texts: dict[str, str] = {}
    required = ("col1", "col2", "deleted", "mod")
    with edition.path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        missing = set(required) - set(header)
        if missing:
            raise TableError(f"{edition.path}: missing column(s) {sorted(missing)} for a {edition.kind} table")
        first_at, second_at, deleted_at, mod_at = (header.index(name) for name in required)
        rationale_at = header.index("rationale") if "rationale" in header else None
        effective_at = header.index("effective") if "effective" in header else None
        for number, row in enumerate(reader, start=2):
            cells = [cell.strip() for cell in row] + [""] * (len(header) - len(row))
            first, second, deleted_text, mod = cells[first_at], cells[second_at], cells[deleted_at], cells[mod_at]
            if not (first and second and deleted_text and mod):
                empty = [
                    name for name, value in zip(required, (first, second, deleted_text, mod), strict=True) if not value
                ]
                raise TableError(f"{edition.path}:{number}: empty {', '.join(empty)}")
            indicator = _int(edition, mod, "mod")
            if indicator == 9:
                continue
            effective_text = cells[effective_at] if effective_at is not None else ""
            for text in (deleted_text, effective_text):
                if text not in dates:
                    dates[text] = _date_or_none(edition, text)
            rationale = cells[rationale_at] if rationale_at is not None else ""
            deleted = dates[deleted_text]
            pairs[(first, second)] = PtpEdit(
                column1=first,
                column2=second,
                modifier_indicator=indicator,
                rationale=texts.setdefault(rationale, rationale),
                effective=dates[effective_text],
                deleted=None if deleted == _OPEN_END else deleted,
            )
            partners.setdefault(first, set()).add(second)
            partners.setdefault(second, set()).add(first)
    return PtpTable(edition, pairs, frozenset(partners), {code: frozenset(others) for code, others in partners.items()})


def _aoc(edition: Edition) -> AddOnTable:
    primaries: dict[str, list[AddOnPrimary]] = {}
    for row in _rows(edition, ("primary_code", "add_on_code", "aoc_edit_type"), non_empty=3):
        entry = AddOnPrimary(row["primary_code"], _int(edition, row["aoc_edit_type"], "aoc_edit_type"))
        primaries.setdefault(row["add_on_code"], []).append(entry)
    return AddOnTable(edition, {code: tuple(entries) for code, entries in primaries.items()})


def _mpfs(edition: Edition) -> FeeScheduleTable:
    connection = open_compiled(edition)
    wanted = {"hcpcs", "mod", "status_code", "pctc_ind", "glob_days", "mult_proc", "bilat_surg"}
    if connection is not None and wanted <= set(_columns(connection)):
        return FeeScheduleTable(edition, cast(Mapping[str, FeeIndicators], FeeIndicatorRows(connection, FeeIndicators)))
    indicators: dict[str, FeeIndicators] = {}
    for row in _rows(edition, ("hcpcs", "mod", "pctc_ind", "glob_days", "mult_proc", "bilat_surg"), non_empty=1):
        if row["mod"]:
            continue
        indicators[row["hcpcs"]] = FeeIndicators(
            status=row.get("status_code", ""),
            pctc=row["pctc_ind"],
            global_days=row["glob_days"],
            multiple_procedure=row["mult_proc"],
            bilateral=row["bilat_surg"],
        )
    return FeeScheduleTable(edition, indicators)


def _lesion_codes(edition: Edition) -> LesionCodeTable:
    codes: dict[str, LesionCode] = {}
    reverse: dict[tuple[str, str, int], str] = {}
    for row in _rows(edition, ("code", "family", "site_group", "size_basis", "tier"), non_empty=4):
        tier = _int(edition, row["tier"], "tier") if row["tier"] else None
        entry = LesionCode(row["code"], row["family"], row["site_group"], row["size_basis"], tier)
        codes[entry.code] = entry
        if tier is not None:
            reverse[(entry.family, entry.site_group, tier)] = entry.code
    return LesionCodeTable(edition, codes, reverse)


def _dx_support(edition: Edition) -> DxSupportTable:
    prefixes: dict[str, list[str]] = {}
    for row in _rows(edition, ("family", "dx_prefix")):
        prefixes.setdefault(row["family"], []).append(row["dx_prefix"])
    return DxSupportTable(edition, {family: tuple(codes) for family, codes in prefixes.items()})


def _dx_sites(edition: Edition) -> dict[str, str]:
    return {row["dx_prefix"]: row["site"] for row in _rows(edition, ("dx_prefix", "site"))}


def _site_fit(edition: Edition) -> dict[str, frozenset[str]]:
    fits: dict[str, set[str]] = {}
    for row in _rows(edition, ("site", "site_group")):
        fits.setdefault(row["site"], set()).add(row["site_group"])
    return {site: frozenset(groups) for site, groups in fits.items()}


def _laterality(edition: Edition) -> LateralityTable:
    rules = {
        row["dx_prefix"]: LateralityRule(
            _int(edition, row["position"], "position"), row["right"], row["left"], row["unspecified"]
        )
        for row in _rows(edition, ("dx_prefix", "position", "right", "left", "unspecified"), non_empty=5)
    }
    return LateralityTable(edition, rules)


def _modifiers(edition: Edition) -> ModifierTable:
    return ModifierTable(edition, frozenset(row["modifier"] for row in _rows(edition, ("modifier",), non_empty=1)))


_BUILDERS = {
    "mue": _mue,
    "ptp": _ptp,
    "aoc": _aoc,
    "mpfs": _mpfs,
    "lesion-codes": _lesion_codes,
    "dx-support": _dx_support,
    "laterality": _laterality,
    "modifiers": _modifiers,
    "em-codes": _em_codes,
    "repair-codes": _repair_codes,
}


def build_index(edition: Edition) -> object:
    """The index for one edition; dx-site and site-fit are raw mappings joined by the library."""
    if edition.kind == "dx-site":
        return _dx_sites(edition)
    if edition.kind == "site-fit":
        return _site_fit(edition)
    return _BUILDERS[edition.kind](edition)
