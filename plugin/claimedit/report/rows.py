"""Reading the replay rows (the dicts ``--format jsonl`` writes) for people: words, counts, order of work.

Shared by ``--format table`` and ``--format html``, so both say the same thing the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

__all__ = ["VERDICTS", "Row", "claims_in", "fix_text", "plural", "row_label", "verdict_counts", "work_order"]

Row = Mapping[str, Any]
"""One replay row: a claim, an unreadable interchange or transaction, or the findings of a scope stated once
(``shared``; see the README's replay contract)."""

VERDICTS = ("rejected", "unreadable", "shared", "accepted_with_warnings", "accepted")
"""Verdicts in the order people should look at them: the ones that need work first. ``shared`` rows are no
claims: they state once the findings of an interchange, group, transaction or HL loop its claims point to."""


def plural(count: int, word: str, words: str | None = None) -> str:
    """``1 claim``, ``2 claims``: the count and the word in the number it needs."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def fix_text(fix: Mapping[str, Any] | None) -> str:
    """The fix in words: its sentence, else what to change into what."""
    if not fix:
        return ""
    detail = str(fix.get("detail") or "")
    if detail:
        return detail
    action = str(fix.get("action") or "").replace("_", " ")
    current, suggested = fix.get("current"), fix.get("suggested")
    if current is not None and suggested is not None:
        return f"{action}: {current} → {suggested}"
    return action


def claims_in(row: Row) -> int:
    """Claims a row stands for: 1 for a claim, the CLM segments counted inside an unreadable piece, 0 for a
    shared row (its claims have rows of their own)."""
    if row["verdict"] == "unreadable":
        return int(row.get("claims_inside") or 0)
    if row["verdict"] == "shared":
        return 0
    return 1


def row_label(row: Row) -> str:
    """What stands in the claim column: the claim id, or what the row is when it is not a claim."""
    verdict = row["verdict"]
    if verdict == "unreadable":
        return f"({plural(claims_in(row), 'claim')} unread)"
    if verdict == "shared":
        return f"({row.get('scope', 'scope')} findings of {plural(int(row.get('claims_referencing') or 0), 'claim')})"
    return str(row["claim_id"])


def verdict_counts(rows: Iterable[Row]) -> dict[str, int]:
    """Rows per verdict, in :data:`VERDICTS` order, only the verdicts present."""
    counts = dict.fromkeys(VERDICTS, 0)
    for row in rows:
        counts[str(row["verdict"])] = counts.get(str(row["verdict"]), 0) + 1
    return {verdict: count for verdict, count in counts.items() if count}


def _errors(row: Row) -> int:
    return sum(1 for finding in row["findings"] if finding.get("severity") == "error")


def work_order(rows: Iterable[Row]) -> list[Row]:
    """Rows in the order to work them: rejected and unreadable first, most errors first, then the rest."""
    rank = {verdict: index for index, verdict in enumerate(VERDICTS)}
    indexed = list(enumerate(rows))
    indexed.sort(key=lambda item: (rank.get(str(item[1]["verdict"]), len(rank)), -_errors(item[1]), item[0]))
    return [row for _, row in indexed]
