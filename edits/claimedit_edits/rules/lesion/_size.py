"""Lesion sizes read from free-text line notes (NTE*ADD): "LESION 3.5 CM", "35 MM", "EXCISED DIAMETER 3.4 CM",
"LESION 2.0 CM MARGINS 0.6 CM", "LESION 1.2 X 0.8 CM"."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

__all__ = ["SizeStatement", "describe_tier", "parse_sizes", "tier_of"]

_NUMBER = r"(?:\d+(?:[.,]\d+)?|[.,]\d+)"
_MEASURE = rf"(?P<{{name}}>{_NUMBER}(?:\s*[X×]\s*{_NUMBER})*)\s*(?P<{{name}}_unit>CM|MM)\b"
_LESION = re.compile(
    r"\bLESIONS?\b\s*(?:SIZE\s*)?(?:DIAMETER\s*)?(?:OF\s*)?[:=]?\s*"
    + _MEASURE.format(name="size")
    + r"(?:\s*[,;/]?\s*(?:WITH\s+)?(?:(?:NARROWEST|REQUIRED|CLINICAL)\s+)?MARGINS?\s*(?:OF\s*)?[:=]?\s*"
    + _MEASURE.format(name="margin")
    + r")?"
)
_EXCISED = re.compile(r"\bEXCISED\s+(?:DIAMETER|SIZE)\s*(?:OF\s*)?[:=]?\s*" + _MEASURE.format(name="size"))
_BARE = re.compile(_MEASURE.format(name="size"))
_MARGIN_WORD = re.compile(r"\bMARGINS?\b")
_LENGTH_WORD = re.compile(
    r"\b(?:ELLIPSES?|ELLIPTICAL(?:LY)?|INCISIONS?|DEFECTS?|WOUNDS?|CLOSURES?|REPAIRS?|LENGTH|LONG)\b"
)
"""Words that make a bare measure a length of the incision, ellipse, defect or closure, never a diameter."""
_LENGTH_CONTEXT = (40, 24)
"""Characters before and after a bare measure searched for those words (the same clause of a short note)."""

Kind = Literal["excised", "lesion", "bare", "length"]


@dataclass(frozen=True)
class SizeStatement:
    """One size found in a note, in centimetres."""

    kind: Kind
    """``excised``: excised diameter as stated; ``lesion``: lesion diameter; ``bare``: a size without a word;
    ``length``: an ellipse, incision, defect or closure length, which never sets a size tier."""
    size_cm: Decimal
    margin_cm: Decimal | None = None
    text: str = ""

    @property
    def excised_cm(self) -> Decimal | None:
        """Excised diameter when the note gives it or lets it be computed (lesion + twice the margin)."""
        if self.kind == "excised":
            return self.size_cm
        if self.kind == "lesion" and self.margin_cm is not None:
            return self.size_cm + 2 * self.margin_cm
        return None


def _centimetres(match: re.Match[str], name: str) -> Decimal:
    parts = re.split(r"\s*[X×]\s*", match.group(name))
    greatest = max(Decimal(part.replace(",", ".")) for part in parts)
    return greatest / 10 if match.group(f"{name}_unit") == "MM" else greatest


def parse_sizes(notes: Iterable[str]) -> list[SizeStatement] | None:
    """Every size statement in ``notes``; None when a note mentions margins that cannot be tied to a lesion."""
    found: list[SizeStatement] = []
    for note in notes:
        statements = _parse_note(note)
        if statements is None:
            return None
        found.extend(statements)
    return found


@functools.lru_cache(maxsize=4096)
def _parse_note(note: str) -> tuple[SizeStatement, ...] | None:
    """One note's statements (cached: practices repeat the same few notes across a file)."""
    text = note.upper()
    found: list[SizeStatement] = []
    spans: list[tuple[int, int]] = []
    patterns: tuple[tuple[re.Pattern[str], Kind], ...] = ((_EXCISED, "excised"), (_LESION, "lesion"))
    for pattern, kind in patterns:
        for match in pattern.finditer(text):
            if any(start < match.end() and match.start() < end for start, end in spans):
                continue
            spans.append(match.span())
            has_margin = "margin" in pattern.groupindex and match.group("margin")
            margin = _centimetres(match, "margin") if has_margin else None
            found.append(SizeStatement(kind, _centimetres(match, "size"), margin, match.group(0)))
    rest = _blank(text, spans)
    if _MARGIN_WORD.search(rest):
        return None
    found.extend(
        SizeStatement(_bare_kind(rest, match), _centimetres(match, "size"), None, match.group(0))
        for match in _BARE.finditer(rest)
    )
    return tuple(found)


def _bare_kind(text: str, match: re.Match[str]) -> Kind:
    before, after = _LENGTH_CONTEXT
    clause = text[max(match.start() - before, 0) : match.end() + after]
    return "length" if _LENGTH_WORD.search(clause) else "bare"


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the matched spans replaced by spaces, so the bare-size search skips them."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


_TIER_BOUNDS = ((Decimal("0.5"), 0), (Decimal("1.0"), 1), (Decimal("2.0"), 2), (Decimal("3.0"), 3), (Decimal("4.0"), 4))


def tier_of(size_cm: Decimal) -> int:
    """The size tier (the code's last digit): upper bounds inclusive; above 4.0 cm is 6."""
    for bound, tier in _TIER_BOUNDS:
        if size_cm <= bound:
            return tier
    return 6


_TIER_TEXT = {0: "0.5 cm or less", 1: "0.6-1.0 cm", 2: "1.1-2.0 cm", 3: "2.1-3.0 cm", 4: "3.1-4.0 cm", 6: "over 4.0 cm"}


def describe_tier(tier: int) -> str:
    return _TIER_TEXT.get(tier, f"tier {tier}")
