"""An input over ``max_input_bytes`` is refused by the event loop, never sent to a worker, with the same outputs.

And the headers of a refused input are read from its bytes as sent (no decoded copy of it), giving the
same segments, so the same 999s, as reading its decoded text did.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import gc
import re
import tracemalloc
import weakref
from typing import Any

import pytest
import x12gen
from harness import Collected, in_memory_service

from claimedit.pipeline import Pipeline
from claimedit.service.limits import Limits, _groups, _headers_of_bytes, _headers_of_text, rejecting_acks
from claimedit.service.outputs import Outgoing, input_meta, input_sha256
from claimedit.service.processing import process_bounded
from claimedit.service.refusal import refuse_over_size

pytestmark = pytest.mark.anyio


class _NoWorkers:
    """A worker pool that fails the test when the service hands it anything."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def run(self, _timeout: float, fn: Any, *_args: Any) -> Any:
        self.calls.append(fn.__name__)
        msg = f"an over-size input reached a worker ({fn.__name__})"
        raise AssertionError(msg)


def _input(prefix: str, control: int, claims: int = 1) -> bytes:
    return x12gen.interchange(x12gen.synthetic_claims(claims, prefix=prefix), control=control).encode()


async def test_an_over_size_input_is_refused_in_the_event_loop_without_a_worker() -> None:
    collected, pool = Collected(), _NoWorkers()
    big = _input("A", 911, claims=30) + _input("B", 912, claims=30)

    async with in_memory_service("rabbit", None, collected, pool=pool, max_input_bytes=4096) as running:
        await running.send(big, {"x-correlation-id": "big"})

    letters = collected.headers("dlq")
    reason = f"the input is {len(big)} bytes, over max_input_bytes (4096)"
    assert [] == pool.calls
    assert ([big], [], []) == (collected.bodies("dlq"), collected.bodies("annotated"), collected.bodies("rejected"))
    assert [("over-size", reason)] == [(h["x-claimedit-reason-kind"], h["x-claimedit-reason"]) for h in letters]
    assert 2 == len(collected.bodies("acks"))


def _comparable(outgoing: Outgoing) -> Outgoing:
    """An output with the 999's own date and time (ISA09/10, GS04/05: the clock when it was written) masked."""
    payload = re.sub(rb"\*\d{6}\*\d{4}\*\^", b"*D*T*^", outgoing.payload)
    payload = re.sub(rb"(GS\*FA\*[^*]*\*[^*]*)\*\d{8}\*\d{4}\*", rb"\1*D*T*", payload)
    return Outgoing(**{**outgoing.__dict__, "payload": payload})


async def test_the_event_loops_refusal_is_the_one_a_worker_gives(pipeline: Pipeline) -> None:
    body = _input("C", 913, claims=20) + b"\r\n" * 100
    meta = input_meta(correlation_id="c", source=None, sha256=input_sha256(body), submitter_id="", delivery_attempts=1)
    now, limits = dt.datetime.now(dt.UTC), Limits(max_input_bytes=2048)

    refused = await refuse_over_size(body, meta, now, limits, wall=30.0)
    in_worker = process_bounded(pipeline.process, body, meta, now, limits, enforce_cpu=False)

    assert refused is not None
    assert [_comparable(o) for o in in_worker.outputs] == [_comparable(o) for o in refused.outputs]
    assert refused.outputs[-1].payload is body  # the dead letter is the input's own bytes, not a copy
    assert (in_worker.limit, in_worker.group_controls) == (refused.limit, refused.group_controls)


async def test_an_input_within_max_input_bytes_is_left_to_the_workers() -> None:
    body = _input("D", 914)
    meta = input_meta(correlation_id="d", source=None, sha256=input_sha256(body), submitter_id="", delivery_attempts=1)

    assert await refuse_over_size(body, meta, dt.datetime.now(dt.UTC), Limits(), wall=30.0) is None


