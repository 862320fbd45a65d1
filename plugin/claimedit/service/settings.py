"""Service settings: environment variables (``CLAIMEDIT_...``) over an optional TOML file over defaults.

The TOML file is named by ``CLAIMEDIT_SETTINGS_FILE`` (or passed to :func:`load_settings`); its keys
are the field names below, at top level or under a ``[service]`` table. Everything is checked when the
service starts; :class:`SettingsError` lists every problem in one message.
"""

from __future__ import annotations

import os
import re
import tomllib
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

__all__ = [
    "BROKER_SCHEMES",
    "TLS_SCHEMES",
    "BrokerKind",
    "ServiceSettings",
    "SettingsError",
    "available_cpus",
    "load_settings",
    "redact_url",
]

BrokerKind = Literal["rabbit", "nats", "redis", "kafka"]
BROKER_SCHEMES: dict[str, BrokerKind] = {
    "amqp": "rabbit",
    "amqps": "rabbit",
    "nats": "nats",
    "tls": "nats",
    "redis": "redis",
    "rediss": "redis",
    "kafka": "kafka",
    "kafkas": "kafka",
}
TLS_SCHEMES = frozenset({"amqps", "tls", "rediss", "kafkas"})
"""Schemes that ask for TLS: the service refuses to talk to such a broker in plain text."""
SETTINGS_FILE_ENV = "CLAIMEDIT_SETTINGS_FILE"


class SettingsError(ValueError):
    """The service settings are invalid; the message names every bad field and why."""


_SECRET_PARAM = re.compile(r"pass|pwd|secret|token|key|auth|cred|sasl|sig", re.IGNORECASE)
_MASK = "***"


