"""Mutations of clean 837P interchanges at the segment and element level, aimed at the guide's rules.

A :class:`Seed` is one interchange pyx12 accepts, cut into segments, each with what pyx12's map says
about it (usage, max use, and per element: usage, data type, lengths, code list). A mutation draws one
to three :data:`OPERATIONS` from a :class:`Chooser` and applies them to a copy of the seed:

- some stay inside the guide (a value of the right type and length, another code of the element's
  list, a situational segment dropped, a repeatable segment repeated, control numbers renumbered in
  pairs) and pyx12 usually still accepts the result: there the guide must say clean where it can;
- the others cross a rule by one step (one character too long or short, the wrong type, a code not in
  the list, an empty required element, an element or component too many or too few, a repetition
  separator, a qualifier of another loop, a segment dropped, duplicated, swapped or repeated beyond
  its maximum use, a count or a control number off by one).

The segment counts (SE01, GE01, IEA01) are set right after the operations most of the time, so that
a structural change is not caught by the count alone. The same code serves hypothesis (the CI test,
which shrinks a failure to its fewest operations) and a plain ``random.Random`` (bench/diff_guide.py,
hundreds of thousands of mutations): both are a :class:`Chooser`.
"""

from __future__ import annotations

import io
import random
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, TypeVar

from hypothesis import strategies as st

from claimedit.validation.pyx12 import Pyx12Validator
from claimedit.x12.tokens import read_isa, split_segments

__all__ = [
    "OPERATIONS",
    "Chooser",
    "DrawChooser",
    "ElementSpec",
    "Mutation",
    "RandomChooser",
    "Seed",
    "SegmentSpec",
    "mutate",
    "mutations",
    "recount",
    "seed_from_text",
]

T = TypeVar("T")
CONTROL_MAP = "x12.control.00501.xml"
GUIDE_MAP = "837.5010.X222.A1.xml"
_SAFE_TEXT = string.ascii_uppercase + string.digits
"""Characters of the X12 basic character set that are never a delimiter of the seeds."""


class Chooser(Protocol):
    """Where a mutation's choices come from: hypothesis (shrinkable) or a seeded random generator (fast)."""

    def integer(self, low: int, high: int) -> int:
        """A whole number from ``low`` to ``high``, both included."""

    def choice(self, options: Sequence[T]) -> T:
        """One of ``options`` (not empty)."""


class DrawChooser:
    """Choices drawn by hypothesis, so that a failing mutation shrinks to its simplest form."""

    def __init__(self, draw: st.DrawFn) -> None:
        self._draw = draw

    def integer(self, low: int, high: int) -> int:
        return self._draw(st.integers(low, high))

    def choice(self, options: Sequence[T]) -> T:
        return options[self._draw(st.integers(0, len(options) - 1))]


class RandomChooser:
    """Choices from a seeded ``random.Random``: the same seed gives the same mutation."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def integer(self, low: int, high: int) -> int:
        return self._rng.randint(low, high)

    def choice(self, options: Sequence[T]) -> T:
        return options[self._rng.randrange(len(options))]


@dataclass(frozen=True)
class ElementSpec:
    """What the map says of one element (or one component of a composite)."""

    name: str
    usage: str
    """R required, S situational, N not used."""
    data_type: str
    """AN, ID, DT, TM, N0, N2, R ...; empty for a composite."""
    min_len: int
    max_len: int
    codes: tuple[str, ...]
    components: tuple[ElementSpec, ...] = ()


@dataclass(frozen=True)
class SegmentSpec:
    """What the map says of one segment where it stands in the seed."""

    path: str
    usage: str
    max_use: int
    elements: tuple[ElementSpec, ...]


@dataclass(frozen=True)
class Seed:
    """One interchange pyx12 accepts, cut into segments, with the map node of each."""

    name: str
    element: str
    component: str
    repetition: str
    terminator: str
    segments: tuple[tuple[str, ...], ...]
    """Each segment's elements, ``[0]`` the segment id."""
    specs: tuple[SegmentSpec, ...]
    qualifiers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Per segment id, every code its first element takes anywhere in the guide (NM1: 41, 40, 85, IL, PR ...)."""


def seed_from_text(name: str, text: str, validator: Pyx12Validator) -> Seed | None:
    """The seed of ``text`` (one interchange, pyx12's form of it), or None when pyx12 does not walk it cleanly."""
    import pyx12.x12file  # noqa: PLC0415  (pyx12 is loaded with the validator, not at import)
    from pyx12.map_walker import walk_tree  # noqa: PLC0415

    control, guide = validator.map_for(CONTROL_MAP), validator.map_for(GUIDE_MAP)
    delimiters = read_isa(text).delimiters
    cut = [segment for segment in split_segments(text, delimiters) if segment.elements]
    walker = walk_tree()
    node: Any = None
    specs: list[SegmentSpec] = []
    reader = pyx12.x12file.X12Reader(io.StringIO(text))
    try:
        for seg in reader:
            seg_id = seg.get_seg_id()
            if seg_id == "ISA":
                node = control.getnodebypath("/ISA_LOOP/ISA")
                walker.forceWalkCounterToLoopStart("/ISA_LOOP", "/ISA_LOOP/ISA")
            elif seg_id == "GS":
                node = guide.getnodebypath("/ISA_LOOP/GS_LOOP/GS")
                walker.forceWalkCounterToLoopStart("/ISA_LOOP/GS_LOOP", "/ISA_LOOP/GS_LOOP/GS")
            else:
                node, _, _, errors = walker.walk_errors(
                    node, seg, reader.get_seg_count(), reader.get_cur_line(), reader.get_ls_id()
                )
                if errors or node is None:
                    return None
            specs.append(_segment_spec(node))
    finally:
        reader.close()
    if len(specs) != len(cut) or any(
        spec.path.rsplit("/", 1)[-1].split("[")[0] != segment.tag for spec, segment in zip(specs, cut, strict=True)
    ):
        return None
    return Seed(
        name,
        delimiters.element,
        delimiters.component,
        delimiters.repetition,
        delimiters.segment,
        tuple(tuple(segment.elements) for segment in cut),
        tuple(specs),
        _qualifiers(guide),
    )


def _segment_spec(node: Any) -> SegmentSpec:
    return SegmentSpec(
        node.get_path(), node.usage, int(node.max_use or 1), tuple(_element_spec(c) for c in node.children)
    )


def _element_spec(node: Any) -> ElementSpec:
    if node.is_composite():
        parts = tuple(_element_spec(child) for child in node.children)
        return ElementSpec(node.id, node.usage, "", 0, 0, (), parts)
    codes = tuple(node.valid_codes or ())
    return ElementSpec(node.id, node.usage, node.data_type or "", int(node.min_len), int(node.max_len), codes)


def _qualifiers(guide: Any) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}

    def visit(node: Any) -> None:
        if node.is_segment():
            first = node.children[0] if node.children else None
            if first is not None and first.is_element() and first.valid_codes:
                found.setdefault(node.id, set()).update(first.valid_codes)
            return
        for child in getattr(node, "children", None) or []:
            visit(child)

    visit(guide)
    return {seg_id: tuple(sorted(codes)) for seg_id, codes in found.items()}


