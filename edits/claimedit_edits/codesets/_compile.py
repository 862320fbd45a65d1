"""Compiling code sets into a store: the parsers of each source layout and the SQLite writer.

Parsers are pure (text in, entries out) and raise :class:`CodeSetImportError` naming the line that is wrong.
The writer replaces an edition of the same kind and label, so a re-import is idempotent.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from claimedit_edits.codesets._store import CODESET_KINDS, STORE_NAME, CodeEntry, CodeSetEdition

__all__ = [
    "CodeSetImportError",
    "CompiledEdition",
    "icd9cm_from_list",
    "icd10cm_from_cms",
    "icd10cm_from_code_list",
    "modifiers_from_csv",
    "modifiers_from_hcpcs",
    "pos_from_csv",
    "scope_from_csv",
    "sha256_text",
    "taxonomy_from_nucc",
    "write_edition",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS edition (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    edition TEXT NOT NULL,
    source TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT,
    source_sha256 TEXT NOT NULL,
    rows INTEGER NOT NULL,
    UNIQUE (kind, edition)
);
CREATE TABLE IF NOT EXISTS code (
    edition_id INTEGER NOT NULL,
    code TEXT NOT NULL,
    billable INTEGER NOT NULL,
    label TEXT NOT NULL,
    effective_from TEXT,
    effective_to TEXT,
    PRIMARY KEY (edition_id, code)
) WITHOUT ROWID;
"""


class CodeSetImportError(ValueError):
    """A source file is not in the layout its importer reads."""


@dataclass(frozen=True)
class CompiledEdition(CodeSetEdition):
    """An edition just written, as its manifest row reads back, and the store file that holds it."""

    store: Path


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_edition(
    directory: Path,
    *,
    kind: str,
    edition: str,
    source: str,
    effective_from: dt.date,
    effective_to: dt.date | None,
    source_sha256: str,
    entries: Iterable[CodeEntry],
) -> CompiledEdition:
    """Add (or replace) one edition in ``directory/codesets.sqlite``."""
    if kind not in CODESET_KINDS:
        raise CodeSetImportError(f"unknown code-set kind {kind!r}; known: {', '.join(CODESET_KINDS)}")
    if effective_to is not None and effective_to < effective_from:
        raise CodeSetImportError(f"effective_to {effective_to} is before effective_from {effective_from}")
    unique = {entry.code: entry for entry in entries}
    if not unique:
        raise CodeSetImportError(f"no {kind} codes found in the source")
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / STORE_NAME
    connection = sqlite3.connect(path)
    try:
        with connection:
            connection.executescript(_SCHEMA)
            old = connection.execute(
                "SELECT id FROM edition WHERE kind = ? AND edition = ?", (kind, edition)
            ).fetchone()
            if old is not None:
                connection.execute("DELETE FROM code WHERE edition_id = ?", old)
                connection.execute("DELETE FROM edition WHERE id = ?", old)
            cursor = connection.execute(
                "INSERT INTO edition (kind, edition, source, effective_from, effective_to, source_sha256, rows) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    kind,
                    edition,
                    source,
                    effective_from.isoformat(),
                    effective_to.isoformat() if effective_to else None,
                    source_sha256,
                    len(unique),
                ),
            )
            edition_id = cursor.lastrowid
            connection.executemany(
                "INSERT INTO code (edition_id, code, billable, label, effective_from, effective_to) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (
                    (
                        edition_id,
                        entry.code,
                        int(entry.billable),
                        entry.label,
                        entry.effective_from.isoformat() if entry.effective_from else None,
                        entry.effective_to.isoformat() if entry.effective_to else None,
                    )
                    for entry in sorted(unique.values(), key=lambda entry: entry.code)
                ),
            )
        connection.execute("VACUUM")
    finally:
        connection.close()
    return CompiledEdition(kind, edition, source, effective_from, effective_to, source_sha256, len(unique), path)


# ---- ICD-10-CM ------------------------------------------------------------------------------------------------

_ICD10_CODE = re.compile(r"^[A-Z][0-9A-Z]{2,6}$")


def _with_leaves(codes: Iterable[str]) -> list[CodeEntry]:
    """A code is billable when no other code of the list continues it (ICD-10-CM's hierarchy is by prefix)."""
    ordered = sorted(set(codes))
    entries: list[CodeEntry] = []
    for index, code in enumerate(ordered):
        following = ordered[index + 1] if index + 1 < len(ordered) else ""
        entries.append(CodeEntry(code, billable=not following.startswith(code)))
    return entries


