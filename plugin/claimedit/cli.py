"""The ``claimedit`` command: replay files (or a broker), serve, manage reference tables, render docs.

argparse, because it is in the standard library and gives the exit status 2 on bad usage that the
replay contract promises. Known failures (a path that does not exist, a bad configuration, an
unreachable broker, a port in use) print one line on stderr and exit with a documented status
(:class:`claimedit.cli_errors.ExitStatus`); only a defect prints a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from claimedit.cli_errors import CliError, ExitStatus, startup_error
from claimedit.cli_history import add_history_options, replay_history
from claimedit.observability import configure_logging

__all__ = ["build_parser", "main"]

_SUBCOMMAND_MODULES = ("claimedit.cli_service", "claimedit.cli_tables", "claimedit.cli_history", "claimedit.dlq")
"""Modules that add their own subcommands with ``add_subparsers(subparsers)``."""

FORMATS = ("jsonl", "table", "html")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version  # noqa: PLC0415  (only --version needs it)

    try:
        return version("claimedit")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


class _VersionAction(argparse.Action):
    """``--version``: the installed version, looked up only when asked for (package metadata is slow to import)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> None:
        print(f"claimedit {_version()}")  # on stdout, as argparse's own version action prints
        parser.exit()


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:
        msg = f"{value!r} is not a positive number of seconds"
        raise argparse.ArgumentTypeError(msg)
    return seconds


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claimedit",
        description="Claim edits for X12 837P (005010X222A1) professional claims.",
        epilog="Exit statuses: 0 done; 1 a file could not be read or outputs are missing; 2 bad usage or "
        "configuration; 3 broker unreachable; 4 health port in use; 130 interrupted.",
    )
    parser.add_argument("--version", action=_VersionAction, help="print the version and exit")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    replay = subparsers.add_parser(
        "replay",
        help="read 837P files and folders and print one result per claim",
        description="Read files and folders (recursively) and print one JSON line per claim and per unreadable "
        "interchange or transaction. Inside folders, files that do not start with an ISA segment, hidden "
        "files, links leading out of the folder and special files are skipped and listed on stderr. Exit "
        "status 0 when every file was read, whatever the verdicts; 1 when a file could not be read or a "
        "path does not exist (the others are still replayed); 2 for bad usage or configuration; 3 when "
        "the broker is unreachable.",
    )
    replay.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    replay.add_argument(
        "--format", choices=FORMATS, default="jsonl", help="jsonl (default), table for people, html report"
    )
    replay.add_argument(
        "--out", type=Path, default=None, metavar="FILE", help="write there instead of stdout (e.g. report.html)"
    )
    replay.add_argument("--config", type=Path, default=None, help="edits configuration (TOML)")
    replay.add_argument(
        "--no-validate", action="store_true", help="skip implementation-guide validation (faster, no 999)"
    )
    replay.add_argument(
        "--validator",
        choices=("compiled", "pyx12"),
        default="compiled",
        help="compiled: the check compiled from pyx12's map answers clean interchanges, pyx12 the rest (default); "
        "pyx12: pyx12 validates every interchange",
    )
    replay.add_argument("--broker", default=None, metavar="URL", help="replay through a running claimedit service")
    replay.add_argument(
        "--expect", type=Path, default=None, metavar="DIR", help="with --broker: golden files to compare"
    )
    replay.add_argument(
        "--timeout",
        type=_seconds,
        default=None,
        metavar="SECONDS",
        help="with --broker: how long to wait for every output (default 120)",
    )
    add_history_options(replay, "a history for this run only (the files replayed together see each other)")
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
    except CliError as exc:
        print(f"claimedit {args.command}: {exc.message}", file=sys.stderr)
        return int(exc.status)
    except KeyboardInterrupt:
        print(f"claimedit {args.command}: interrupted", file=sys.stderr)
        return int(ExitStatus.INTERRUPTED)
    except BrokenPipeError:
        # The reader of our output went away (``| head``): not an error of ours; keep Python quiet on exit.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return int(ExitStatus.OK)
    return status


def _say(message: str) -> None:
    print(f"claimedit replay: {message}", file=sys.stderr)


def _replay(args: argparse.Namespace) -> int:
    present = [path for path in args.paths if os.path.lexists(path)]
    if not present:
        for path in args.paths:
            _say(f"no such file or folder: {path} (check the path)")
        return int(ExitStatus.USAGE)
    if args.broker is not None:
        if args.format == "html":
            raise CliError(ExitStatus.USAGE, "--format html is for file replays (leave out --broker)")
        service: Any = importlib.import_module("claimedit.cli_service")
        with _output(args.out) as out, contextlib.redirect_stdout(out):
            status: int = service.broker_replay(
                args.paths,
                args.broker,
                args.expect,
                output_format=args.format,
                timeout=args.timeout or service.DEFAULT_REPLAY_TIMEOUT,
            )
        return status
    if args.expect is not None:
        raise CliError(ExitStatus.USAGE, "--expect needs --broker (file replays are compared by the tests)")
    if args.timeout is not None:
        raise CliError(ExitStatus.USAGE, "--timeout needs --broker (a file replay waits for nothing)")
    # stdout carries the replay lines only: every log line goes to stderr, PHI-guarded.
    configure_logging(level="WARNING", stream=sys.stderr)
    pipeline = _start_pipeline(args)  # before --out is opened: a bad configuration leaves no empty file behind
    with _output(args.out) as out:
        return _replay_files(args, pipeline, out)


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[TextIO]:
    """stdout, or the file ``--out`` names (a file that cannot be written is bad usage, said in one line)."""
    if path is None:
        yield sys.stdout
        return
    try:
        out = path.open("w", encoding="utf-8")
    except OSError as exc:
        message = f"cannot write {path}: {exc.strerror or exc} (choose another --out)"
        raise CliError(ExitStatus.USAGE, message) from exc
    with out:
        yield out