@dataclass
class Mutation:
    """A seed being mutated: its segments, their specs (None for a segment the mutation made up), and what was done."""

    seed: Seed
    segments: list[list[str]]
    specs: list[SegmentSpec | None]
    done: list[str] = field(default_factory=list)
    recount: bool = True
    element: str = ""
    component: str = ""
    repetition: str = ""
    terminator: str = ""
    """The delimiters written (the seed's unless :func:`redelimit` changed them)."""

    def __post_init__(self) -> None:
        seed = self.seed
        self.element = self.element or seed.element
        self.component = self.component or seed.component
        self.repetition = self.repetition or seed.repetition
        self.terminator = self.terminator or seed.terminator

    def text(self) -> str:
        """The interchange, one segment a line, as pyx12 is given it."""
        separator = self.terminator if self.terminator == "\n" else f"{self.terminator}\n"
        return "".join(f"{self.element.join(segment)}{separator}" for segment in self.segments)

    def element_indexes(self) -> list[int]:
        """Positions of the segments whose elements may change (all but the ISA, read by position)."""
        return list(range(1, len(self.segments)))

    def body_indexes(self) -> list[int]:
        """Positions of the segments between the envelopes (never ISA, GS, GE, IEA)."""
        return [i for i, segment in enumerate(self.segments) if segment[0] not in ("ISA", "GS", "GE", "IEA")]


Operation = Callable[[Mutation, Chooser], None]


# --- values ----------------------------------------------------------------------------------------


def _valid_value(spec: ElementSpec, chooser: Chooser) -> str | None:
    """A value of ``spec``'s type within its lengths (None when no such value is known: external code lists)."""
    if spec.codes:
        return chooser.choice(spec.codes)
    if spec.data_type == "ID":
        return None
    low, high = max(spec.min_len, 1), max(spec.max_len, 1)
    length = chooser.choice(sorted({low, high, min(high, low + 2)}))
    return _value_of_type(spec.data_type, length, chooser)


def _value_of_type(data_type: str, length: int, chooser: Chooser) -> str | None:
    if data_type == "DT":
        day = f"20{chooser.integer(10, 30):02d}{chooser.integer(1, 12):02d}{chooser.integer(1, 28):02d}"
        return day if length == 8 else day[2:] if length == 6 else None
    if data_type == "TM":
        return f"{chooser.integer(0, 23):02d}{chooser.integer(0, 59):02d}{'00' * ((length - 4) // 2)}"[:length]
    if data_type in ("N", "N0", "N2", "R"):
        first = str(chooser.integer(1, 9))
        return first + "".join(str(chooser.integer(0, 9)) for _ in range(length - 1))
    return "".join(chooser.choice(_SAFE_TEXT) for _ in range(length))


def _wrong_type_value(spec: ElementSpec) -> str:
    if spec.data_type in ("DT",):
        return "20261341"[: max(spec.max_len, 6)]
    if spec.data_type == "TM":
        return "2561"
    if spec.data_type in ("N", "N0", "N2", "R"):
        return "1A"
    return "A#" if spec.max_len >= 2 else "#"


