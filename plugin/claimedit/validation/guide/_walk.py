"""The compiled map as linked nodes, and pyx12's map walk as memoized transitions.

pyx12's ``walk_tree.walk_errors`` finds the map node of the next segment from the node of the previous
one: it scans the siblings at or after the current position, then pops to the parent loop and scans
again, entering a loop when its first segment matches. Which node it picks depends only on the start
node, the segment id and the qualifier values it compares (``segment_if.is_match``); the errors it
reports depend on the counts it keeps per x12 path. A :class:`Transition` records, for one start node and
one segment key, the node picked, the counts that must be at least 1 (pyx12's "mandatory segment/loop
missing", flushed when the walk moves on) and the count updates with their max-use checks, so that a
stream of segments is walked by looking transitions up and replaying them on a list of counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from claimedit.validation.guide._compile import Compiled
from claimedit.validation.guide._values import Element

__all__ = ["ENTER", "INCREMENT", "SEEN", "Composite", "Node", "Transition", "build_nodes", "transition", "value_at"]

ENTER = 0
"""Entering a loop: reset the counts below it, count it, check its repeat."""
SEEN = 1
"""A segment matched inside its loop: count it, check its max use."""
INCREMENT = 2
"""The first segment of a loop just entered: counted, not checked (as pyx12 does)."""


class Composite:
    __slots__ = ("children", "usage")

    def __init__(self, usage: str | None, children: tuple[Element, ...]) -> None:
        self.usage = usage
        self.children = children


class Node:
    """A loop, segment or the map root."""

    __slots__ = (
        "children",
        "elements",
        "eq",
        "id",
        "index",
        "is_loop",
        "is_root",
        "key",
        "max_repeat",
        "name",
        "parent",
        "pos",
        "reset_span",
        "resets",
        "slot",
        "syntax",
        "usage",
    )

    def __init__(self, index: int, data: tuple[object, ...]) -> None:
        self.index = index
        kind = data[0]
        self.is_root = kind == "R"
        self.is_loop = kind in ("L", "R")
        node_id, usage, pos, max_repeat, slot = data[1:6]
        assert isinstance(pos, int)
        assert isinstance(max_repeat, int)
        assert isinstance(slot, int)
        self.id = node_id if isinstance(node_id, str) else ""
        self.usage = usage if isinstance(usage, str) else ""
        self.pos = pos
        self.max_repeat = max_repeat
        self.slot = slot
        self.parent: Node | None = None
        self.children: tuple[Node, ...] = ()
        self.resets: tuple[int, ...] = ()
        self.reset_span: tuple[int, int] | None = (0, 0)
        """``resets`` as a slice (start, stop) of the counts; None when they are not contiguous (never clean)."""
        self.key: tuple[int, int, frozenset[str | None]] | None = None
        self.name = ""
        self.elements: tuple[Element | Composite, ...] = ()
        self.syntax: tuple[tuple[str, tuple[int, ...]], ...] = ()
        self.eq: tuple[str, str] = (self.id, "")


def build_nodes(compiled: Compiled) -> list[Node]:
    """Linked nodes from the compiled plain data (parents, children, elements)."""
    raw: Sequence[tuple[object, ...]] = compiled["nodes"]
    nodes = [Node(index, data) for index, data in enumerate(raw)]
    for node, data in zip(nodes, raw, strict=True):
        parent = data[6]
        assert isinstance(parent, int)
        node.parent = nodes[parent] if parent >= 0 else None
        if node.is_loop:
            children = data[7]
            resets = data[8]
            assert isinstance(children, tuple)
            assert isinstance(resets, tuple)
            node.children = tuple(nodes[child] for child in children)
            node.resets = resets
            node.reset_span = _span(resets)
        else:
            key, name, elements, syntax = data[7:11]
            node.key = key if isinstance(key, tuple) else None
            node.name = name if isinstance(name, str) else ""
            assert isinstance(elements, tuple)
            assert isinstance(syntax, tuple)
            node.elements = tuple(_element_or_composite(item) for item in elements)
            node.syntax = tuple(_rule(rule) for rule in syntax)
    for node in nodes:
        node.eq = (node.id, node.parent.id if node.parent is not None else "")
    return nodes


def _span(slots: tuple[int, ...]) -> tuple[int, int] | None:
    if not slots:
        return (0, 0)
    low, high = min(slots), max(slots) + 1
    return (low, high) if len(set(slots)) == high - low else None


def _rule(rule: tuple[object, ...]) -> tuple[str, tuple[int, ...]]:
    """A syntax rule as (code, element positions); one pyx12 would reject as malformed gets code "?" (never clean)."""
    if len(rule) < 3:
        return ("?", ())
    return (str(rule[0]), tuple(int(str(position)) for position in rule[1:]))


def _element_or_composite(data: tuple[object, ...]) -> Element | Composite:
    if data[0] == "C":
        usage, children = data[1], data[2]
        assert isinstance(children, tuple)
        return Composite(usage if isinstance(usage, str) else None, tuple(Element(child) for child in children))
    return Element(data)


def value_at(elements: list[str], element: int, sub: int, component: str) -> str | None:
    """pyx12's ``Segment.get_value`` of ``NN`` (sub 0) or ``NN-M``: None when the segment is shorter."""
    if element >= len(elements):
        return None
    text = elements[element]
    if sub:
        parts = text.split(component)
        return parts[sub - 1] if sub - 1 < len(parts) else None
    if component not in text:
        return text
    parts = text.split(component)
    while len(parts) > 1 and parts[-1] == "":
        parts.pop()
    return component.join(parts)


