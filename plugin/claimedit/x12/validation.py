"""Implementation-guide validation with pyx12, its maps loaded once per process.

pyx12's own ``x12n_document`` reloads the 837P map (~170 ms) on every call. This module runs the same
walk (segment by segment against the map, errors into pyx12's error handler, the 999 from the same
handler) over maps it keeps, so a one-claim interchange costs milliseconds. Maps are read-only during
a walk, so one :class:`Pyx12Validator` serves every message of a process.

Two memos make a claim stream cheaper than its first interchange, without changing a single error:

- pyx12's per-segment element check is pure (map node + segment text), so it is computed once per
  distinct segment (and an interchange without a single error skips pyx12's error report);
- pyx12's map walk (which node each segment is, and which loops it opens) reads nothing of a segment
  but its id and its qualifier (NM101, HL03, SV101-1 ...; the map says which). So an interchange
  whose *skeleton* (the id and qualifier of every segment) was walked before without a walk error
  gets the same map nodes again: the walk is replayed, and everything else (element checks,
  envelope checks, the error handler, the 999) runs as usual. Streams from one practice-management
  system repeat a handful of skeletons, so the walk, half of pyx12's cost, mostly disappears.
- inside a large interchange, the same holds for a *run*: the segments after an HL or a CLM up to the
  next HL, CLM or trailer. Entering the HL's or the CLM's loop resets pyx12's counts below that loop,
  and a run's walk reads and writes nothing else, so a run with a known start node and skeleton that
  was walked before without error gets the same nodes, and the counts below the loop it had.
"""

from __future__ import annotations

import io
import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from claimedit.results import GroupAck

__all__ = ["Pyx12Validator", "SyntaxError837", "ValidationReport"]


@dataclass(frozen=True)
class SyntaxError837:
    """One pyx12 finding, located. ``segment_in_transaction`` counts from ST = 1."""

    group_control: str
    transaction_control: str
    segment_in_transaction: int | None
    segment_id: str
    element: str
    code: str
    message: str
    level: str
    """interchange, group, transaction, segment or element."""


@dataclass
class ValidationReport:
    errors: list[SyntaxError837] = field(default_factory=list)
    acks: list[GroupAck] = field(default_factory=list)
    fatal: str | None = None
    """Set when pyx12 could not walk the interchange at all (bad ISA ...)."""