def _pick_element(
    mutation: Mutation, chooser: Chooser, wanted: Callable[[ElementSpec], bool], *, present: bool = False
) -> tuple[int, int] | None:
    """A (segment, element position) in the body whose spec satisfies ``wanted`` (and that has a value)."""
    positions = _Wanted(wanted)
    segments = mutation.segments
    candidates = [
        (index, position)
        for index in mutation.element_indexes()
        if (spec := mutation.specs[index]) is not None
        for position in positions.of(spec)
        if not present or (position < len(segments[index]) and segments[index][position] != "")
    ]
    return chooser.choice(candidates) if candidates else None


class _Wanted:
    """The element positions of a segment spec that satisfy ``wanted``, computed once per spec and predicate.

    A seed's few hundred segments share a few dozen specs, and the long run (bench/diff_guide.py) picks an
    element hundreds of thousands of times: asking ``wanted`` of every element of every segment each time
    was most of a mutation's cost. The predicate is known by its code and the values it closes over (the
    operations pass lambdas made anew at each call); the positions are the same, in the same order, as
    asking each time, so a seed gives the same mutations as before.
    """

    _known: ClassVar[dict[tuple[object, ...], dict[int, tuple[SegmentSpec, tuple[int, ...]]]]] = {}
    """Per predicate, per ``id(spec)``: the spec (kept, so that its id is never reused) and its positions."""

    def __init__(self, wanted: Callable[[ElementSpec], bool]) -> None:
        self._wanted = wanted
        code = getattr(wanted, "__code__", None)
        cells = getattr(wanted, "__closure__", None) or ()
        key = (code, *(cell.cell_contents for cell in cells))
        try:
            self._table = self._known.setdefault(key, {}) if code is not None else {}
        except TypeError:  # closes over something unhashable: a table for this call only
            self._table = {}

    def of(self, spec: SegmentSpec) -> tuple[int, ...]:
        known = self._table.get(id(spec))
        if known is None or known[0] is not spec:
            known = (spec, tuple(p for p, element in enumerate(spec.elements, start=1) if self._wanted(element)))
            self._table[id(spec)] = known
        return known[1]


def _set(mutation: Mutation, index: int, position: int, value: str) -> None:
    segment = mutation.segments[index]
    while len(segment) <= position:
        segment.append("")
    segment[position] = value
    while len(segment) > 1 and segment[-1] == "":
        segment.pop()


def _spec(mutation: Mutation, index: int, position: int) -> ElementSpec:
    spec = mutation.specs[index]
    assert spec is not None
    return spec.elements[position - 1]


def _present(mutation: Mutation, index: int, position: int) -> bool:
    segment = mutation.segments[index]
    return position < len(segment) and segment[position] != ""


def _name(mutation: Mutation, index: int, position: int | None = None) -> str:
    tag = mutation.segments[index][0]
    return f"{tag}{position:02d}@{index}" if position is not None else f"{tag}@{index}"


# --- operations that usually stay inside the guide ------------------------------------------------


def valid_value(mutation: Mutation, chooser: Chooser) -> None:
    """A present simple element gets another value of its type and length (another code of its list)."""
    picked = _pick_element(mutation, chooser, lambda e: not e.components and e.usage != "N", present=True)
    if picked is None or not _present(mutation, *picked):
        return
    value = _valid_value(_spec(mutation, *picked), chooser)
    if value is not None:
        _set(mutation, *picked, value)
        mutation.done.append(f"valid value {_name(mutation, *picked)}")


def valid_component(mutation: Mutation, chooser: Chooser) -> None:
    """A present component of a composite gets another value of its type and length."""
    picked = _pick_element(mutation, chooser, lambda e: bool(e.components), present=True)
    if picked is None or not _present(mutation, *picked):
        return
    index, position = picked
    parts = mutation.segments[index][position].split(mutation.component)
    at = chooser.integer(0, len(parts) - 1)
    spec = _spec(mutation, index, position).components
    if at >= len(spec) or not parts[at]:
        return
    value = _valid_value(spec[at], chooser)
    if value is not None:
        parts[at] = value
        _set(mutation, index, position, mutation.component.join(parts))
        mutation.done.append(f"valid component {_name(mutation, index, position)}-{at + 1}")


def drop_situational_segment(mutation: Mutation, chooser: Chooser) -> None:
    """A situational segment is left out."""
    candidates = [i for i in mutation.body_indexes() if (spec := mutation.specs[i]) is not None and spec.usage == "S"]
    if candidates:
        index = chooser.choice(candidates)
        mutation.done.append(f"drop situational {_name(mutation, index)}")
        del mutation.segments[index], mutation.specs[index]


def blank_situational_element(mutation: Mutation, chooser: Chooser) -> None:
    """A situational element is emptied."""
    picked = _pick_element(mutation, chooser, lambda e: e.usage == "S", present=True)
    if picked is not None and _present(mutation, *picked):
        _set(mutation, *picked, "")
        mutation.done.append(f"blank situational {_name(mutation, *picked)}")