def matches(node: Node, seg_id: str, elements: list[str], component: str) -> bool:
    """pyx12's ``segment_if.is_match``."""
    if seg_id != node.id:
        return False
    key = node.key
    if key is None:
        return True
    return value_at(elements, key[0], key[1], component) in key[2]


@dataclass(frozen=True, slots=True)
class Transition:
    target: Node | None
    """The node pyx12 picks; None when it reports the segment not found (or cannot walk)."""
    at_least_one: tuple[int, ...]
    """Count slots that must be >= 1 before the walk: else pyx12 reports a mandatory segment or loop missing."""
    ops: tuple[tuple[int, Node], ...]
    error: bool
    """pyx12 reports an error whatever the counts (a segment or loop marked not used ...)."""


_Record = tuple[tuple[str, str], int, int]
"""A pending "mandatory missing": (node equality key, position, count slot that must be >= 1)."""


class _Scan:
    """One run of pyx12's walk_errors, with counts left symbolic."""

    def __init__(self, seg_id: str, elements: list[str], component: str) -> None:
        self.seg_id = seg_id
        self.elements = elements
        self.component = component
        self.records: list[_Record] = []
        self.at_least_one: list[int] = []
        self.ops: list[tuple[int, Node]] = []
        self.error = False

    def match(self, node: Node) -> bool:
        return matches(node, self.seg_id, self.elements, self.component)

    def walk(self, start: Node) -> Node | None:
        node_pos = start.pos
        node = start if start.is_loop else start.parent
        while node is not None:
            found, target = self.scan(node, node_pos)
            if found:
                return target
            if node.is_root:
                break
            node_pos = node.pos
            node = node.parent
        self.error = True  # not found (or a node outside the 837P map, like the control map's ISA)
        return None

    def scan(self, node: Node, node_pos: int) -> tuple[bool, Node | None]:
        """pyx12's ``_scan_loop_at_position`` (the pop and push lists it also returns are not needed here)."""
        for child in node.children:
            if child.pos < node_pos:
                continue
            if not child.is_loop:
                if self.match(child):
                    if not node.is_root and self.loop_match(node):
                        return True, self.goto(node)
                    self.ops.append((SEEN, child))
                    if child.usage not in ("R", "S"):
                        self.error = True
                    self.records = [record for record in self.records if record[0] != child.eq]
                    self.flush(child.pos)
                    return True, child
                if child.usage == "R":
                    self.records.append((child.eq, child.pos, child.slot))
            elif self.loop_match(child):
                return True, self.goto(child)
        return False, None

    def loop_match(self, loop: Node) -> bool:
        if not loop.children:
            return False
        first = loop.children[0]
        if first.is_loop:
            return any(child.is_loop and self.loop_match(child) for child in loop.children)
        if self.match(first):
            return True
        if loop.usage == "R":
            self.records.append((first.eq, first.pos, loop.slot))
        return False

    def goto(self, loop: Node) -> Node | None:
        first = loop.children[0] if loop.children else None
        if first is not None and not first.is_loop and self.match(first):
            if loop.usage in ("R", "S"):
                self.ops.append((ENTER, loop))
            else:
                self.error = True
            self.ops.append((INCREMENT, first))
            self.flush(None)
            return first
        for child in loop.children:
            if child.is_loop:
                found = self.goto(child)
                if found is not None:
                    return found
        return None

    def flush(self, cur_pos: int | None) -> None:
        self.at_least_one.extend(record[2] for record in self.records if record[1] != cur_pos)
        self.records = [record for record in self.records if record[1] == cur_pos]


def transition(start: Node, seg_id: str, elements: list[str], component: str) -> Transition:
    """The walk from ``start`` to the node of the segment ``elements`` (see the module doc)."""
    scan = _Scan(seg_id, elements, component)
    target = scan.walk(start)
    return Transition(target, tuple(dict.fromkeys(scan.at_least_one)), tuple(scan.ops), scan.error or target is None)