class Pyx12Validator:
    """Validates interchanges against the pyx12 maps, loaded once."""

    def __init__(self, *, shortcuts: bool = True) -> None:
        """``shortcuts=False`` does what pyx12 does, every time: no walk plans, segments keyed by pyx12's
        own formatting, the error report always written; the reference the shortcuts are tested against.
        """
        import pyx12.map_if  # noqa: PLC0415  (pyx12 is loaded at start-up, not at import)
        import pyx12.map_index  # noqa: PLC0415
        import pyx12.params  # noqa: PLC0415

        _silence_pyx12_logging()
        self._param = pyx12.params.params()
        self._maps: dict[str, Any] = {}
        self._segment_errors: dict[tuple[int, str, str], list[Any]] = {}
        self._walk_plans: dict[tuple[tuple[str, ...], ...], tuple[Any, ...]] = {}
        self._run_plans: dict[tuple[int, tuple[tuple[str, ...], ...]], _RunPlan] = {}
        self.walk_plan_hits = 0
        """Interchanges whose map walk was replayed from a plan (for benchmarks and tests)."""
        self.run_plan_hits = 0
        """Runs (the segments after an HL or CLM) whose walk was replayed, in interchanges walked for real."""
        self._map_index = pyx12.map_index.map_index(None)
        self._load_map = pyx12.map_if.load_map_file
        self.map_for("x12.control.00501.xml")
        self.map_for(self._map_index.get_filename("00501", "005010X222A1", "HC"))
        self._shortcuts = shortcuts
        self._qualifiers = _qualifier_positions(self._maps.values()) if shortcuts else {}

    def map_for(self, name: str) -> Any:
        """A pyx12 map by file name, loaded on first use and kept."""
        cached = self._maps.get(name)
        if cached is None:
            cached = self._load_map(name, self._param, None)
            self._maps[name] = cached
        return cached

    def validate(self, text: str, rejected_transactions: frozenset[tuple[str, str]] = frozenset()) -> ValidationReport:
        """Walk ``text`` (one interchange) through the maps; collect errors and the 999 per group.

        ``rejected_transactions`` are (GS06, ST02) pairs with a problem pyx12 cannot see in ``text``
        (an empty segment claimedit removed): their 999 says IK5*R*5 all the same.
        """
        import pyx12.errh_json  # noqa: PLC0415
        import pyx12.error_999  # noqa: PLC0415
        import pyx12.error_handler  # noqa: PLC0415
        import pyx12.errors  # noqa: PLC0415
        import pyx12.x12file  # noqa: PLC0415

        report = ValidationReport()
        segments = _split(text, self._qualifiers) if self._qualifiers else None
        skeleton = segments.skeleton if segments is not None else None
        plan = self._walk_plans.get(skeleton) if skeleton is not None else None
        try:
            src = pyx12.x12file.X12Reader(io.StringIO(text))
        except pyx12.errors.X12Error as exc:
            report.fatal = f"pyx12 cannot read the ISA segment: {exc}"
            return report
        try:
            errh = pyx12.error_handler.err_handler()
            try:
                walked = self._walk(src, errh, rejected_transactions, plan, segments)
            except _PlanMismatchError:  # pyx12 read other segments than the skeleton said: walk for real
                src.close()
                src = pyx12.x12file.X12Reader(io.StringIO(text))
                errh = pyx12.error_handler.err_handler()
                walked = self._walk(src, errh, rejected_transactions, None, segments, runs=False)
            if plan is not None and walked is plan:
                self.walk_plan_hits += 1
            elif walked is not None and skeleton is not None and len(walked) == len(skeleton):
                if len(self._walk_plans) >= _PLAN_LIMIT:
                    self._walk_plans.clear()
                self._walk_plans[skeleton] = walked
        except pyx12.errors.EngineError as exc:
            report.fatal = f"pyx12 could not validate the interchange: {exc}"
            return report
        except Exception as exc:  # noqa: BLE001  (a validator crash must reject, not lose, the claims)
            report.fatal = f"pyx12 failed while validating ({type(exc).__name__})"
            return report
        finally:
            src.close()
        if not self._shortcuts or errh.get_error_count():
            out = io.StringIO()
            errh.accept(pyx12.errh_json.errh_json_visitor(out, indent=None))
            errors = _errors_from_json(json.loads(out.getvalue()))
            report.errors = [error for error in errors if error.message != _REJECTED_BY_CLAIMEDIT]
        ack = io.StringIO()
        try:
            errh.accept(pyx12.error_999.error_999_visitor(ack, src.get_term()))
        except Exception as exc:  # noqa: BLE001  (no GS reached: there is no group to acknowledge)
            report.fatal = report.fatal or f"pyx12 found no functional group to acknowledge ({type(exc).__name__})"
        report.acks = split_999(ack.getvalue())
        return report

    def _walk(  # noqa: PLR0912, PLR0915  (mirrors x12n_document's walk)
        self,
        src: Any,
        errh: Any,
        rejected: frozenset[tuple[str, str]],
        plan: tuple[Any, ...] | None,
        segments: _Segments | None,
        *,
        runs: bool = True,
    ) -> tuple[Any, ...] | None:
        """The walk, with each segment's map node taken from ``plan`` when given (see the module doc).

        Returns the map node of every segment when the walk raised no walk error (a plan for the next
        interchange of the same skeleton), else None. Raises :class:`_PlanMismatchError` when pyx12 reads
        other segments than ``plan`` (or a run plan, unless ``runs`` is off) was made for.
        """
        import pyx12.map_if  # noqa: PLC0415
        from pyx12.map_walker import apply_walk_errors, walk_tree  # noqa: PLC0415

        control_map = self.map_for("x12.control.00501.xml")
        node = control_map.getnodebypath("/ISA_LOOP/ISA")
        walker = walk_tree()
        icvn: str | None = None
        map_file = "x12.control.00501.xml"
        gs_control = ""
        nodes: list[Any] | None = []
        run: _Run | None = None
        for index, seg in enumerate(src):
            orig_node = node
            seg_id = seg.get_seg_id()
            if plan is not None:
                if index >= len(plan) or plan[index].id != seg_id:
                    raise _PlanMismatchError
                node = plan[index]
            elif seg_id == "ISA":
                node = control_map.getnodebypath("/ISA_LOOP/ISA")
                walker.forceWalkCounterToLoopStart("/ISA_LOOP", "/ISA_LOOP/ISA")
            elif seg_id == "GS":
                node = control_map.getnodebypath("/ISA_LOOP/GS_LOOP/GS")
                walker.forceWalkCounterToLoopStart("/ISA_LOOP/GS_LOOP", "/ISA_LOOP/GS_LOOP/GS")
            elif run is not None and run.plan is not None:
                node = run.replay(index, seg_id, walker.counter)
                if index == run.end - 1:
                    self.run_plan_hits += 1
                    run = None
            else:
                (node, popped, pushed, walk_errors) = walker.walk_errors(
                    node, seg, src.get_seg_count(), src.get_cur_line(), src.get_ls_id()
                )
                if walk_errors:
                    nodes = None
                apply_walk_errors(errh, walk_errors)
                if run is not None:
                    run.record(node, popped, bool(walk_errors))
                    if index == run.end - 1:
                        self._keep_run(run, walker.counter)
                        run = None
                if runs and segments is not None and seg_id in _RUN_STARTS and node is not None and not walk_errors:
                    run = self._start_run(index, node, pushed, segments)
            if node is None:
                node = orig_node
                nodes = None
                continue
            if nodes is not None:
                nodes.append(node)
            if seg_id == "ISA":
                errh.add_isa_loop(seg, src)
                icvn = seg.get_value("ISA12")
                errh.handle_errors(src.pop_errors())
            elif seg_id == "IEA":
                errh.handle_errors(src.pop_errors())
                errh.close_isa_loop(node, seg, src)
            elif seg_id == "GS":
                new_map = self._map_index.get_filename(icvn, seg.get_value("GS08"), seg.get_value("GS01"))
                if new_map is None:
                    raise pyx12.errors.EngineError(f"no pyx12 map for GS08 {seg.get_value('GS08')}")
                if new_map != map_file:
                    map_file = new_map
                    cur_map = self.map_for(map_file)
                    src.check_837_lx = cur_map.id == "837"
                node = self.map_for(map_file).getnodebypath("/ISA_LOOP/GS_LOOP/GS")
                gs_control = seg.get_value("GS06") or ""
                errh.add_gs_loop(seg, src)
                errh.handle_errors(src.pop_errors())
            elif seg_id == "GE":
                errh.handle_errors(src.pop_errors())
                errh.close_gs_loop(node, seg, src)
            elif seg_id == "ST":
                errh.add_st_loop(seg, src)
                errh.handle_errors(src.pop_errors())
                if (gs_control, seg.get_value("ST02") or "") in rejected:
                    errh.st_error("5", _REJECTED_BY_CLAIMEDIT)
            elif seg_id == "SE":
                errh.handle_errors(src.pop_errors())
                errh.close_st_loop(node, seg, src)
            else:
                errh.add_seg(node, seg, src.get_seg_count(), src.get_cur_line(), src.get_ls_id())
                errh.handle_errors(src.pop_errors())
            assert isinstance(node, pyx12.map_if.segment_if)
            raw = None
            if segments is not None and index < len(segments.texts) and segments.texts[index].startswith(seg_id):
                raw = segments.texts[index]
            self._apply_segment_errors(node, seg, errh, raw, segments.delimiters if segments else "")
        if plan is not None and len(plan) != index + 1:
            raise _PlanMismatchError
        src.cleanup()
        errh.handle_errors(src.pop_errors())
        if plan is not None:
            return plan
        return tuple(nodes) if nodes is not None else None

    def _start_run(self, index: int, node: Any, pushed: list[Any], segments: _Segments) -> _Run | None:
        """The run after the HL or CLM at ``index`` whose walk entered (and so reset) its loop, if any."""
        if not pushed or pushed[-1].get_first_seg() is not node:
            return None
        end = index + 1
        skeleton = segments.skeleton
        while end < len(skeleton) and skeleton[end][0] not in _RUN_ENDS:
            end += 1
        if end == index + 1:
            return None
        key = (id(node), skeleton[index + 1 : end])
        return _Run(key, index + 1, end, pushed[-1], self._run_plans.get(key))

    def _keep_run(self, run: _Run, counter: Any) -> None:
        """Remember a run walked without error: its nodes and the counts below its loop at its end."""
        if run.nodes is None or len(run.nodes) != run.end - run.start:
            return
        loop_path = run.loop.x12path
        counts = tuple(
            (path, count)
            for path, count in counter.getState().items()
            if loop_path.is_child_path(path.format())  # what entering the loop resets
        )
        if len(self._run_plans) >= _PLAN_LIMIT:
            self._run_plans.clear()
        self._run_plans[run.key] = _RunPlan(tuple(run.nodes), counts)

    def _apply_segment_errors(self, node: Any, seg: Any, errh: Any, raw: str | None, delimiters: str) -> None:
        """pyx12's ``apply_segment_errors`` with its pure ``is_valid_errors`` memoized per map node and text.

        Most segments of a claim stream repeat (PRV, SBR, DTP, SV1 with the same code and charge ...);
        their element checks give the same errors every time, so they are computed once. The key is the
        segment's text as pyx12 read it (``raw``, with the delimiters it was split by) when the caller
        has it, else pyx12's re-formatted segment.
        """
        key = (id(node), delimiters, raw) if raw is not None else (id(node), "", seg.format())
        errors = self._segment_errors.get(key)
        if errors is None:
            _ok, errors = node.is_valid_errors(seg)
            if len(self._segment_errors) >= _MEMO_LIMIT:
                self._segment_errors.clear()
            self._segment_errors[key] = errors
        cursor = None
        for error in errors:
            if error.map_node is None:
                errh.seg_error("8", error.err_str, error.err_val)
                continue
            if error.map_node is not cursor:
                errh.add_ele(error.map_node)
                cursor = error.map_node
            errh.ele_error(error.err_cde, error.err_str, error.err_val, error.refdes)


