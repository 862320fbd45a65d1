"""A whole-segment regular expression per map node: a sufficient test that its elements are valid.

Built from the compiled elements when every element of the segment can be written as a pattern: a code
list (only the codes that pass pyx12's own length, character and type checks), AN/ID text of the allowed
characters and lengths (never ending in a space), N numbers, R decimals. When the expression matches the
segment's text, every element check of pyx12 passes, and so do the syntax rules (lookaheads asking which
elements are present); when it
does not match (or the node has an element it cannot express: dates other than a D8 or RD8 typed by its
qualifier (DTP02/DTP03, DMG01/DMG02), times, regular expressions, external code lists pyx12 does not
evaluate), the exact element-by-element check decides.
One expression per node and pair of delimiters, made on first use.
"""

from __future__ import annotations

import re

from claimedit.validation.guide._values import Element
from claimedit.validation.guide._walk import Composite, Node

__all__ = ["D8", "segment_pattern", "syntax_assertions"]

_UNSAFE_SEPARATORS = frozenset("0123456789.- ")
_YEAR = "(?:1[89]|[2-9][0-9])[0-9]{2}"
D8 = (
    f"(?:{_YEAR}(?:(?:0[13578]|1[02])(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)(?:0[1-9]|[12][0-9]|30)"
    "|02(?:0[1-9]|1[0-9]|2[0-8]))"
    "|(?:(?:1[89]|[2-9][0-9])(?:0[48]|[2468][048]|[13579][26])|(?:[2468][048]|[3579][26])00)0229)"
)
"""The CCYYMMDD dates pyx12's ``is_valid_date`` accepts: years 1800 on, the Gregorian leap years."""
_DATED = {"D8": D8, "RD8": f"{D8}-{D8}"}
_DATED_SAMPLES = {"D8": "20240229", "RD8": "20240101-20241231"}


def _allowed(characters: re.Pattern[str], excluded: str) -> list[str]:
    return [chr(code) for code in range(32, 127) if chr(code) not in excluded and not characters.search(chr(code))]


def _element(element: Element, allowed: list[str], characters: re.Pattern[str]) -> str | None:  # noqa: PLR0911
    """A pattern of the non-empty values pyx12 accepts for ``element`` (a subset is fine), or None."""
    if element.usage == "N":
        return None
    if element.regex is not None or element.data_ele in ("1250", "1251"):  # see _dated
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


def _dated(formats: Element, value: Element, characters: re.Pattern[str], element: str) -> str | None:
    """A date format qualifier (1250: DTP02, DMG01) and the date it types (1251) as one pattern: each D8 or RD8
    code of the qualifier followed by a valid date of that format; formats not expressed are left out."""
    if formats.usage == "N" or formats.regex is not None or formats.any_external:
        return None
    if value.usage == "N" or value.regex is not None or value.list_codes or value.data_type not in ("AN", "ID"):
        return None
    choices = [
        f"{re.escape(code)}{re.escape(element)}{_DATED[code]}"
        for code in sorted(code for code in formats.codes if code is not None)
        if code in _DATED and formats.value_ok(code, characters) and value.value_ok(_DATED_SAMPLES[code], characters)
    ]
    return "(?:" + "|".join(choices) + ")" if choices else None


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


def syntax_assertions(node: Node, element: str, component: str) -> str | None:
    """The node's syntax rules as lookaheads at the segment's start (None for a rule code pyx12 does not know).

    An element is present when it has a character other than the separators (pyx12 compares the formatted
    value with ""): after its position's count of element separators, component separators then any other.
    """
    separator, sub = re.escape(element), re.escape(component)

    def present(position: int) -> str:
        return f"(?=(?:[^{separator}]*{separator}){{{position}}}{sub}*[^{separator}{sub}])"

    def absent(position: int) -> str:
        return f"(?!(?:[^{separator}]*{separator}){{{position}}}{sub}*[^{separator}{sub}])"

    assertions: list[str] = []
    for code, positions in node.syntax:
        if not positions:
            return None
        first, rest = positions[0], positions[1:]
        if code == "P":
            assertions.append("(?:" + "".join(map(present, positions)) + "|" + "".join(map(absent, positions)) + ")")
        elif code == "R":
            assertions.append("(?:" + "|".join(map(present, positions)) + ")")
        elif code == "E":
            assertions.extend(
                f"(?!{present(one)}{present(other)})"
                for index, one in enumerate(positions)
                for other in positions[index + 1 :]
            )
        elif code == "C":
            assertions.append(f"(?:{absent(first)}|" + "".join(map(present, rest)) + ")")
        elif code == "L":
            assertions.append(f"(?:{absent(first)}|" + "|".join(map(present, rest)) + ")")
        else:
            return None
    return "".join(assertions)


def _pieces(
    node: Node, characters: re.Pattern[str], element: str, component: str, allowed: list[str]
) -> list[tuple[str, bool]] | None:
    """The pattern of each element of ``node`` and whether it may be empty (a date qualifier and its date are one)."""
    pieces: list[tuple[str, bool]] = []
    children = node.elements
    skip = False
    for index, child in enumerate(children):
        if skip:
            skip = False
            continue
        following = children[index + 1] if index + 1 < len(children) else None
        if isinstance(child, Element) and child.data_ele == "1250" and isinstance(following, Element):
            if following.data_ele != "1251":
                return None
            pattern = _dated(child, following, characters, element)
            if pattern is None:
                return None
            pieces.append((pattern, False))  # the qualifier and its date, both present
            skip = True
            continue
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
    return pieces


def segment_pattern(
    node: Node, characters: re.Pattern[str], element: str, component: str, repetition: str
) -> re.Pattern[str] | None:
    """The whole-segment expression of ``node`` for these delimiters, or None when an element cannot be expressed."""
    if _UNSAFE_SEPARATORS.intersection(element + component + repetition):
        return None
    pieces = _pieces(node, characters, element, component, _allowed(characters, element + component + repetition))
    if pieces is None:
        return None
    separator = re.escape(element)
    tail = ""
    for index in range(len(pieces) - 1, -1, -1):
        pattern, may_be_empty = pieces[index]
        later_required = any(not empty for _, empty in pieces[index:])
        tail = f"(?:{separator}{_optional(pattern, may_be_empty)}{tail})" + ("" if later_required else "?")
    rules = syntax_assertions(node, element, component)
    if rules is None:
        return None
    try:
        return re.compile(rules + re.escape(node.id) + tail, re.S)
    except (re.error, RecursionError, OverflowError):
        return None
