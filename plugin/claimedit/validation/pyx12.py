"""Implementation-guide validation with pyx12, its maps loaded once per process.

pyx12's own ``x12n_document`` reloads the 837P map (~170 ms) on every call. This module runs the same
walk (segment by segment against the map, errors into pyx12's error handler, the 999 from the same
handler) over maps it keeps, so a one-claim interchange costs milliseconds. Maps are read-only during
a walk, so one :class:`Pyx12Validator` serves every message of a process.

Shortcuts make a claim stream cheaper than its first interchange without changing a single error
(``Pyx12Validator(shortcuts=False)`` is plain pyx12, the reference the tests compare with):

- pyx12's per-segment element check is pure (map node + segment text), so it is computed once per
  distinct segment, and an interchange without a single error skips pyx12's error report;
- the map walk is replayed from walk plans, for whole interchanges and for runs inside them
  (:mod:`claimedit.validation.walk_plans`).
"""

from __future__ import annotations

import codecs
import io
import json
import logging
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TextIO

from claimedit.results import GroupAck
from claimedit.validation._map_cache import load_map_cached
from claimedit.validation.walk_plans import (
    PLAN_LIMIT,
    RUN_STARTS,
    PlanMismatchError,
    Run,
    RunPlan,
    Segments,
    StreamedSegments,
    qualifier_positions,
    run_end,
    split_like_pyx12,
)

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
    fatal_in_envelope: bool = True
    """Whether ``fatal`` is about the envelope (ISA unreadable, no group), not pyx12 failing on a segment."""