def icd10cm_from_code_list(text: str) -> list[CodeEntry]:
    """simple-icd-10-cm's ``code-list-*.txt``: one item a line (chapters, blocks ``A00-A09``, codes)."""
    codes: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        item = raw.strip().split(" ")[0].replace(".", "")
        if not item or item.isdigit() or "-" in item:
            continue
        if not _ICD10_CODE.match(item):
            raise CodeSetImportError(f"line {number}: {item!r} is not an ICD-10-CM code")
        codes.append(item)
    return _with_leaves(codes)


_ORDER_LINE = re.compile(r"^\d{5} ([A-Z][0-9A-Z]{2,6})\s+([01]) ")
_CODES_LINE = re.compile(r"^([A-Z][0-9A-Z]{2,6})(?:\s+\S.*)?$")


def icd10cm_from_cms(text: str) -> list[CodeEntry]:
    """The CMS ICD-10-CM code files: ``icd10cm_order_YYYY.txt`` (order number, code, header/billable flag,
    descriptions) or ``icd10cm_codes_YYYY.txt`` (billable codes and descriptions; headers are derived as the
    prefixes of three characters or more, which is how the ICD-10-CM hierarchy is built)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if not lines:
        raise CodeSetImportError("the file is empty")
    if _ORDER_LINE.match(lines[0]):
        entries = []
        for number, line in enumerate(lines, start=1):
            match = _ORDER_LINE.match(line)
            if match is None:
                raise CodeSetImportError(f"line {number}: not in the order-file layout (NNNNN CODE F DESCRIPTION)")
            entries.append(CodeEntry(match.group(1), billable=match.group(2) == "1"))
        return entries
    billable: set[str] = set()
    for number, line in enumerate(lines, start=1):
        match = _CODES_LINE.match(line.strip())
        if match is None:
            raise CodeSetImportError(f"line {number}: not an ICD-10-CM code line (CODE DESCRIPTION): {line[:20]!r}")
        billable.add(match.group(1))
    headers = {code[:length] for code in billable for length in range(3, len(code))} - billable
    headers = {code for code in headers if not code.endswith("X")}
    return [CodeEntry(code, billable=True) for code in billable] + [CodeEntry(code, billable=False) for code in headers]


# ---- ICD-9-CM -------------------------------------------------------------------------------------------------

_ICD9_CODE = re.compile(r"^([0-9]{3,5}|V[0-9]{2,4}|E[0-9]{3,4})$")


def icd9cm_from_list(text: str) -> list[CodeEntry]:
    """One dotless ICD-9-CM diagnosis code a line (``#`` lines are comments); every listed code is billable (the
    CMS v32 file lists billable codes only). Categories and subcategories (173, 1733) are derived as headers: the
    prefixes of a billable code from the category length on (three characters, four for E codes)."""
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if not _ICD9_CODE.match(line):
            raise CodeSetImportError(f"line {number}: {line!r} is not an ICD-9-CM diagnosis code")
        entries.append(CodeEntry(line))
    billable = {entry.code for entry in entries}
    headers = {
        entry.code[:length]
        for entry in entries
        for length in range(4 if entry.code.startswith("E") else 3, len(entry.code))
    }
    return entries + [CodeEntry(code, billable=False) for code in sorted(headers - billable)]


# ---- CSV helpers ----------------------------------------------------------------------------------------------


def _csv_rows(text: str, required: tuple[str, ...], aliases: dict[str, str] | None = None) -> Iterator[dict[str, str]]:
    """Rows keyed by lower-case header (``aliases`` maps other captions to the names used here)."""
    aliases = aliases or {}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header: list[str] | None = None
    for number, row in enumerate(reader, start=1):
        if header is None:
            names = [aliases.get(" ".join(cell.split()).lower(), " ".join(cell.split()).lower()) for cell in row]
            if set(required) <= set(names):
                header = names
            continue
        if not any(cell.strip() for cell in row):
            continue
        values = dict(zip(header, (cell.strip() for cell in row), strict=False))
        values["__line__"] = str(number)
        yield values
    if header is None:
        raise CodeSetImportError(f"no header row with the columns {', '.join(required)}")


def _yyyymmdd(value: str, where: str) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{8}", value):
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CodeSetImportError(f"{where}: {value!r} is not a date (YYYYMMDD or YYYY-MM-DD)") from exc


# ---- modifiers ------------------------------------------------------------------------------------------------

_MODIFIER = re.compile(r"^[0-9A-Z]{2}$")


def modifiers_from_csv(text: str) -> list[CodeEntry]:
    """claimedit's modifier list layout: modifier, level, label, effective_date, termination_date."""
    entries = []
    for row in _csv_rows(text, ("modifier", "level")):
        where = f"line {row['__line__']}"
        code = row["modifier"]
        if not _MODIFIER.match(code):
            raise CodeSetImportError(f"{where}: {code!r} is not a two-character modifier")
        entries.append(
            CodeEntry(
                code,
                label=row["level"],
                effective_from=_yyyymmdd(row.get("effective_date", ""), where),
                effective_to=_yyyymmdd(row.get("termination_date", ""), where),
            )
        )
    return entries


