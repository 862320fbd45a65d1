"""The finding catalogue: the category file (with its 277CA mapping) and the ledger of every finding code.

``categories.toml``: each finding category, its meaning and its 277CA STC category and status codes.
``ledger.toml``: every finding code claimedit has ever issued (SYN, INT and every edit), with its
lifecycle (stable, preview, deprecated, removed). A removed code stays listed and is never reused.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

__all__ = [
    "CATEGORY_CATALOGUE",
    "LEDGER",
    "CategoryEntry",
    "LedgerEntry",
    "Status",
    "load_categories",
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


def load_categories(path: Path = CATEGORY_CATALOGUE) -> dict[str, CategoryEntry]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {
        name: CategoryEntry(
            name, str(row["description"]), str(row["category"]), str(row["claim_status"]), str(row["line_status"])
        )
        for name, row in data["categories"].items()
    }


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