class Pyx12Validator:
    """Validates interchanges against the pyx12 maps, loaded once."""

    def __init__(self, *, shortcuts: bool = True) -> None:
        """``shortcuts=False`` does what pyx12 does, every time: no walk plans, no memo of element checks,
        the error report always written; the reference the shortcuts are tested against.
        """
        import pyx12.map_if  # noqa: PLC0415  (pyx12 is loaded at start-up, not at import)
        import pyx12.map_index  # noqa: PLC0415
        import pyx12.params  # noqa: PLC0415

        _silence_pyx12_logging()
        self._param = pyx12.params.params()
        self._maps: dict[str, Any] = {}
        self._segment_errors: dict[tuple[int, str, str], list[Any]] = {}
        self._walk_plans: dict[tuple[tuple[str, ...], ...], tuple[Any, ...]] = {}
        self._run_plans: dict[tuple[int, tuple[tuple[str, ...], ...]], RunPlan] = {}
        self.walk_plan_hits = 0
        """Interchanges whose map walk was replayed from a plan (for benchmarks and tests)."""
        self.run_plan_hits = 0
        """Runs (the segments after an HL or CLM) whose walk was replayed, in interchanges walked for real."""
        self._map_index = pyx12.map_index.map_index(None)
        self._load_map = load_map_cached  # pyx12.map_if.load_map_file, kept per machine (validation/_map_cache.py)
        self.map_for("x12.control.00501.xml")
        self.map_for(self._map_index.get_filename("00501", "005010X222A1", "HC"))
        self._shortcuts = shortcuts
        self._qualifiers = qualifier_positions(self._maps.values()) if shortcuts else {}

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

        def walk(src: Any) -> tuple[Any, Any]:
            return self._walk_planned(text, src, rejected_transactions)

        return self._report(lambda: _reader(text), walk)

    def validate_file(
        self, file: TextIO, rejected_transactions: frozenset[tuple[str, str]] = frozenset(), *, segments: int = 0
    ) -> ValidationReport:
        """:meth:`validate` for an interchange whose text (``segments`` of them) is in ``file``, read by pyx12
        as it walks.

        For interchanges too large to hold: no whole-interchange walk plan is looked up or kept (it holds
        a map node per segment); run plans and the memo of element checks work as for a held interchange,
        over a second reading of ``file`` that holds one run ahead of the walk (:class:`StreamedSegments`).
        """
        import pyx12.error_handler  # noqa: PLC0415

        def reader() -> Any:
            file.seek(0)
            return _indexed_reader_class()(file)

        def streamed() -> StreamedSegments | None:
            if not self._qualifiers or not segments:
                return None
            return StreamedSegments(_Reopened(file), segments, self._qualifiers, read_chars=_READ_CHARS)

        def walk(src: Any) -> tuple[Any, Any]:
            errh = pyx12.error_handler.err_handler()
            try:
                self._walk(src, errh, rejected_transactions, None, streamed(), keep_nodes=False)
            except PlanMismatchError:
                src.close()
                src = reader()
                errh = pyx12.error_handler.err_handler()
                self._walk(src, errh, rejected_transactions, None, streamed(), runs=False, keep_nodes=False)
            return src, errh

        return self._report(reader, walk)

    def _report(self, reader: Callable[[], Any], walk: Callable[[Any], tuple[Any, Any]]) -> ValidationReport:
        """The walk of one interchange (``reader`` opens pyx12's reader over it), its errors and its 999s."""
        import pyx12.errh_json  # noqa: PLC0415
        import pyx12.error_999  # noqa: PLC0415
        import pyx12.errors  # noqa: PLC0415

        report = ValidationReport()
        try:
            src = reader()
        except pyx12.errors.X12Error as exc:
            report.fatal = f"pyx12 cannot read the ISA segment: {exc}"
            return report
        try:
            src, errh = walk(src)
        except pyx12.errors.EngineError as exc:
            report.fatal = f"pyx12 could not validate the interchange: {exc}"
            report.fatal_in_envelope = False
            return report
        except Exception as exc:  # noqa: BLE001  (a validator crash must reject, not lose, the claims)
            report.fatal = f"pyx12 failed while validating ({type(exc).__name__})"
            report.fatal_in_envelope = False
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

    def _walk_planned(self, text: str, src: Any, rejected: frozenset[tuple[str, str]]) -> tuple[Any, Any]:
        """The walk of ``text`` (read by ``src``), replayed from a plan when one fits; remembered when clean.

        Returns the reader and the error handler that walked it: a new pair when pyx12 read other
        segments than the plan was made for and the interchange had to be walked for real.
        """
        import pyx12.error_handler  # noqa: PLC0415
        import pyx12.x12file  # noqa: PLC0415

        try:
            segments = self._segments(text)
        except Exception:  # noqa: BLE001  (a shortcut must never fail a validation: walk without it)
            segments = None
        skeleton = segments.skeleton if segments is not None else None
        plan = self._walk_plans.get(skeleton) if skeleton is not None else None
        errh = pyx12.error_handler.err_handler()
        try:
            walked = self._walk(src, errh, rejected, plan, segments)
        except PlanMismatchError:
            src.close()
            src = _reader(text)
            errh = pyx12.error_handler.err_handler()
            walked = self._walk(src, errh, rejected, None, segments, runs=False)
        if plan is not None and walked is plan:
            self.walk_plan_hits += 1
        elif walked is not None and skeleton is not None and len(walked) == len(skeleton):
            if len(self._walk_plans) >= PLAN_LIMIT:
                self._walk_plans.clear()
            self._walk_plans[skeleton] = walked
        return src, errh

    def _segments(self, text: str) -> Segments | None:
        """``text`` cut like pyx12 cuts it, its skeleton keyed by the qualifiers of every map it will use.

        A functional group of another version or type (4010, 837I ...) brings its own map and its
        own qualifier positions: they are added before the skeleton is taken, and the plans made with
        fewer positions are dropped.
        """
        if not self._qualifiers:
            return None
        segments = split_like_pyx12(text, self._qualifiers)
        if segments is None:
            return None
        element = segments.delimiters[0]
        icvn = ""
        needed: set[str] = set()
        for raw in segments.texts:
            if raw.startswith(("ISA", "GS")):
                fields = raw.split(element)
                if fields[0] == "ISA" and len(fields) > 12:
                    icvn = fields[12]
                elif fields[0] == "GS" and len(fields) > 8:
                    name = self._map_index.get_filename(icvn, fields[8], fields[1])
                    if name is not None and name not in self._maps:
                        needed.add(name)
        if not needed:
            return segments
        for name in needed:
            self.map_for(name)
        self._qualifiers = qualifier_positions(self._maps.values())
        self._walk_plans.clear()
        self._run_plans.clear()
        return split_like_pyx12(text, self._qualifiers)

    def _walk(  # noqa: PLR0912, PLR0915  (mirrors x12n_document's walk)
        self,
        src: Any,
        errh: Any,
        rejected: frozenset[tuple[str, str]],
        plan: tuple[Any, ...] | None,
        segments: Segments | StreamedSegments | None,
        *,
        runs: bool = True,
        keep_nodes: bool = True,
    ) -> tuple[Any, ...] | None:
        """The walk, with each segment's map node taken from ``plan`` when given (see the module doc).

        Returns the map node of every segment when the walk raised no walk error (a plan for the next
        interchange of the same skeleton), else None. Raises :class:`PlanMismatchError` when pyx12 reads
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
        nodes: list[Any] | None = [] if keep_nodes else None
        run: Run | None = None
        for index, seg in enumerate(src):
            orig_node = node
            seg_id = seg.get_seg_id()
            if plan is not None:
                if index >= len(plan) or plan[index].id != seg_id:
                    raise PlanMismatchError
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
                if runs and segments is not None and seg_id in RUN_STARTS and node is not None and not walk_errors:
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
            raise PlanMismatchError
        src.cleanup()
        errh.handle_errors(src.pop_errors())
        if plan is not None:
            return plan
        return tuple(nodes) if nodes is not None else None

    def _start_run(self, index: int, node: Any, pushed: list[Any], segments: Segments | StreamedSegments) -> Run | None:
        """The run after the HL or CLM at ``index`` whose walk entered (and so reset) its loop, if any."""
        if not pushed or pushed[-1].get_first_seg() is not node:
            return None
        end = run_end(segments.skeleton, index + 1)
        if end == index + 1:
            return None
        key = (id(node), segments.skeleton[index + 1 : end])
        return Run(key, index + 1, end, pushed[-1], self._run_plans.get(key))

    def _keep_run(self, run: Run, counter: Any) -> None:
        """Remember a run walked without error: its nodes and the counts below its loop at its end."""
        if run.nodes is None or len(run.nodes) != run.end - run.start:
            return
        loop_path = run.loop.x12path
        counts = tuple(
            (path, count)
            for path, count in counter.getState().items()
            if loop_path.is_child_path(path.format())  # what entering the loop resets
        )
        if len(self._run_plans) >= PLAN_LIMIT:
            self._run_plans.clear()
        self._run_plans[run.key] = RunPlan(tuple(run.nodes), counts)

    def _apply_segment_errors(self, node: Any, seg: Any, errh: Any, raw: str | None, delimiters: str) -> None:
        """pyx12's ``apply_segment_errors`` with its pure ``is_valid_errors`` memoized per map node and text.

        Most segments of a claim stream repeat (PRV, SBR, DTP, SV1 with the same code and charge ...);
        their element checks give the same errors every time, so they are computed once. The key is the
        segment's text as pyx12 read it (``raw``, with the delimiters it was split by); without it the
        check runs every time (pyx12's re-formatted segment drops trailing separators the check counts).
        """
        if raw is None:  # pyx12's own formatting drops trailing separators that the check counts
            _ok, errors = node.is_valid_errors(seg)
        else:
            key = (id(node), delimiters, raw)
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


_READ_CHARS = 1 << 20


class _Reopened:
    """A second reader of a temporary text file, with its own position (pyx12 reads the first one).

    Reads the file's bytes at its own offset (``os.pread``), decoded as UTF-8, so that pyx12's reading
    and this one never move each other.
    """

    def __init__(self, file: TextIO) -> None:
        file.flush()
        self._fd = file.fileno()
        self._offset = 0
        self._decoder = codecs.getincrementaldecoder("utf-8")("surrogatepass")

    def seek(self, offset: int) -> None:
        self._offset = offset
        self._decoder.reset()

    def read(self, size: int) -> str:
        block = os.pread(self._fd, size, self._offset)
        self._offset += len(block)
        return self._decoder.decode(block, final=not block)


def _reader(text: str) -> Any:
    """pyx12's reader over ``text``, its control-number lists searched in O(1).

    pyx12 keeps the ISA13, GS06 and ST02 numbers seen in lists and searches them for duplicates at
    every ISA, GS and ST: thousands of groups in one interchange cost quadratic time there.
    """
    return _indexed_reader_class()(io.StringIO(text))


@cache
def _indexed_reader_class() -> Any:
    """pyx12's X12Reader with its three lists of control numbers kept as :class:`_IndexedIds`."""
    import pyx12.x12file  # noqa: PLC0415

    def indexed(name: str) -> property:
        private = f"_claimedit_{name}"

        def get(reader: Any) -> Any:
            return getattr(reader, private)

        def set_(reader: Any, value: list[Any]) -> None:
            setattr(reader, private, _IndexedIds(value))

        return property(get, set_)

    return type("IndexedX12Reader", (pyx12.x12file.X12Reader,), {name: indexed(name) for name in _ID_LISTS})


_ID_LISTS = ("isa_ids", "gs_ids", "st_ids")


class _IndexedIds(list[Any]):
    """A list pyx12 appends control numbers to and searches, with membership kept in a set."""

    def __init__(self, items: list[Any]) -> None:
        super().__init__(items)
        self._seen = set(items)

    def append(self, item: Any) -> None:
        super().append(item)
        self._seen.add(item)

    def __contains__(self, item: object) -> bool:
        return item in self._seen


_MEMO_LIMIT = 200_000
"""Distinct segment texts remembered per process (a few tens of MB at most)."""
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


_CODE_SEGMENTS = frozenset({"ISA", "IEA", "GS", "GE", "ST", "SE", "BHT", "HL", "CLM", "HI", "LX", "SV1", "PRV"})
"""Segments whose values are codes, amounts and control numbers, never a person: their values may be quoted.

Every other segment may carry a patient's or subscriber's name, birth date, member id, address or phone
(NM1, N3, N4, DMG, REF, PER, PAT, DTP, NTE, K3 ... in any loop): its values are redacted.
"""
_REDACTED = "…"
_BEFORE_VALUE = "invalid date|invalid time|invalid character|control character|trailing spaces\\."
_VALUE_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r'len\(".*"\)(?= = \d+ [<>] \d+ \((?:min|max)_len\)$)'), f"len({_REDACTED})"),
    (re.compile(r"^\(.*\)(?= is not a valid code for )"), f"({_REDACTED})"),
    (re.compile(rf"({_BEFORE_VALUE})( ?)\(.*\)$"), rf"\1\2({_REDACTED})"),
    (re.compile(r"(with a value of )\(.*\)(?= failed to match the regular expression )"), rf"\1({_REDACTED})"),
    (re.compile(r"(with a value of )\(.*\)$"), rf"\1({_REDACTED})"),
    (re.compile(r'^Segment ".*"(?= is empty$)'), f"Segment {_REDACTED}"),
    (re.compile(r'^Segment identifier ".*"(?= is invalid$)'), f"Segment identifier {_REDACTED}"),
    (re.compile(r"(must have 16 elements )\(.*\)$"), rf"\1({_REDACTED})"),
)
"""Where pyx12 quotes a value: ``len("value")``, ``(value) is not a valid code``, ``invalid date (value)``,
``Segment "text" is empty`` ... Element names, which pyx12 quotes too, stay."""
_NOT_FOUND = re.compile(r"^Segment (.*)(?= not found\.)")
"""``Segment N3*12 ELM STREET not found.``: pyx12 quotes the segment id and its first element."""