_MEMO_LIMIT = 200_000
"""Distinct segment texts remembered per process (a few tens of MB at most)."""
_PLAN_LIMIT = 20_000
"""Distinct interchange skeletons remembered per process (each a tuple of node references)."""


class _PlanMismatchError(Exception):
    """pyx12's segments differ from the skeleton a walk plan was chosen by."""


_RUN_STARTS = frozenset({"HL", "CLM"})
"""Segments that start a loop whose entry resets pyx12's counts below it (2000A/B/C, 2300)."""
_RUN_ENDS = frozenset({"HL", "CLM", "SE", "ST", "GE", "GS", "IEA", "ISA"})
"""Segments that end a run: the next loop start, or a trailer."""


@dataclass(frozen=True)
class _RunPlan:
    nodes: tuple[Any, ...]
    counts: tuple[tuple[Any, int], ...]
    """pyx12's counts below the run's loop at the run's end (X12Path, count)."""


class _Run:
    """The segments ``start`` to ``end`` (exclusive) after a loop start: being recorded, or replayed."""

    def __init__(
        self, key: tuple[int, tuple[tuple[str, ...], ...]], start: int, end: int, loop: Any, plan: _RunPlan | None
    ) -> None:
        self.key = key
        self.start = start
        self.end = end
        self.loop = loop
        self.plan = plan
        self.nodes: list[Any] | None = [] if plan is None else None

    def replay(self, index: int, seg_id: str, counter: Any) -> Any:
        """The planned node of segment ``index``; at the run's end, the counts the walk would have left."""
        assert self.plan is not None
        node = self.plan.nodes[index - self.start]
        if node.id != seg_id:
            raise _PlanMismatchError
        if index == self.end - 1:
            for path, count in self.plan.counts:
                counter.setCount(path, count)
        return node

    def record(self, node: Any, popped: list[Any], errors: bool) -> None:
        """One walked segment of the run; any error, or a walk out of the run's loop, spoils the record."""
        if self.nodes is None:
            return
        if errors or node is None or any(loop is self.loop for loop in popped):
            self.nodes = None
        else:
            self.nodes.append(node)


