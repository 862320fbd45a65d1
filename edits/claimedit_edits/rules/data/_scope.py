"""Rule tables in the code-set store: which taxonomies perform, and which places of service suit, a code family."""

from __future__ import annotations

import functools

from claimedit_edits.codesets import CodeSet

__all__ = ["scope_rule"]


@functools.lru_cache(maxsize=4096)
def scope_rule(rules: CodeSet, family: str, key: str) -> tuple[bool, str] | None:
    """The most specific rule for ``key`` (a taxonomy or POS code, matched by its longest listed prefix), the
    family's own rules before the rules for every family (``*``). None when no rule matches."""
    for length in range(len(key), 0, -1):
        for scope in (family, "*"):
            entry = rules.get(f"{scope}|{key[:length]}")
            if entry is not None:
                verdict, _, note = entry.label.partition("|")
                return verdict == "yes", note
    return None
