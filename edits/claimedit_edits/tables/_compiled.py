"""Compiled table files: each table CSV gets a read-only SQLite twin (``<file>.sqlite``) holding the same rows.

Start-up reads the twin, never the CSV: the small tables are read row by row from SQLite, and the two
tables that grow to millions of rows with the official CMS files (PTP pairs, MUE limits) are not read at all:
:class:`PtpPairs`, :class:`PtpPartners` and :class:`MueLimits` look codes up through SQLite's indexes on
demand and keep what they found. The twin records the sha256 of the CSV it was compiled from; a twin that
does not match its CSV is rebuilt (or, in a read-only directory, the CSV is read as before).
"""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from claimedit_edits.tables._manifest import Edition, TableError

__all__ = [
    "FeeIndicatorRows",
    "MueLimits",
    "PtpPairs",
    "PtpPartners",
    "compile_table",
    "compiled_path",
    "open_compiled",
]

_OPEN_END = "9999-12-31"
_FORMAT = "1"
"""Bumped when the twin's layout or indexes change: a twin of another format is rebuilt."""


def compiled_path(table: Path) -> Path:
    return table.with_name(table.name + ".sqlite")


def compile_table(table: Path, sha256: str, kind: str) -> Path:
    """Write ``<table>.sqlite``: the CSV rows (all columns as text), the CSV's sha256, and per kind the indexes
    the lookups use (PTP: both columns and the list of codes in a pair; MUE: the code)."""
    target = compiled_path(table)
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    with table.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = [name.strip() for name in next(reader, [])]
        if not header or len(set(header)) != len(header):
            raise TableError(f"{table}: no header row, or repeated column names")
        connection = sqlite3.connect(partial)
        try:
            columns = ", ".join(f'"{name}" TEXT' for name in header)
            connection.execute(f"CREATE TABLE rows ({columns})")
            connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
            connection.execute(
                "INSERT INTO meta VALUES ('sha256', ?), ('kind', ?), ('format', ?)", (sha256, kind, _FORMAT)
            )
            marks = ", ".join("?" for _ in header)
            width = len(header)
            connection.executemany(
                f"INSERT INTO rows VALUES ({marks})",  # noqa: S608  (column names come from our own CSV header)
                ([*(cell.strip() for cell in row[:width]), *[""] * (width - len(row))] for row in reader if row),
            )
            if kind == "ptp" and {"col1", "col2", "mod"} <= set(header):
                connection.execute("CREATE INDEX pair ON rows (col1, col2)")
                connection.execute("CREATE INDEX col2 ON rows (col2)")
                connection.execute(
                    "CREATE TABLE codes AS SELECT col1 AS code FROM rows WHERE mod != '9' "
                    "UNION SELECT col2 FROM rows WHERE mod != '9'"
                )
            elif kind == "mue" and "hcpcs_code" in header:
                connection.execute("CREATE INDEX code ON rows (hcpcs_code)")
            elif kind == "mpfs" and {"hcpcs", "mod"} <= set(header):
                connection.execute("CREATE INDEX code ON rows (hcpcs, mod)")
            connection.commit()
        finally:
            connection.close()
    partial.replace(target)
    return target


def open_compiled(edition: Edition) -> sqlite3.Connection | None:
    """The read-only twin of ``edition``'s file, compiled now if it is missing or stale; None when it cannot be
    written (the caller then reads the CSV)."""
    target = compiled_path(edition.path)
    connection = _open_matching(target, edition.sha256)
    if connection is not None:
        return connection
    try:
        compile_table(edition.path, edition.sha256, edition.kind)
    except OSError:
        return None
    return _open_matching(target, edition.sha256)


def _open_matching(target: Path, sha256: str) -> sqlite3.Connection | None:
    if not target.is_file():
        return None
    try:
        connection = sqlite3.connect(
            f"{target.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        found = dict(connection.execute("SELECT key, value FROM meta WHERE key IN ('sha256', 'format')").fetchall())
    except sqlite3.Error:
        return None
    if found != {"sha256": sha256, "format": _FORMAT}:
        connection.close()
        return None
    return connection


def compiled_rows(connection: sqlite3.Connection) -> Iterator[dict[str, str]]:
    cursor = connection.execute("SELECT * FROM rows")
    names = [column[0] for column in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))


def _date(value: str) -> dt.date | None:
    if not value or value == _OPEN_END:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


_UNSEEN = object()


