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
import datetime as dt
import functools

from claimedit.service.limits import Limits, size_over
from claimedit.service.outputs import InputMeta
from claimedit.service.processing import Processed, over_limit
from claimedit.service.timeouts import within

__all__ = ["refuse_over_size"]


async def refuse_over_size(
    body: bytes, meta: InputMeta, now: dt.datetime, limits: Limits, *, wall: float
) -> Processed | None:
    """The outputs refusing ``body`` when it is over ``max_input_bytes``, else None (process it as usual).

    The headers are read in a thread within ``wall`` seconds; past it (a pass that should take well
    under a second on 50 MB) the dead letter goes alone, as when a worker is stuck.

    The wait's timer holds nothing of the input once done (:func:`claimedit.service.timeouts.within`),
    and the thread runs in its own context (``run_in_executor``, not ``to_thread``): a pool thread drops
    its call only after the loop has its answer, so a copy of the input's context would outlive it.
    """
    over = size_over(len(body), limits)
    if over is None:
        return None
    try:
        reading = functools.partial(over_limit, body, meta, over, now, budget=None)
        return await within(wall, asyncio.get_running_loop().run_in_executor(None, reading))
    except TimeoutError:
        return over_limit(body, meta, over, now, budget=None, read_groups=False)
