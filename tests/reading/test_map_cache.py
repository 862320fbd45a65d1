"""pyx12 maps kept in the user's cache: a validator built from the cached maps reports what a fresh one does."""

from __future__ import annotations

from pathlib import Path

import pytest
from claimedit_test_support import ack_transaction_set

from claimedit.validation.pyx12 import Pyx12Validator

from .conftest import fixture_files

FILES = [path for path in fixture_files() if path.parent.name in ("broken", "edits")]


def _report(text: str) -> tuple[list[str], list[str]]:
    report = Pyx12Validator().validate(text)
    return [repr(error) for error in report.errors], [ack_transaction_set(ack.x12) for ack in report.acks]


def test_cached_maps_validate_every_fixture_as_fresh_maps_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [path.read_text(encoding="utf-8") for path in FILES]
    monkeypatch.setenv("CLAIMEDIT_CACHE_DIR", "")
    fresh = [_report(text) for text in texts]
    monkeypatch.setenv("CLAIMEDIT_CACHE_DIR", str(tmp_path))
    Pyx12Validator()  # builds the maps and writes the cache
    written = sorted(path.name.split(".")[0] for path in tmp_path.glob("*.pickle"))
    cached = [_report(text) for text in texts]
    assert (fresh, ["pyx12-4", "pyx12-4"]) == (cached, written)


def test_a_corrupt_cache_entry_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMEDIT_CACHE_DIR", str(tmp_path))
    Pyx12Validator()
    for path in tmp_path.glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    text = FILES[0].read_text(encoding="utf-8")
    monkeypatch.setenv("CLAIMEDIT_CACHE_DIR", "")
    expected = _report(text)
    monkeypatch.setenv("CLAIMEDIT_CACHE_DIR", str(tmp_path))
    assert expected == _report(text)
