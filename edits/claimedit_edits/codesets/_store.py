"""The compiled code sets: read-only SQLite files holding dated editions, looked up by date of service.

Each directory holds at most one ``codesets.sqlite``; its ``edition`` table is the manifest (kind, edition,
source, effective dates, the sha256 of the source file it was compiled from, row count). Opening a store
reads only that table; codes are looked up on demand through SQLite's primary-key index, so start-up
costs milliseconds whatever the size of the code sets.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "CODESET_KINDS",
    "DEFAULT_STORE",
    "STORE_NAME",
    "CodeEntry",
    "CodeSet",
    "CodeSetEdition",
    "CodeSetError",
    "CodeSets",
    "open_codesets",
]

STORE_NAME = "codesets.sqlite"
DEFAULT_STORE = Path(__file__).with_name(STORE_NAME)
"""The packaged editions, compiled from ``sources/`` and simple-icd-10-cm's code list (``python -m
claimedit_edits.codesets build``)."""

CODESET_KINDS = ("icd10cm", "icd9cm", "modifiers", "taxonomy", "pos", "taxonomy-scope", "pos-scope")
"""ICD-10-CM and ICD-9-CM diagnoses, CPT/HCPCS modifiers, NUCC provider taxonomy, CMS place of service, and two
claimedit rule tables keyed ``family|prefix``: which taxonomies perform, and which places of service suit, a code
family's procedures (label ``yes|note`` or ``no|note``)."""


class CodeSetError(ValueError):
    """A code-set store is missing, unreadable, or lacks a kind the edits need."""


@dataclass(frozen=True)
class CodeSetEdition:
    """One edition as the store's manifest table declares it."""

    kind: str
    edition: str
    source: str
    effective_from: dt.date
    effective_to: dt.date | None
    source_sha256: str
    rows: int

    @property
    def label(self) -> str:
        """How findings name this code set: source and edition."""
        return f"{self.source}, edition {self.edition}"

    def covers(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class CodeEntry:
    """One code of an edition. ``billable`` is False for ICD headers; dates are the code's own (modifiers, POS)."""

    code: str
    billable: bool = True
    label: str = ""
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None

    def active_on(self, day: dt.date | None) -> bool:
        if day is None:
            return self.effective_to is None
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


_UNREAD = CodeEntry("\x00unread")
"""Marks a code not looked up yet in a :class:`CodeSet`'s cache (None there means looked up and absent)."""


class CodeSet:
    """One edition of one code set. Satisfies the engine's ``Icd10Cm`` protocol (dotless codes)."""

    def __init__(self, connection: sqlite3.Connection, edition_id: int, info: CodeSetEdition) -> None:
        self._connection = connection
        self._id = edition_id
        self.info = info
        self.edition = info.label
        self._cache: dict[str, CodeEntry | None] = {}

    def get(self, code: str) -> CodeEntry | None:
        found = self._cache.get(code, _UNREAD)  # one dict lookup for a code seen before (the usual case)
        if found is not _UNREAD:
            return found
        row = self._connection.execute(
            "SELECT billable, label, effective_from, effective_to FROM code WHERE edition_id = ? AND code = ?",
            (self._id, code),
        ).fetchone()
        entry = None if row is None else CodeEntry(code, bool(row[0]), row[1], _date(row[2]), _date(row[3]))
        if len(self._cache) < 65536:
            self._cache[code] = entry
        return entry

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        found = self._cache.get(code, _UNREAD)  # get(), inlined for a code seen before: edits ask for every claim
        return (found if found is not _UNREAD else self.get(code)) is not None

    def is_valid(self, code: str) -> bool:
        return self.get(code) is not None

    def is_billable(self, code: str) -> bool:
        entry = self._cache.get(code, _UNREAD)
        if entry is _UNREAD:
            entry = self.get(code)
        return entry is not None and entry.billable

    def children(self, code: str) -> list[str]:
        """The billable codes below a header, dotted (C4431 -> C44.310, C44.311, C44.319)."""
        rows = self._connection.execute(
            "SELECT code FROM code WHERE edition_id = ? AND code > ? AND code < ? AND billable = 1 ORDER BY code",
            (self._id, code, code + "\U0010ffff"),
        ).fetchall()
        return [f"{found[:3]}.{found[3:]}" if len(found) > 3 else found for (found,) in rows]

    def codes(self) -> list[str]:
        """Every code of the edition (for tests and exports; edits look codes up one by one)."""
        rows = self._connection.execute("SELECT code FROM code WHERE edition_id = ? ORDER BY code", (self._id,))
        return [code for (code,) in rows]


class CodeSets:
    """Every edition of every code set in the opened stores; ``at(kind, day)`` picks the edition for a date.

    Selection as for the CMS tables: the latest edition whose effective range covers the date; a date before
    every edition gets the earliest, after every edition (or missing) the latest. Findings name the edition.
    """

    def __init__(self, stores: Sequence[Path]) -> None:
        self.stores = tuple(stores)
        self._by_kind: dict[str, list[CodeSet]] = {kind: [] for kind in CODESET_KINDS}
        for path in stores:
            self._open(path)
        for entries in self._by_kind.values():
            entries.sort(key=lambda entry: (entry.info.effective_from, entry.info.edition))
        self._cache: dict[tuple[str, dt.date | None], CodeSet] = {}

    def _open(self, path: Path) -> None:
        if not path.is_file():
            raise CodeSetError(f"code-set store {path} does not exist")
        try:
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
            )
            rows = connection.execute(
                "SELECT id, kind, edition, source, effective_from, effective_to, source_sha256, rows FROM edition"
            ).fetchall()
        except sqlite3.Error as exc:
            raise CodeSetError(f"{path}: not a claimedit code-set store ({exc})") from exc
        for edition_id, kind, edition, source, start, end, sha, count in rows:
            if kind not in self._by_kind:
                raise CodeSetError(f"{path}: unknown code-set kind {kind!r}; known: {', '.join(CODESET_KINDS)}")
            start_date = _date(start)
            if start_date is None:
                raise CodeSetError(f"{path}: edition {edition} of {kind} has no effective_from")
            info = CodeSetEdition(kind, edition, source, start_date, _date(end), sha, count)
            self._by_kind[kind].append(CodeSet(connection, edition_id, info))

    @property
    def editions(self) -> list[CodeSetEdition]:
        return [entry.info for entries in self._by_kind.values() for entry in entries]

    def has(self, kind: str) -> bool:
        return bool(self._by_kind.get(kind))

    def at(self, kind: str, day: dt.date | None) -> CodeSet:
        key = (kind, day)
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._pick(kind, day)
        return cached

    def _pick(self, kind: str, day: dt.date | None) -> CodeSet:
        entries = self._by_kind.get(kind)
        if not entries:
            raise CodeSetError(f"no edition of code set {kind!r} is loaded")
        if day is None:
            return entries[-1]
        covering = [entry for entry in entries if entry.info.covers(day)]
        if covering:
            return covering[-1]
        earlier = [entry for entry in entries if entry.info.effective_from <= day]
        return earlier[-1] if earlier else entries[0]


def open_codesets(*extra_dirs: Path, include_default: bool = True) -> CodeSets:
    """Open the packaged store plus ``codesets.sqlite`` in each of ``extra_dirs`` that has one.

    Call once at start-up and inject the result (``Reference(codesets=...)``); nothing is read at import.
    """
    stores: list[Path] = [DEFAULT_STORE] if include_default else []
    stores += [Path(directory) / STORE_NAME for directory in extra_dirs if (Path(directory) / STORE_NAME).is_file()]
    return CodeSets(stores)
