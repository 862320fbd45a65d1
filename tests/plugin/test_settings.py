"""Service settings: environment over TOML over defaults, broker kind from the URL scheme, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimedit.service.settings import SettingsError, load_settings


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("amqp://guest:guest@127.0.0.1:5672/", "rabbit"),
        ("nats://127.0.0.1:4222", "nats"),
        ("redis://127.0.0.1:6379", "redis"),
        ("kafka://127.0.0.1:9092", "kafka"),
    ],
)
def test_broker_kind_follows_the_url_scheme(url: str, kind: str) -> None:
    assert kind == load_settings(broker_url=url).broker_kind


def test_environment_overrides_the_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = tmp_path / "service.toml"
    toml.write_text('[service]\nannotated = "from.toml"\nrejected = "rejected.toml"\nprefetch = 3\n')
    monkeypatch.setenv("CLAIMEDIT_ANNOTATED", "from.env")

    settings = load_settings(toml)

    assert (settings.annotated, settings.rejected, settings.prefetch) == ("from.env", "rejected.toml", 3)


def test_settings_file_can_be_named_by_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    toml = tmp_path / "s.toml"
    toml.write_text('dlq = "dead.letters"\n')
    monkeypatch.setenv("CLAIMEDIT_SETTINGS_FILE", str(toml))

    assert load_settings().dlq == "dead.letters"


def test_unknown_scheme_is_a_clear_error_naming_the_variable() -> None:
    with pytest.raises(SettingsError, match=r"broker_url \(CLAIMEDIT_BROKER_URL\): unsupported broker URL scheme mqtt"):
        load_settings(broker_url="mqtt://127.0.0.1")


def test_every_problem_is_listed_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMEDIT_PREFETCH", "0")
    monkeypatch.setenv("CLAIMEDIT_MAX_DELIVERIES", "many")

    with pytest.raises(SettingsError) as error:
        load_settings()

    assert sorted(line.split()[0] for line in str(error.value).splitlines()[1:]) == ["max_deliveries", "prefetch"]


def test_unknown_toml_key_is_rejected(tmp_path: Path) -> None:
    toml = tmp_path / "s.toml"
    toml.write_text('anotated = "typo"\n')

    with pytest.raises(SettingsError, match="anotated"):
        load_settings(toml)


def test_outputs_must_not_share_a_name() -> None:
    with pytest.raises(SettingsError, match="must all differ"):
        load_settings(annotated="claims.x", rejected="claims.x")


def test_password_is_not_shown_in_url_errors() -> None:
    with pytest.raises(SettingsError) as error:
        load_settings(broker_url="amqp://user:secret@/")

    assert "secret" not in str(error.value)