def redact_values(message: str) -> str:
    """A pyx12 message with the data values it quotes replaced by ``…``; element and segment names are kept.

    ``Data element "Subscriber Birth Date" (DMG02) contains an invalid date (19511302)`` becomes
    ``Data element "Subscriber Birth Date" (DMG02) contains an invalid date (…)``; ``Segment N3*12 ELM
    STREET not found.`` becomes ``Segment N3 not found.``
    """
    for pattern, replacement in _VALUE_PATTERNS:
        message = pattern.sub(replacement, message)
    return _NOT_FOUND.sub(lambda match: f"Segment {_safe_id(match.group(1).split('*', 1)[0])}", message)


def _segment_errors(segment: dict[str, Any], gs: str, st: str) -> list[SyntaxError837]:
    seg_id = str(segment.get("seg_id") or "")
    keep = seg_id in _CODE_SEGMENTS
    position = segment.get("seg_count")
    position = int(position) if isinstance(position, int) else None
    safe_id = _safe_id(seg_id)
    found = [  # a segment-level message may quote a neighbouring segment's text: always redacted
        SyntaxError837(gs, st, position, safe_id, "", _code(error), _message(error, keep_values=False), "segment")
        for error in segment.get("errors", [])
    ]
    for element in segment.get("elements", []):
        name = f"{safe_id}{int(element.get('ele_pos') or 0):02d}"
        if element.get("subele_pos"):
            name += f"-{int(element['subele_pos']):02d}"
        found.extend(
            SyntaxError837(gs, st, position, safe_id, name, _code(error), _message(error, keep_values=keep), "element")
            for error in element.get("errors", [])
        )
    return found


