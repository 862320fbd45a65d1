"""pyx12's 837P and control maps compiled to plain data (tuples, strings, ints, frozensets), cached on disk.

The compiled form holds, per map node, what pyx12's walk and element checks read:

- loop: id, usage, position, max repeat, counter slot (pyx12 counts by x12 path), children in pyx12's
  ``pos_map`` order, the counter slots entering the loop resets;
- segment: id, usage, position, max use, counter slot, the qualifier pyx12 matches it by (element,
  sub-element, codes), its elements and composites, its syntax rules (P/R/C/L/E);
- element: usage, sequence, data element number, data type, min/max length, code list (frozenset), the
  external code list it names (evaluated here: a frozenset, "any code" when pyx12 is told to exclude it,
  or "unknown"), its regular expression.

It is written with :mod:`marshal` (plain data only, nothing executed when read back) next to the pyx12
map cache (``$CLAIMEDIT_CACHE_DIR``, default ``~/.cache/claimedit``), keyed by the pyx12 version and the
sha256 of the two map files, codes.xml and dataele.xml. Any failure to read or write it compiles afresh.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.resources
import marshal
import os
from pathlib import Path
from typing import Any

__all__ = ["CONTROL_MAP", "FORMAT", "GUIDE_MAP", "Compiled", "compile_maps", "load_compiled"]

GUIDE_MAP = "837.5010.X222.A1.xml"
CONTROL_MAP = "x12.control.00501.xml"
FORMAT = 1
"""Bumped whenever the layout below changes: part of the cache key."""

Compiled = dict[str, Any]
"""``{"format", "paths", "nodes", "root", "gs", "isa", "char_pattern", "fic", "vriic", "icvn"}``.

``nodes[i]`` is a loop ``("L", id, usage, pos, max_repeat, slot, parent, children, resets)`` (the map root is
``("R", ...)`` with pos 0) or a segment ``("S", id, usage, pos, max_use, slot, parent, key, name, elements,
syntax)``. ``key`` is ``(element, sub-element or 0, codes)`` or None. An element is
``("E", usage, seq, data_ele, data_type, min_len, max_len, codes, external, regex, parent_composite_usage)``
and a composite ``("C", usage, elements)``. ``external`` is None (no external list), True (any code), False
(unknown list: pyx12 raises) or a frozenset.
"""

_MAXINT = 2147483647


def _cache_dir() -> Path | None:
    configured = os.environ.get("CLAIMEDIT_CACHE_DIR")
    if configured is not None:
        return Path(configured) if configured else None
    return Path.home() / ".cache" / "claimedit"


def _sources_key() -> str:
    """pyx12 version plus the bytes of every map file the compiled form is made from."""
    digest = hashlib.sha256()
    digest.update(importlib.metadata.version("pyx12").encode())
    digest.update(f"format {FORMAT}".encode())
    folder = importlib.resources.files("pyx12").joinpath("map")
    for name in (GUIDE_MAP, CONTROL_MAP, "codes.xml", "dataele.xml", "maps.xml"):
        digest.update(folder.joinpath(name).read_bytes())
    return digest.hexdigest()[:24]


def load_compiled() -> Compiled:
    """The compiled maps: read from the per-machine cache, or compiled from pyx12's maps and cached."""
    directory = _cache_dir()
    try:
        key = _sources_key()
    except (OSError, importlib.metadata.PackageNotFoundError):
        return compile_maps()
    cached = directory / f"guide-{key}.marshal" if directory is not None else None
    if cached is not None:
        try:
            data = marshal.loads(cached.read_bytes())  # noqa: S302  (plain data this function wrote, in the user's cache)
            if isinstance(data, dict) and data.get("format") == FORMAT:
                return data
        except (OSError, EOFError, ValueError, TypeError):
            pass
    compiled = compile_maps()
    if cached is not None:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            partial = cached.with_name(f"{cached.name}.{os.getpid()}.part")
            partial.write_bytes(marshal.dumps(compiled))
            partial.replace(cached)
        except (OSError, ValueError):
            pass
    return compiled


