"""``replay --broker`` prints the same lines as the file replay, and ``--expect`` catches a difference."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import remove_resources

from claimedit.cli_service import broker_replay
from claimedit.pipeline import Pipeline
from claimedit.replay import discover
from claimedit.replay_output import result_lines
from claimedit.service import load_settings

pytestmark = pytest.mark.broker

FIXTURES = Path(__file__).parents[2] / "x12_fixtures"


@pytest.fixture
def service_env(amqp_url: str, unique: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A ``claimedit serve`` subprocess on the test's own names; the same names in this process's environment."""
    names = {
        "CLAIMEDIT_INPUT": f"r{unique}.in",
        "CLAIMEDIT_ANNOTATED": f"r{unique}.annotated",
        "CLAIMEDIT_REJECTED": f"r{unique}.rejected",
        "CLAIMEDIT_ACKS": f"r{unique}.acks",
        "CLAIMEDIT_DLQ": f"r{unique}.dlq",
        "CLAIMEDIT_RABBIT_EXCHANGE": f"r{unique}.x",
    }
    for key, value in names.items():
        monkeypatch.setenv(key, value)
    log = tmp_path / "serve.log"
    # No claim history: the broker replay is compared with file replays that edit each claim alone.
    env = {**os.environ, **names, "CLAIMEDIT_LOG_FORMAT": "json", "CLAIMEDIT_HEALTH_PORT": "0"}
    env["CLAIMEDIT_HISTORY_ENABLED"] = "false"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "claimedit", "serve", "--broker", amqp_url], env=env, stdout=out, stderr=out
        )
    try:
        deadline = time.monotonic() + 60
        while "service ready" not in log.read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
        yield amqp_url
    finally:
        process.terminate()
        process.wait(timeout=40)
        settings = load_settings(broker_url=amqp_url, health_port=0)  # the names come from the environment
        asyncio.run(remove_resources(settings))


def _file_replay(pipeline: Pipeline, root: Path) -> list[dict[str, object]]:
    return [line for path in discover([root]) for line in result_lines(pipeline.process(path.read_bytes(), str(path)))]


def test_broker_replay_prints_the_file_replay_lines(
    service_env: str, pipeline: Pipeline, capsys: pytest.CaptureFixture[str]
) -> None:
    status = broker_replay([FIXTURES], service_env, None, timeout=120)

    printed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (status, printed) == (0, _file_replay(pipeline, FIXTURES))


def test_expect_passes_on_matching_golden_files_and_fails_on_a_difference(
    service_env: str, pipeline: Pipeline, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inputs = sorted((FIXTURES / "clean").glob("*.x12"))[:2]
    golden = tmp_path / "golden"
    golden.mkdir()
    for path in inputs:
        lines = result_lines(pipeline.process(path.read_bytes(), str(path)))
        (golden / f"{path.stem}.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))

    matching = broker_replay(inputs, service_env, golden, timeout=60)
    first = golden / f"{inputs[0].stem}.jsonl"
    first.write_text(first.read_text().replace('"verdict": "', '"verdict": "x', 1))
    differing = broker_replay(inputs, service_env, golden, timeout=60)

    assert (matching, differing) == (0, 1)
    assert f"{inputs[0]}: replay differs" in capsys.readouterr().err