def _code(error: dict[str, Any]) -> str:
    return str(error.get("err_cde", ""))


def _message(error: dict[str, Any], *, keep_values: bool) -> str:
    message = str(error.get("err_str", ""))
    return message if keep_values else redact_values(message)


_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}")


def _safe_id(seg_id: str) -> str:
    """A segment id as sent when it looks like one; anything else (a garbled line, maybe a name) is not repeated."""
    return seg_id if _SEGMENT_ID.fullmatch(seg_id) else "unknown segment id"


def split_999(text: str) -> list[GroupAck]:
    """pyx12 writes one 999 interchange with an ST per acknowledged group: one GroupAck per ST, each enveloped."""
    if not text.strip() or len(text) < 4:
        return []
    element, terminator = _isa_delimiters(text)
    raw = [segment.strip() for segment in text.split(terminator) if segment.strip()]
    isa = next((s for s in raw if s.startswith("ISA")), "")
    gs = next((s for s in raw if s.startswith("GS")), "")
    iea_control = _element(isa, element, 13)
    gs_control = _element(gs, element, 6)
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


def _isa_delimiters(text: str) -> tuple[str, str]:
    """Element separator and segment terminator of the ISA opening ``text``, found by counting its 16 elements.

    The terminator follows ISA16 (one character) after the 16th separator: position 105 only when every
    fixed-width element has its width, which an odd ISA08/ISA09 in the acknowledged input may break.
    """
    element = text[3]
    position = 3
    for _ in range(15):
        position = text.find(element, position + 1)
        if position < 0:
            return element, "~"
    terminator = text[position + 2 : position + 3]
    return element, terminator if terminator and terminator != element else "~"


def _element(segment: str, separator: str, position: int) -> str:
    fields = segment.split(separator)
    return fields[position] if position < len(fields) else ""


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