def compile_maps() -> Compiled:
    """Read pyx12's maps as the project loads them and turn them into plain data."""
    import pyx12.map_index  # noqa: PLC0415  (pyx12 is read at first start, never at import)
    import pyx12.params  # noqa: PLC0415
    import pyx12.validation  # noqa: PLC0415

    from claimedit.validation._map_cache import load_map_cached  # noqa: PLC0415

    param = pyx12.params.params()
    guide = load_map_cached(GUIDE_MAP, param, None)
    control = load_map_cached(CONTROL_MAP, param, None)
    index = pyx12.map_index.map_index(None)
    if index.get_filename("00501", "005010X222A1", "HC") != GUIDE_MAP:
        raise RuntimeError("pyx12's map index does not select the 837P map for HC 005010X222A1")
    builder = _Builder(param)
    root = builder.add(guide, -1)
    isa_node = control.getnodebypath("/ISA_LOOP/ISA")
    isa = builder.add(isa_node, -1)
    builder.finish()
    gs = builder.index_of[id(guide.getnodebypath("/ISA_LOOP/GS_LOOP/GS"))]
    charset = param.get("charset")
    if charset == "E":
        pattern = (pyx12.validation.rec_ID_E5 if guide.icvn == "00501" else pyx12.validation.rec_ID_E).pattern
    else:
        pattern = pyx12.validation.rec_ID_B.pattern
    if control.icvn != guide.icvn:
        raise RuntimeError("the control map and the 837P map are of different versions")
    return {
        "format": FORMAT,
        "paths": tuple(builder.paths),
        "nodes": tuple(builder.nodes),
        "root": root,
        "gs": gs,
        "isa": isa,
        "char_pattern": pattern,
        "fic": "HC",
        "vriic": "005010X222A1",
        "icvn": "00501",
    }


class _Builder:
    def __init__(self, param: Any) -> None:
        from pyx12.codes import ExternalCodes  # noqa: PLC0415

        self.paths: list[str] = []
        self.slot_of: dict[str, int] = {}
        self.nodes: list[Any] = []
        self.index_of: dict[int, int] = {}
        self.loops: list[tuple[int, Any]] = []
        self.codes = ExternalCodes(None, param.get("exclude_external_codes"))

    def slot(self, path: str) -> int:
        found = self.slot_of.get(path)
        if found is None:
            found = len(self.paths)
            self.paths.append(path)
            self.slot_of[path] = found
        return found

    def add(self, node: Any, parent: int) -> int:
        index = len(self.nodes)
        self.nodes.append(None)
        self.index_of[id(node)] = index
        if node.is_map_root() or node.is_loop():
            children = [child for pos in sorted(node.pos_map) for child in node.pos_map[pos]]
            child_indexes = tuple(self.add(child, index) for child in children)
            if node.is_map_root():
                self.nodes[index] = ("R", node.id, "R", 0, _MAXINT, self.slot("/"), parent, child_indexes, ())
            else:
                slot = self.slot(node.x12path.format())
                self.nodes[index] = (
                    "L",
                    node.id,
                    node.usage,
                    node.pos,
                    node.get_max_repeat(),
                    slot,
                    parent,
                    child_indexes,
                    (),
                )
                self.loops.append((index, node))
            return index
        self.nodes[index] = (
            "S",
            node.id,
            node.usage,
            node.pos,
            node.get_max_repeat(),
            self.slot(node.x12path.format()),
            parent,
            self._key(node),
            node.name,
            tuple(self._child(child) for child in node.children),
            tuple(tuple(rule) for rule in node.syntax),
        )
        return index

    def finish(self) -> None:
        """The slots entering each loop resets: pyx12's ``reset_to_node`` deletes every count below the loop."""
        for index, node in self.loops:
            path = node.x12path
            resets = tuple(slot for text, slot in self.slot_of.items() if path.is_child_path(text))
            self.nodes[index] = (*self.nodes[index][:8], resets)

    @staticmethod
    def _key(node: Any) -> tuple[int, int, frozenset[str | None]] | None:
        found = node._resolve_unique_key_field(node.id, with_qual=False)
        if found is None:
            return None
        child, element, sub = found
        return (element, sub or 0, frozenset(child.valid_codes))

    def _child(self, child: Any) -> Any:
        if child.is_composite():
            return ("C", child.usage, tuple(self._element(sub, child.usage) for sub in child.children))
        return self._element(child, None)

    def _element(self, element: Any, composite_usage: str | None) -> Any:
        data = element._resolve_data_ele()
        external: Any = None
        if element.external_codes is not None:
            key = element.external_codes
            if key in self.codes.exclude_list:
                external = True
            elif key in self.codes.codes:
                external = frozenset(self.codes.codes[key]["codes"])
            else:
                external = False
        return (
            "E",
            element.usage,
            element.seq,
            element.data_ele or "",
            data["data_type"] or "",
            int(data["min_len"]),
            int(data["max_len"]),
            frozenset(element.valid_codes),
            external,
            element.res or None,
            composite_usage,
        )
