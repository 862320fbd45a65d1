"""``claimedit replay``: run the pipeline over files and folders, never stopping at a bad one."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from claimedit.pipeline import Pipeline
from claimedit.replay_output import claim_line, shared_line, unreadable_line
from claimedit.replay_paths import Skipped, discover, scan
from claimedit.replay_table import write_table
from claimedit.results import ClaimResult, SharedFindings, UnreadableResult
from claimedit.x12.syntax import syntax_finding

__all__ = [
    "FileReplay",
    "Skipped",
    "discover",
    "progress_stream",
    "replay_file",
    "replay_files",
    "scan",
    "write_jsonl",
    "write_table",
]


def _unreadable_file(source: str, message: str) -> dict[str, Any]:
    finding = syntax_finding("SYN006", message, location=f"file {source}")
    return {
        "source": source,
        "claim_id": None,
        "verdict": "unreadable",
        "claims_inside": 0,
        "interchange_control": None,
        "group_control": None,
        "transaction_control": None,
        "findings": [finding.model_dump(mode="json", exclude={"location"})],
    }


class FileReplay:
    """The replay rows of one file, made as its claims are done: iterate once; ``readable`` says afterwards
    whether the file could be read at all. Nothing the file holds makes the iteration raise.

    Claim rows come as soon as their interchange is done; unreadable and scope rows are kept (they are
    few and small: no claim, no raw text) and come after the file's last claim, as :func:`result_lines`
    orders them.
    """

    def __init__(self, pipeline: Pipeline, path: Path) -> None:
        self.pipeline = pipeline
        self.path = path
        self.readable = True

    def __iter__(self) -> Iterator[dict[str, Any]]:
        source = str(self.path)
        try:
            file = self.path.open("rb")
        except OSError as exc:
            self.readable = False
            yield _unreadable_file(source, f"The file could not be read: {exc.strerror or exc}.")
            return
        later: list[dict[str, Any]] = []
        shared: list[dict[str, Any]] = []
        claims = 0
        try:
            with file:
                for item in self.pipeline.stream(file, source):
                    if isinstance(item, ClaimResult):
                        claims += 1
                        yield claim_line(source, item)
                    elif isinstance(item, UnreadableResult):
                        later.append(unreadable_line(source, item))
                    elif isinstance(item, SharedFindings):
                        shared.append(shared_line(source, item))
        except Exception as exc:  # noqa: BLE001  (a defect on one file must not stop the replay of the others)
            checked = "no claim in it was checked" if not claims else f"only its first {claims} claims were checked"
            message = (
                f"claimedit failed on this file ({type(exc).__name__}); {checked}. This is a claimedit defect, "
                "not a problem of the file: report it with the file's name."
            )
            self.readable = False
            later.append(_unreadable_file(source, message))
        yield from later
        yield from shared


def replay_file(pipeline: Pipeline, path: Path) -> tuple[list[dict[str, Any]], bool]:
    """The replay lines of one file and whether it could be read; nothing it holds makes this raise."""
    replay = FileReplay(pipeline, path)
    lines = list(replay)
    return lines, replay.readable


def replay_files(pipeline: Pipeline, paths: Iterable[Path]) -> Iterator[tuple[Path, list[dict[str, Any]], bool]]:
    """For each file :func:`discover` finds: its replay lines and whether it could be read at all."""
    for path in discover(paths):
        lines, readable = replay_file(pipeline, path)
        yield path, lines, readable


def write_jsonl(lines: Iterable[dict[str, Any]], out: TextIO, *, flush_every: int = 0) -> None:
    """One JSON object per line; with ``flush_every``, ``out`` is flushed after every that many lines."""
    for number, line in enumerate(lines, start=1):
        out.write(json.dumps(line, separators=(",", ":"), ensure_ascii=False))
        out.write("\n")
        if flush_every and number % flush_every == 0:
            out.flush()


def progress_stream() -> TextIO | None:
    """stderr when it is a terminal (progress for people), else None (quiet for pipes and CI)."""
    return sys.stderr if sys.stderr.isatty() else None
