"""Logging for the CLI and the service: structlog, JSON in production, console on a terminal.

Per-message context (correlation id, control numbers, claim ids) is bound with
:func:`structlog.contextvars.bind_contextvars` and merged into every line. A PHI guard runs last
before rendering, on structlog's own lines and on the standard-library lines (FastStream, aio-pika,
pyx12) routed through the same renderer:

- keys that name PHI (patient and subscriber names, dates of birth, member ids, addresses) and keys
  that hold raw X12 (``body``, ``raw``, ``segments``, ``x12`` ...) are replaced by ``"[redacted]"``;
- any string that contains an X12 segment carrying PHI (NM1, N3, N4, DMG ...) is replaced;
- an exception is rendered as its type and the frames it passed, never its message (a parser's
  message may quote the value it choked on).
"""

from __future__ import annotations

import logging
import re
import sys
import traceback
from collections.abc import MutableMapping
from typing import Any, Literal, TextIO

import structlog

from claimedit_edits.model import Person, phi_field_names

__all__ = ["LogFormat", "configure_logging", "guard_phi", "redact_value"]

LogFormat = Literal["auto", "json", "console"]

_RAW_KEYS = frozenset({"body", "raw", "segments", "x12", "payload", "data", "message_body", "interchange"})
_PHI_KEYS = phi_field_names(Person) | frozenset(
    {"name", "patient", "subscriber", "dob", "birth_date", "address", "member", "member_id", "ssn"}
)
_REDACTED = "[redacted]"
_X12_PHI_SEGMENT = re.compile(r"(?:^|[~\n'])\s*(?:NM1|N3|N4|DMG|PAT|REF)[*|^:+]")
_QUIET_LOGGERS = ("pyx12",)
"""pyx12 logs every validation error with the offending value: silenced to CRITICAL."""


def redact_value(value: Any) -> Any:
    """``value`` unless it is a string holding X12 segments that carry PHI."""
    if isinstance(value, str) and _X12_PHI_SEGMENT.search(value):
        return "[redacted x12]"
    if isinstance(value, bytes):
        return f"[{len(value)} bytes]"
    return value


def _exception_summary(exc_info: Any) -> str:
    if exc_info is True:
        exc_info = sys.exc_info()
    if isinstance(exc_info, BaseException):
        exc_info = (type(exc_info), exc_info, exc_info.__traceback__)
    if not isinstance(exc_info, tuple) or exc_info[0] is None:
        return ""
    kind, _, tb = exc_info
    frames = [f"{frame.filename}:{frame.lineno} in {frame.name}" for frame in traceback.extract_tb(tb)]
    return " <- ".join([kind.__name__, *reversed(frames[-8:])])


def guard_phi(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: drop PHI keys, raw X12 and exception messages from a log line."""
    for key in list(event_dict):
        lowered = key.lower()
        if lowered in _PHI_KEYS or lowered in _RAW_KEYS:
            event_dict[key] = _REDACTED
        elif key in ("exc_info", "exception"):
            summary = _exception_summary(event_dict.pop(key))
            if summary:
                event_dict["exception"] = summary
        elif key == "stack_info":
            event_dict.pop(key)
        else:
            event_dict[key] = redact_value(event_dict[key])
    return event_dict


def _renderer(fmt: LogFormat, stream: TextIO) -> Any:
    use_console = fmt == "console" or (fmt == "auto" and stream.isatty())
    if use_console:
        return structlog.dev.ConsoleRenderer(colors=stream.isatty(), exception_formatter=structlog.dev.plain_traceback)
    return structlog.processors.JSONRenderer()


def configure_logging(*, level: str | int = "INFO", fmt: LogFormat = "auto", stream: TextIO | None = None) -> None:
    """Route structlog and standard-library logging through one PHI-guarded renderer on ``stream``.

    ``fmt="auto"`` renders for people on a terminal and JSON lines otherwise. Safe to call again
    (tests reconfigure it to capture output).
    """
    out = stream if stream is not None else sys.stderr
    numeric = logging.getLevelName(level.upper()) if isinstance(level, str) else level
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            guard_phi,
            _renderer(fmt, out),
        ],
    )
    handler = logging.StreamHandler(out)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_claimedit", False):
            root.removeHandler(existing)
    handler._claimedit = True  # type: ignore[attr-defined]  # marks our handler for reconfiguration
    root.addHandler(handler)
    root.setLevel(numeric)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
