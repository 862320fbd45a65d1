"""Converts the official CMS quarterly files into claimedit table editions (all codes, not only lesions).

Inputs, as CMS publishes them (header captions over several lines and copyright lines are tolerated;
columns are found by their captions, falling back to the official column order):

- PTP practitioner edit tables (tab-delimited text, usually four files per quarter): column 1, column 2,
  existence-before-1996 flag, effective date, deletion date, modifier indicator, PTP edit rationale.
- MUE practitioner services table (CSV): HCPCS/CPT code, MUE value, MUE adjudication indicator (with its
  text, e.g. "2 Date of Service Edit: Policy"), MUE rationale.
- Add-on code edit table (CSV or tab-delimited): primary code, add-on code, edit type, effective date,
  deletion date (the column order of the file's captions wins when they name the columns).
- MPFS RVU file (PPRRVU, CSV): HCPCS, MOD, DESCRIPTION (never copied: CPT descriptors are AMA copyright),
  STATUS, ... PCTC IND, GLOB DAYS, ... MULT PROC, BILAT SURG, ASST SURG, CO SURG, TEAM SURG.

The result is a directory with ``data/*.csv`` and a ``manifest.toml`` (source, edition, effective dates,
sha256) that :func:`claimedit_edits.tables.load_tables` reads beside the packaged editions.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from claimedit_edits.tables._compiled import compile_table
from claimedit_edits.tables._manifest import (
    MANIFEST_NAME,
    Edition,
    TableError,
    read_manifest,
    sha256_of,
    write_manifest,
)

__all__ = ["ImportReport", "ImportSource", "NcciImportError", "import_ncci", "read_official_rows"]

_CODE = re.compile(r"^(?:\d{4}[0-9FTU]|[A-V]\d{4})$")
_OPEN_END = "9999-12-31"


class NcciImportError(TableError):
    """An official CMS file could not be converted: the message names the file and the line."""


@dataclass(frozen=True)
class ImportSource:
    """One official file to import, and the kind of table it is."""

    kind: str
    """``ptp``, ``mue``, ``aoc`` or ``mpfs``."""
    paths: tuple[Path, ...]


@dataclass(frozen=True)
class ImportReport:
    editions: tuple[Edition, ...]
    rows: dict[str, int]
    """Rows written per kind."""
    skipped: dict[str, int]
    """Rows left out per kind (deleted before the edition starts, or modifier indicator 9)."""


@dataclass(frozen=True)
class _Row:
    path: Path
    number: int
    fields: list[str]


def _decode(path: Path) -> str:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _delimiter(text: str) -> str:
    sample = text[:20000]
    return "\t" if sample.count("\t") > sample.count(",") else ","


def read_official_rows(path: Path, code_columns: Sequence[int] = (0,)) -> tuple[list[str], list[_Row]]:
    """Captions per column (every non-data line before the first data row, joined) and the data rows.

    A data row is one whose ``code_columns`` all hold a HCPCS/CPT code; copyright notices, titles and
    multi-line captions are everything else.
    """
    text = _decode(path)
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    captions: list[list[str]] = []
    rows: list[_Row] = []
    for fields in reader:
        cells = [cell.strip() for cell in fields]
        if not any(cells):
            continue
        is_data = all(index < len(cells) and _CODE.match(cells[index]) for index in code_columns)
        if is_data:
            rows.append(_Row(path, reader.line_num, cells))
        elif not rows:
            captions.append(cells)
    width = max((len(cells) for cells in captions), default=0)
    joined = [
        " ".join(" ".join(cells[index].split()) for cells in captions if index < len(cells) and cells[index]).lower()
        for index in range(width)
    ]
    return joined, rows


def _find(captions: list[str], test: Callable[[str], bool], fallback: int) -> int:
    matches = [index for index, caption in enumerate(captions) if test(caption)]
    return matches[0] if len(matches) == 1 else fallback


def _cell(row: _Row, index: int) -> str:
    return row.fields[index] if index < len(row.fields) else ""


def _cms_date(row: _Row, value: str, what: str) -> dt.date | None:
    """CMS dates: YYYYMMDD, YYYY-MM-DD or MM/DD/YYYY; ``*``, blank or 99991231 mean none."""
    value = value.strip()
    if value in ("", "*", "99991231", _OPEN_END, "12/31/9999"):
        return None
    for layout in ("%Y%m%d", "%Y-%m-%d", "%m/%d/%Y"):
        try:
            return dt.datetime.strptime(value, layout).date()
        except ValueError:
            continue
    raise NcciImportError(f"{row.path}:{row.number}: {what} {value!r} is not a date")


def _indicator(row: _Row, value: str, allowed: Iterable[str], what: str) -> str:
    digit = value.strip()[:1]
    if digit not in allowed:
        raise NcciImportError(f"{row.path}:{row.number}: {what} {value!r} is not one of {', '.join(allowed)}")
    return digit


def _ptp_rows(paths: Sequence[Path], starts: dt.date, skipped: list[int]) -> list[list[str]]:
    out: list[list[str]] = []
    for path in paths:
        captions, rows = read_official_rows(path, code_columns=(0, 1))
        effective = _find(captions, lambda c: "effective" in c, 3)
        deletion = _find(captions, lambda c: "deletion" in c, 4)
        modifier = _find(captions, lambda c: "modifier" in c, 5)
        rationale = _find(captions, lambda c: "rationale" in c, 6)
        for row in rows:
            indicator = _indicator(row, _cell(row, modifier), ("0", "1", "9"), "modifier indicator")
            deleted = _cms_date(row, _cell(row, deletion), "deletion date")
            if indicator == "9" or (deleted is not None and deleted <= starts):
                skipped[0] += 1
                continue
            begins = _cms_date(row, _cell(row, effective), "effective date")
            out.append(
                [
                    row.fields[0],
                    row.fields[1],
                    deleted.isoformat() if deleted else _OPEN_END,
                    indicator,
                    _cell(row, rationale),
                    begins.isoformat() if begins else "",
                ]
            )
    return out


def _mue_rows(paths: Sequence[Path]) -> list[list[str]]:
    out: list[list[str]] = []
    for path in paths:
        captions, rows = read_official_rows(path)
        value = _find(captions, lambda c: "mue value" in c or "values" in c, 1)
        mai = _find(captions, lambda c: "adjudication" in c or "mai" in c.split(), 2)
        rationale = _find(captions, lambda c: "rationale" in c, 3)
        for row in rows:
            units = _cell(row, value)
            if not units.isdigit():
                raise NcciImportError(f"{row.path}:{row.number}: MUE value {units!r} is not a whole number")
            indicator = _indicator(row, _cell(row, mai), ("1", "2", "3"), "MUE adjudication indicator")
            out.append([row.fields[0], units, indicator, _cell(row, rationale), "Practitioner"])
    return out


def _aoc_rows(paths: Sequence[Path], starts: dt.date, skipped: list[int]) -> list[list[str]]:
    out: list[list[str]] = []
    for path in paths:
        text_captions, _ = read_official_rows(path, code_columns=(0,))
        primary = _find(text_captions, lambda c: "primary" in c and "date" not in c, 0)
        add_on = _find(
            text_captions,
            lambda c: bool(re.search(r"add[- ]?on", c)) and not {"date", "type", "primary"} & set(c.split()),
            1,
        )
        edit_type = _find(text_captions, lambda c: "type" in c, 2)
        deletion = _find(
            text_captions, lambda c: "deletion" in c and ("edit" in c or not re.search(r"primary|add[- ]?on", c)), 4
        )
        _, rows = read_official_rows(path, code_columns=(primary, add_on))
        for row in rows:
            deleted = _cms_date(row, _cell(row, deletion), "deletion date")
            if deleted is not None and deleted <= starts:
                skipped[0] += 1
                continue
            kind = _indicator(row, _cell(row, edit_type), ("1", "2", "3"), "AOC edit type")
            out.append([row.fields[primary], row.fields[add_on], kind])
    return out


_MPFS_COLUMNS = (
    ("mod", lambda c: bool(re.fullmatch(r"mod(ifier)?", c)), 1),
    ("status_code", lambda c: "status" in c, 3),
    ("pctc_ind", lambda c: "pctc" in c, 13),
    ("glob_days", lambda c: "glob" in c, 14),
    ("mult_proc", lambda c: "mult" in c, 18),
    ("bilat_surg", lambda c: "bilat" in c, 19),
    ("asst_surg", lambda c: "asst" in c, 20),
    ("co_surg", lambda c: bool(re.search(r"\bco\b", c)), 21),
    ("team_surg", lambda c: "team" in c, 22),
)


def _mpfs_rows(paths: Sequence[Path]) -> list[list[str]]:
    out: list[list[str]] = []
    for path in paths:
        captions, rows = read_official_rows(path)
        indexes = [_find(captions, test, fallback) for _, test, fallback in _MPFS_COLUMNS]
        out.extend([row.fields[0]] + [_cell(row, index) for index in indexes] for row in rows)
    return out


_HEADERS = {
    "ptp": ["col1", "col2", "deleted", "mod", "rationale", "effective"],
    "mue": ["hcpcs_code", "mue_units", "mue_mai", "mue_rationale", "mue_service"],
    "aoc": ["primary_code", "add_on_code", "aoc_edit_type"],
    "mpfs": ["hcpcs", *(name for name, _, _ in _MPFS_COLUMNS)],
}
_SOURCES = {
    "ptp": "CMS NCCI Practitioner PTP edits",
    "mue": "CMS NCCI Practitioner Services MUE table",
    "aoc": "CMS NCCI add-on code edit table",
    "mpfs": "CMS Medicare Physician Fee Schedule RVU file (PPRRVU) indicators",
}


def import_ncci(
    sources: Sequence[ImportSource],
    *,
    out_dir: Path,
    edition: str,
    effective_from: dt.date,
    effective_to: dt.date | None = None,
) -> ImportReport:
    """Convert ``sources`` into ``out_dir`` as edition ``edition`` and add them to its manifest."""
    if not re.fullmatch(r"[A-Za-z0-9._-]+", edition):
        raise NcciImportError(f"edition {edition!r}: use letters, digits, '.', '_' or '-' (e.g. 2025Q1)")
    data_dir = out_dir / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    existing = read_manifest(out_dir) if (out_dir / MANIFEST_NAME).exists() else []
    written: list[Edition] = []
    counts: dict[str, int] = {}
    skipped: dict[str, int] = {}
    for source in sources:
        skip = [0]
        if source.kind == "ptp":
            rows = _ptp_rows(source.paths, effective_from, skip)
        elif source.kind == "mue":
            rows = _mue_rows(source.paths)
        elif source.kind == "aoc":
            rows = _aoc_rows(source.paths, effective_from, skip)
        elif source.kind == "mpfs":
            rows = _mpfs_rows(source.paths)
        else:
            raise NcciImportError(f"unknown table kind {source.kind!r}: ptp, mue, aoc or mpfs")
        if not rows:
            names = ", ".join(str(path) for path in source.paths)
            raise NcciImportError(f"{names}: no data rows found for a {source.kind} table (wrong file?)")
        path = data_dir / f"{source.kind}_{edition}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(_HEADERS[source.kind])
            writer.writerows(rows)
        compile_table(path, sha256_of(path), source.kind)  # start-up reads the SQLite twin, never the CSV
        counts[source.kind] = len(rows)
        skipped[source.kind] = skip[0]
        files = ", ".join(path.name for path in source.paths)
        written.append(
            Edition(
                kind=source.kind,
                path=path,
                source=f"{_SOURCES[source.kind]} ({files})",
                edition=edition,
                effective_from=effective_from,
                effective_to=effective_to,
                sha256=sha256_of(path),
            )
        )
    replaced = {(item.kind, item.edition) for item in written}
    kept = [item for item in existing if (item.kind, item.edition) not in replaced]
    write_manifest(out_dir, kept + written)
    read_manifest(out_dir)  # the manifest just written must load: checksums and keys
    return ImportReport(tuple(written), counts, skipped)
