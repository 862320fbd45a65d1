"""How ``claimedit serve`` finds its history: its own SQLite file by default, a checked URL otherwise."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from claimedit.cli import main
from claimedit.history.service import resolve_service_history
from claimedit.history.store import HistoryError, HistoryStore
from claimedit.service.app import service_history
from claimedit.service.settings import load_settings

from .conftest import SECRET


def test_the_default_history_is_a_migrated_sqlite_file_in_the_data_folder(tmp_path: Path) -> None:
    resolved = resolve_service_history(None, None, tmp_path)
    store = resolved.open()
    revision = store.revision()
    store.close()
    secret_mode = stat.S_IMODE((tmp_path / "history.secret").stat().st_mode)
    expected = (f"sqlite:///{tmp_path / 'history.sqlite3'}", "0001", 0o600)
    assert expected == (resolved.url, revision, secret_mode)


def test_the_default_secret_is_kept_across_starts(tmp_path: Path) -> None:
    first = resolve_service_history(None, None, tmp_path)
    second = resolve_service_history(None, None, tmp_path)
    assert first.secret == second.secret


def test_a_history_url_needs_a_secret(sqlite_url: str) -> None:
    with pytest.raises(HistoryError, match="CLAIMEDIT_HISTORY_SECRET"):
        resolve_service_history(sqlite_url, None, None)


def test_a_history_url_behind_its_schema_is_refused(sqlite_url: str) -> None:
    with pytest.raises(HistoryError, match="claimedit history migrate"):
        resolve_service_history(sqlite_url, SECRET.decode(), None)


def test_history_can_be_switched_off_in_settings() -> None:
    assert service_history(load_settings(history_enabled=False)) is None


def test_settings_take_the_history_url_and_secret_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    monkeypatch.setenv("CLAIMEDIT_HISTORY_URL", sqlite_url)
    monkeypatch.setenv("CLAIMEDIT_HISTORY_SECRET", SECRET.decode())
    HistoryStore.open(sqlite_url, SECRET, check=False).migrate()
    settings = load_settings()
    resolved = service_history(settings)
    assert (sqlite_url, SECRET) == (resolved.url, resolved.secret)


def test_serve_on_a_history_behind_its_schema_stops_with_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, sqlite_url: str
) -> None:
    monkeypatch.setenv("CLAIMEDIT_HISTORY_SECRET", SECRET.decode())
    status = main(["serve", "--history", sqlite_url, "--health-port", "0"])
    err = capsys.readouterr().err.strip()
    assert (2, 1, True) == (status, len(err.splitlines()), "run `claimedit history migrate" in err)
