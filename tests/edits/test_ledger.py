"""The ledger (edits/claimedit_edits/ledger.toml) lists every finding code with its lifecycle, and the category
catalogue (categories.toml) every category with its 277CA mapping: both checked against the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimedit.x12.syntax import INTERNAL_CODE, SYNTAX_FINDINGS
from claimedit_edits.catalogue import LedgerEntry, load_categories, load_ledger
from claimedit_edits.engine import load_registry
from claimedit_edits.model import CATEGORIES

REGISTRY = load_registry()
LEDGER = load_ledger()
LIVE = ("stable", "preview", "deprecated")


def test_every_registered_edit_is_in_the_ledger_as_live_with_its_name_and_family() -> None:
    expected = {edit.spec.code: (edit.spec.name, edit.spec.family, True) for edit in REGISTRY}
    actual = {
        code: (LEDGER[code].name, LEDGER[code].family, LEDGER[code].status in LIVE) if code in LEDGER else None
        for code in expected
    }
    assert expected == actual


def test_every_live_edit_code_of_the_ledger_is_registered() -> None:
    expected: list[str] = []
    live = [entry.code for entry in LEDGER.values() if entry.origin == "edit" and entry.status in LIVE]
    assert expected == sorted(set(live) - set(REGISTRY.by_code))


def test_a_removed_code_is_never_issued_again() -> None:
    removed = {entry.code for entry in LEDGER.values() if entry.status == "removed"}
    expected: set[str] = set()
    assert expected == removed & (set(REGISTRY.by_code) | set(SYNTAX_FINDINGS) | {"INT001", INTERNAL_CODE})


def test_every_syntax_code_of_the_reader_and_the_internal_codes_are_in_the_ledger() -> None:
    internal = {"INT001": "edit-raised-an-exception", INTERNAL_CODE: "processing-failed"}
    expected = {code: kind.name for code, kind in SYNTAX_FINDINGS.items()} | internal
    assert expected == {code: LEDGER[code].name if code in LEDGER else None for code in expected}


def test_names_are_unique_across_the_ledger() -> None:
    names = [entry.name for entry in LEDGER.values()]
    assert len(names) == len(set(names))


def test_a_removed_entry_keeps_its_old_meaning_and_a_new_code_would_be_refused(tmp_path: Path) -> None:
    ledger = tmp_path / "ledger.toml"
    ledger.write_text(
        '[codes.ZZZ001]\nname = "x"\norigin = "edit"\nstatus = "retired"\nsince = "0"\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="unknown status 'retired'"):
        load_ledger(ledger)


def test_the_category_catalogue_holds_exactly_the_contract_categories_with_277ca_codes() -> None:
    catalogue = load_categories()
    expected = (list(CATEGORIES), [])
    incomplete = [name for name, entry in catalogue.items() if not (entry.stc_category and entry.line_status)]
    assert expected == (sorted(catalogue, key=list(CATEGORIES).index), incomplete)


def test_ledger_entry_is_plain_data() -> None:
    entry = LEDGER["MOD002"]
    expected = LedgerEntry("MOD002", "ptp-pair-modifier-missing", "edit", "stable", "0.1.0", "ncci", entry.note)
    assert expected == entry
