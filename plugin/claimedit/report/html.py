"""``claimedit replay --format html``: one self-contained page a billing team opens in a browser.

Built from the replay rows only (the dicts ``--format jsonl`` writes), so it says what the contract
says. Jinja2 with autoescaping renders the templates in ``templates/``; the CSS, the filter script and
the SVG charts are inlined, and a Content-Security-Policy forbids every network fetch. No patient data:
the claim id is the only identifier, as in the rows.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from claimedit.report.rows import VERDICTS, Row, claims_in, fix_text, plural, row_label, verdict_counts, work_order

__all__ = ["Bar", "ClaimView", "Report", "build_report", "render_html", "write_html"]


_CONTROLS = (("ISA13", "interchange_control"), ("GS06", "group_control"), ("ST02", "transaction_control"))
"""Control numbers an unreadable row may carry, with the element that holds each."""


@dataclass(frozen=True)
class Bar:
    """One bar of a chart: a label, its count and its length as a share of the longest bar (0-100)."""

    label: str
    title: str
    count: int
    percent: float


@dataclass(frozen=True)
class FindingView:
    line: str
    code: str
    edit: str
    severity: str
    category: str
    message: str
    source: str
    fix: str


@dataclass(frozen=True)
class ClaimView:
    """One row as the page shows it; ``codes`` and ``payer_key`` feed the filters."""

    label: str
    verdict: str
    source: str
    payer: str
    payer_key: str
    errors: int
    findings: tuple[FindingView, ...]
    codes: tuple[str, ...]
    detail: str = ""
    """For an unreadable piece: its control numbers and how many claims it holds."""


@dataclass(frozen=True)
class Report:
    title: str
    generated: str
    files: int
    claims: int
    verdicts: dict[str, int]
    by_code: list[Bar]
    by_category: list[Bar]
    items: list[ClaimView]
    codes: list[str]
    payers: list[tuple[str, str]]
    """(filter key, label) of every payer, sorted by label."""
    findings: int = 0


def _payer(row: Row) -> tuple[str, str]:
    """(filter key, label) of the row's payer: name and payer id (not PHI); empty for unreadable pieces."""
    payer = row.get("payer") or {}
    name = str(payer.get("name") or "").strip()
    payer_id = str(payer.get("payer_id") or "").strip()
    if not name and not payer_id:
        return "", ""
    label = f"{name} ({payer_id})" if name and payer_id else name or payer_id
    return f"{payer_id}|{name}", label


def _finding(finding: Row) -> FindingView:
    return FindingView(
        line="" if finding.get("line") is None else str(finding["line"]),
        code=str(finding.get("code") or ""),
        edit=str(finding.get("edit") or ""),
        severity=str(finding.get("severity") or ""),
        category=str(finding.get("category") or ""),
        message=str(finding.get("message") or ""),
        source=str(finding.get("source") or ""),
        fix=fix_text(finding.get("fix")),
    )


def _claim(row: Row) -> ClaimView:
    findings = tuple(_finding(finding) for finding in row["findings"])
    payer_key, payer_label = _payer(row)
    verdict = str(row["verdict"])
    detail = ""
    if verdict in ("unreadable", "shared"):
        controls = [f"{name} {row.get(key)}" for name, key in _CONTROLS if row.get(key)]
        detail = ", ".join(controls)
    return ClaimView(
        label=row_label(row),
        verdict=verdict,
        source=str(row["source"]),
        payer=payer_label,
        payer_key=payer_key,
        errors=sum(1 for finding in findings if finding.severity == "error"),
        findings=findings,
        codes=tuple(sorted({finding.code for finding in findings})),
        detail=detail,
    )


def _bars(counts: Counter[str], titles: dict[str, str]) -> list[Bar]:
    top = max(counts.values(), default=0)
    return [
        Bar(label, titles.get(label, label), count, round(100.0 * count / top, 1) if top else 0.0)
        for label, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def build_report(rows: Sequence[Row], *, title: str = "claimedit findings", now: dt.datetime | None = None) -> Report:
    """What the page shows, computed from the replay rows."""
    findings = [finding for row in rows for finding in row["findings"]]
    code_titles = {str(f["code"]): f"{f['code']} {f.get('edit', '')} ({f.get('category', '')})" for f in findings}
    payers = {_payer(row) for row in rows} - {("", "")}
    generated = (now or dt.datetime.now(dt.UTC)).strftime("%Y-%m-%d %H:%M UTC")
    counts = verdict_counts(rows)
    return Report(
        title=title,
        generated=generated,
        files=len({row["source"] for row in rows}),
        claims=sum(claims_in(row) for row in rows),
        verdicts={
            verdict: counts.get(verdict, 0) for verdict in VERDICTS if verdict != "shared" or counts.get(verdict)
        },
        by_code=_bars(Counter(str(f["code"]) for f in findings), code_titles),
        by_category=_bars(Counter(str(f.get("category") or "") for f in findings), {}),
        items=[_claim(row) for row in work_order(rows)],
        codes=sorted(code_titles),
        payers=sorted(payers, key=lambda payer: payer[1]),
        findings=len(findings),
    )


def render_html(rows: Iterable[Row], *, title: str = "claimedit findings", now: dt.datetime | None = None) -> str:
    """The whole page as text."""
    from jinja2 import Environment, PackageLoader, StrictUndefined  # noqa: PLC0415  (only this format needs it)

    env = Environment(
        loader=PackageLoader("claimedit.report", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    report = build_report(list(rows), title=title, now=now)
    return env.get_template("report.html.j2").render(report=report, plural=plural)


def write_html(
    rows: Iterable[Row], out: TextIO, *, title: str = "claimedit findings", now: dt.datetime | None = None
) -> None:
    out.write(render_html(rows, title=title, now=now))
