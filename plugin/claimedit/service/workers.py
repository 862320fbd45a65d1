"""The pipeline's worker processes: spawned, bounded in CPU time, killed with their parent, replaced when stuck.

- Each worker loads the pipeline once (:func:`claimedit.service.processing.start_worker`) and asks the
  kernel to SIGKILL it when the service dies (``prctl(PR_SET_PDEATHSIG)``, Linux), so no worker outlives
  a SIGKILLed parent.
- At most ``size`` inputs are handed over at once, so the wall clock of a call measures the work, not
  the queue. A call silent for longer than the backstop kills every worker and starts a new pool
  (:class:`WorkerStuck` for that input); calls that lose their worker that way, or to a crash
  (OOM killer), are run again once on the new pool.
- The event loop only awaits: health, heartbeats and SIGTERM stay responsive whatever an input does.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

import structlog

from claimedit.service.processing import Processor, start_worker, worker_ready

__all__ = ["WorkerPool", "WorkerStuck"]

T = TypeVar("T")
_log = structlog.get_logger("claimedit.service.workers")


class WorkerStuck(Exception):  # noqa: N818  (names what happened, like TimeoutError)
    """A worker did not answer within the wall-clock backstop; the pool was replaced."""


class WorkerPool:
    """``size`` spawned pipeline processes behind an async ``run``."""

    def __init__(
        self,
        size: int,
        *,
        edits_config: Path | None = None,
        validate: bool = True,
        processor: Processor | None = None,
        history: Any = None,
    ) -> None:
        self.size = size
        self._initargs = (edits_config, validate, processor, os.getpid(), history)
        self._executor: ProcessPoolExecutor | None = None
        self._slots = asyncio.Semaphore(size)
        self._replacing = asyncio.Lock()
        self.replacements = 0

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        processes = getattr(self._executor, "_processes", None) or {}
        return [process.pid for process in processes.values() if process.pid is not None]

    async def start(self) -> WorkerPool:
        """Spawn every worker and wait until each has its pipeline loaded."""
        self._executor = ProcessPoolExecutor(
            self.size,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=start_worker,
            initargs=self._initargs,
        )
        # Submitted from the event loop's (main) thread: PR_SET_PDEATHSIG fires when the thread that
        # spawned a worker ends, and the main thread ends only with the process.
        loop = asyncio.get_running_loop()
        await asyncio.gather(*(loop.run_in_executor(self._executor, worker_ready) for _ in range(self.size)))
        return self

    async def run(self, timeout: float, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker; :class:`WorkerStuck` after ``timeout`` seconds without an answer."""
        async with self._slots:
            executor = self._running()
            try:
                return await self._call(executor, timeout, fn, *args)
            except BrokenProcessPool:
                # the worker died under this call or another one (OOM killer, a backstop kill): once more
                await self._replace(executor, "a worker died")
                return await self._call(self._running(), timeout, fn, *args)

    def _running(self) -> ProcessPoolExecutor:
        if self._executor is None:
            msg = "the worker pool is not started"
            raise RuntimeError(msg)
        return self._executor

    async def _call(self, executor: ProcessPoolExecutor, timeout: float, fn: Callable[..., T], *args: Any) -> T:
        future = asyncio.get_running_loop().run_in_executor(executor, fn, *args)
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            await self._replace(executor, f"a worker was silent for {timeout:.0f} s")
            raise WorkerStuck from None

    async def _replace(self, broken: ProcessPoolExecutor, why: str) -> None:
        async with self._replacing:
            if self._executor is not broken:  # another call replaced it already
                return
            _log.error("replacing the pipeline workers", reason=why)
            self.replacements += 1
            _kill(broken)
            await self.start()

    async def stop(self, timeout: float = 10.0) -> None:
        """Let running calls finish up to ``timeout`` seconds, then kill what is left."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        try:
            await asyncio.wait_for(asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True), timeout)
        except TimeoutError:
            _log.warning("pipeline workers did not stop in time: killed")
        _kill(executor)


def _kill(executor: ProcessPoolExecutor) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.kill()
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=5)