_HCPCS_ALIASES = {
    "hcpcs": "hcpc",
    "hcpcs code": "hcpc",
    "record identification code": "recid",
    "rec id": "recid",
    "add date": "add dt",
    "action effective date": "act eff dt",
    "termination date": "term dt",
}


def modifiers_from_hcpcs(text: str) -> list[CodeEntry]:
    """The CMS HCPCS annual/quarterly file (CSV export of ``HCPC20xx_*_ANWEB``): HCPC, RECID, ADD DT, ACT EFF DT,
    TERM DT. Record id 7 is a modifier's first record (8 continues its description); procedure records (3, 4)
    are skipped. The modifier is effective from ADD DT (or ACT EFF DT) and ends on TERM DT."""
    entries = []
    for row in _csv_rows(text, ("hcpc", "recid"), _HCPCS_ALIASES):
        if row["recid"] != "7":
            continue
        where = f"line {row['__line__']}"
        code = row["hcpc"].strip()
        if not _MODIFIER.match(code):
            raise CodeSetImportError(f"{where}: modifier record with code {code!r} (expected two characters)")
        start = _yyyymmdd(row.get("add dt", ""), where) or _yyyymmdd(row.get("act eff dt", ""), where)
        entries.append(
            CodeEntry(
                code, label="HCPCS-II", effective_from=start, effective_to=_yyyymmdd(row.get("term dt", ""), where)
            )
        )
    return entries


# ---- taxonomy and place of service ----------------------------------------------------------------------------

_TAXONOMY = re.compile(r"^[0-9A-Z]{9}X$")


def taxonomy_from_nucc(text: str) -> list[CodeEntry]:
    """A NUCC taxonomy CSV (NUCC's own, or claimedit's trimmed copy): Code, Grouping, Classification, ..., Section.
    The label keeps ``Section|Grouping|Classification|Specialization``."""
    entries = []
    for row in _csv_rows(text, ("code", "classification")):
        code = row["code"]
        if not _TAXONOMY.match(code):
            raise CodeSetImportError(f"line {row['__line__']}: {code!r} is not a ten-character taxonomy code")
        label = "|".join(row.get(name, "") for name in ("section", "grouping", "classification", "specialization"))
        entries.append(CodeEntry(code, label=label))
    return entries


def pos_from_csv(text: str) -> list[CodeEntry]:
    """claimedit's CMS place-of-service layout: pos_code, pos_name, effective_date (empty: before 2003)."""
    entries = []
    for row in _csv_rows(text, ("pos_code", "pos_name")):
        where = f"line {row['__line__']}"
        code = row["pos_code"]
        if not re.fullmatch(r"\d{2}", code):
            raise CodeSetImportError(f"{where}: {code!r} is not a two-digit place of service")
        entries.append(
            CodeEntry(code, label=row["pos_name"], effective_from=_yyyymmdd(row.get("effective_date", ""), where))
        )
    return entries


def scope_from_csv(text: str) -> list[CodeEntry]:
    """A claimedit scope rule table: family (``*`` for every family), key (a code or code prefix), applies (yes/no),
    note. Stored as code ``family|key`` with label ``yes|note``."""
    entries = []
    for row in _csv_rows(text, ("family", "key", "applies", "note")):
        if row["applies"] not in ("yes", "no") or not row["family"] or not row["key"]:
            raise CodeSetImportError(f"line {row['__line__']}: family, key and applies (yes/no) are required")
        entries.append(CodeEntry(f"{row['family']}|{row['key']}", label=f"{row['applies']}|{row['note']}"))
    return entries
