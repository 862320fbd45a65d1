"""A whole-segment regular expression per map node: a sufficient test that its elements are valid.

Built from the compiled elements when every element of the segment can be written as a pattern: a code
list (only the codes that pass pyx12's own length, character and type checks), AN/ID text of the allowed
characters and lengths (never ending in a space), N numbers, R decimals. When the expression matches the
segment's text, every element check of pyx12 passes and only the syntax rules are left to check; when it
does not match (or the node has an element it cannot express: dates, times, type lists, regular
expressions, external code lists pyx12 does not evaluate), the exact element-by-element check decides.
One expression per node and pair of delimiters, made on first use.
"""

from __future__ import annotations

import re

from claimedit.validation.guide._values import Element
from claimedit.validation.guide._walk import Composite, Node

__all__ = ["segment_pattern"]

_UNSAFE_SEPARATORS = frozenset("0123456789.- ")


def _allowed(characters: re.Pattern[str], excluded: str) -> list[str]:
    return [chr(code) for code in range(32, 127) if chr(code) not in excluded and not characters.search(chr(code))]


def _element(element: Element, allowed: list[str], characters: re.Pattern[str]) -> str | None:  # noqa: PLR0911
    """A pattern of the non-empty values pyx12 accepts for ``element`` (a subset is fine), or None."""
    if element.usage == "N":
        return None
    if element.regex is not None or element.data_ele in ("1250", "1251"):
        return None
    if element.list_codes:
        if element.any_external:
            return None
        codes = set(element.codes)
        if element.external is not None:
            codes |= element.external
        valid = sorted(
            (code for code in codes if code and element.value_ok(code, characters)), key=lambda code: (-len(code), code)
        )
        if not valid:
            return None
        return "(?:" + "|".join(re.escape(code) for code in valid) + ")"
    low, high = max(element.min_len, 1), element.max_len
    if high < low:
        return None
    kind = element.data_type
    if kind in ("AN", "ID"):
        every = "[" + "".join(re.escape(char) for char in allowed) + "]"
        last = "[" + "".join(re.escape(char) for char in allowed if char != " ") + "]"
        return f"(?:{every}{{{low - 1},{high - 1}}}{last})"
    if kind and kind[0] == "N":
        return f"(?:-?[0-9]{{{low},{high}}})"
    if kind == "R":
        return (
            rf"(?:-?(?=(?:\.?[0-9]){{{low}}})(?=[0-9.]{{1,{high + 1}}}(?![0-9.]))(?:[0-9]{{1,{high}}}|[0-9]*\.[0-9]+))"
        )
    return None


def _optional(pattern: str, may_be_empty: bool) -> str:
    return f"(?:{pattern})?" if may_be_empty else pattern


def _composite(composite: Composite, allowed: list[str], characters: re.Pattern[str], component: str) -> str | None:
    if composite.usage == "N":
        return ""
    children = composite.children
    if composite.usage == "R" and not any(child.required_when_empty for child in children):
        return None
    parts: list[tuple[str, bool]] = []
    for child in children:
        if child.usage == "N":
            parts.append(("", True))
            continue
        pattern = _element(child, allowed, characters)
        if pattern is None:
            return None
        parts.append((pattern, not child.required_when_empty))
    separator = re.escape(component)
    tail = ""
    for index in range(len(parts) - 1, 0, -1):
        pattern, may_be_empty = parts[index]
        later_required = any(not empty for _, empty in parts[index:])
        tail = f"(?:{separator}{_optional(pattern, may_be_empty)}{tail})" + ("" if later_required else "?")
    first, first_empty = parts[0]
    body = _optional(first, first_empty) + tail
    if composite.usage != "R":
        return f"(?:{body})?"
    return body


def segment_pattern(
    node: Node, characters: re.Pattern[str], element: str, component: str, repetition: str
) -> re.Pattern[str] | None:
    """The whole-segment expression of ``node`` for these delimiters, or None when an element cannot be expressed."""
    if _UNSAFE_SEPARATORS.intersection(element + component + repetition) or node.id == "DTP":
        return None  # DTP03 is typed by DTP02: always checked element by element
    allowed = _allowed(characters, element + component + repetition)
    pieces: list[tuple[str, bool]] = []
    for child in node.elements:
        if isinstance(child, Composite):
            pattern = _composite(child, allowed, characters, component)
            if pattern is None:
                return None
            pieces.append((pattern, child.usage != "R"))
            continue
        if child.usage == "N":
            pieces.append(("", True))
            continue
        pattern = _element(child, allowed, characters)
        if pattern is None:
            return None
        pieces.append((pattern, not child.required_when_empty))
    separator = re.escape(element)
    tail = ""
    for index in range(len(pieces) - 1, -1, -1):
        pattern, may_be_empty = pieces[index]
        later_required = any(not empty for _, empty in pieces[index:])
        tail = f"(?:{separator}{_optional(pattern, may_be_empty)}{tail})" + ("" if later_required else "?")
    try:
        return re.compile(re.escape(node.id) + tail, re.S)
    except (re.error, RecursionError, OverflowError):
        return None