def repeat_within_max_use(mutation: Mutation, chooser: Chooser) -> None:
    """A segment the guide lets repeat is repeated once (its loop may already hold the maximum)."""
    candidates = [i for i in mutation.body_indexes() if (spec := mutation.specs[i]) is not None and spec.max_use > 1]
    if candidates:
        index = chooser.choice(candidates)
        mutation.done.append(f"repeat {_name(mutation, index)}")
        mutation.segments.insert(index + 1, list(mutation.segments[index]))
        mutation.specs.insert(index + 1, mutation.specs[index])


def renumber_controls(mutation: Mutation, chooser: Chooser) -> None:
    """A control number changed in its header and its trailer alike (ST02/SE02, GS06/GE02, ISA13/IEA02)."""
    pairs = {"ST": ("SE", 2, 2), "GS": ("GE", 6, 2), "ISA": ("IEA", 13, 2)}
    header = chooser.choice(sorted(pairs))
    trailer, at_header, at_trailer = pairs[header]
    starts = [i for i, segment in enumerate(mutation.segments) if segment[0] == header]
    if not starts:
        return
    start = chooser.choice(starts)
    end = next((i for i in range(start + 1, len(mutation.segments)) if mutation.segments[i][0] == trailer), None)
    old = mutation.segments[start][at_header] if at_header < len(mutation.segments[start]) else ""
    width = 9 if header == "ISA" else max(4, len(old)) if header == "ST" else chooser.integer(1, 9)
    number = str(chooser.integer(1, 10**width - 1)).zfill(width if header != "GS" else 1)
    _set(mutation, start, at_header, number)
    if end is not None:
        _set(mutation, end, at_trailer, number)
    mutation.done.append(f"renumber {header}/{trailer}")


def repeat_transaction_or_group(mutation: Mutation, chooser: Chooser) -> None:
    """A whole transaction (ST..SE) or group (GS..GE) written again after itself, with a control number of its own."""
    header, trailer, at = chooser.choice([("ST", "SE", 2), ("GS", "GE", 6)])
    starts = [i for i, segment in enumerate(mutation.segments) if segment[0] == header]
    if not starts:
        return
    start = chooser.choice(starts)
    end = next((i for i in range(start, len(mutation.segments)) if mutation.segments[i][0] == trailer), None)
    if end is None:
        return
    block = [list(segment) for segment in mutation.segments[start : end + 1]]
    for segment, position in ((block[0], at), (block[-1], 2)):  # the header's control number, SE02 or GE02
        segment.extend([""] * (position + 1 - len(segment)))
    number = str(900 + chooser.integer(0, 99)).zfill(len(block[0][at]))
    block[0][at] = block[-1][2] = number
    mutation.segments[end + 1 : end + 1] = block
    mutation.specs[end + 1 : end + 1] = mutation.specs[start : end + 1]
    mutation.done.append(f"repeat {header}..{trailer} as {number}")


def redelimit(mutation: Mutation, chooser: Chooser) -> None:
    """The whole interchange written with other delimiters (ISA11 and ISA16 with them): the same content."""
    element, component = chooser.choice(["*", "|"]), chooser.choice([":", ">"])
    repetition, terminator = chooser.choice(["^", "{"]), chooser.choice(["~", "'"])
    old_component, old_repetition = mutation.component, mutation.repetition
    for segment in mutation.segments[1:]:
        for position in range(1, len(segment)):
            value = segment[position].replace(old_component, "\0").replace(old_repetition, "\1")
            segment[position] = value.replace("\0", component).replace("\1", repetition)
    _set(mutation, 0, 11, repetition)
    _set(mutation, 0, 16, component)
    mutation.element, mutation.component, mutation.repetition, mutation.terminator = (
        element,
        component,
        repetition,
        terminator,
    )
    mutation.done.append(f"delimiters {element}{component}{repetition}{terminator}")


# --- operations that cross a rule by one step ------------------------------------------------------


def too_long(mutation: Mutation, chooser: Chooser) -> None:
    """A value one character longer than the element allows."""
    picked = _pick_element(mutation, chooser, lambda e: not e.components and 0 < e.max_len < 80 and e.usage != "N")
    if picked is not None:
        spec = _spec(mutation, *picked)
        value = _value_of_type(spec.data_type, spec.max_len + 1, chooser) or "9" * (spec.max_len + 1)
        _set(mutation, *picked, value)
        mutation.done.append(f"too long {_name(mutation, *picked)}")


def too_short(mutation: Mutation, chooser: Chooser) -> None:
    """A value one character shorter than the element allows."""
    picked = _pick_element(mutation, chooser, lambda e: not e.components and e.min_len > 1)
    if picked is not None:
        spec = _spec(mutation, *picked)
        value = _value_of_type(spec.data_type, spec.min_len - 1, chooser) or "9" * (spec.min_len - 1)
        _set(mutation, *picked, value)
        mutation.done.append(f"too short {_name(mutation, *picked)}")


def wrong_type(mutation: Mutation, chooser: Chooser) -> None:
    """A value of the wrong type (letters in a number, an impossible date or time, a character outside the set)."""
    picked = _pick_element(mutation, chooser, lambda e: not e.components and e.usage != "N")
    if picked is not None:
        _set(mutation, *picked, _wrong_type_value(_spec(mutation, *picked)))
        mutation.done.append(f"wrong type {_name(mutation, *picked)}")


