"""``claimedit serve`` and ``claimedit service-docs``, and the ``replay --broker`` engine the CLI calls.

Before anything connects for real, a pre-flight checks what most often goes wrong at start-up, so
that it is one line and a documented exit status rather than a traceback or a reconnect loop: the
settings and the edits configuration, the broker answering on its host and port (a TCP connect with
a short timeout), and the health port being free. Failures that only the broker itself can report
(credentials, TLS) are turned into the same one line at the command's boundary.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import socket
import sys
from pathlib import Path
from typing import Any

from claimedit.cli_errors import CliError, ExitStatus, startup_error
from claimedit.cli_history import add_history_options

__all__ = ["add_subparsers", "broker_addresses", "broker_replay", "golden_path", "preflight", "replay_lines_for"]

DEFAULT_REPLAY_TIMEOUT = 120.0
CONNECT_TIMEOUT = 5.0
"""Seconds the pre-flight waits for the broker's TCP port to answer."""

_DEFAULT_PORTS = {
    "amqp": 5672,
    "amqps": 5671,
    "nats": 4222,
    "tls": 4222,
    "redis": 6379,
    "rediss": 6379,
    "kafka": 9092,
}


def add_subparsers(subparsers: Any) -> None:
    """Register ``serve`` and ``service-docs`` on the ``claimedit`` command."""
    serve = subparsers.add_parser(
        "serve",
        help="run the broker plugin (FastStream consumer and publisher)",
        description="Consume X12 837P interchanges from a broker and publish per-claim events, 277CAs, 999s "
        "and dead letters. Every setting also comes from CLAIMEDIT_* environment variables or a TOML file.",
    )
    serve.add_argument(
        "--broker",
        default=None,
        metavar="URL",
        help="amqp:// (default), nats://, redis:// or kafka:// URL; else CLAIMEDIT_BROKER_URL",
    )
    serve.add_argument(
        "--settings", type=Path, default=None, metavar="TOML", help="settings file (else CLAIMEDIT_SETTINGS_FILE)"
    )
    serve.add_argument("--health-port", type=int, default=None, help=argparse.SUPPRESS)  # old name of --http-port
    serve.add_argument(
        "--http-host", default=None, help="address of the HTTP API, health and metrics (default 127.0.0.1)"
    )
    serve.add_argument("--http-port", type=int, default=None, help="port of the HTTP API (default 8080; 0: off)")
    serve.add_argument(
        "--http-only", action="store_true", default=None, help="serve POST /v1/validate without any broker"
    )
    serve.add_argument("--log-format", choices=("auto", "json", "console"), default=None)
    add_history_options(serve, "history.sqlite3 in the data folder (CLAIMEDIT_HISTORY_URL, CLAIMEDIT_DATA_DIR)")
    serve.set_defaults(handler=_serve)
    docs = subparsers.add_parser("service-docs", help="write the AsyncAPI document and event JSON Schemas")
    docs.add_argument("--out", type=Path, default=Path("docs"), help="folder to write into (default: docs)")
    docs.set_defaults(handler=_service_docs)


def _settings_error(exc: Exception) -> CliError:
    """The settings problems (one per line in the message) joined into one line, with where to fix them."""
    head, *problems = str(exc).splitlines()
    detail = "; ".join(problem.strip() for problem in problems) if problems else ""
    message = f"{head.rstrip(':')}: {detail}" if detail else head
    return CliError(
        ExitStatus.USAGE, f"{message} (fix the --settings file, the command line or the CLAIMEDIT_* variables)"
    )


def _load_settings(settings_file: Path | None, **overrides: Any) -> Any:
    from claimedit.service.settings import SettingsError, load_settings  # noqa: PLC0415

    try:
        return load_settings(settings_file, **overrides)
    except SettingsError as exc:
        raise _settings_error(exc) from None


