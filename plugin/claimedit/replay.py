"""``claimedit replay``: run the pipeline over files and folders, never stopping at a bad one."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from claimedit.pipeline import Pipeline
from claimedit.replay_output import result_lines
from claimedit.x12.syntax import syntax_finding

__all__ = ["discover", "replay_files", "write_jsonl", "write_table"]

_SKIPPED_SUFFIXES = frozenset({".jsonl", ".json", ".md", ".toml", ".yaml", ".yml", ".tsv", ".csv", ".py"})


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Files under ``paths`` in a stable order: folders recursively, skipping golden files and docs."""
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() not in _SKIPPED_SUFFIXES and not child.name.startswith("."):
                    yield child
        else:
            yield path


def replay_files(pipeline: Pipeline, paths: Iterable[Path]) -> Iterator[tuple[Path, list[dict[str, Any]], bool]]:
    """For each file: its replay lines and whether it could be read at all."""
    for path in discover(paths):
        source = str(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            finding = syntax_finding(
                "SYN006", f"The file could not be read: {exc.strerror or exc}.", location=f"file {source}"
            )
            line = {
                "source": source,
                "claim_id": None,
                "verdict": "unreadable",
                "claims_inside": 0,
                "interchange_control": None,
                "group_control": None,
                "transaction_control": None,
                "findings": [finding.model_dump(mode="json", exclude={"location"})],
            }
            yield path, [line], False
            continue
        yield path, result_lines(pipeline.process(data, source)), True


def write_jsonl(lines: Iterable[dict[str, Any]], out: TextIO) -> None:
    for line in lines:
        out.write(json.dumps(line, separators=(",", ":"), ensure_ascii=False))
        out.write("\n")


def write_table(lines: list[dict[str, Any]], out: TextIO) -> None:
    """A readable table for people: one row per finding (or per clean claim), then a verdict summary."""
    from rich.console import Console  # noqa: PLC0415  (only the table format needs rich)
    from rich.table import Table  # noqa: PLC0415

    console = Console(file=out, width=max(120, Console(file=out).width), soft_wrap=False)
    table = Table(show_lines=False, header_style="bold")
    for column in ("source", "claim", "verdict", "line", "code", "severity", "message"):
        table.add_column(column, overflow="fold")
    for line in lines:
        claim = line["claim_id"] or f"({line.get('claims_inside', 0)} claims unread)"
        findings = line["findings"] or [{"line": None, "code": "", "severity": "", "message": ""}]
        for finding in findings:
            row_line = "" if finding.get("line") is None else str(finding["line"])
            table.add_row(
                Path(line["source"]).name,
                claim,
                line["verdict"],
                row_line,
                finding["code"],
                finding["severity"],
                finding["message"],
            )
    console.print(table)
    verdicts = Counter(line["verdict"] for line in lines)
    console.print(", ".join(f"{count} {verdict}" for verdict, count in sorted(verdicts.items())) or "no claims")


def progress_stream() -> TextIO | None:
    """stderr when it is a terminal (progress for people), else None (quiet for pipes and CI)."""
    return sys.stderr if sys.stderr.isatty() else None
