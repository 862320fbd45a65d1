"""``claimedit serve`` and ``claimedit service-docs``, and the ``replay --broker`` engine the CLI calls."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

__all__ = ["add_subparsers", "broker_replay", "golden_path", "replay_lines_for"]

DEFAULT_REPLAY_TIMEOUT = 120.0


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
    serve.set_defaults(handler=_serve)
    docs = subparsers.add_parser("service-docs", help="write the AsyncAPI document and event JSON Schemas")
    docs.add_argument("--out", type=Path, default=Path("docs"), help="folder to write into (default: docs)")
    docs.set_defaults(handler=_service_docs)


def _serve(args: argparse.Namespace) -> int:
    from claimedit.service import SettingsError, create_service, load_settings  # noqa: PLC0415

    try:
        settings = load_settings(
            args.settings,
            broker_url=args.broker,
            http_host=args.http_host,
            http_port=args.http_port if args.http_port is not None else args.health_port,
            http_only=args.http_only,
            log_format=args.log_format,
        )
    except SettingsError as exc:
        print(f"claimedit serve: {exc}", file=sys.stderr)
        return 2
    service = create_service(settings, configure_logs=True)
    asyncio.run(service.app.run())
    return 0


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
    from claimedit.results import ClaimResult, InputResult, TransactionLocation, UnreadableResult  # noqa: PLC0415
    from claimedit_edits.model import Claim, ClaimLocation, Envelope  # noqa: PLC0415

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
        claim = Claim(claim_id=event.claim_id, envelope=envelope, location=claim_location)
        claims.append(ClaimResult(claim, tuple(event.findings)))
    unreadable = []
    letters = {headers.unreadable_index: headers for _, headers in gathered.dead_letters}
    for index in sorted(letters):
        headers = letters[index]
        location = TransactionLocation(
            source, headers.interchange_control, headers.group_control, headers.transaction_control
        )
        unreadable.append(UnreadableResult(location, headers.claims_inside, tuple(headers.finding_list())))
    return result_lines(InputResult(source, tuple(claims), tuple(unreadable)))


async def _replay(
    paths: list[Path], settings: Any, timeout: float
) -> tuple[list[tuple[Path, list[dict[str, Any]]]], list[Path]]:
    from claimedit.replay import discover  # noqa: PLC0415
    from claimedit.service.watcher import OutputWatcher  # noqa: PLC0415

    sent: list[tuple[Path, str]] = []
    unreadable: list[Path] = []
    async with OutputWatcher(settings) as watcher:
        for path in discover(paths):
            try:
                data = path.read_bytes()
            except OSError as exc:
                print(f"claimedit replay: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
                unreadable.append(path)
                continue
            sent.append((path, await watcher.send(data, source=str(path))))
        missing = set(await watcher.wait([cid for _, cid in sent], timeout))
    results = [(path, replay_lines_for(watcher.by_correlation[cid], str(path))) for path, cid in sent]
    return results, [path for path, cid in sent if cid in missing] + unreadable


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
    difference or a timeout, 2 on bad settings.
    """
    from claimedit.replay import write_jsonl, write_table  # noqa: PLC0415
    from claimedit.service.settings import SettingsError, load_settings  # noqa: PLC0415

    try:
        settings = load_settings(settings_file, broker_url=broker_url, health_port=0)
    except SettingsError as exc:
        print(f"claimedit replay: {exc}", file=sys.stderr)
        return 2
    results, incomplete = asyncio.run(_replay(paths, settings, timeout))
    all_lines = [line for _, lines in results for line in lines]
    if output_format == "table":
        write_table(all_lines, sys.stdout)
    else:
        write_jsonl(all_lines, sys.stdout)
    status = 0
    for path in incomplete:
        print(
            f"claimedit replay: no complete outputs for {path} within {timeout:.0f} s (is the service running?)",
            file=sys.stderr,
        )
        status = 1
    if expect_dir is not None:
        for problem in _compare(results, expect_dir):
            print(f"claimedit replay: {problem}", file=sys.stderr)
            status = 1
    return status
