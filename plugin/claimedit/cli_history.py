"""``claimedit history migrate|purge|stats``, and the history a replay or a service opens.

The history URL comes from ``--history``, else ``CLAIMEDIT_HISTORY_URL``; the HMAC secret that keys the
patient identity from ``CLAIMEDIT_HISTORY_SECRET`` (never from the command line, where ``ps`` shows it).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections.abc import Mapping
from typing import Any

__all__ = [
    "HISTORY_SECRET_ENV",
    "HISTORY_URL_ENV",
    "add_history_options",
    "add_subparsers",
    "open_history",
    "replay_history",
]

HISTORY_URL_ENV = "CLAIMEDIT_HISTORY_URL"
HISTORY_SECRET_ENV = "CLAIMEDIT_HISTORY_SECRET"  # noqa: S105  (the variable name, not a secret)


def add_history_options(parser: argparse.ArgumentParser, default_text: str) -> None:
    """``--history URL`` / ``--no-history`` on replay and serve."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--history",
        default=None,
        metavar="URL",
        help=f"claim history database (sqlite:///path or postgresql://user@host/db); default: {default_text}",
    )
    group.add_argument("--no-history", action="store_true", help="edit every claim alone (no history edits)")


def add_subparsers(subparsers: Any) -> None:
    history = subparsers.add_parser(
        "history",
        help="manage the claim history database (migrate, purge, stats)",
        description="Manage the claim history the history edits look back on. The URL is --history or "
        f"{HISTORY_URL_ENV}.",
    )
    actions = history.add_subparsers(dest="history_command", required=True, metavar="ACTION")
    migrate = actions.add_parser("migrate", help="create or upgrade the history schema (Alembic)")
    purge = actions.add_parser("purge", help="delete claims seen longer ago than the retention window")
    purge.add_argument("--days", type=int, default=None, metavar="N", help="retention window in days (default 400)")
    stats = actions.add_parser("stats", help="counts of claims, lines, patients and verdicts (no PHI)")
    for action, handler in ((migrate, _migrate), (purge, _purge), (stats, _stats)):
        action.add_argument("--history", default=None, metavar="URL", help=f"database URL (else {HISTORY_URL_ENV})")
        action.set_defaults(handler=handler)


def _url(args: argparse.Namespace, environ: Mapping[str, str] = os.environ) -> str | None:
    url: str | None = args.history or environ.get(HISTORY_URL_ENV)
    if not url:
        print(f"claimedit history: give --history URL or set {HISTORY_URL_ENV}", file=sys.stderr)
    return url


def open_history(url: str, secret: bytes | None = None, *, check: bool = True) -> Any:
    """A :class:`claimedit.history.store.HistoryStore` on ``url``, keyed with ``secret`` (else from the env)."""
    from claimedit.history.store import HistoryError, HistoryStore  # noqa: PLC0415  (SQLAlchemy only when used)

    if secret is None:
        value = os.environ.get(HISTORY_SECRET_ENV, "")
        if not value:
            msg = f"a persistent claim history needs its HMAC secret in {HISTORY_SECRET_ENV} (at least 16 bytes)"
            raise HistoryError(msg)
        secret = value.encode()
    return HistoryStore.open(url, secret, check=check)


def replay_history(url: str | None, *, disabled: bool) -> Any:
    """The history of a replay: none, the database at ``url``, or (default) one for this run only."""
    if disabled:
        return None
    if url is None:
        from claimedit.history.run import RunHistory  # noqa: PLC0415

        secret = secrets.token_bytes(32)
        return RunHistory(lambda: _run_only(secret))
    return open_history(url)


def _run_only(secret: bytes) -> Any:
    """The run's own history, in a temporary file: a replay's memory does not grow with its claims."""
    from claimedit.history.store import HistoryStore  # noqa: PLC0415  (SQLAlchemy only once a claim needs it)

    return HistoryStore.in_temporary_file(secret)


def _migrate(args: argparse.Namespace) -> int:
    from claimedit.history.store import HistoryError  # noqa: PLC0415

    url = _url(args)
    if url is None:
        return 2
    try:
        store = open_history(url, secrets.token_bytes(32), check=False)
        before, after = store.migrate()
    except HistoryError as exc:
        print(f"claimedit history migrate: {exc}", file=sys.stderr)
        return 1
    print(f"claim history schema: {before or 'none'} -> {after}")
    return 0


def _purge(args: argparse.Namespace) -> int:
    from claimedit.history.store import DEFAULT_RETENTION_DAYS, HistoryError  # noqa: PLC0415

    url = _url(args)
    if url is None:
        return 2
    days = DEFAULT_RETENTION_DAYS if args.days is None else args.days
    if days < 1:
        print("claimedit history purge: --days must be at least 1", file=sys.stderr)
        return 2
    try:
        deleted = open_history(url, secrets.token_bytes(32)).purge(days)
    except HistoryError as exc:
        print(f"claimedit history purge: {exc}", file=sys.stderr)
        return 1
    print(f"purged {deleted} claims seen more than {days} days ago")
    return 0


def _stats(args: argparse.Namespace) -> int:
    from claimedit.history.store import HistoryError  # noqa: PLC0415

    url = _url(args)
    if url is None:
        return 2
    try:
        stats = open_history(url, secrets.token_bytes(32)).stats()
    except HistoryError as exc:
        print(f"claimedit history stats: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(stats.as_dict(), indent=2))
    return 0
