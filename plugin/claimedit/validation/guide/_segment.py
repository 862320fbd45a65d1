"""A segment's elements against its compiled map node: True when pyx12's ``segment_if.is_valid_errors`` finds nothing.

Mirrors pyx12 4 (map_if/_segment.py, _composite.py, syntax.py): element count, composites and their
sub-elements, the DTP02 date format and the 1250/1251 type list that type DTP03 and DMG02, the map's
syntax rules (P, R, E, C, L).
"""

from __future__ import annotations

import re

from claimedit.validation.guide._walk import Composite, Node, value_at

__all__ = ["segment_ok", "syntax_ok"]

_DTP_FORMATS = frozenset({"RD8", "D8", "D6", "DT", "TM"})


def segment_ok(node: Node, elements: list[str], component: str, characters: re.Pattern[str]) -> bool:  # noqa: PLR0911, PLR0912
    """``elements[0]`` is the segment id; ``component`` the sub-element separator (the element one for ISA)."""
    given = len(elements) - 1
    children = node.elements
    if given > len(children):
        return False
    is_dtp = elements[0] == "DTP"
    dtp_type: tuple[str, ...] = ()
    type_list: tuple[str, ...] = ()
    for position in range(1, given + 1):
        child = children[position - 1]
        text = elements[position]
        if isinstance(child, Composite):
            parts = text.split(component)
            if len(parts) > len(child.children) and child.usage != "N":
                return False
            if not _composite_ok(child, parts, characters):
                return False
            continue
        if position == 2 and is_dtp:
            qualifier = value_at(elements, 2, 0, component)
            if qualifier in _DTP_FORMATS:
                assert qualifier is not None
                dtp_type = (qualifier,)
        if child.data_ele == "1250":
            type_list = (*type_list, *child.type_codes)
        if component in text:
            return False  # pyx12: "is an invalid composite"
        if not text:
            if child.required_when_empty:
                return False
            continue
        if position == 3 and is_dtp:
            kinds = dtp_type
        elif child.data_ele == "1251" and type_list:
            kinds = type_list
        else:
            kinds = ()
        if not child.value_ok(text, characters, kinds):
            return False
    for child in children[given:]:
        if isinstance(child, Composite):
            if not _composite_ok(child, None, characters):
                return False
        elif child.required_when_empty:
            return False
    return syntax_ok(node, elements, component)


def syntax_ok(node: Node, elements: list[str], component: str) -> bool:  # noqa: PLR0911
    """The map's syntax rules of the segment (P paired, R required, E exclusive, C conditional, L list conditional).

    An element is present when it has any character besides sub-element separators (pyx12 compares the
    formatted value with "").
    """
    given = len(elements)
    for code, positions in node.syntax:
        present = [
            position < given and elements[position] != "" and elements[position].replace(component, "") != ""
            for position in positions
        ]
        if code == "P":
            if any(present) and not all(present):
                return False
        elif code == "R":
            if not any(present):
                return False
        elif code == "E":
            if sum(present) > 1:
                return False
        elif code == "C":
            if present[0] and not all(present[1:]):
                return False
        elif code == "L":
            if present[0] and not any(present[1:]):
                return False
        else:
            return False
    return True


def _composite_ok(composite: Composite, parts: list[str] | None, characters: re.Pattern[str]) -> bool:  # noqa: PLR0911
    empty = parts is None or not any(parts)
    if empty and composite.usage in ("N", "S"):
        return True
    if composite.usage == "R" and empty:
        return False
    if parts is None:
        return False  # pyx12 asserts here: not clean
    if composite.usage == "N":
        return False
    children = composite.children
    if len(parts) > len(children):
        return False
    for child, text in zip(children, parts, strict=False):
        if not text:
            if child.required_when_empty:
                return False
        elif not child.value_ok(text, characters):
            return False
    return not any(child.required_when_empty for child in children[len(parts) :])
