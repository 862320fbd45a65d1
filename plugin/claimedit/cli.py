"""The ``claimedit`` command: replay files (or a broker), serve, manage reference tables, render docs.

argparse, because it is in the standard library and gives the exit status 2 on bad usage that the
replay contract promises.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claimedit.observability import configure_logging

__all__ = ["build_parser", "main"]

_SUBCOMMAND_MODULES = ("claimedit.cli_service", "claimedit.cli_tables", "claimedit.dlq")
"""Modules that add their own subcommands with ``add_subparsers(subparsers)``."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimedit",
        description="Claim edits for X12 837P (005010X222A1) professional claims.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    replay = subparsers.add_parser(
        "replay",
        help="read 837P files and folders and print one result per claim",
        description="Read files and folders (recursively) and print one JSON line per claim and per unreadable "
        "interchange or transaction. Exit status 0 when every file was read, whatever the verdicts; "
        "1 when a file could not be read; 2 for bad usage.",
    )
    replay.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    replay.add_argument("--format", choices=("jsonl", "table"), default="jsonl")
    replay.add_argument("--config", type=Path, default=None, help="edits configuration (TOML)")
    replay.add_argument(
        "--no-validate", action="store_true", help="skip pyx12 implementation-guide validation (faster, no 999)"
    )
    replay.add_argument("--broker", default=None, metavar="URL", help="replay through a running claimedit service")
    replay.add_argument(
        "--expect", type=Path, default=None, metavar="DIR", help="with --broker: golden files to compare"
    )
    replay.set_defaults(handler=_replay)
    for name in _SUBCOMMAND_MODULES:
        module: Any = importlib.import_module(name)
        module.add_subparsers(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.handler(args)
    except BrokenPipeError:
        # The reader of our output went away (``| head``): not an error of ours; keep Python quiet on exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    return status


def _replay(args: argparse.Namespace) -> int:
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        print(f"claimedit replay: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    if args.broker is not None:
        service: Any = importlib.import_module("claimedit.cli_service")
        status: int = service.broker_replay(args.paths, args.broker, args.expect, output_format=args.format)
        return status
    if args.expect is not None:
        print("claimedit replay: --expect needs --broker (file replays are compared by the tests)", file=sys.stderr)
        return 2
    from claimedit.pipeline import Pipeline  # noqa: PLC0415  (start-up cost only for commands that need it)
    from claimedit.replay import progress_stream, replay_files, write_jsonl, write_table  # noqa: PLC0415

    # stdout carries the replay lines only: every log line goes to stderr, PHI-guarded.
    configure_logging(level="WARNING", stream=sys.stderr)
    pipeline = Pipeline.start(config_path=args.config, validate=not args.no_validate)
    progress = progress_stream()
    all_read = True
    table_lines: list[dict[str, Any]] = []
    verdicts: Counter[str] = Counter()
    for count, (path, lines, readable) in enumerate(replay_files(pipeline, args.paths), start=1):
        all_read &= readable
        verdicts.update(line["verdict"] for line in lines)
        if args.format == "jsonl":
            write_jsonl(lines, sys.stdout)
            sys.stdout.flush()
        else:
            table_lines.extend(lines)
        if progress is not None:
            summary = " ".join(f"{verdict}={n}" for verdict, n in sorted(verdicts.items()))
            print(f"\r{count} files, {summary} ({path.name})", end="", file=progress, flush=True)
    if progress is not None:
        print(file=progress)
    if args.format == "table":
        write_table(table_lines, sys.stdout)
    return 0 if all_read else 1


if __name__ == "__main__":
    sys.exit(main())
