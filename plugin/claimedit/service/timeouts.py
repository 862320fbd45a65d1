"""A wall-clock limit on an await whose timer holds nothing of the input it guards.

``asyncio.wait_for`` (and ``asyncio.timeout``) schedule their timer in the current context, and a
cancelled timer keeps that context until its time comes (asyncio drops cancelled timers lazily). From
a message handler that context holds FastStream's message, so the whole body, for the backstop's
70 s after the input was done. The timer here runs in an empty context of its own, and its callback
is dropped as soon as it is cancelled. On Python 3.11 it also spares ``wait_for``'s task per call.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Awaitable
from typing import TypeVar

__all__ = ["within"]

T = TypeVar("T")


async def within(seconds: float, awaitable: Awaitable[T]) -> T:
    """``await awaitable``, cancelled and turned into :class:`TimeoutError` after ``seconds``.

    Must be awaited from a task (as every handler is). A cancellation from elsewhere stays a
    cancellation: only the one this timer made becomes a :class:`TimeoutError`.
    """
    task = asyncio.current_task()
    if task is None:
        msg = "within() is awaited outside a task"
        raise RuntimeError(msg)
    cancelling = task.cancelling()
    expired = False

    def expire() -> None:
        nonlocal expired
        expired = True
        task.cancel()

    timer = asyncio.get_running_loop().call_later(seconds, expire, context=contextvars.Context())
    try:
        return await awaitable
    except asyncio.CancelledError:
        if expired and task.uncancel() <= cancelling:
            raise TimeoutError from None
        raise
    finally:
        timer.cancel()
