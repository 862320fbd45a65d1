"""Compiled table twins (``<table>.csv.sqlite``): start-up reads them instead of the CSV, the PTP, MUE and fee
schedule lookups go through SQLite on demand, and what they answer is what the CSV says."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

from claimedit_edits.tables import DEFAULT_TABLES_DIR, load_tables, read_manifest
from claimedit_edits.tables._compiled import _open_matching, compiled_path

DAY = dt.date(2024, 8, 1)


def _csv(name: str) -> list[dict[str, str]]:
    with (DEFAULT_TABLES_DIR / "data" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_packaged_table_ships_a_current_compiled_twin() -> None:
    editions = read_manifest(DEFAULT_TABLES_DIR)
    stale = [
        edition.path.name for edition in editions if _open_matching(compiled_path(edition.path), edition.sha256) is None
    ]
    expected: list[str] = []
    assert expected == stale, "run python -c 'from claimedit_edits.tables import load_tables; load_tables()'"


def test_ptp_lookups_through_sqlite_agree_with_the_csv_on_every_pair() -> None:
    ptp = load_tables().at(DAY).ptp
    rows = [row for row in _csv("ptp_practitioner_2024-07-01.csv") if row["mod"] != "9"]
    expected = {(row["col1"], row["col2"]): int(row["mod"]) for row in rows}
    actual = {pair: edit.modifier_indicator for pair in expected if (edit := ptp.get(*pair)) is not None}
    partners = {row["col1"] for row in rows} | {row["col2"] for row in rows}
    assert (expected, partners) == (actual, set(ptp.codes))
    assert {row["col2"] for row in rows if row["col1"] == "17004"} <= ptp.partners_of("17004")


def test_mue_and_fee_schedule_lookups_agree_with_the_csv() -> None:
    tables = load_tables().at(DAY)
    expected = [(int(row["mue_units"]), int(row["mue_mai"][:1])) for row in _csv("mue_practitioner_2024-07-01.csv")]
    actual = [
        (limit.units, limit.mai)
        for row in _csv("mue_practitioner_2024-07-01.csv")
        if (limit := tables.mue.get(row["hcpcs_code"])) is not None
    ]
    fees = [row for row in _csv("mpfs_indicators_2024-07.csv") if not row["mod"]]
    expected_days = [row["glob_days"] for row in fees]
    actual_days = [found.global_days if (found := tables.mpfs.get(row["hcpcs"])) else None for row in fees]
    assert (expected, expected_days) == (actual, actual_days)
    assert (None, None) == (tables.mue.get("00000"), tables.ptp.get("00000", "17000"))


def test_a_missing_or_stale_twin_is_rebuilt_at_load(tmp_path: Path) -> None:
    shutil.copytree(DEFAULT_TABLES_DIR / "data", tmp_path / "data")
    shutil.copy(DEFAULT_TABLES_DIR / "manifest.toml", tmp_path / "manifest.toml")
    twin = tmp_path / "data" / "ptp_practitioner_2024-07-01.csv.sqlite"
    twin.unlink()
    (tmp_path / "data" / "mue_practitioner_2024-07-01.csv.sqlite").write_bytes(b"not sqlite")
    tables = load_tables(tmp_path, include_default=False).at(DAY)
    edit = tables.ptp.get("17004", "17000")
    limit = tables.mue.get("17000")
    expected = (True, 0, 1)
    assert expected == (twin.is_file(), edit.modifier_indicator if edit else None, limit.units if limit else None)
