"""The history a ``claimedit serve`` opens: its own SQLite file by default, a PostgreSQL URL at scale.

Resolved once in the parent process (where a behind schema stops the start with the command to run); worker
processes then open the resolved URL with the resolved secret.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from claimedit.history.patient_key import MIN_SECRET_BYTES
from claimedit.history.store import HistoryError, HistoryStore, redact

__all__ = ["ServiceHistory", "default_data_dir", "resolve_service_history"]

_DB_NAME = "history.sqlite3"
_SECRET_NAME = "history.secret"  # noqa: S105  (a file name)


def default_data_dir() -> Path:
    """``$XDG_DATA_HOME/claimedit`` (``~/.local/share/claimedit``): the service's data folder."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "claimedit"


@dataclass(frozen=True)
class ServiceHistory:
    url: str
    secret: bytes = field(repr=False)

    def open(self) -> HistoryStore:
        return HistoryStore.open(self.url, self.secret)

    def __str__(self) -> str:
        return redact(self.url)


def resolve_service_history(url: str | None, secret: str | None, data_dir: Path | None) -> ServiceHistory:
    """The URL and secret of the service's history, the schema checked (the default SQLite file migrated).

    With no URL, the history is ``history.sqlite3`` in ``data_dir``: the service's own file, created and kept
    at the schema head, keyed with ``history_secret`` or else a random secret kept beside it (mode 0600).
    An explicit URL needs the secret and a schema at head (``claimedit history migrate``).
    """
    if url is None:
        folder = data_dir or default_data_dir()
        folder.mkdir(parents=True, exist_ok=True)
        key = secret.encode() if secret else _local_secret(folder / _SECRET_NAME)
        resolved = ServiceHistory(f"sqlite:///{folder / _DB_NAME}", key)
        store = HistoryStore.open(resolved.url, key, check=False)
        try:
            store.migrate()
        finally:
            store.close()
        return resolved
    if not secret or len(secret.encode()) < MIN_SECRET_BYTES:
        msg = f"history_url is set: history_secret (CLAIMEDIT_HISTORY_SECRET) must be at least {MIN_SECRET_BYTES} bytes"
        raise HistoryError(msg)
    resolved = ServiceHistory(url, secret.encode())
    resolved.open().close()  # refuses a schema that is not at head, naming the command
    return resolved


def _local_secret(path: Path) -> bytes:
    if path.exists():
        return path.read_bytes().strip()
    value = secrets.token_hex(32).encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(value)
    return value
