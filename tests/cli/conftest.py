"""Helpers for the command-line tests: run ``claimedit`` in-process and read what it printed."""

from __future__ import annotations

import io
import os
import socket
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from claimedit.cli import main
from claimedit.pipeline import Pipeline

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "x12_fixtures"
CLEAN_ONE = FIXTURES / "clean" / "single_claim_premalignant_medicare.x12"
"""One claim, accepted, Medicare."""
BROKEN = FIXTURES / "broken" / "lesion_units_and_add_on.x12"
"""Six claims, each rejected with one finding that has a fix."""


@dataclass(frozen=True)
class Run:
    status: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


def run_cli(*args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exit_:  # argparse exits on bad usage and --version
            status = int(exit_.code or 0)
    return Run(status, out.getvalue(), err.getvalue())


@pytest.fixture(scope="session")
def session_pipeline() -> Pipeline:
    return Pipeline.start()


@pytest.fixture
def loaded(session_pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> Pipeline:
    """Replays in this test reuse one loaded pipeline instead of loading maps and tables per call."""
    monkeypatch.setattr(Pipeline, "start", classmethod(lambda cls, **_: session_pipeline))
    return session_pipeline


def free_port() -> int:
    """A TCP port nothing listens on (bound and released: nobody else takes it within the test)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.fixture(scope="session")
def amqp_url() -> str:
    """A real RabbitMQ: ``CLAIMEDIT_TEST_AMQP_URL``, else the local default when it answers, else skip."""
    url = os.environ.get("CLAIMEDIT_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5672), timeout=2.0):
            pass
    except OSError:
        pytest.skip(f"no RabbitMQ answers at {parts.hostname}:{parts.port} (set CLAIMEDIT_TEST_AMQP_URL)")
    return url