def code_not_in_list(mutation: Mutation, chooser: Chooser) -> None:
    """An ID element gets a code its list does not hold (of the right length)."""
    picked = _pick_element(mutation, chooser, lambda e: bool(e.codes))
    if picked is None:
        return
    spec = _spec(mutation, *picked)
    length = max(spec.min_len, min(2, spec.max_len))
    for candidate in ("ZZ", "99", "X", "9", "ZZZ"):
        value = candidate[:length].ljust(length, "Z")
        if value not in spec.codes:
            _set(mutation, *picked, value)
            mutation.done.append(f"code not in list {_name(mutation, *picked)}")
            return


def other_qualifier(mutation: Mutation, chooser: Chooser) -> None:
    """The first element (NM101, REF01, DTP01, PER01 ...) gets a code it takes elsewhere in the guide."""
    candidates = [i for i in mutation.body_indexes() if mutation.segments[i][0] in mutation.seed.qualifiers]
    if not candidates:
        return
    index = chooser.choice(candidates)
    current = mutation.segments[index][1] if len(mutation.segments[index]) > 1 else ""
    codes = [code for code in mutation.seed.qualifiers[mutation.segments[index][0]] if code != current]
    if codes:
        _set(mutation, index, 1, chooser.choice(codes))
        mutation.done.append(f"other qualifier {_name(mutation, index, 1)}")


def other_hi_qualifier(mutation: Mutation, chooser: Chooser) -> None:
    """A diagnosis qualifier (HI0n-1) changed: ABK/ABF/BK/BF/APR/ABJ and others."""
    candidates = [i for i in mutation.body_indexes() if mutation.segments[i][0] == "HI"]
    if not candidates:
        return
    index = chooser.choice(candidates)
    if len(mutation.segments[index]) < 2:  # an earlier operation left the HI without elements
        return
    position = chooser.integer(1, len(mutation.segments[index]) - 1)
    parts = mutation.segments[index][position].split(mutation.component)
    parts[0] = chooser.choice(["ABK", "ABF", "BK", "BF", "APR", "ABJ", "BP", "BG", "ZZ"])
    _set(mutation, index, position, mutation.component.join(parts))
    mutation.done.append(f"HI qualifier {_name(mutation, index, position)}")


def date_format_qualifier(mutation: Mutation, chooser: Chooser) -> None:
    """DTP02 switched between D8 and RD8, the date (DTP03) rewritten to the new format or left as it was."""
    candidates = [i for i in mutation.body_indexes() if mutation.segments[i][0] == "DTP" and _present(mutation, i, 3)]
    if not candidates:
        return
    index = chooser.choice(candidates)
    segment = mutation.segments[index]
    day = segment[3][:8]
    qualifier = chooser.choice(["D8", "RD8", "DT", "D6"])
    _set(mutation, index, 2, qualifier)
    if chooser.integer(0, 1):
        _set(mutation, index, 3, {"RD8": f"{day}-{day}", "DT": f"{day}1200", "D6": day[2:]}.get(qualifier, day))
    mutation.done.append(f"date format {_name(mutation, index, 2)}={qualifier}")


def fill_situational(mutation: Mutation, chooser: Chooser) -> None:
    """An absent situational element gets a value of its type (its pair or condition in the guide may be missing)."""
    picked = _pick_element(
        mutation, chooser, lambda e: e.usage == "S" and not e.components and (bool(e.codes) or e.data_type != "ID")
    )
    if picked is not None and not _present(mutation, *picked):
        value = _valid_value(_spec(mutation, *picked), chooser)
        if value is not None:
            _set(mutation, *picked, value)
            mutation.done.append(f"fill situational {_name(mutation, *picked)}")


def transplant(mutation: Mutation, chooser: Chooser) -> None:
    """A segment of this seed copied to another place (a real segment of the guide, out of its loop)."""
    source = chooser.choice(mutation.body_indexes())
    target = chooser.choice(mutation.body_indexes())
    mutation.done.append(f"transplant {_name(mutation, source)} to {target}")
    mutation.segments.insert(target, list(mutation.segments[source]))
    mutation.specs.insert(target, mutation.specs[source])


def unknown_segment(mutation: Mutation, chooser: Chooser) -> None:
    """A segment the 837P does not use, or no segment id at all, inserted."""
    made_up = chooser.choice([["ZZZ", "1"], ["AMT", "F5", "10"], ["K3", "TEXT"], ["NTE", "ADD", "TEXT"], ["N1", "PR"]])
    target = chooser.choice(mutation.body_indexes())
    mutation.segments.insert(target, list(made_up))
    mutation.specs.insert(target, None)
    mutation.done.append(f"unknown segment {made_up[0]} at {target}")


def empty_required(mutation: Mutation, chooser: Chooser) -> None:
    """A required element is left empty."""
    picked = _pick_element(mutation, chooser, lambda e: e.usage == "R")
    if picked is not None:
        _set(mutation, *picked, "")
        mutation.done.append(f"empty required {_name(mutation, *picked)}")