class _Lookup:
    """A read-only mapping whose values are looked up in SQLite on first use and kept."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection
        self._found: dict[object, object] = {}


class _RowLookup(_Lookup):
    """One row per key, built by ``make``: ``_fetch`` queries it once, a missing row is a KeyError every time."""

    def __init__(self, connection: sqlite3.Connection, make: type) -> None:
        super().__init__(connection)
        self._make = make

    def __getitem__(self, key: Any) -> object:
        found = self._row(key)
        if found is None:
            raise KeyError(key)
        return found

    def get(self, key: Any, default: Any = None) -> Any:
        """As ``Mapping.get``, without raising and catching a KeyError for every code the table lacks (``_row``
        inlined: edits look codes up for every line of every claim)."""
        found = self._found.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = self._found[key] = self._fetch(key)
        return default if found is None else found

    def __contains__(self, key: object) -> bool:
        return self._row(key) is not None

    def _row(self, key: Any) -> object | None:
        found = self._found.get(key, _UNSEEN)
        if found is _UNSEEN:
            found = self._found[key] = self._fetch(key)
        return found

    def _fetch(self, key: Any) -> object | None:
        raise NotImplementedError


class PtpPairs(_RowLookup, Mapping[tuple[str, str], object]):
    """(column 1, column 2) -> PtpEdit, for the pairs whose modifier indicator is not 9."""

    def __init__(self, connection: sqlite3.Connection, make: type) -> None:
        super().__init__(connection, make)
        self._columns = {column[1] for column in connection.execute("PRAGMA table_info(rows)")}

    def _fetch(self, key: tuple[str, str]) -> object | None:
        effective = "effective" if "effective" in self._columns else "''"
        row = self._connection.execute(
            f"SELECT mod, rationale, {effective}, deleted FROM rows "  # noqa: S608  (a fixed column name)
            "WHERE col1 = ? AND col2 = ? AND mod != '9'",
            key,
        ).fetchone()
        if row is None:
            return None
        indicator, rationale, start, deleted = row
        edit: object = self._make(key[0], key[1], int(indicator), rationale or "", _date(start), _date(deleted))
        return edit

    def __iter__(self) -> Iterator[tuple[str, str]]:
        yield from self._connection.execute("SELECT col1, col2 FROM rows WHERE mod != '9'")

    def __len__(self) -> int:
        return int(self._connection.execute("SELECT COUNT(*) FROM rows WHERE mod != '9'").fetchone()[0])


class PtpPartners(_Lookup, Mapping[str, frozenset[str]]):
    """Code -> every code it pairs with in either column (modifier indicator not 9)."""

    def __getitem__(self, code: str) -> frozenset[str]:
        found = self._partners(code)
        if not found:
            raise KeyError(code)
        return found

    def get(self, code: str, default: Any = None) -> Any:
        """As ``Mapping.get``, without raising and catching a KeyError for every code without partners."""
        found = self._found.get(code)  # a code seen before (the usual case) without a second call
        if found is None:
            found = self._partners(code)
        return found if found else default

    def __contains__(self, code: object) -> bool:
        return bool(self._partners(code))

    def _partners(self, code: Any) -> frozenset[str]:
        found = self._found.get(code)
        if found is None:
            rows = self._connection.execute(
                "SELECT col2 FROM rows WHERE col1 = ? AND mod != '9' UNION SELECT col1 FROM rows WHERE col2 = ? "
                "AND mod != '9'",
                (code, code),
            ).fetchall()
            found = self._found[code] = frozenset(partner for (partner,) in rows)
        return found  # type: ignore[return-value]

    def __iter__(self) -> Iterator[str]:
        for (code,) in self._connection.execute("SELECT code FROM codes"):
            yield code

    def __len__(self) -> int:
        return int(self._connection.execute("SELECT COUNT(*) FROM codes").fetchone()[0])

    def codes(self) -> frozenset[str]:
        return frozenset(code for (code,) in self._connection.execute("SELECT code FROM codes"))


class MueLimits(_RowLookup, Mapping[str, object]):
    """HCPCS/CPT code -> MueLimit."""

    def _fetch(self, code: str) -> object | None:
        row = self._connection.execute(
            "SELECT mue_units, mue_mai, mue_rationale FROM rows WHERE hcpcs_code = ?", (code,)
        ).fetchone()
        return None if row is None else self._make(int(row[0]), int(row[1][:1]), row[2] or "")

    def __iter__(self) -> Iterator[str]:
        for (code,) in self._connection.execute("SELECT hcpcs_code FROM rows"):
            yield code

    def __len__(self) -> int:
        return int(self._connection.execute("SELECT COUNT(*) FROM rows").fetchone()[0])


class FeeIndicatorRows(_RowLookup, Mapping[str, object]):
    """HCPCS/CPT code -> FeeIndicators, from the fee schedule row without a modifier."""

    def _fetch(self, code: str) -> object | None:
        row = self._connection.execute(
            "SELECT status_code, pctc_ind, glob_days, mult_proc, bilat_surg FROM rows WHERE hcpcs = ? AND mod = ''",
            (code,),
        ).fetchone()
        return None if row is None else self._make(*(value or "" for value in row))

    def __iter__(self) -> Iterator[str]:
        for (code,) in self._connection.execute("SELECT hcpcs FROM rows WHERE mod = ''"):
            yield code

    def __len__(self) -> int:
        return int(self._connection.execute("SELECT COUNT(*) FROM rows WHERE mod = ''").fetchone()[0])
