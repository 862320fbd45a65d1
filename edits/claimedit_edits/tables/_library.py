"""All loaded table editions, and the choice of edition by date of service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from claimedit_edits.tables._indexes import (
    AddOnTable,
    DxSiteTable,
    DxSupportTable,
    EmCodeTable,
    FeeScheduleTable,
    LateralityTable,
    LesionCodeTable,
    ModifierTable,
    MueTable,
    PtpTable,
    RepairCodeTable,
    build_index,
)
from claimedit_edits.tables._manifest import KINDS, Edition, TableError, read_manifest

__all__ = ["DEFAULT_TABLES_DIR", "TableSet", "Tables", "load_tables"]

DEFAULT_TABLES_DIR = Path(__file__).parent
"""The editions shipped in the package (the CMS lesion-family extracts and claimedit's coding-rule tables)."""


@dataclass(frozen=True)
class TableSet:
    """One edition of every table kind: the tables that apply to one date of service."""

    mue: MueTable
    ptp: PtpTable
    aoc: AddOnTable
    mpfs: FeeScheduleTable
    lesion_codes: LesionCodeTable
    dx_support: DxSupportTable
    dx_sites: DxSiteTable
    laterality: LateralityTable
    modifiers: ModifierTable
    em_codes: EmCodeTable
    repair_codes: RepairCodeTable


class Tables:
    """Every edition of every kind, indexed once. ``at(day)`` picks, per kind, the edition covering ``day``.

    Selection: the latest edition whose effective range covers the date (an open ``effective_to`` lasts
    until a later edition starts). A date before every edition gets the earliest one, a missing date the
    latest; the finding's source always names the edition used.
    """

    def __init__(self, editions: Iterable[Edition]) -> None:
        by_kind: dict[str, list[tuple[Edition, object]]] = {kind: [] for kind in KINDS}
        for edition in editions:
            by_kind[edition.kind].append((edition, build_index(edition)))
        missing = [kind for kind, entries in by_kind.items() if not entries]
        if missing:
            raise TableError(f"no edition of table kind(s) {', '.join(missing)}")
        for entries in by_kind.values():
            entries.sort(key=lambda entry: (entry[0].effective_from, entry[0].edition))
        self._by_kind: Mapping[str, Sequence[tuple[Edition, object]]] = by_kind
        self._cache: dict[dt.date | None, TableSet] = {}

    @property
    def editions(self) -> list[Edition]:
        return [edition for entries in self._by_kind.values() for edition, _ in entries]

    def at(self, day: dt.date | None) -> TableSet:
        """The tables for a date of service (cached: a file holds few distinct dates)."""
        cached = self._cache.get(day)
        if cached is None:
            cached = self._cache[day] = self._build(day)
        return cached

    def _pick(self, kind: str, day: dt.date | None) -> tuple[Edition, object]:
        entries = self._by_kind[kind]
        if day is None:
            return entries[-1]
        covering = [entry for entry in entries if entry[0].covers(day)]
        if covering:
            return covering[-1]
        earlier = [entry for entry in entries if entry[0].effective_from <= day]
        return earlier[-1] if earlier else entries[0]

    def _build(self, day: dt.date | None) -> TableSet:
        def index(kind: str) -> object:
            return self._pick(kind, day)[1]

        site_edition, sites = self._pick("dx-site", day)
        fit_edition, fits = self._pick("site-fit", day)
        return TableSet(
            mue=cast(MueTable, index("mue")),
            ptp=cast(PtpTable, index("ptp")),
            aoc=cast(AddOnTable, index("aoc")),
            mpfs=cast(FeeScheduleTable, index("mpfs")),
            lesion_codes=cast(LesionCodeTable, index("lesion-codes")),
            dx_support=cast(DxSupportTable, index("dx-support")),
            dx_sites=DxSiteTable(
                site_edition,
                cast(dict[str, str], sites),
                cast(dict[str, frozenset[str]], fits),
                fit_edition,
            ),
            laterality=cast(LateralityTable, index("laterality")),
            modifiers=cast(ModifierTable, index("modifiers")),
            em_codes=cast(EmCodeTable, index("em-codes")),
            repair_codes=cast(RepairCodeTable, index("repair-codes")),
        )


def load_tables(*extra_dirs: Path, include_default: bool = True) -> Tables:
    """Read the packaged editions plus those in ``extra_dirs`` (each with its own manifest.toml).

    Call once at start-up and inject the result (``Reference(tables=...)``); nothing is read at import.
    """
    directories = ([DEFAULT_TABLES_DIR] if include_default else []) + [Path(path) for path in extra_dirs]
    editions: list[Edition] = []
    for directory in directories:
        editions.extend(read_manifest(directory))
    return Tables(editions)
