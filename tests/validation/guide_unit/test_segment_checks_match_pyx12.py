"""Random segments for every map node: the guide's element checks pass exactly when pyx12's ``is_valid_errors`` does.

Values are drawn from each element's own code list and from texts around its length limits, numbers,
dates and times good and bad, characters outside the set, component separators: the verdicts must be equal
(the guide may only be stricter where it says so, and here it never needs to be).
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from claimedit.validation.guide import CompiledGuide
from claimedit.validation.guide._walk import Composite
from claimedit.x12.tokens import Delimiters

_SPECIAL = ("20240229", "20230229", "19990101", "2024010", "20240101-20240131", "2024-01-01", "1230", "2460",
            "-1.5", "1.", "0.5", "-", ".5", "12", "A B ", "A  ", "")  # fmt: skip
_CHARACTERS = "ABCXYZ0123456789 -.!abc:`É\x07@#"


@pytest.fixture(scope="module")
def pyx12_nodes() -> list[Any]:
    """pyx12's map nodes in the order the guide compiled them (837P map, then the control map's ISA)."""
    import pyx12.params  # noqa: PLC0415

    from claimedit.validation._map_cache import load_map_cached  # noqa: PLC0415

    param = pyx12.params.params()
    nodes: list[Any] = []

    def walk(node: Any) -> None:
        nodes.append(node)
        if node.is_map_root() or node.is_loop():
            for position in sorted(node.pos_map):
                for child in node.pos_map[position]:
                    walk(child)

    walk(load_map_cached("837.5010.X222.A1.xml", param, None))
    walk(load_map_cached("x12.control.00501.xml", param, None).getnodebypath("/ISA_LOOP/ISA"))
    return nodes


def _value(element: Any, rng: random.Random) -> str:
    kind = rng.randrange(8)
    codes = sorted(code for code in element.codes if code)
    if kind < 3 and codes:
        return rng.choice(codes)
    if kind == 3:
        return rng.choice(_SPECIAL)
    length = max(0, rng.choice([element.min_len - 1, element.min_len, element.max_len, element.max_len + 1, 3]))
    alphabet = "0123456789" if kind == 4 else "ABCDEFGHIJ " if kind == 5 else _CHARACTERS
    return "".join(rng.choice(alphabet) for _ in range(length))


def _segment(node: Any, rng: random.Random) -> list[str]:
    count = max(0, len(node.elements) + rng.choice([0, 0, 0, -1, -2, 1]))
    elements = [node.id]
    for child in node.elements[:count]:
        if isinstance(child, Composite):
            parts = [_value(sub, rng) for sub in child.children[: rng.randint(1, len(child.children) + 1)]]
            elements.append(":".join(parts))
        else:
            elements.append(_value(child, rng))
    if count > len(node.elements):
        elements.append("X")
    return elements


@pytest.mark.parametrize("seed", range(2))
def test_random_segments_get_pyx12s_verdict(seed: int, guide: CompiledGuide, pyx12_nodes: list[Any]) -> None:
    import pyx12.segment  # noqa: PLC0415

    assert len(guide.nodes) == len(pyx12_nodes)
    delimiters = Delimiters()
    memo = guide.steps_for(delimiters)
    rng = random.Random(seed)
    segments = [(index, node) for index, node in enumerate(guide.nodes) if not node.is_loop]
    differ = []
    for _ in range(800):
        index, node = rng.choice(segments)
        elements = _segment(node, rng)
        raw = "*".join(elements)
        try:
            ok, errors = pyx12_nodes[index].is_valid_errors(pyx12.segment.Segment(raw, "~", "*", ":"))
            pyx12_ok = ok and not errors
        except Exception:  # noqa: BLE001  (pyx12 failing on a segment is a fatal error: not clean)
            pyx12_ok = False
        if node.id == "ISA":
            mine = guide.isa_ok(elements, "*")
        else:
            mine = guide.segment_ok(node, raw, elements, delimiters, memo)
        if mine != pyx12_ok:
            differ.append((raw, mine, pyx12_ok))
    assert [] == differ
