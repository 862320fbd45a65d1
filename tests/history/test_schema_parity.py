"""A replay's own history creates its tables from the table definitions; a database is built by the migrations.
Both must give the same schema, or the two would drift apart unseen."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import inspect

from claimedit.history.store import HistoryStore


def _schema(store: HistoryStore) -> dict[str, Any]:
    inspector = inspect(store.engine)
    tables = sorted(name for name in inspector.get_table_names() if name != "alembic_version")
    return {
        name: (
            sorted((column["name"], str(column["type"]), column["nullable"]) for column in inspector.get_columns(name)),
            sorted((ix["name"], tuple(ix["column_names"]), ix["unique"]) for ix in inspector.get_indexes(name)),
            inspector.get_pk_constraint(name)["constrained_columns"],
        )
        for name in tables
    }


def test_the_run_only_history_has_the_schema_the_migrations_build(tmp_path: Path) -> None:
    secret = secrets.token_bytes(32)
    migrated = HistoryStore.open(f"sqlite:///{tmp_path / 'history.sqlite3'}", secret, check=False)
    migrated.migrate()
    created = HistoryStore.in_memory(secret)

    assert _schema(migrated) == _schema(created)
    assert _schema(created)  # the tables exist at all
