"""Known start-up failures print one line on stderr (what, where, how to fix) and a documented exit status."""

from __future__ import annotations

import socket
import subprocess
import sys
import uuid
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from claimedit.cli_errors import ExitStatus

from .conftest import CLEAN_ONE, free_port, run_cli


def test_version_prints_the_installed_version() -> None:
    run = run_cli("--version")
    assert (0, f"claimedit {version('claimedit')}\n") == (run.status, run.out)


def test_serve_with_an_unreachable_broker_prints_one_line_and_exits_three() -> None:
    port = free_port()
    run = run_cli("serve", "--broker", f"amqp://guest:secret@127.0.0.1:{port}/", "--health-port", "0")
    [line] = run.err_lines
    assert ExitStatus.BROKER_UNREACHABLE == run.status == 3
    assert line.startswith(f"claimedit serve: the broker at amqp://guest:***@127.0.0.1:{port}/ does not answer (")
    assert line.endswith("): start it, or fix --broker / CLAIMEDIT_BROKER_URL")
    assert "secret" not in run.err


def test_serve_fails_fast_in_a_real_process_without_traceback_or_reconnect_loop() -> None:
    port = free_port()
    command = [sys.executable, "-m", "claimedit", "serve", "--broker", f"nats://127.0.0.1:{port}", "--health-port", "0"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert (3, "") == (done.returncode, done.stdout)
    assert [f"claimedit serve: the broker at nats://127.0.0.1:{port} does not answer"] == [
        line.split(" (", 1)[0] for line in done.stderr.splitlines()
    ]
    assert "Traceback" not in done.stderr
    assert "Reconnecting" not in done.stderr


def test_replay_through_an_unreachable_broker_prints_one_line_and_exits_three() -> None:
    port = free_port()
    run = run_cli("replay", str(CLEAN_ONE), "--broker", f"redis://127.0.0.1:{port}")
    [line] = run.err_lines
    assert 3 == run.status
    assert line.startswith(f"claimedit replay: the broker at redis://127.0.0.1:{port} does not answer (")
    assert "" == run.out


@pytest.mark.broker
def test_serve_with_a_refused_login_prints_one_line_and_exits_three(amqp_url: str) -> None:
    parts = urlsplit(amqp_url)
    wrong = urlunsplit(parts._replace(netloc=f"claimedit-nobody:wrong@{parts.hostname}:{parts.port or 5672}"))
    run = run_cli("serve", "--broker", wrong, "--health-port", "0")
    [line] = run.err_lines
    assert 3 == run.status
    assert line.startswith(
        f"claimedit serve: the broker at {wrong.replace(':wrong@', ':***@')} refused the connection ("
    )
    assert line.endswith("check the user, password and virtual host in --broker / CLAIMEDIT_BROKER_URL")
    assert "Reconnecting" not in run.err


def test_serve_with_bad_settings_prints_one_line_and_exits_two() -> None:
    run = run_cli("serve", "--broker", "ftp://127.0.0.1/", "--health-port", "0")
    assert 2 == run.status
    assert [
        "claimedit serve: invalid claimedit service settings: broker_url (CLAIMEDIT_BROKER_URL): unsupported broker "
        "URL scheme ftp://: use one of amqp://, amqps://, nats://, tls://, redis://, rediss://, kafka://, kafkas:// "
        "(fix the --settings file, the command line or the CLAIMEDIT_* variables)"
    ] == run.err_lines


def test_serve_with_an_edits_configuration_naming_an_unknown_edit_exits_two(tmp_path: Path) -> None:
    edits = tmp_path / "edits.toml"
    edits.write_text('select = ["NOPE999"]\n', encoding="utf-8")
    settings = tmp_path / "service.toml"
    settings.write_text(f'edits_config = "{edits}"\nhealth_port = 0\n', encoding="utf-8")
    run = run_cli("serve", "--settings", str(settings), "--broker", f"amqp://127.0.0.1:{free_port()}/")
    assert 2 == run.status
    assert [
        f"claimedit serve: the edits configuration cannot be used: {edits}: select: unknown edit, family or "
        "category 'NOPE999' (fix the file, or pass another --config)"
    ] == run.err_lines


def test_serve_with_the_health_port_in_use_prints_one_line_and_exits_four() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = run_cli("serve", "--broker", f"amqp://127.0.0.1:{free_port()}/", "--health-port", str(port))
    assert 4 == run.status
    assert [
        f"claimedit serve: the health port 127.0.0.1:{port} is already in use by another process (stop it, or "
        "choose another with --health-port / CLAIMEDIT_HEALTH_PORT; 0 turns it off)"
    ] == run.err_lines


def test_replay_with_an_edits_configuration_naming_an_unknown_edit_exits_two(tmp_path: Path) -> None:
    edits = tmp_path / "edits.toml"
    edits.write_text('ignore = ["NOPE999"]\n', encoding="utf-8")
    run = run_cli("replay", "--config", str(edits), str(CLEAN_ONE))
    assert (2, "") == (run.status, run.out)
    assert [
        f"claimedit replay: the edits configuration cannot be used: {edits}: ignore: unknown edit, family or "
        "category 'NOPE999' (fix the file, or pass another --config)"
    ] == run.err_lines


def test_replay_with_a_missing_edits_configuration_exits_two(tmp_path: Path) -> None:
    run = run_cli("replay", "--config", str(tmp_path / "absent.toml"), str(CLEAN_ONE))
    assert 2 == run.status
    assert [
        f"claimedit replay: the edits configuration cannot be used: cannot read configuration "
        f"{tmp_path / 'absent.toml'}: No such file or directory (fix the file, or pass another --config)"
    ] == run.err_lines


def test_timeout_without_broker_is_bad_usage() -> None:
    run = run_cli("replay", "--timeout", "5", str(CLEAN_ONE))
    assert (2, ["claimedit replay: --timeout needs --broker (a file replay waits for nothing)"]) == (
        run.status,
        run.err_lines,
    )


@pytest.mark.parametrize("value", ["0", "-3", "soon"])
def test_timeout_must_be_a_positive_number_of_seconds(value: str) -> None:
    run = run_cli("replay", "--broker", "amqp://127.0.0.1/", "--timeout", value, str(CLEAN_ONE))
    assert 2 == run.status
    assert f"argument --timeout: {value!r} is not a positive number of seconds" in run.err_lines[-1]


@pytest.mark.broker
def test_broker_replay_waits_the_timeout_given_and_names_the_file(
    amqp_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Unique names and no service consuming them: the outputs never come, the replay gives up after 1 s.
    unique = uuid.uuid4().hex[:10]
    for name in ("input", "annotated", "rejected", "acks", "dlq"):
        monkeypatch.setenv(f"CLAIMEDIT_{name.upper()}", f"claimedit.cli-test.{unique}.{name}")
    monkeypatch.setenv("CLAIMEDIT_RABBIT_EXCHANGE", f"claimedit.cli-test.{unique}")
    run = run_cli("replay", str(CLEAN_ONE), "--broker", amqp_url, "--timeout", "1")
    assert (1, "") == (run.status, run.out)
    assert [
        f"claimedit replay: no complete outputs for {CLEAN_ONE} within 1 s (is the service running? a longer "
        "--timeout may help)"
    ] == run.err_lines