def _headers(body: bytes) -> list[list[tuple[int, list[str], str]]]:
    def flat(segments: Any) -> list[tuple[int, list[str], str]]:
        return [(s.index, s.elements, s.raw) for s in segments]

    return [flat([isa, gs, *sts]) for isa, gs, sts in _groups(iter(_headers_of_bytes(body) or []))]


def _text_headers(body: bytes) -> list[list[tuple[int, list[str], str]]]:
    return [[(s.index, s.elements, s.raw) for s in (isa, gs, *sts)] for isa, gs, sts in _groups(_headers_of_text(body))]


_PLAIN = _input("E", 915)
_VARIANTS = {
    "two interchanges": _PLAIN + _input("F", 916),
    "leading blanks": b" \r\n\t " * 1000 + _PLAIN,
    "utf-8 byte order marks and blanks": b"\xef\xbb\xbf \n\xef\xbb\xbf" + _PLAIN,
    "utf-8 in a header": _PLAIN.replace(b"GS*HC*", "GS*HC*\u00e9\u4e2d".encode(), 1),
    "latin-1 (not utf-8)": _PLAIN.replace(b"GS*HC*", b"GS*HC*\xe9\xff", 1),
    "utf-8 bom then latin-1": b"\xef\xbb\xbf" + _PLAIN.replace(b"ST*837*", b"ST*837\xe9*", 1),
    "segments on lines": _PLAIN.replace(b"~", b"~\r\n"),
    "long header elements": _PLAIN.replace(b"GS*HC*", b"GS*HC*" + b"G" * 100, 1),
    "a GS before any ISA": b"GS*HC*A*B*20260101*1200*1*X*005010X222A1~" + _PLAIN,
    "no ISA": b"GS*HC*A*B*20260101*1200*1*X*005010X222A1~ST*837*0001~",
    "empty": b"",
    "an unterminated last segment": _PLAIN + b"GS*HC*" + b"Z" * 5000,
}


@pytest.mark.parametrize("name", sorted(_VARIANTS))
def test_headers_read_from_the_bytes_are_those_read_from_the_text(name: str) -> None:
    body = _VARIANTS[name]

    assert _text_headers(body) == _headers(body)


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("utf-16", "\ufeff".encode("utf-16-le") + _PLAIN.decode().encode("utf-16-le")),
        ("a two-byte utf-8 segment terminator", _PLAIN.replace(b"~", "\u00a7".encode())),
    ],
)
def test_what_the_bytes_pass_cannot_read_is_read_from_the_text(name: str, body: bytes) -> None:
    assert _headers_of_bytes(body) is None, name
    assert ["000000915"] == [ack.interchange_control for ack in rejecting_acks(body)]


@pytest.mark.parametrize("non_ascii", [b"", "\u00e9".encode()])
def test_reading_the_headers_of_a_large_input_copies_none_of_it(non_ascii: bytes) -> None:
    body = _input("G", 917, claims=200) * 40 + non_ascii  # 40 interchanges, about 3 MB
    tracemalloc.start()
    try:
        acks = rejecting_acks(body)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert 40 == len(acks)
    assert peak < len(body) // 4, f"{peak} bytes allocated reading the headers of {len(body)}"


class _Held:
    """Something an input's context holds (FastStream's message, in the service), weakly referable."""


_IN_CONTEXT: contextvars.ContextVar[_Held | None] = contextvars.ContextVar("_IN_CONTEXT", default=None)


async def test_the_refusal_keeps_nothing_of_the_inputs_context_alive_once_done() -> None:
    body = _input("H", 918, claims=20)
    meta = input_meta(correlation_id="h", source=None, sha256=input_sha256(body), submitter_id="", delivery_attempts=1)
    held = _Held()
    watched = weakref.ref(held)
    token = _IN_CONTEXT.set(held)
    try:
        refused = await refuse_over_size(body, meta, dt.datetime.now(dt.UTC), Limits(max_input_bytes=1024), wall=600)
    finally:
        _IN_CONTEXT.reset(token)
    del held
    gc.collect()

    assert refused is not None
    assert watched() is None, "a timer of the refusal still holds the input's context"
