"""History stores for the tests: the same tests run on SQLite and on the real PostgreSQL.

PostgreSQL comes from ``CLAIMEDIT_TEST_POSTGRES_URL``, else 127.0.0.1:5432 (trust auth, database ``test``),
else testcontainers, else the PostgreSQL tests skip with the reason. Each test gets its own schema.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from claimedit.history.store import HistoryStore

POSTGRES_ENV = "CLAIMEDIT_TEST_POSTGRES_URL"
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SECRET = b"test-history-secret-0123456789"
SEEN_AT = dt.datetime(2026, 1, 15, 12, 0, tzinfo=dt.UTC)


class Clock:
    """A settable clock: the store stamps ``seen_at`` with it, purge measures age with it."""

    def __init__(self, now: dt.datetime = SEEN_AT) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL URL (SQLAlchemy, psycopg 3) on a server that accepts CREATE SCHEMA."""
    from_env = os.environ.get(POSTGRES_ENV)
    if from_env:
        yield from_env
        return
    if _answers("127.0.0.1", 5432):
        yield LOCAL_POSTGRES
        return
    try:
        from testcontainers.postgres import PostgresContainer  # noqa: PLC0415

        container: Any = PostgresContainer("postgres:16-alpine", driver="psycopg")
        container.start()
    except Exception as exc:  # noqa: BLE001  (no Docker engine: DockerException, ConnectionError ...)
        pytest.skip(f"no PostgreSQL: {POSTGRES_ENV} unset, 127.0.0.1:5432 not answering, testcontainers failed ({exc})")
    try:
        yield str(container.get_connection_url())
    finally:
        container.stop()


@pytest.fixture
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A URL whose search path is a fresh schema, dropped after the test."""
    schema = f"hist_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_server else "?"
    try:
        yield f"{postgres_server}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'history.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def history_url(request: pytest.FixtureRequest) -> str:
    """The URL of an empty, unmigrated history database: SQLite file, then PostgreSQL schema."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(name)
    return url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(history_url: str, clock: Clock) -> Iterator[HistoryStore]:
    """A migrated store on SQLite and on PostgreSQL."""
    opened = HistoryStore.open(history_url, SECRET, clock=clock, check=False)
    opened.migrate()
    try:
        yield opened
    finally:
        opened.close()