def broker_addresses(url: str) -> list[tuple[str, int]]:
    """The (host, port) pairs a broker URL names: ``kafka://a:9092,b:9092`` names two; default ports per scheme."""
    scheme, _, rest = url.partition("://")
    netloc = rest.split("/", 1)[0].split("?", 1)[0].rsplit("@", 1)[-1]
    default = _DEFAULT_PORTS.get(scheme.lower(), 0)
    addresses = []
    for item in netloc.split(","):
        host, port = item.strip(), default
        if host.startswith("["):  # [IPv6]:port
            address, _, tail = host[1:].partition("]")
            host, port = address, int(tail[1:]) if tail.startswith(":") and tail[1:].isdigit() else default
        elif host.count(":") == 1:
            name, _, number = host.partition(":")
            host, port = name, int(number) if number.isdigit() else default
        if host:
            addresses.append((host, port))
    return addresses


async def _answers(host: str, port: int, timeout: float) -> str | None:
    """None when ``host:port`` accepts a TCP connection within ``timeout``, else why not (in words)."""
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except OSError as exc:
        return str(exc.strerror or exc)
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    return None


async def _broker_answers(url: str, timeout: float) -> str | None:
    """None when any of the broker's addresses answers, else every address and why it did not."""
    problems = []
    for host, port in broker_addresses(url):
        problem = await _answers(host, port, timeout)
        if problem is None:
            return None
        problems.append(f"{host}:{port}: {problem}")
    return "; ".join(problems) or "the URL names no host"


async def _amqp_login(url: str, timeout: float) -> str | None:
    """None when RabbitMQ accepts the URL's credentials and virtual host, else its refusal in one line.

    Plain ``amqp://`` only (``amqps://`` needs the service's TLS settings); without this, a refused login
    would be logged by aio-pika's robust connection as "Reconnecting after 5 seconds" before the exit.
    """
    import aiormq  # noqa: PLC0415  (RabbitMQ only)

    try:
        connection = await asyncio.wait_for(aiormq.connect(url), timeout)
    except TimeoutError:
        return f"no AMQP handshake within {timeout:g} s"
    except Exception as exc:  # noqa: BLE001  (any refusal is reported the same way: one line)
        return " ".join(str(exc).split()) or type(exc).__name__
    await connection.close()
    return None


