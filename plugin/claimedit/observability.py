"""Logging for the CLI and the service: structlog, JSON in production, console on a terminal.

Per-message context (correlation id, control numbers, claim ids) is bound with
:func:`structlog.contextvars.bind_contextvars` and merged into every line. A PHI guard runs last
before rendering, on structlog's own lines and on the standard-library lines (FastStream, aio-pika,
pyx12) routed through the same renderer:

- keys that name PHI (patient and subscriber names, dates of birth, member ids, addresses) and keys
  that hold raw X12 (``body``, ``raw``, ``segments``, ``x12`` ...) are replaced by ``"[redacted]"``;
- any string that contains an X12 segment carrying PHI (NM1, N3, N4, DMG ...) is replaced;
- an exception is rendered as its type and the frames it passed, never its message (a parser's
  message may quote the value it choked on);
- credentials in URLs (``user:password@``, ``nats://TOKEN@``, ``?password=``) are masked in every string.

Broker clients and FastStream's internals (aiormq, aio_pika, pamqp, nats, redis, aiokafka, kafka,
faststream) log frames and message bodies when debugging: their loggers are floored at WARNING whatever
the level, and their lines keep the format string only, each argument reduced to its type.
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

__all__ = ["THIRD_PARTY_LOGGERS", "LogFormat", "configure_logging", "guard_phi", "mask_credentials", "redact_value"]

LogFormat = Literal["auto", "json", "console"]

_RAW_KEYS = frozenset({"body", "raw", "segments", "x12", "payload", "data", "message_body", "interchange"})
_PHI_KEYS = phi_field_names(Person) | frozenset(
    {"name", "patient", "subscriber", "dob", "birth_date", "address", "member", "member_id", "ssn"}
)
_REDACTED = "[redacted]"
_X12_PHI_SEGMENT = re.compile(r"(?:^|[~\n'])\s*(?:NM1|N3|N4|DMG|PAT|REF)[*|^:+]")
_QUIET_LOGGERS = ("pyx12",)
"""pyx12 logs every validation error with the offending value: silenced to CRITICAL."""
THIRD_PARTY_LOGGERS = ("aiormq", "aio_pika", "pamqp", "nats", "redis", "aiokafka", "kafka", "faststream")
"""Loggers of broker clients and FastStream internals: floored at WARNING, arguments never rendered."""
_URL_CREDENTIALS = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^\s/@]+)@")
_SECRET_QUERY = re.compile(
    r"(?P<name>[?&][^=&\s]*(?:pass|pwd|secret|token|key|auth|cred|sasl|sig)[^=&\s]*=)[^&\s]*", re.IGNORECASE
)


def mask_credentials(text: str) -> str:
    """``text`` with the credentials of any URL in it masked (password, username-only token, secret parameters)."""
    if "://" not in text:
        return text

    def _userinfo(match: re.Match[str]) -> str:
        user, has_password, _ = match.group("userinfo").partition(":")
        return f"{match.group('scheme')}{user}:***@" if has_password else f"{match.group('scheme')}***@"

    masked = _URL_CREDENTIALS.sub(_userinfo, text)
    return _SECRET_QUERY.sub(lambda match: match.group("name") + "***", masked)


class _ThirdPartyFilter(logging.Filter):
    """Library lines keep their format string; every argument becomes ``<type>`` (a body is never rendered)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not record.name.startswith(THIRD_PARTY_LOGGERS):
            return True
        if not isinstance(record.msg, str):
            record.msg, record.args = f"<{type(record.msg).__name__}>", None
        elif record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.msg = _strip_placeholders(record.msg) + "".join(f" <{type(arg).__name__}>" for arg in args)
            record.args = None
        return True


_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa%]")


def _strip_placeholders(msg: str) -> str:
    return _PLACEHOLDER.sub(lambda match: "%" if match.group(0) == "%%" else "_", msg)


def redact_value(value: Any) -> Any:
    """``value`` unless it is a string holding X12 segments that carry PHI; URL credentials masked."""
    if isinstance(value, str):
        if _X12_PHI_SEGMENT.search(value):
            return "[redacted x12]"
        return mask_credentials(value)
    if isinstance(value, bytes | bytearray | memoryview):
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
    handler.addFilter(_ThirdPartyFilter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "_claimedit", False):
            root.removeHandler(existing)
    handler._claimedit = True  # type: ignore[attr-defined]  # marks our handler for reconfiguration
    root.addHandler(handler)
    root.setLevel(numeric)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    for name in THIRD_PARTY_LOGGERS:
        logging.getLogger(name).setLevel(max(numeric, logging.WARNING))
