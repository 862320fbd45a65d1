"""Reference tables: manifest checks, edition choice by date of service, and the ICD-10-CM axes checked
against the ICD-10-CM tabular itself (simple-icd-10-cm ships the April 2026 tabular)."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest

from claimedit_edits.tables import DEFAULT_TABLES_DIR, KINDS, Edition, TableError, Tables, load_tables, read_manifest
from claimedit_edits.tables._manifest import sha256_of, write_manifest


@pytest.fixture(scope="module")
def tables() -> Tables:
    return load_tables()


@pytest.fixture(scope="module")
def icd() -> object:
    import simple_icd_10_cm  # noqa: PLC0415

    return simple_icd_10_cm


def _copy_default(tmp_path: Path) -> Path:
    target = tmp_path / "tables"
    shutil.copytree(DEFAULT_TABLES_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def test_packaged_manifest_lists_every_kind_with_matching_checksums() -> None:
    editions = read_manifest(DEFAULT_TABLES_DIR)
    expected = set(KINDS)
    assert expected == {edition.kind for edition in editions}


def test_a_changed_table_file_fails_its_checksum(tmp_path: Path) -> None:
    copy = _copy_default(tmp_path)
    with (copy / "data" / "mue_practitioner_2024-07-01.csv").open("a", encoding="utf-8") as handle:
        handle.write("99999,1,1,x,Practitioner\n")
    with pytest.raises(TableError, match=r"checksum mismatch for mue_practitioner_2024-07-01\.csv"):
        read_manifest(copy)


def test_an_unknown_manifest_key_is_an_error(tmp_path: Path) -> None:
    copy = _copy_default(tmp_path)
    text = (copy / "manifest.toml").read_text(encoding="utf-8")
    (copy / "manifest.toml").write_text(text.replace('kind = "mue"', 'kind = "mue"\nvalid = true', 1), encoding="utf-8")
    with pytest.raises(TableError, match=r"unknown key\(s\) \['valid'\]"):
        read_manifest(copy)


def test_a_library_without_a_kind_is_refused() -> None:
    editions = [edition for edition in read_manifest(DEFAULT_TABLES_DIR) if edition.kind != "ptp"]
    with pytest.raises(TableError, match="no edition of table kind"):
        Tables(editions)


def test_edition_is_chosen_by_date_of_service(tmp_path: Path) -> None:
    newer = tmp_path / "newer"
    (newer / "data").mkdir(parents=True)
    source = DEFAULT_TABLES_DIR / "data" / "mue_practitioner_2024-07-01.csv"
    target = newer / "data" / "mue.csv"
    target.write_text(source.read_text(encoding="utf-8").replace("11403,2,3", "11403,3,3"), encoding="utf-8")
    write_manifest(
        newer,
        [Edition("mue", target, "test MUE", "2025Q1", dt.date(2025, 1, 1), dt.date(2025, 3, 31), sha256_of(target))],
    )
    library = load_tables(newer)
    units = {
        day: library.at(day).mue.limits["11403"].units
        for day in (dt.date(2024, 12, 31), dt.date(2025, 1, 1), dt.date(2025, 3, 31), dt.date(2025, 4, 1))
    }
    expected = {dt.date(2024, 12, 31): 2, dt.date(2025, 1, 1): 3, dt.date(2025, 3, 31): 3, dt.date(2025, 4, 1): 2}
    assert expected == units


def test_a_date_before_every_edition_uses_the_earliest(tables: Tables) -> None:
    expected = "2024-07-01"
    assert expected == tables.at(dt.date(2020, 1, 1)).mue.edition.edition


def test_every_lesion_code_has_its_tier_sibling_in_every_site_group(tables: Tables) -> None:
    codes = tables.at(None).lesion_codes
    sized = [code for code in codes.codes.values() if code.tier is not None]
    missing = [
        (code.code, group)
        for code in sized
        for group in ("trunk-arms-legs", "scalp-neck-hands-feet-genitalia", "face-ears-eyelids-nose-lips")
        if codes.code_for(code.family, group, code.tier) is None  # type: ignore[arg-type]
    ]
    expected = (36 + 18, [])
    assert expected == (len(sized), missing)


_AXIS_CATEGORIES = ("C43", "C4A", "C44", "D03", "D04", "D22", "D23")


def _leaves(icd: object, category: str) -> list[str]:
    descendants: list[str] = icd.get_descendants(category)  # type: ignore[attr-defined]
    return [code for code in descendants if icd.is_leaf(code)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("category", _AXIS_CATEGORIES)
def test_laterality_axis_agrees_with_the_tabular_descriptions(category: str, tables: Tables, icd: object) -> None:
    laterality = tables.at(None).laterality
    disagreements = []
    for code in _leaves(icd, category):
        words = set(re.findall(r"[a-z]+", icd.get_description(code).lower()))  # type: ignore[attr-defined]
        named = "RT" if "right" in words else "LT" if "left" in words else None
        actual = laterality.side_of(code.replace(".", ""))
        if named != actual:
            disagreements.append((code, named, actual))
    expected_value = []
    assert expected_value == disagreements


_SITE_WORDS = {
    "lip": ("lip",),
    "eyelid": ("eyelid",),
    "ear": ("ear",),
    "face": ("face", "nose"),
    "scalp-neck": ("scalp", "neck"),
    "trunk": ("trunk", "anal", "breast"),
    "upper-limb": ("upper limb",),
    "lower-limb": ("lower limb",),
}


@pytest.mark.parametrize("category", _AXIS_CATEGORIES)
def test_site_axis_agrees_with_the_tabular_descriptions(category: str, tables: Tables, icd: object) -> None:
    sites = tables.at(None).dx_sites
    disagreements = []
    for code in _leaves(icd, category):
        site = sites.site_of(code.replace(".", ""))
        if site is None:
            continue
        description = icd.get_description(code).lower()  # type: ignore[attr-defined]
        if not any(word in description for word in _SITE_WORDS[site]):
            disagreements.append((code, site, description))
    expected_value = []
    assert expected_value == disagreements