def fill_not_used(mutation: Mutation, chooser: Chooser) -> None:
    """An element the guide marks not used gets a value."""
    picked = _pick_element(mutation, chooser, lambda e: e.usage == "N" and not e.components)
    if picked is not None:
        value = _value_of_type(_spec(mutation, *picked).data_type, 1, chooser) or "1"
        _set(mutation, *picked, value)
        mutation.done.append(f"fill not used {_name(mutation, *picked)}")


def extra_element(mutation: Mutation, chooser: Chooser) -> None:
    """One element more than the segment has in the map."""
    index = chooser.choice(mutation.element_indexes())
    spec = mutation.specs[index]
    count = len(spec.elements) if spec is not None else len(mutation.segments[index]) - 1
    _set(mutation, index, count + 1, chooser.choice(["1", "A", "ZZ"]))
    mutation.done.append(f"extra element {_name(mutation, index, count + 1)}")


def drop_last_element(mutation: Mutation, chooser: Chooser) -> None:
    """The segment's last element is removed."""
    index = chooser.choice(mutation.element_indexes())
    if len(mutation.segments[index]) > 2:
        mutation.segments[index].pop()
        mutation.done.append(f"drop last element {_name(mutation, index)}")


def extra_component(mutation: Mutation, chooser: Chooser) -> None:
    """A composite (SV101, HI0n, CLM05 ...) or a simple element gets one component more."""
    any_element = chooser.integer(0, 9) == 0
    picked = _pick_element(mutation, chooser, lambda e: any_element or bool(e.components), present=True)
    if picked is not None and _present(mutation, *picked):
        index, position = picked
        spec = _spec(mutation, index, position)
        parts = mutation.segments[index][position].split(mutation.component)
        while len(parts) < max(len(spec.components), 1):
            parts.append("")
        parts.append(chooser.choice(["1", "A", "ZZ"]))
        _set(mutation, index, position, mutation.component.join(parts))
        mutation.done.append(f"extra component {_name(mutation, index, position)}")


def drop_component(mutation: Mutation, chooser: Chooser) -> None:
    """A composite loses its last component."""
    picked = _pick_element(mutation, chooser, lambda e: bool(e.components), present=True)
    if picked is not None and _present(mutation, *picked):
        index, position = picked
        parts = mutation.segments[index][position].split(mutation.component)
        if len(parts) > 1:
            _set(mutation, index, position, mutation.component.join(parts[:-1]))
            mutation.done.append(f"drop component {_name(mutation, index, position)}")


def repetition_separator(mutation: Mutation, chooser: Chooser) -> None:
    """A value repeated with the repetition separator (ISA11) where the element does not repeat."""
    picked = _pick_element(mutation, chooser, lambda e: e.usage != "N", present=True)
    if picked is not None and _present(mutation, *picked):
        index, position = picked
        value = mutation.segments[index][position]
        _set(mutation, index, position, f"{value}{mutation.repetition}{value}")
        mutation.done.append(f"repetition {_name(mutation, index, position)}")


def drop_segment(mutation: Mutation, chooser: Chooser) -> None:
    """Any segment left out (a required one, a loop's first, a trailer)."""
    index = chooser.integer(1, len(mutation.segments) - 1)
    mutation.done.append(f"drop {_name(mutation, index)}")
    del mutation.segments[index], mutation.specs[index]


def duplicate_segment(mutation: Mutation, chooser: Chooser) -> None:
    """Any segment written twice (beyond a maximum use of one, a second header)."""
    index = chooser.integer(1, len(mutation.segments) - 1)
    mutation.done.append(f"duplicate {_name(mutation, index)}")
    mutation.segments.insert(index + 1, list(mutation.segments[index]))
    mutation.specs.insert(index + 1, mutation.specs[index])


def repeat_beyond_max_use(mutation: Mutation, chooser: Chooser) -> None:
    """A segment written one time more than its maximum use."""
    candidates = [i for i in mutation.body_indexes() if (spec := mutation.specs[i]) is not None and spec.max_use <= 12]
    if candidates:
        index = chooser.choice(candidates)
        spec = mutation.specs[index]
        assert spec is not None
        mutation.done.append(f"repeat beyond max use {_name(mutation, index)} x{spec.max_use + 1}")
        for _ in range(spec.max_use):
            mutation.segments.insert(index + 1, list(mutation.segments[index]))
            mutation.specs.insert(index + 1, spec)


def swap_segments(mutation: Mutation, chooser: Chooser) -> None:
    """A segment swapped with the next one."""
    index = chooser.integer(1, len(mutation.segments) - 2)
    mutation.done.append(f"swap {_name(mutation, index)}")
    segments, specs = mutation.segments, mutation.specs
    segments[index], segments[index + 1] = segments[index + 1], segments[index]
    specs[index], specs[index + 1] = specs[index + 1], specs[index]


def count_off(mutation: Mutation, chooser: Chooser) -> None:
    """SE01, GE01 or IEA01 off by one (the counts are not set right afterwards)."""
    trailers = [i for i, segment in enumerate(mutation.segments) if segment[0] in ("SE", "GE", "IEA")]
    index = chooser.choice(trailers)
    recount(mutation)
    value = mutation.segments[index][1] if len(mutation.segments[index]) > 1 else "0"
    changed = int(value) + chooser.choice([-1, 1]) if value.isdigit() else 1
    _set(mutation, index, 1, str(max(changed, 0)))
    mutation.recount = False
    mutation.done.append(f"count off {_name(mutation, index, 1)}")


