"""What crosses between the event loop and a pipeline worker: a large input travels once, never pickled."""

from __future__ import annotations

import datetime as dt
import pickle

import x12gen

from claimedit.service.limits import Limits, OverLimit
from claimedit.service.outputs import input_meta, input_sha256
from claimedit.service.processing import Processed, over_limit, with_input, without_input
from claimedit.service.workers import _request


def _over_size(body: bytes) -> tuple[bytes, Processed]:
    meta = input_meta(correlation_id="c", source=None, sha256=input_sha256(body), submitter_id="", delivery_attempts=1)
    over = OverLimit("over-size", "the input is too large")
    return body, over_limit(body, meta, over, dt.datetime.now(dt.UTC), budget=None)


def test_a_workers_answer_leaves_the_input_out_and_the_event_loop_puts_it_back() -> None:
    body, processed = _over_size(x12gen.interchange(x12gen.synthetic_claims(1), control=5).encode() + b"\n" * 200_000)

    answer = pickle.loads(pickle.dumps(without_input(processed, body)))
    restored = with_input(answer, body)

    assert [("dlq", b"", True)] == [
        (o.destination, o.payload, o.payload_is_input) for o in answer.outputs if o.destination == "dlq"
    ]
    assert len(pickle.dumps(answer)) < 20_000
    assert [body] == [o.payload for o in restored.outputs if o.destination == "dlq"]
    assert not any(o.payload_is_input for o in restored.outputs)


def test_a_large_body_is_sent_after_the_pickled_call_not_inside_it() -> None:
    body = b"ISA" + b"x" * 1_000_000

    request, buffers = _request(len, (body, Limits()))
    count, header = pickle.loads(request)
    function, args = pickle.loads(header, buffers=[bytes(buffer.raw()) for buffer in buffers])

    assert (1, True) == (count, len(request) < 10_000)
    assert (len, body, Limits()) == (function, args[0], args[1])
