"""What a transaction is, in plain words, from its ST01 and its GS08/ST03 implementation guide id.

Used to say which transaction claimedit did not read (SYN002). The table is data
(``implementation_guides.toml``, with its source), loaded on first use.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

__all__ = ["describe_transaction"]

_TABLE = Path(__file__).with_name("implementation_guides.toml")
_GUIDE = re.compile(r"^(\d{6}X\d{3})")


@cache
def _guides() -> dict[str, dict[str, str]]:
    data = tomllib.loads(_TABLE.read_text(encoding="utf-8"))
    guides: dict[str, dict[str, str]] = data["guides"]
    return guides


def describe_transaction(st01: str, version: str) -> str:
    """``an 837I (institutional claim, ST01 837, version 005010X223A2)`` and the like.

    ``version`` is GS08, or ST03 when GS08 is empty. A guide id claimedit does not know is named as sent.
    """
    sent = f"ST01 {st01 or 'empty'}, version {version or 'empty'}"
    match = _GUIDE.match(version)
    guide = _guides().get(match.group(1)) if match else None
    if guide is None:
        era = "4010 " if version.startswith("004010") else ""
        kind = f"{era}{st01} transaction" if st01 else f"{era}transaction"
        return f"{_article(kind)} {kind} claimedit does not know ({sent})"
    short = guide["short"]
    return f"{_article(short)} {short} ({guide['name']}, {sent})"


def _article(word: str) -> str:
    """``an`` before a number read with a vowel sound (eight hundred ...), else ``a``."""
    return "an" if word[:1] == "8" else "a"