def _port_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` now (bound as asyncio does, with SO_REUSEADDR)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError:
        return True  # an unknown host: the server's own start reports it
    for family, kind, proto, _, address in infos:
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(address)
            except OSError:
                return False
    return True


def _port_in_use(host: str, port: int) -> CliError:
    return CliError(
        ExitStatus.PORT_IN_USE,
        f"the health port {host}:{port} is already in use by another process "
        "(stop it, or choose another with --health-port / CLAIMEDIT_HEALTH_PORT; 0 turns it off)",
    )


def preflight(settings: Any, *, timeout: float = CONNECT_TIMEOUT) -> None:
    """Raise :class:`CliError` when the edits configuration is unusable, the broker does not answer or the
    health port is taken; return quietly otherwise."""
    from claimedit.service.settings import redact_url  # noqa: PLC0415

    if settings.edits_config is not None:
        from claimedit_edits.config import load_config  # noqa: PLC0415
        from claimedit_edits.engine import load_registry  # noqa: PLC0415

        try:
            load_config(settings.edits_config, load_registry())
        except Exception as exc:
            error = startup_error(exc)
            if error is None:
                raise
            raise error from exc
    if getattr(settings, "health_port", 0) and not _port_free(settings.health_host, settings.health_port):
        raise _port_in_use(settings.health_host, settings.health_port)
    if getattr(settings, "http_only", False):  # no broker to ask
        return
    url = redact_url(settings.broker_url)
    problem = asyncio.run(_broker_answers(settings.broker_url, timeout))
    if problem is not None:
        raise CliError(
            ExitStatus.BROKER_UNREACHABLE,
            f"the broker at {url} does not answer ({problem}): start it, or fix --broker / CLAIMEDIT_BROKER_URL",
        )
    if settings.broker_url.lower().startswith("amqp://"):
        refusal = asyncio.run(_amqp_login(settings.broker_url, timeout))
        if refusal is not None:
            raise CliError(
                ExitStatus.BROKER_UNREACHABLE,
                f"the broker at {url} refused the connection ({refusal}): check the user, password and virtual "
                "host in --broker / CLAIMEDIT_BROKER_URL",
            )


def _serve(args: argparse.Namespace) -> int:
    from claimedit.history.store import HistoryError  # noqa: PLC0415
    from claimedit.service import create_service  # noqa: PLC0415
    from claimedit.service.app import service_history  # noqa: PLC0415
    from claimedit.service.settings import redact_url  # noqa: PLC0415

    settings = _load_settings(
        args.settings,
        broker_url=args.broker,
        http_host=args.http_host,
        http_port=args.http_port if args.http_port is not None else args.health_port,
        http_only=args.http_only,
        log_format=args.log_format,
        history_url=args.history,
        history_enabled=False if args.no_history else None,
    )
    try:
        service_history(settings)  # a schema behind stops here, in one line naming `claimedit history migrate`
    except HistoryError as exc:
        raise CliError(ExitStatus.USAGE, str(exc)) from exc
    preflight(settings)
    service = create_service(settings, configure_logs=True)
    try:
        asyncio.run(service.app.run())
    except Exception as exc:
        port = f"{settings.health_host}:{settings.health_port}" if settings.health_port else ""
        error = startup_error(exc, broker=redact_url(settings.broker_url), port=port)
        if error is None:
            raise
        raise error from exc
    return int(ExitStatus.OK)


def _service_docs(args: argparse.Namespace) -> int:
    from claimedit.service.docs import write_docs  # noqa: PLC0415

    for path in write_docs(args.out):
        print(path)
    return 0


def golden_path(expect_dir: Path, path: Path) -> Path | None:
    """The golden file for input ``path``: ``<name>.jsonl`` or ``<stem>.jsonl`` in ``expect_dir`` (or mirrored)."""
    candidates = [expect_dir / f"{path.name}.jsonl", expect_dir / f"{path.stem}.jsonl"]
    if not path.is_absolute():
        candidates += [expect_dir / path.parent / f"{path.stem}.jsonl", expect_dir / path.with_suffix(".jsonl").name]
    candidates += [path.with_suffix(".jsonl")] if path.parent.resolve() == expect_dir.resolve() else []
    return next((candidate for candidate in candidates if candidate.is_file()), None)


def replay_lines_for(gathered: Any, source: str) -> list[dict[str, Any]]:
    """The file replay's JSON lines rebuilt from one input's outputs (same objects, same order)."""
    from claimedit.replay_output import result_lines  # noqa: PLC0415
    from claimedit.results import (  # noqa: PLC0415
        ClaimResult,
        InputResult,
        SharedFindings,
        TransactionLocation,
        UnreadableResult,
    )
    from claimedit_edits.model import Claim, ClaimLocation, Envelope, Payer  # noqa: PLC0415

    claims = []
    for event in sorted({e.claim_index: e for e in gathered.annotated}.values(), key=lambda e: e.claim_index):
        where = event.source_envelope
        envelope = Envelope(isa_control=where.interchange_control)
        claim_location = ClaimLocation(
            interchange_control=where.interchange_control,
            group_control=where.group_control,
            transaction_control=where.transaction_control,
            clm_segment_index=0,
        )
        payer = Payer(
            name=event.payer.name,
            payer_id=event.payer.payer_id,
            payer_id_qualifier=event.payer.payer_id_qualifier,
            responsibility=event.payer.responsibility,
            filing_indicator=event.payer.filing_indicator,
        )
        claim = Claim(claim_id=event.claim_id, envelope=envelope, location=claim_location, payer=payer)
        claims.append(ClaimResult(claim, tuple(event.findings)))
    unreadable = []
    letters = {headers.unreadable_index: headers for _, headers in gathered.dead_letters}
    for index in sorted(letters):
        headers = letters[index]
        location = TransactionLocation(
            source, headers.interchange_control, headers.group_control, headers.transaction_control
        )
        unreadable.append(UnreadableResult(location, headers.claims_inside, tuple(headers.finding_list())))
    scopes = {scope.scope_index: scope for ack in gathered.acks for scope in ack.scope_findings}
    shared = [
        SharedFindings(
            scope.scope,
            TransactionLocation(
                source, scope.interchange_control, scope.group_control or "", scope.transaction_control or ""
            ),
            scope.location,
            tuple(scope.findings),
            scope.claims_referencing,
        )
        for scope in (scopes[index] for index in sorted(scopes))
    ]
    return result_lines(InputResult(source, tuple(claims), tuple(unreadable), shared=tuple(shared)))


async def _replay(
    paths: list[Path], settings: Any, timeout: float
) -> tuple[list[tuple[Path, list[dict[str, Any]]]], list[Path], list[Path]]:
    """(replay lines per file sent, files whose outputs did not all arrive, paths that could not be read)."""
    from claimedit.replay_paths import Skipped, scan  # noqa: PLC0415
    from claimedit.service.watcher import OutputWatcher  # noqa: PLC0415

    sent: list[tuple[Path, str]] = []
    unreadable: list[Path] = []
    async with OutputWatcher(settings) as watcher:
        for path in scan(paths):
            if isinstance(path, Skipped):
                if path.named:
                    unreadable.append(path.path)
                word = "no such file or folder:" if path.kind == "missing" else "skipped"
                print(f"claimedit replay: {word} {path.path}: {path.reason}", file=sys.stderr)
                continue
            try:
                data = path.read_bytes()
            except OSError as exc:
                print(f"claimedit replay: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
                unreadable.append(path)
                continue
            sent.append((path, await watcher.send(data, source=str(path))))
        missing = set(await watcher.wait([cid for _, cid in sent], timeout))
    results = [(path, replay_lines_for(watcher.by_correlation[cid], str(path))) for path, cid in sent]
    return results, [path for path, cid in sent if cid in missing], unreadable


def _compare(results: list[tuple[Path, list[dict[str, Any]]]], expect_dir: Path) -> list[str]:
    problems = []
    for path, lines in results:
        golden = golden_path(expect_dir, path)
        if golden is None:
            problems.append(f"{path}: no golden file in {expect_dir}")
            continue
        expected = [json.loads(line) for line in golden.read_text(encoding="utf-8").splitlines() if line.strip()]
        # golden files may have been written from another working directory: compare sources by file name
        normalise = [{**line, "source": Path(line["source"]).name} for line in expected]
        actual = [{**line, "source": Path(line["source"]).name} for line in lines]
        if normalise != actual:
            problems.append(f"{path}: replay differs from {golden} ({len(actual)} lines, {len(normalise)} expected)")
    return problems


def broker_replay(
    paths: list[Path],
    broker_url: str,
    expect_dir: Path | None = None,
    *,
    output_format: str = "jsonl",
    timeout: float = DEFAULT_REPLAY_TIMEOUT,
    settings_file: Path | None = None,
) -> int:
    """Publish every file under ``paths`` to a running service, print the replay lines of its outputs.

    Exit status 0 when all outputs arrived (and match the golden files with ``expect_dir``), 1 on a
    difference, a timeout or a path that could not be read, 2 on bad settings, 3 when the broker is
    unreachable (:class:`claimedit.cli_errors.ExitStatus`).
    """
    from claimedit.replay import write_jsonl, write_table  # noqa: PLC0415
    from claimedit.service.settings import redact_url  # noqa: PLC0415

    settings = _load_settings(settings_file, broker_url=broker_url, health_port=0)
    preflight(settings)
    try:
        results, incomplete, unreadable = asyncio.run(_replay(paths, settings, timeout))
    except Exception as exc:
        error = startup_error(exc, broker=redact_url(settings.broker_url))
        if error is None:
            raise
        raise error from exc
    all_lines = [line for _, lines in results for line in lines]
    if output_format == "table":
        write_table(all_lines, sys.stdout)
    else:
        write_jsonl(all_lines, sys.stdout)
    status = ExitStatus.INCOMPLETE if unreadable else ExitStatus.OK
    for path in incomplete:
        print(
            f"claimedit replay: no complete outputs for {path} within {timeout:g} s (is the service running? "
            "a longer --timeout may help)",
            file=sys.stderr,
        )
        status = ExitStatus.INCOMPLETE
    if expect_dir is not None:
        for problem in _compare(results, expect_dir):
            print(f"claimedit replay: {problem}", file=sys.stderr)
            status = ExitStatus.INCOMPLETE
    return int(status)