def _qualifier_positions(maps: Any) -> dict[str, tuple[tuple[int, int | None], ...]]:
    """Per segment id, the (element, component) positions pyx12's ``is_match`` reads, from the maps.

    ISA12, GS01 and GS08 are added: they choose the map the walk continues in.
    """
    found: dict[str, set[tuple[int, int | None]]] = {"ISA": {(12, None)}, "GS": {(1, None), (8, None)}}
    for root in maps:
        for node in root.loop_segment_iterator():
            if node.is_segment():
                resolve = getattr(node, "_resolve_unique_key_field", None)
                if resolve is None:  # another pyx12: no plans, every interchange walked
                    return {}
                key = resolve(node.id, with_qual=False)
                positions = found.setdefault(node.id, set())
                if key is not None:
                    positions.add((key[1], key[2]))
    return {seg_id: tuple(sorted(positions, key=lambda p: (p[0], p[1] or 0))) for seg_id, positions in found.items()}


@dataclass(frozen=True)
class _Segments:
    """An interchange's text cut into segments the way pyx12's reader cuts it."""

    texts: list[str]
    """Each segment as pyx12 reads it (leading CR/LF, and spaces, stripped)."""
    skeleton: tuple[tuple[str, ...], ...]
    """Each segment's id and the values of its qualifier positions: all that pyx12's map walk reads."""
    delimiters: str
    """Element, component and repetition separators."""


