"""An input over ``max_input_bytes`` refused by the event loop itself, before any worker sees it.

Its size is known from ``len(body)`` as it arrives, so there is nothing for a worker to do: sending a
50 MB body over the worker's socket only to hear "too large" back cost the worker a copy of it (and
its decoded text) for no answer the event loop could not give. The refusal is the one a worker gives
(:func:`claimedit.service.processing.over_limit`): the dead letter carrying the body as sent (the same
object, never a copy) and a rejecting 999 per group whose headers one regular-expression pass over the
bytes reads (:func:`claimedit.service.limits.rejecting_acks`). That pass and the dead letter's hash run
in a thread, so the loop keeps serving other inputs and health checks while they read 50 MB.
"""

from __future__ import annotations

import asyncio
import contextvars
import datetime as dt

from claimedit.service.limits import Limits, size_over
from claimedit.service.outputs import InputMeta
from claimedit.service.processing import Processed, over_limit

__all__ = ["refuse_over_size"]


async def refuse_over_size(
    body: bytes, meta: InputMeta, now: dt.datetime, limits: Limits, *, wall: float
) -> Processed | None:
    """The outputs refusing ``body`` when it is over ``max_input_bytes``, else None (process it as usual).

    The headers are read in a thread within ``wall`` seconds; past it (a pass that should take well
    under a second on 50 MB) the dead letter goes alone, as when a worker is stuck.

    The wait runs in a task of its own with an empty context: ``wait_for`` schedules its timeout in
    the current context, and a cancelled timer keeps that context until its time comes (asyncio only
    drops cancelled timers lazily). Scheduled from the handler, it held FastStream's message, so the
    whole 50 MB body, for ``wall`` seconds (70 by default) after the input was done: measured, three
    50 MB inputs in a row left the service at 69, 119, then 169 MB before each.
    """
    over = size_over(len(body), limits)
    if over is None:
        return None
    reading = asyncio.wait_for(asyncio.to_thread(over_limit, body, meta, over, now, budget=None), wall)
    try:
        return await asyncio.get_running_loop().create_task(reading, context=contextvars.Context())
    except TimeoutError:
        return over_limit(body, meta, over, now, budget=None, read_groups=False)
