"""``claimedit replay --format table``: the replay rows as one table per file, for people at a terminal.

Each file is named in full above its table; each finding shows its line, code, severity, message and
fix. The table fits the terminal (100 columns when the output is not a terminal, or ``COLUMNS``); a
verdict is never split across lines. The last line counts claims and verdicts.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, TextIO

from claimedit.report.rows import VERDICTS, Row, claims_in, fix_text, plural, row_label, verdict_counts

__all__ = ["PIPED_WIDTH", "summary_line", "table_width", "write_table"]

PIPED_WIDTH = 100
"""Width of the table when the output is a file or a pipe and ``COLUMNS`` is not set."""

MAX_CLAIM_WIDTH = 30
"""Claim ids longer than this (CLM01 allows 38) fold inside their column; shorter ones stay whole."""

NARROW_WIDTH = 80
"""Below this width the columns would be too thin to read: each finding is printed as a short block."""

_VERDICT_STYLE = {
    "rejected": "bold red",
    "unreadable": "bold magenta",
    "accepted_with_warnings": "yellow",
    "accepted": "green",
}


def table_width(out: TextIO) -> int:
    """The terminal's width on a terminal; else ``COLUMNS`` when set; else :data:`PIPED_WIDTH`."""
    from rich.console import Console  # noqa: PLC0415  (only the table format needs rich)

    if out.isatty():
        return Console(file=out).width
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 0 else PIPED_WIDTH


def summary_line(lines: Sequence[Row]) -> str:
    """``3 files, 12 claims: 4 rejected, 1 unreadable (2 claims inside), 7 accepted``."""
    files = len({line["source"] for line in lines})
    claims = sum(claims_in(line) for line in lines)
    parts = []
    for verdict, count in verdict_counts(lines).items():
        if verdict == "unreadable":
            inside = sum(claims_in(line) for line in lines if line["verdict"] == "unreadable")
            parts.append(f"{count} unreadable ({plural(inside, 'claim')} inside)")
        else:
            parts.append(f"{count} {verdict}")
    if not lines:
        return "no claims"
    return f"{plural(files, 'file')}, {plural(claims, 'claim')}: {', '.join(parts)}"


def _claim_cell(line: Row) -> Any:
    from rich.text import Text  # noqa: PLC0415

    verdict = str(line["verdict"])
    cell = Text(row_label(line), overflow="fold")
    cell.append("\n")
    cell.append(verdict, style=_VERDICT_STYLE.get(verdict, ""))
    return cell


def _code_cell(finding: Row) -> Any:
    from rich.text import Text  # noqa: PLC0415

    cell = Text(str(finding["code"]))
    severity = str(finding.get("severity") or "")
    cell.append(f"\n{severity}", style={"error": "red", "warning": "yellow"}.get(severity, "dim"))
    return cell


def _file_table(lines: Sequence[Row], claim_width: int) -> Any:
    from rich import box  # noqa: PLC0415
    from rich.table import Table  # noqa: PLC0415

    table = Table(box=box.SIMPLE_HEAD, header_style="bold", expand=True, pad_edge=False)
    table.add_column("claim / verdict", width=claim_width, overflow="fold")
    table.add_column("line", justify="right", no_wrap=True, width=4)
    table.add_column("code", no_wrap=True, width=7)
    table.add_column("finding", ratio=4, overflow="fold")
    table.add_column("fix", ratio=3, overflow="fold")
    for line in lines:
        findings = line["findings"] or [{"line": None, "code": "", "severity": "", "message": "", "fix": None}]
        for index, finding in enumerate(findings):
            table.add_row(
                _claim_cell(line) if index == 0 else "",
                "" if finding.get("line") is None else str(finding["line"]),
                _code_cell(finding) if finding["code"] else "",
                str(finding.get("message") or ""),
                fix_text(finding.get("fix")),
                end_section=index == len(findings) - 1,
            )
    return table


def _print_stacked(console: Any, lines: Sequence[Row]) -> None:
    """Narrow terminals: the claim and its verdict on one line, then line, code, finding and fix indented."""
    from rich.padding import Padding  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    for line in lines:
        console.print(_claim_cell(line))
        for finding in line["findings"]:
            where = "" if finding.get("line") is None else f"line {finding['line']} · "
            block = Text(f"{where}{finding['code']} {finding.get('severity') or ''}\n", style="bold")
            block.append(str(finding.get("message") or ""))
            fix = fix_text(finding.get("fix"))
            if fix:
                block.append("\nfix: ", style="bold")
                block.append(fix)
            console.print(Padding(block, (0, 0, 0, 2)))
        console.print()


def write_table(lines: list[dict[str, Any]], out: TextIO, *, width: int | None = None) -> None:
    """One table per source file (named in full), then the summary line."""
    from rich.console import Console  # noqa: PLC0415
    from rich.text import Text  # noqa: PLC0415

    width = width or table_width(out)
    console = Console(file=out, width=width, soft_wrap=False, highlight=False)
    by_source: dict[str, list[Row]] = {}
    for line in lines:
        by_source.setdefault(str(line["source"]), []).append(line)
    verdict_width = max(len(verdict) for verdict in VERDICTS)
    longest_id = max((len(str(line["claim_id"] or "")) for line in lines), default=0)
    claim_width = max(verdict_width, min(longest_id, MAX_CLAIM_WIDTH, width // 3))
    for source, source_lines in by_source.items():
        heading = Text(source, style="bold", overflow="fold")
        heading.append(f"  {summary_line(source_lines).split(', ', 1)[1]}", style="dim")
        console.print(heading)
        if width < NARROW_WIDTH:
            _print_stacked(console, source_lines)
        else:
            console.print(_file_table(source_lines, claim_width))
    console.print(summary_line(lines))