def _split(text: str, qualifiers: dict[str, tuple[tuple[int, int | None], ...]]) -> _Segments | None:
    """Cut like pyx12's raw reader; the values are not trimmed, so one skeleton here is one for pyx12.

    The walk still checks each segment id against its plan, and every text against its segment id.
    """
    if len(text) < 106 or not text.startswith("ISA"):
        return None
    element, component, terminator = text[3], text[104], text[105]
    texts: list[str] = []
    skeleton: list[tuple[str, ...]] = []
    for piece in text.split(terminator):
        raw = piece.lstrip("\r\n")
        if not raw:
            continue
        if raw.startswith(" "):
            raw = raw.lstrip()
        texts.append(raw)
        fields = raw.split(element)
        positions = qualifiers.get(fields[0], ())
        if not positions:
            skeleton.append((fields[0],))
            continue
        key = [fields[0]]
        for position, part in positions:
            value = fields[position] if position < len(fields) else ""
            if part is not None:
                parts = value.split(component)
                value = parts[part - 1] if part <= len(parts) else ""
            key.append(value)
        skeleton.append(tuple(key))
    return _Segments(texts, tuple(skeleton), element + component + text[82])


_REJECTED_BY_CLAIMEDIT = "claimedit: the transaction contains an empty segment"
"""Marks the error claimedit adds for the 999; its own finding (SYN004) already tells the claims."""


def _silence_pyx12_logging() -> None:
    """pyx12 logs every validation error at ERROR, with data values: keep those out of our logs."""
    logger = logging.getLogger("pyx12")
    logger.setLevel(logging.CRITICAL + 1)
    logger.propagate = False


def _errors_from_json(doc: dict[str, Any]) -> list[SyntaxError837]:
    found: list[SyntaxError837] = []
    for interchange in doc.get("interchanges", []):
        found.extend(_level_errors(interchange, "", "", "interchange"))
        for group in interchange.get("groups", []):
            gs = str(group.get("gs_control_num") or "")
            found.extend(_level_errors(group, gs, "", "group"))
            for transaction in group.get("transactions", []):
                st = str(transaction.get("trn_set_control_num") or "")
                found.extend(_level_errors(transaction, gs, st, "transaction"))
                for segment in transaction.get("segments", []):
                    found.extend(_segment_errors(segment, gs, st))
    return found