def redact_url(url: str) -> str:
    """``url`` without credentials, for logs and error messages.

    The password of ``user:password@``, a username-only token (``nats://TOKEN@host``) and the values of
    query parameters that name a secret (``?password=``, ``?token=``, ``?sasl_password=`` ...) are masked.
    """
    try:
        parts = urlsplit(url)
    except ValueError:
        return _MASK
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, host = netloc.rsplit("@", 1)
        user, has_password, _ = userinfo.partition(":")
        netloc = f"{user}:{_MASK}@{host}" if has_password else f"{_MASK}@{host}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, _MASK if _SECRET_PARAM.search(k) else v) for k, v in pairs], safe="*")
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def available_cpus() -> int:
    """CPUs this process may run on (its affinity mask, which a container's cpuset narrows), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


class _TomlSource(PydanticBaseSettingsSource):
    def __init__(self, settings_cls: type[BaseSettings], path: Path | None) -> None:
        super().__init__(settings_cls)
        self._data: dict[str, Any] = {}
        if path is not None:
            try:
                raw = tomllib.loads(path.read_text(encoding="utf-8"))
            except OSError as exc:
                msg = f"cannot read settings file {path}: {exc.strerror}"
                raise SettingsError(msg) from exc
            except tomllib.TOMLDecodeError as exc:
                msg = f"settings file {path} is not valid TOML: {exc}"
                raise SettingsError(msg) from exc
            self._data = dict(raw.get("service", raw))

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:  # noqa: ARG002  (interface)
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._data)


class ServiceSettings(BaseSettings):
    """Everything ``claimedit serve`` needs. Names of queues, subjects, streams or topics are per broker."""

    model_config = SettingsConfigDict(env_prefix="CLAIMEDIT_", extra="forbid", validate_default=True)

    broker_url: str = "amqp://guest:guest@127.0.0.1:5672/"
    """amqp:// RabbitMQ (default), nats:// NATS JetStream, redis:// Redis Streams, kafka://host:port Kafka;
    amqps://, tls:// (NATS), rediss:// and kafkas:// for TLS."""
    input: str = "claims.incoming"
    annotated: str = "claims.annotated"
    rejected: str = "claims.rejected"
    acks: str = "claims.acks"
    dlq: str = "claims.dlq"
    group: str = "claimedit"
    """Consumer group (Redis, Kafka) or durable consumer name (NATS)."""
    rabbit_exchange: str = "claimedit"
    """RabbitMQ: durable topic exchange the outputs are published to (routing key = output name); the
    service binds a durable queue of the same name to each, and replays bind their own."""
    nats_stream: str = "CLAIMEDIT"
    """JetStream stream holding the input and output subjects (created when missing)."""
    prefetch: int = Field(default=8, ge=1, le=1000)
    """Input messages in flight per process (RabbitMQ prefetch, NATS pull batch)."""
    max_deliveries: int = Field(default=5, ge=1, le=100)
    """After this many failed deliveries of one input it goes to the dead-letter queue."""
    ack_wait_seconds: float = Field(default=60.0, gt=0)
    """NATS: redelivery after this long without an ack."""
    publish_timeout_seconds: float = Field(default=30.0, gt=0)
    """How long one publish may wait for the broker's confirm before the input is retried."""
    graceful_timeout: float = Field(default=30.0, gt=0)
    """SIGTERM: seconds to finish in-flight messages before exiting."""
    edits_config: Path | None = None
    """TOML edit configuration handed to the pipeline (select/ignore, severities, payer layers)."""
    workers: int = Field(default_factory=available_cpus, ge=1, le=64)
    """Processes running the pipeline (never the event loop): by default one per CPU this process may use."""
    input_cpu_seconds: float = Field(default=30.0, gt=0, le=3600)
    """CPU time one input may take in its worker; over it the input is dead-lettered (``over-cpu-budget``)."""
    input_wall_seconds: float | None = Field(default=None, gt=0)
    """Backstop: a worker silent this long on one input is killed and the pool replaced (default: twice
    the CPU budget plus 10 s)."""
    max_input_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    """Larger inputs are dead-lettered unread (``over-size``) with a 999 rejecting each readable group.
    The pipeline holds a whole input while it works: a worker peaked at 200 MB for a 2 MB interchange
    (about 5,800 claims) and adds about 70 MB per MB beyond (bench/bench_service_memory.py, docs/operations.md)."""
    max_element_length: int = Field(default=1024, ge=80)
    """An input with a data element longer than this (no 837P element allows more than 264 characters)
    is dead-lettered as ``over-size``: such values would otherwise be copied into events and 277CAs."""
    publish_attempts: int = Field(default=3, ge=1, le=20)
    """Tries per output before the input is dead-lettered with reason ``publish-failed``."""
    tls_ca_file: Path | None = None
    """PEM CA bundle that signs the broker's certificate (default: the system's trust store)."""
    tls_cert_file: Path | None = None
    """PEM client certificate, for brokers that authenticate clients by certificate."""
    tls_key_file: Path | None = None
    """PEM private key of ``tls_cert_file`` (may be the same file)."""
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "PLAIN"
    """Kafka: SASL mechanism used when the URL carries ``user:password@`` (only over kafkas://)."""
    validate_x12: bool = True
    """Validate against the implementation guide with pyx12 (findings and 999s)."""
    http_host: str = "127.0.0.1"
    """Address of the HTTP API (``/v1/validate``, ``/health/live``, ``/health/ready``, ``/metrics``)."""
    http_port: int = Field(default=8080, ge=0, le=65535)
    """Port of the HTTP API; 0 turns it off (broker only). ``health_host``/``health_port`` are old names."""
    http_only: bool = False
    """Serve the HTTP API without any broker (``claimedit serve --http-only``)."""
    log_level: str = "INFO"
    log_format: Literal["auto", "json", "console"] = "auto"
    history_enabled: bool = True
    """Edit claims against the patient's earlier claims (the ``history`` edits); false edits each claim alone."""
    history_url: str | None = None
    """Claim history database: sqlite:///path or postgresql://user@host/db; unset, history.sqlite3 in data_dir."""
    history_secret: SecretStr | None = None
    """HMAC key of the patient identity (at least 16 bytes); required with history_url, else kept in data_dir."""
    data_dir: Path | None = None
    """The service's data folder (unset: $XDG_DATA_HOME/claimedit, i.e. ~/.local/share/claimedit)."""

    @model_validator(mode="before")
    @classmethod
    def _old_names(cls, data: Any) -> Any:
        """``health_host``/``health_port`` (before the HTTP API) are read as ``http_host``/``http_port``."""
        if isinstance(data, dict):
            data = dict(data)
            for old, new in (("health_host", "http_host"), ("health_port", "http_port")):
                if old in data:
                    value = data.pop(old)
                    data.setdefault(new, value)
                environment = os.environ.get(f"CLAIMEDIT_{old.upper()}")
                if environment is not None:
                    data.setdefault(new, environment)
        return data

    @property
    def health_port(self) -> int:
        """Old name of :attr:`http_port`."""
        return self.http_port

    @property
    def health_host(self) -> str:
        """Old name of :attr:`http_host`."""
        return self.http_host

    @property
    def broker_kind(self) -> BrokerKind:
        return BROKER_SCHEMES[urlsplit(self.broker_url).scheme.lower()]

    @property
    def uses_tls(self) -> bool:
        return urlsplit(self.broker_url).scheme.lower() in TLS_SCHEMES

    @property
    def wall_seconds(self) -> float:
        """How long the parent waits for a worker on one input before replacing the pool."""
        return self.input_wall_seconds or self.input_cpu_seconds * 2 + 10

    @field_validator("broker_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        scheme = urlsplit(value).scheme.lower()
        if scheme not in BROKER_SCHEMES:
            known = ", ".join(f"{name}://" for name in BROKER_SCHEMES)
            msg = f"unsupported broker URL scheme {scheme + '://' if scheme else '(none)'}: use one of {known}"
            raise ValueError(msg)
        if not urlsplit(value).hostname:
            msg = f"broker URL {redact_url(value)} names no host"
            raise ValueError(msg)
        return value

    @field_validator("input", "annotated", "rejected", "acks", "dlq", "group", "nats_stream", "rabbit_exchange")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not value or any(char.isspace() for char in value) or ">" in value or "*" in value:
            msg = f"{value!r} is not a usable queue/subject name (empty, whitespace or wildcard)"
            raise ValueError(msg)
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            msg = f"log level {value!r} is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"
            raise ValueError(msg)
        return value.upper()

    @model_validator(mode="after")
    def _distinct_destinations(self) -> ServiceSettings:
        names = [self.input, self.annotated, self.rejected, self.acks, self.dlq]
        if len(set(names)) != len(names):
            msg = f"input and output names must all differ, got {names}"
            raise ValueError(msg)
        if self.edits_config is not None and not self.edits_config.is_file():
            msg = f"edits_config {self.edits_config} is not a file"
            raise ValueError(msg)
        tls_files = {"tls_ca_file": self.tls_ca_file, "tls_cert_file": self.tls_cert_file}
        tls_files["tls_key_file"] = self.tls_key_file
        for name, path in tls_files.items():
            if path is not None and not path.is_file():
                msg = f"{name} {path} is not a file"
                raise ValueError(msg)
        if any(tls_files.values()) and not self.uses_tls:
            scheme = urlsplit(self.broker_url).scheme
            msg = f"TLS files are set but {scheme}:// is plain text: use amqps://, tls://, rediss:// or kafkas://"
            raise ValueError(msg)
        if self.tls_key_file is not None and self.tls_cert_file is None:
            msg = "tls_key_file is set without tls_cert_file"
            raise ValueError(msg)
        parts = urlsplit(self.broker_url)
        if self.broker_kind == "kafka" and parts.password is not None and not self.uses_tls:
            msg = "Kafka SASL credentials in a kafka:// URL would travel in plain text: use kafkas://"
            raise ValueError(msg)
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,  # noqa: ARG003  (no .env files: env and TOML only)
        file_secret_settings: PydanticBaseSettingsSource,  # noqa: ARG003
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        toml_path = _toml_path.get()
        return (init_settings, env_settings, _TomlSource(settings_cls, toml_path))


_toml_path: ContextVar[Path | None] = ContextVar("claimedit_settings_toml", default=None)


def load_settings(toml_file: Path | None = None, **overrides: Any) -> ServiceSettings:
    """Settings from ``overrides``, then ``CLAIMEDIT_*`` variables, then the TOML file, then defaults."""
    env_file = os.environ.get(SETTINGS_FILE_ENV)
    token = _toml_path.set(toml_file or (Path(env_file) if env_file else None))
    try:
        return ServiceSettings(**{key: value for key, value in overrides.items() if value is not None})
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"]) or "settings"
            env_name = f"CLAIMEDIT_{where.upper()}" if error["loc"] else ""
            detail = error["msg"].removeprefix("Value error, ")
            problems.append(f"  {where}{f' ({env_name})' if env_name else ''}: {detail}")
        msg = "invalid claimedit service settings:\n" + "\n".join(problems)
        raise SettingsError(msg) from None
    finally:
        _toml_path.reset(token)
