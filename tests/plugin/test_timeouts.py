"""The event loop's wall-clock limit: a result in time, TimeoutError past it, and nothing of the input kept."""

from __future__ import annotations

import asyncio
import contextvars
import gc
import weakref
from collections.abc import Awaitable

import hostile
import pytest

from claimedit.service.timeouts import within
from claimedit.service.workers import WorkerPool

pytestmark = pytest.mark.anyio


class _Held:
    """Something an input's context holds (FastStream's message, in the service), weakly referable."""


_IN_CONTEXT: contextvars.ContextVar[_Held | None] = contextvars.ContextVar("_IN_CONTEXT", default=None)


async def _answer(value: int, delay: float) -> int:
    await asyncio.sleep(delay)
    return value


async def test_an_await_done_in_time_gives_its_result() -> None:
    assert 7 == await within(5.0, _answer(7, 0.0))


async def test_an_await_past_its_time_is_cancelled_as_a_timeout_error() -> None:
    with pytest.raises(TimeoutError):
        await within(0.01, _answer(7, 5.0))
    task = asyncio.current_task()
    assert task is not None
    assert 0 == task.cancelling(), "the timeout's own cancellation was left pending on the task"


async def test_a_cancellation_from_elsewhere_stays_a_cancellation() -> None:
    task = asyncio.create_task(within(5.0, _answer(7, 5.0)))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def _held_while(awaiting: Awaitable[int]) -> weakref.ref[_Held]:
    held = _Held()
    watched = weakref.ref(held)
    token = _IN_CONTEXT.set(held)
    try:
        await within(600.0, awaiting)
    finally:
        _IN_CONTEXT.reset(token)
    return watched


async def test_a_finished_wait_keeps_nothing_of_the_inputs_context_alive() -> None:
    watched = await _held_while(_answer(1, 0.0))
    gc.collect()

    assert watched() is None, "the cancelled timer still holds the input's context"


async def test_a_workers_answered_call_keeps_nothing_of_the_inputs_context_alive() -> None:
    pool = await WorkerPool(1, processor=hostile.process).start()
    try:
        held = _Held()
        watched = weakref.ref(held)
        token = _IN_CONTEXT.set(held)
        try:
            assert 3 == await pool.run(600.0, abs, -3)
        finally:
            _IN_CONTEXT.reset(token)
        del held
        gc.collect()

        assert watched() is None, "the worker call's timer still holds the input's context"
    finally:
        await pool.stop()