def _level_errors(node: dict[str, Any], gs: str, st: str, level: str) -> list[SyntaxError837]:
    return [
        SyntaxError837(gs, st, None, "", "", str(error.get("err_cde", "")), str(error.get("err_str", "")), level)
        for error in node.get("errors", [])
    ]


_PHI_SEGMENTS = frozenset({"NM1", "N3", "N4", "DMG", "REF", "PER", "PAT"})
"""Segments that may carry a patient's or subscriber's name, address, birth date or member id."""
_QUOTED_VALUE = re.compile(r'"[^"]*"|^\([^)]*\)')


def redact_values(message: str) -> str:
    """A pyx12 message with the data values it quotes replaced by ``…`` (element names are kept)."""
    return _QUOTED_VALUE.sub("…", message)


def _segment_errors(segment: dict[str, Any], gs: str, st: str) -> list[SyntaxError837]:
    seg_id = str(segment.get("seg_id") or "")
    if seg_id in _PHI_SEGMENTS:
        element_errors = [error for element in segment.get("elements", []) for error in element.get("errors", [])]
        for error in [*segment.get("errors", []), *element_errors]:
            error["err_str"] = redact_values(str(error.get("err_str", "")))
    position = segment.get("seg_count")
    position = int(position) if isinstance(position, int) else None
    found = [
        SyntaxError837(
            gs, st, position, seg_id, "", str(error.get("err_cde", "")), str(error.get("err_str", "")), "segment"
        )
        for error in segment.get("errors", [])
    ]
    for element in segment.get("elements", []):
        name = f"{seg_id}{int(element.get('ele_pos') or 0):02d}"
        if element.get("subele_pos"):
            name += f"-{int(element['subele_pos']):02d}"
        found.extend(
            SyntaxError837(
                gs, st, position, seg_id, name, str(error.get("err_cde", "")), str(error.get("err_str", "")), "element"
            )
            for error in element.get("errors", [])
        )
    return found


def split_999(text: str) -> list[GroupAck]:
    """pyx12 writes one 999 interchange with an ST per acknowledged group: one GroupAck per ST, each enveloped."""
    if not text.strip():
        return []
    terminator = text[105] if len(text) > 105 else "~"
    element = text[3]
    raw = [segment.strip() for segment in text.split(terminator) if segment.strip()]
    isa = next((s for s in raw if s.startswith("ISA")), "")
    gs = next((s for s in raw if s.startswith("GS")), "")
    iea_control = isa.split(element)[13] if isa else ""
    gs_control = gs.split(element)[6] if gs else ""
    acks: list[GroupAck] = []
    current: list[str] = []
    for segment in raw:
        if segment.startswith(f"ST{element}"):
            current = [segment]
        elif current:
            current.append(segment)
            if segment.startswith(f"SE{element}"):
                acks.append(
                    _group_ack(
                        isa=isa,
                        gs=gs,
                        body=current,
                        element=element,
                        terminator=terminator,
                        isa_control=iea_control,
                        gs_control=gs_control,
                    )
                )
                current = []
    return acks


def _group_ack(
    *, isa: str, gs: str, body: list[str], element: str, terminator: str, isa_control: str, gs_control: str
) -> GroupAck:
    ak1 = next((s.split(element) for s in body if s.startswith(f"AK1{element}")), [])
    ak9 = next((s.split(element) for s in body if s.startswith(f"AK9{element}")), [])
    ack_code = ak9[1] if len(ak9) > 1 else ""
    segments = [isa, gs, *body, f"GE{element}1{element}{gs_control}", f"IEA{element}1{element}{isa_control}"]
    return GroupAck(
        interchange_control="",
        group_control=ak1[2] if len(ak1) > 2 else "",
        accepted=ack_code in ("A", "E"),
        ack_code=ack_code,
        x12=terminator.join(segments) + terminator,
    )
