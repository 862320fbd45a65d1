"""Exit statuses of the ``claimedit`` command and the one-line messages that replace tracebacks.

A person or an orchestrator reads the status; a person reads the line: what went wrong, where, and how
to fix it. Only failures with a known cause are turned into a line; anything else is a defect and keeps
its traceback.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from enum import IntEnum

__all__ = ["CliError", "ExitStatus", "causes", "startup_error"]


class ExitStatus(IntEnum):
    """Documented in the README ("Exit statuses")."""

    OK = 0
    """Every file was read (whatever the verdicts); the service stopped when asked to."""
    INCOMPLETE = 1
    """A file could not be read, a path given does not exist, or a broker replay is missing outputs."""
    USAGE = 2
    """Bad arguments or configuration (command line, service settings, edits configuration, tables)."""
    BROKER_UNREACHABLE = 3
    """The broker did not answer, or refused the connection (host, port, credentials, TLS)."""
    PORT_IN_USE = 4
    """``serve``: the health and metrics port is already taken by another process."""
    INTERRUPTED = 130
    """Ctrl-C (SIGINT), as shells report it."""


class CliError(Exception):
    """A failure with a known cause: ``message`` is the one line printed after ``claimedit <command>:``."""

    def __init__(self, status: ExitStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


_BROKER_CLIENTS = frozenset({"aiormq", "aio_pika", "pamqp", "nats", "redis", "aiokafka", "kafka"})
"""Top-level modules of the broker clients FastStream uses: their exceptions mean the broker failed us."""

_CONFIG_ERRORS = frozenset({"ConfigError", "TableError", "NcciImportError", "ReferenceTablesMissingError"})
"""Start-up errors of ``claimedit_edits``: a configuration or table edition that cannot be used."""


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, the exceptions grouped in it, and their causes and contexts, each once."""
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        if isinstance(current, BaseExceptionGroup):
            stack.extend(current.exceptions)
        stack.extend(linked for linked in (current.__cause__, current.__context__) if linked is not None)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def startup_error(exc: BaseException, *, broker: str = "", port: str = "") -> CliError | None:
    """The one-line error for a known start-up failure anywhere in ``exc``'s chain, or None (a defect).

    ``broker`` is the broker URL with its password masked, ``port`` the health ``host:port``.
    """
    for cause in causes(exc):
        name = type(cause).__name__
        if name in _CONFIG_ERRORS and type(cause).__module__.startswith("claimedit_edits"):
            return CliError(
                ExitStatus.USAGE,
                f"the edits configuration cannot be used: {_one_line(cause)} (fix the file, or pass another --config)",
            )
        if isinstance(cause, OSError) and cause.errno == errno.EADDRINUSE and port:
            return CliError(
                ExitStatus.PORT_IN_USE,
                f"the health port {port} is already in use by another process "
                "(stop it, or choose another with --health-port / CLAIMEDIT_HEALTH_PORT; 0 turns it off)",
            )
    for cause in causes(exc):
        module = type(cause).__module__.split(".")[0]
        if broker and (module in _BROKER_CLIENTS or isinstance(cause, ConnectionError | TimeoutError)):
            return CliError(
                ExitStatus.BROKER_UNREACHABLE,
                f"the broker at {broker} failed the connection: {_one_line(cause)} "
                "(check that it runs, the host, port, credentials and TLS of --broker / CLAIMEDIT_BROKER_URL)",
            )
    return None
