"""x12_fixtures/edits/: one real 837P interchange per category, written from the YAML cases, valid for pyx12,
and replayed with the default configuration they exercise every edit that runs by default."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

from claimedit.x12.reader import read_claims


def _load(name: str, path: Path) -> Any:
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


HERE = Path(__file__).parent
writer = _load("claimedit_tests_edits_write_fixtures", HERE / "write_fixtures.py")
x12_text = _load("claimedit_fixtures_meta_x12_text", HERE.parent / "fixtures_meta" / "_x12_text.py")
RENDERED = writer.render_fixtures()
FILES = sorted(writer.FIXTURES.glob("*.x12"))


def test_fixture_files_match_the_cases() -> None:
    on_disk = {path.name: path.read_text(encoding="utf-8") for path in FILES}
    expected = RENDERED
    assert expected == on_disk, "x12_fixtures/edits is stale: run python tests/edits/write_fixtures.py"


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_fixture_validates_with_pyx12(path: Path) -> None:
    ok, acks = x12_text.pyx12_ack_codes(path.read_text(encoding="utf-8"))
    problems = [ack for ack in acks if not (ack == "IK5*A" or ack.startswith("AK9*A*"))]
    expected: tuple[bool, list[str]] = (True, [])
    assert expected == (ok, problems)


def test_replaying_the_fixtures_exercises_every_default_edit(harness: Any) -> None:
    engine = harness.engine()
    fired = {
        finding.code
        for path in FILES
        for claim in read_claims(path.read_bytes(), source=path.name)
        for finding in engine.check(claim)
    }
    medicare_layer = {"MOD003"}
    needs_own_tables = {"GLB003"}
    needs_payer_layer = {"DAT013"}  # prior authorization: only a payer layer lists the codes needing one
    invalid_x12_only = {"DAT002"}  # a wrong entity type is also a SYN001: its failing cases would not validate
    expected = {
        edit.spec.code
        for edit in harness.registry
        if edit.spec.family not in ("core", "history")  # history edits need earlier claims: tests/history
        and edit.spec.code not in needs_own_tables | needs_payer_layer | invalid_x12_only
        and (edit.spec.default_enabled or edit.spec.code in medicare_layer)
    }
    assert sorted(expected) == sorted(expected & fired)
