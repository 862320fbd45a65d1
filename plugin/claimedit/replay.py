"""``claimedit replay``: run the pipeline over files and folders, never stopping at a bad one."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from claimedit.pipeline import Pipeline
from claimedit.replay_output import result_lines
from claimedit.replay_paths import Skipped, discover, scan
from claimedit.replay_table import write_table
from claimedit.x12.syntax import syntax_finding

__all__ = [
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


def replay_file(pipeline: Pipeline, path: Path) -> tuple[list[dict[str, Any]], bool]:
    """The replay lines of one file and whether it could be read; nothing it holds makes this raise."""
    source = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [_unreadable_file(source, f"The file could not be read: {exc.strerror or exc}.")], False
    try:
        return result_lines(pipeline.process(data, source)), True
    except Exception as exc:  # noqa: BLE001  (a defect on one file must not stop the replay of the others)
        message = (
            f"claimedit failed on this file ({type(exc).__name__}); no claim in it was checked. This is a "
            "claimedit defect, not a problem of the file: report it with the file's name."
        )
        return [_unreadable_file(source, message)], False


def replay_files(pipeline: Pipeline, paths: Iterable[Path]) -> Iterator[tuple[Path, list[dict[str, Any]], bool]]:
    """For each file :func:`discover` finds: its replay lines and whether it could be read at all."""
    for path in discover(paths):
        lines, readable = replay_file(pipeline, path)
        yield path, lines, readable


def write_jsonl(lines: Iterable[dict[str, Any]], out: TextIO) -> None:
    for line in lines:
        out.write(json.dumps(line, separators=(",", ":"), ensure_ascii=False))
        out.write("\n")


def progress_stream() -> TextIO | None:
    """stderr when it is a terminal (progress for people), else None (quiet for pipes and CI)."""
    return sys.stderr if sys.stderr.isatty() else None