def _start_pipeline(args: argparse.Namespace) -> Any:
    from claimedit.history.port import HistoryError  # noqa: PLC0415
    from claimedit.pipeline import Pipeline  # noqa: PLC0415  (start-up cost only for commands that need it)
    from claimedit.validation.gate import Pyx12Only  # noqa: PLC0415

    try:
        history = replay_history(args.history, disabled=args.no_history)
    except HistoryError as exc:
        raise CliError(ExitStatus.USAGE, str(exc)) from exc
    try:
        guide = Pyx12Only() if args.validator == "pyx12" else None
        return Pipeline.start(config_path=args.config, validate=not args.no_validate, history=history, guide=guide)
    except Exception as exc:
        error = startup_error(exc)
        if error is None:
            raise
        raise error from exc


def _replay_files(args: argparse.Namespace, pipeline: Any, out: TextIO) -> int:
    from claimedit.replay import FileReplay, Skipped, progress_stream, scan, write_jsonl  # noqa: PLC0415
    from claimedit.report.rows import plural  # noqa: PLC0415

    progress = progress_stream()
    all_read = True
    kept: list[dict[str, Any]] = []
    skipped: Counter[str] = Counter()
    files = 0
    verdicts: Counter[str] = Counter()
    for found in scan(args.paths):
        if isinstance(found, Skipped):
            skipped[found.kind] += 1
            all_read &= not (found.named or found.kind == "unreadable")  # a file it could not even look into
            if progress is not None:  # clear the progress line the skip line would otherwise run into
                print("\r\x1b[K", end="", file=progress)
            _say(_skip_line(found))
            continue
        files += 1
        replay = FileReplay(pipeline, found)
        if args.format == "jsonl":  # each row written as soon as it is done, flushed as the file goes
            write_jsonl(_counted(replay, verdicts), out, flush_every=_FLUSH_EVERY)
            out.flush()
        else:
            kept.extend(_counted(replay, verdicts))
        all_read &= replay.readable
        if progress is not None:
            summary = " ".join(f"{verdict}={n}" for verdict, n in sorted(verdicts.items()))
            print(f"\r\x1b[K{plural(files, 'file')}, {summary} ({found.name})", end="", file=progress, flush=True)
    if progress is not None:
        print(file=progress)
    if args.format == "table":
        from claimedit.replay_table import write_table  # noqa: PLC0415

        write_table(kept, out)
    elif args.format == "html":
        from claimedit.report import write_html  # noqa: PLC0415

        write_html(kept, out, title=f"claimedit findings: {', '.join(str(path) for path in args.paths)}")
    _say(_files_summary(files, skipped, verdicts))
    return int(ExitStatus.OK if all_read else ExitStatus.INCOMPLETE)


_FLUSH_EVERY = 256
"""JSONL rows written between flushes: a reader of the output sees rows as they are done, in few writes."""


def _counted(rows: Iterable[dict[str, Any]], verdicts: Counter[str]) -> Iterator[dict[str, Any]]:
    for row in rows:
        verdicts[row["verdict"]] += 1
        yield row


_SKIP_WORDS = {
    "not-x12": "not X12",
    "hidden": "hidden",
    "outside": "linked out of the folder",
    "dangling": "dangling link",
    "special": "not a regular file",
    "linked-folder": "linked folder",
    "unreadable": "unreadable",
}


def _skip_line(skipped: Any) -> str:
    if skipped.kind == "missing":
        return f"no such file or folder: {skipped.path} (check the path; the other paths are replayed)"
    return f"skipped {skipped.path}: {skipped.reason}"


def _files_summary(files: int, skipped: Counter[str], verdicts: Counter[str]) -> str:
    """``3 files read, 2 paths skipped (1 hidden, 1 not X12), 1 not found; 5 results: 2 rejected, 3 accepted``."""
    from claimedit.report.rows import VERDICTS, plural  # noqa: PLC0415

    text = f"{plural(files, 'file')} read"
    missing = skipped.pop("missing", 0)
    if skipped:
        kinds = ", ".join(f"{count} {_SKIP_WORDS.get(kind, kind)}" for kind, count in sorted(skipped.items()))
        text += f", {plural(sum(skipped.values()), 'path')} skipped ({kinds})"
    if missing:
        text += f", {missing} not found"
    if verdicts:
        counts = ", ".join(f"{verdicts[verdict]} {verdict}" for verdict in VERDICTS if verdicts[verdict])
        text += f"; {plural(verdicts.total(), 'result')}: {counts}"
    return text


if __name__ == "__main__":
    sys.exit(main())
