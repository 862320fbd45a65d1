"""The finding catalogue: the category file (with its 277CA mapping) and the ledger of every finding code.

``categories.toml``: each finding category, its meaning and its 277CA STC category and status codes. It is
the single source of the category vocabulary: :data:`claimedit_edits.model.Category` validates a finding's
category against it and generates the JSON Schema enum from it, so a new category is a new table in the file.
``ledger.toml``: every finding code claimedit has ever issued (SYN, INT and every edit), with its
lifecycle (stable, preview, deprecated, removed). A removed code stays listed and is never reused.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, get_args

__all__ = [
    "CATEGORY_CATALOGUE",
    "LEDGER",
    "CategoryCatalogue",
    "CategoryEntry",
    "LedgerEntry",
    "Status",
    "category_catalogue",
    "load_categories",
    "load_category_catalogue",
    "load_ledger",
]

CATEGORY_CATALOGUE = Path(__file__).with_name("categories.toml")
LEDGER = Path(__file__).with_name("ledger.toml")

Status = Literal["stable", "preview", "deprecated", "removed"]
STATUSES: tuple[Status, ...] = get_args(Status)


@dataclass(frozen=True)
class CategoryEntry:
    name: str
    description: str
    stc_category: str
    claim_status: str
    line_status: str


@dataclass(frozen=True)
class LedgerEntry:
    code: str
    name: str
    origin: str
    """``edit`` (a registered edit), ``syntax`` (the reader, plugin x12/syntax.py) or ``engine`` (INT001)."""
    status: Status
    since: str
    family: str = ""
    note: str = ""


@dataclass(frozen=True)
class CategoryCatalogue:
    """The categories of one catalogue file, in file order, and the 277CA mapping of an unlisted category."""

    path: Path
    categories: Mapping[str, CategoryEntry]
    default: CategoryEntry
    """``[default]``: the STC category and statuses for a finding whose category has no mapping of its own."""

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.categories)

    def check(self, name: str) -> str:
        """``name`` if the catalogue lists it; otherwise a ValueError naming the file and its categories."""
        if name not in self.categories:
            msg = f"unknown finding category {name!r}: {self.path.name} lists {', '.join(self.categories)}"
            raise ValueError(msg)
        return name


_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_CATEGORY_KEYS = ("description", "category", "claim_status", "line_status")


def _entry(path: Path, name: str, row: object, keys: tuple[str, ...] = _CATEGORY_KEYS) -> CategoryEntry:
    if not isinstance(row, dict):
        raise ValueError(f"{path}: [categories.{name}] is not a table")
    missing = [key for key in keys if not isinstance(row.get(key), str) or not row[key]]
    if missing:
        raise ValueError(f"{path}: {name or 'default'} lacks {', '.join(missing)} (each a non-empty string)")
    return CategoryEntry(
        name, str(row.get("description", "")), str(row["category"]), str(row["claim_status"]), str(row["line_status"])
    )


def load_category_catalogue(path: Path = CATEGORY_CATALOGUE) -> CategoryCatalogue:
    """Read and check a category file: kebab-case names, each with a description and its 277CA codes."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    rows = data.get("categories")
    if not isinstance(rows, dict) or not rows:
        raise ValueError(f"{path}: no [categories.NAME] table")
    bad = [name for name in rows if not _NAME.fullmatch(name)]
    if bad:
        raise ValueError(f"{path}: category names must be kebab-case, not {', '.join(map(repr, bad))}")
    categories = {name: _entry(path, name, row) for name, row in rows.items()}
    default = _entry(path, "", data.get("default"), _CATEGORY_KEYS[1:])
    return CategoryCatalogue(path, categories, default)


def load_categories(path: Path = CATEGORY_CATALOGUE) -> dict[str, CategoryEntry]:
    return dict(load_category_catalogue(path).categories)


@cache
def _cached_catalogue(path: Path) -> CategoryCatalogue:
    return load_category_catalogue(path)


def category_catalogue() -> CategoryCatalogue:
    """The catalogue in force: the file :data:`CATEGORY_CATALOGUE` names, read once per path."""
    return _cached_catalogue(CATEGORY_CATALOGUE)


def load_ledger(path: Path = LEDGER) -> dict[str, LedgerEntry]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries: dict[str, LedgerEntry] = {}
    for code, row in data["codes"].items():
        status = str(row["status"])
        if status not in STATUSES:
            raise ValueError(f"{path}: {code} has unknown status {status!r} (known: {', '.join(STATUSES)})")
        entries[code] = LedgerEntry(
            code=code,
            name=str(row["name"]),
            origin=str(row["origin"]),
            status=status,
            since=str(row["since"]),
            family=str(row.get("family", "")),
            note=str(row.get("note", "")),
        )
    return entries
