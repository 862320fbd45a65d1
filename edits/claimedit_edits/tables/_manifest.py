"""The tables manifest: which data file holds which table, from which source and edition, for which dates."""

from __future__ import annotations

import datetime as dt
import hashlib
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["KINDS", "MANIFEST_NAME", "Edition", "TableError", "read_manifest", "sha256_of", "write_manifest"]

MANIFEST_NAME = "manifest.toml"

KINDS = (
    "mue",
    "ptp",
    "aoc",
    "mpfs",
    "lesion-codes",
    "dx-support",
    "dx-site",
    "site-fit",
    "laterality",
    "modifiers",
    "em-codes",
    "repair-codes",
)
"""Every table kind an edition may provide. CMS kinds first, claimedit's coding-rule tables after."""

_KEYS = frozenset({"kind", "file", "source", "edition", "effective_from", "effective_to", "sha256"})


class TableError(ValueError):
    """A manifest or a table file is missing, malformed or does not match its checksum."""


@dataclass(frozen=True)
class Edition:
    """One table file as the manifest declares it."""

    kind: str
    path: Path
    source: str
    edition: str
    effective_from: dt.date
    effective_to: dt.date | None
    sha256: str

    @property
    def label(self) -> str:
        """How findings name this table: source and edition."""
        return f"{self.source}, edition {self.edition}"

    def covers(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:  # streamed: a full-size PTP file is tens of megabytes
        return hashlib.file_digest(handle, "sha256").hexdigest()


def read_manifest(directory: Path) -> list[Edition]:
    """The editions listed in ``directory/manifest.toml``, checked against their files' checksums."""
    manifest = directory / MANIFEST_NAME
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise TableError(f"no {MANIFEST_NAME} in {directory}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise TableError(f"{manifest}: not valid TOML: {exc}") from exc
    unknown_top = set(data) - {"table"}
    if unknown_top:
        raise TableError(f"{manifest}: unknown key(s) {sorted(unknown_top)}; expected [[table]] entries")
    return [_edition(manifest, index, entry) for index, entry in enumerate(data.get("table", []), start=1)]


def _edition(manifest: Path, index: int, entry: dict[str, Any]) -> Edition:
    where = f"{manifest}: [[table]] #{index}"
    unknown = set(entry) - _KEYS
    if unknown:
        raise TableError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_KEYS)}")
    missing = {"kind", "file", "source", "edition", "effective_from", "sha256"} - set(entry)
    if missing:
        raise TableError(f"{where}: missing key(s) {sorted(missing)}")
    kind = str(entry["kind"])
    if kind not in KINDS:
        raise TableError(f"{where}: unknown table kind {kind!r}; known: {', '.join(KINDS)}")
    path = manifest.parent / str(entry["file"])
    if not path.is_file():
        raise TableError(f"{where}: table file {path} does not exist")
    actual = sha256_of(path)
    if actual != entry["sha256"]:
        raise TableError(f"{where}: checksum mismatch for {path.name}: manifest {entry['sha256']}, file {actual}")
    return Edition(
        kind=kind,
        path=path,
        source=str(entry["source"]),
        edition=str(entry["edition"]),
        effective_from=_date(where, "effective_from", entry["effective_from"]),
        effective_to=_date(where, "effective_to", entry["effective_to"]) if entry.get("effective_to") else None,
        sha256=actual,
    )


def _date(where: str, key: str, value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise TableError(f"{where}: {key} {value!r} is not a date (YYYY-MM-DD)") from exc


def write_manifest(directory: Path, editions: list[Edition]) -> Path:
    """Write ``directory/manifest.toml`` listing ``editions`` (paths relative to the directory)."""
    lines = ["# Reference tables: one [[table]] per data file. Written by `claimedit tables import-ncci`.", ""]
    for edition in editions:
        lines += [
            "[[table]]",
            f"kind = {_quote(edition.kind)}",
            f"file = {_quote(edition.path.relative_to(directory).as_posix())}",
            f"source = {_quote(edition.source)}",
            f"edition = {_quote(edition.edition)}",
            f"effective_from = {edition.effective_from.isoformat()}",
        ]
        if edition.effective_to is not None:
            lines.append(f"effective_to = {edition.effective_to.isoformat()}")
        lines += [f"sha256 = {_quote(edition.sha256)}", ""]
    path = directory / MANIFEST_NAME
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