def control_mismatch(mutation: Mutation, chooser: Chooser) -> None:
    """A trailer's control number (SE02, GE02, IEA02) no longer matches its header's."""
    trailers = [i for i, segment in enumerate(mutation.segments) if segment[0] in ("SE", "GE", "IEA")]
    index = chooser.choice(trailers)
    old = mutation.segments[index][2] if len(mutation.segments[index]) > 2 else "1"
    new = str(int(old) + 1).zfill(len(old)) if old.isdigit() else "1"
    _set(mutation, index, 2, new)
    mutation.done.append(f"control mismatch {_name(mutation, index, 2)}")


def isa_value(mutation: Mutation, chooser: Chooser) -> None:
    """An ISA element the guide constrains: usage indicator, acknowledgment request, repetition separator, version."""
    position, value = chooser.choice(
        [
            (15, "P"),
            (15, "T"),
            (15, "X"),
            (14, "1"),
            (14, "0"),
            (14, "2"),
            (11, "U"),
            (12, "00401"),
            (12, "00502"),
            (5, "01"),
            (5, "30"),
            (7, "27"),
            (9, "261399"),
            (9, "240229"),
            (9, "230229"),
            (10, "2561"),
            (10, "2359"),
            (1, "03"),
            (3, "01"),
            (13, "000000000"),
            (13, "00000000A"),
            (16, ">"),
            (16, "^"),
            (11, "!"),
        ]
    )
    _set(mutation, 0, position, value)
    mutation.done.append(f"ISA{position:02d}={value}")


# --- edge values: what pyx12's own checks decide one way or the other ------------------------------

_EDGES: dict[str, tuple[str, ...]] = {
    "R": ("-1", "-", "-.5", ".5", "1.", "+1", "1E2", "0", "00", "1.00", "-0", "0.0"),
    "N": ("-1", "01", "+1", "1.0", "0", "-0", "1 "),
    "DT": ("20240229", "20230229", "21000229", "20000229", "17991231", "18000101", "20241131", "240229", "000229"),
    "TM": ("2400", "2359", "235959", "2359591", "23595999", "235960", "12345", "0000", "1260"),
    "AN": ("abc", "A!B", "A&B", "A%B", "A@B", "A B", " A", "A ", "   ", "A\tB", "\u00c9", "A_B", "A#B", "A'B", "A=B"),
}


def _edge_values(spec: ElementSpec, value: str) -> tuple[str, ...]:
    data_type = spec.data_type
    if data_type == "R" or data_type.startswith("N"):
        digits = "9" * max(spec.max_len, 1)
        long_forms = (f"-{digits}", f"{digits[:-1]}.{digits[-1]}", f"{digits}.", f"0{digits}")
        return _EDGES["R" if data_type == "R" else "N"] + long_forms
    if data_type in ("DT", "TM"):
        return _EDGES[data_type]
    return (*_EDGES["AN"], f"{value} ", f" {value}", value.lower(), value[: max(spec.min_len, 1)].ljust(spec.min_len))


def edge_value(mutation: Mutation, chooser: Chooser) -> None:
    """A present simple element gets a value at an edge of pyx12's checks (sign, point, leap day, spaces, case)."""
    picked = _pick_element(mutation, chooser, lambda e: not e.components and e.usage != "N", present=True)
    if picked is not None:
        index, position = picked
        value = chooser.choice(_edge_values(_spec(mutation, index, position), mutation.segments[index][position]))
        _set(mutation, index, position, value)
        mutation.done.append(f"edge value {_name(mutation, index, position)}={value!r}")


def edge_component(mutation: Mutation, chooser: Chooser) -> None:
    """A present component gets a value at an edge of pyx12's checks, or a trailing component separator."""
    picked = _pick_element(mutation, chooser, lambda e: bool(e.components), present=True)
    if picked is None:
        return
    index, position = picked
    component = mutation.component
    parts = mutation.segments[index][position].split(component)
    at = chooser.integer(0, len(parts))
    specs = _spec(mutation, index, position).components
    if at == len(parts) or at >= len(specs):
        _set(mutation, index, position, f"{component.join(parts)}{component}")
        mutation.done.append(f"trailing component separator {_name(mutation, index, position)}")
        return
    parts[at] = chooser.choice(_edge_values(specs[at], parts[at]))
    _set(mutation, index, position, component.join(parts))
    mutation.done.append(f"edge component {_name(mutation, index, position)}-{at + 1}={parts[at]!r}")


def trailing_element_separator(mutation: Mutation, chooser: Chooser) -> None:
    """A segment ends with an empty element (a trailing element separator)."""
    index = chooser.choice(mutation.element_indexes())
    mutation.segments[index].append("")
    mutation.done.append(f"trailing element separator {_name(mutation, index)}")


