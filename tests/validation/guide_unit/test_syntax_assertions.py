"""The syntax rules written as lookaheads in a node's expression decide exactly as the element-by-element rules."""

from __future__ import annotations

import random
import re

from claimedit.validation.guide import CompiledGuide
from claimedit.validation.guide._fast import syntax_assertions
from claimedit.validation.guide._segment import syntax_ok

_VALUES = ("", "", "A", ":", "A:B", ":B")


def test_syntax_lookaheads_agree_with_syntax_rules_on_random_presence_patterns(guide: CompiledGuide) -> None:
    rng = random.Random(12)
    differ = []
    checked = 0
    for node in guide.nodes:
        if node.is_loop or not node.syntax:
            continue
        assertions = syntax_assertions(node, "*", ":")
        if assertions is None:
            assert any(code not in "PRECL" or not positions for code, positions in node.syntax)
            continue
        pattern = re.compile(assertions + ".*", re.S)
        named = sorted({position for _, positions in node.syntax for position in positions})
        for _ in range(60):
            length = rng.randint(max(named) - 2, max(named) + 1)
            elements = [node.id, *(rng.choice(_VALUES) for _ in range(max(length, 0)))]
            raw = "*".join(elements)
            checked += 1
            if (pattern.fullmatch(raw) is not None) != syntax_ok(node, elements, ":"):
                differ.append((raw, node.syntax))
    assert checked > 1000
    assert [] == differ[:5]