def sequence_number(mutation: Mutation, chooser: Chooser) -> None:
    """HL01, HL02 or LX01 no longer in sequence (a parent that does not exist, a number repeated or skipped)."""
    tag, position = chooser.choice([("HL", 1), ("HL", 2), ("LX", 1)])
    candidates = [i for i in mutation.body_indexes() if mutation.segments[i][0] == tag]
    if candidates:
        index = chooser.choice(candidates)
        old = mutation.segments[index][position] if _present(mutation, index, position) else "1"
        new = str(max(int(old) + chooser.choice([-1, 1, 2, 50]), 0)) if old.isdigit() else "1"
        _set(mutation, index, position, new)
        mutation.done.append(f"sequence {_name(mutation, index, position)} {old}->{new}")


def control_number_reused(mutation: Mutation, chooser: Chooser) -> None:
    """A transaction (ST02/SE02) or group (GS06/GE02) takes the control number of the one before it."""
    header, trailer, at = chooser.choice([("ST", "SE", 2), ("GS", "GE", 6)])
    starts = [i for i, segment in enumerate(mutation.segments) if segment[0] == header]
    if len(starts) < 2:
        return
    number = chooser.integer(1, len(starts) - 1)
    reused = mutation.segments[starts[number - 1]][at]
    _set(mutation, starts[number], at, reused)
    end = next((i for i in range(starts[number], len(mutation.segments)) if mutation.segments[i][0] == trailer), None)
    if end is not None:
        _set(mutation, end, 2, reused)
    mutation.done.append(f"control number reused {header}#{number + 1}")


_EXTERNAL_VALUES = ("OH", "CA", "NY", "PR", "ZZ", "XX", "US", "CAN", "GB", "99", "A1", "11", "1", "21", "43000", "4300")


def external_code(mutation: Mutation, chooser: Chooser) -> None:
    """An ID element without a code list of its own (an external list: states, countries, places of service ...)."""
    picked = _pick_element(mutation, chooser, lambda e: e.data_type == "ID" and not e.codes, present=True)
    if picked is not None:
        value = chooser.choice(_EXTERNAL_VALUES)
        _set(mutation, *picked, value)
        mutation.done.append(f"external code {_name(mutation, *picked)}={value}")


EDGES: tuple[Operation, ...] = (
    fill_situational,
    external_code,
    edge_value,
    edge_value,
    edge_component,
    trailing_element_separator,
    sequence_number,
    control_number_reused,
)
"""Operations at the edges of pyx12's own checks: either verdict may be right."""


INSIDE: tuple[Operation, ...] = (
    valid_value,
    valid_value,
    valid_value,
    valid_component,
    drop_situational_segment,
    blank_situational_element,
    repeat_within_max_use,
    renumber_controls,
    repeat_transaction_or_group,
    redelimit,
)
"""Operations pyx12 usually still accepts (weights by repetition)."""

ACROSS: tuple[Operation, ...] = (
    too_long,
    too_short,
    wrong_type,
    code_not_in_list,
    other_qualifier,
    other_hi_qualifier,
    date_format_qualifier,
    transplant,
    unknown_segment,
    empty_required,
    fill_not_used,
    extra_element,
    drop_last_element,
    extra_component,
    drop_component,
    repetition_separator,
    drop_segment,
    duplicate_segment,
    repeat_beyond_max_use,
    swap_segments,
    count_off,
    control_mismatch,
    isa_value,
)
"""Operations that cross one rule of the guide or the envelope."""

OPERATIONS: tuple[Operation, ...] = INSIDE + ACROSS + EDGES


def mutate(seed: Seed, chooser: Chooser) -> Mutation:
    """One mutation of ``seed``: one to three operations, mostly of one kind, the counts set right after (mostly)."""
    mutation = Mutation(seed, [list(segment) for segment in seed.segments], list(seed.specs))
    kind = chooser.integer(0, 99)
    operations = INSIDE if kind < 45 else EDGES if kind < 70 else ACROSS
    count = chooser.choice([1, 1, 1, 2, 3])
    for _ in range(count):
        operation = chooser.choice(operations)
        if len(mutation.segments) > 3:
            operation(mutation, chooser)
    if mutation.recount and chooser.integer(0, 9) > 0:
        recount(mutation)
    return mutation


def recount(mutation: Mutation) -> None:
    """SE01 = segments ST..SE, GE01 = transactions in the group, IEA01 = groups in the interchange."""
    in_transaction = transactions = groups = 0
    for index, segment in enumerate(mutation.segments):
        tag = segment[0]
        if tag == "ST":
            in_transaction = 0
            transactions += 1
        in_transaction += 1
        if tag == "SE":
            _set(mutation, index, 1, str(in_transaction))
        elif tag == "GS":
            transactions = 0
            groups += 1
        elif tag == "GE":
            _set(mutation, index, 1, str(transactions))
        elif tag == "IEA":
            _set(mutation, index, 1, str(groups))


@st.composite
def mutations(draw: st.DrawFn, seeds: Sequence[Seed]) -> Mutation:
    """A hypothesis strategy: a mutation of one of ``seeds`` (shrinks to fewer, simpler operations)."""
    chooser = DrawChooser(draw)
    return mutate(chooser.choice(seeds), chooser)
