"""The pipeline's worker processes: spawned, bounded in CPU time, killed with their parent, replaced when stuck.

- Each worker loads the pipeline once (:func:`claimedit.service.processing.start_worker`) and asks the
  kernel to SIGKILL it when the service dies (``prctl(PR_SET_PDEATHSIG)``, Linux), so no worker outlives
  a SIGKILLed parent.
- Each worker has its own socket pair with the event loop: a call is one pickled ``(function, args)``
  message out and one pickled reply back, read by the loop itself (asyncio streams), with no thread
  between them. ``concurrent.futures.ProcessPoolExecutor`` was measured at 0.6 ms of the parent's CPU
  per call for a call doing nothing (its queue feeder and result threads, their wake-ups and locks):
  a fifth of what a bare relay spends on a whole message.
- One call per worker at a time, so the wall clock of a call measures the work, not a queue. A call
  silent for longer than the backstop kills its worker and starts another (:class:`WorkerStuck` for that
  input); a call that loses its worker (OOM killer, a crash) is run again once on another worker.
- The event loop only awaits: health, heartbeats and SIGTERM stay responsive whatever an input does.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import pickle
import socket
import struct
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, TypeVar

import structlog

from claimedit.service.processing import Processor, start_worker
from claimedit.service.timeouts import within

__all__ = ["WorkerPool", "WorkerStuck"]

T = TypeVar("T")
_log = structlog.get_logger("claimedit.service.workers")
_PROTOCOL = pickle.HIGHEST_PROTOCOL
_SMALL = struct.Struct("!i")
_LARGE = struct.Struct("!Q")
"""``multiprocessing.Connection``'s framing: a 4-byte length, or -1 and an 8-byte length past 2 GiB."""


class WorkerStuck(Exception):  # noqa: N818  (names what happened, like TimeoutError)
    """A worker did not answer within the wall-clock backstop; it was killed and replaced."""


class WorkerDied(Exception):  # noqa: N818  (names what happened)
    """A worker ended under a call, twice in a row for the same call."""


class _Gone(Exception):  # noqa: N818
    """The worker's socket closed: the process ended."""


def _serve(connection: Connection, initargs: tuple[Any, ...]) -> None:
    """A worker process: load the pipeline, say ready, then answer one call after another until EOF."""
    try:
        start_worker(*initargs)
    except BaseException as exc:  # noqa: BLE001  (told to the parent, which refuses to start)
        connection.send_bytes(_reply("failed", exc))
        return
    connection.send_bytes(_reply("ready", None))
    while True:
        try:
            request = connection.recv_bytes()
        except (EOFError, OSError):  # the parent closed the socket (stop) or died
            return
        count, header = pickle.loads(request)  # noqa: S301  (from the parent process only)
        buffers = [connection.recv_bytes() for _ in range(count)]
        function, args = pickle.loads(header, buffers=buffers)  # noqa: S301
        try:
            reply = _reply("ok", function(*args))
        except BaseException as exc:  # noqa: BLE001  (raised again in the parent, where it is handled)
            reply = _reply("raised", exc)
        connection.send_bytes(reply)


def _reply(status: str, value: Any) -> bytes:
    try:
        return pickle.dumps((status, value), protocol=_PROTOCOL)
    except Exception as exc:  # noqa: BLE001  (an exception or result that does not pickle: its type only)
        return pickle.dumps(("raised", RuntimeError(f"unpicklable {type(value).__name__}: {type(exc).__name__}")))


def _frame(size: int) -> bytes:
    return _SMALL.pack(size) if size <= 0x7FFFFFFF else _SMALL.pack(-1) + _LARGE.pack(size)


_OUT_OF_BAND_BYTES = 64 * 1024
"""``bytes`` arguments from this size on (an input's body) travel as raw frames after the pickled call,
never copied into the pickle, and are written a chunk at a time: the parent holds one copy of a body."""
_CHUNK = 1024 * 1024


def _request(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[bytes, list[pickle.PickleBuffer]]:
    """The pickled call, and the large ``bytes`` arguments to send after it as they are."""
    buffers: list[pickle.PickleBuffer] = []
    wrapped = tuple(
        pickle.PickleBuffer(arg) if isinstance(arg, bytes) and len(arg) >= _OUT_OF_BAND_BYTES else arg for arg in args
    )
    header = pickle.dumps((fn, wrapped), protocol=_PROTOCOL, buffer_callback=buffers.append)
    return pickle.dumps((len(buffers), header), protocol=_PROTOCOL), buffers


class _Worker:
    """One spawned process and the event loop's end of its socket pair."""

    def __init__(self, process: BaseProcess, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.process = process
        self.reader = reader
        self.writer = writer

    async def read(self) -> tuple[str, Any]:
        try:
            (size,) = _SMALL.unpack(await self.reader.readexactly(_SMALL.size))
            if size == -1:
                (size,) = _LARGE.unpack(await self.reader.readexactly(_LARGE.size))
            data = await self.reader.readexactly(size)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            raise _Gone from exc
        status, value = pickle.loads(data)  # noqa: S301  (from our own worker process)
        return status, value

    async def call(self, request: bytes, buffers: list[pickle.PickleBuffer]) -> tuple[str, Any]:
        try:
            self.writer.write(_frame(len(request)) + request)  # one send: the request is small (bodies go after)
            for buffer in buffers:
                view = buffer.raw()  # not released here: the transport may still hold slices of it
                self.writer.write(_frame(len(view)))
                for start in range(0, len(view), _CHUNK):
                    self.writer.write(view[start : start + _CHUNK])
                    await self.writer.drain()
            await self.writer.drain()
        except ConnectionError as exc:
            raise _Gone from exc
        return await self.read()

    def kill(self) -> None:
        self.writer.close()
        if self.process.is_alive():
            self.process.kill()

    async def ended(self, timeout: float) -> bool:
        """Wait (without blocking the loop) up to ``timeout`` seconds for the process to end."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.process.is_alive() and loop.time() < deadline:
            await asyncio.sleep(0.02)
        alive = self.process.is_alive()
        if not alive:
            self.process.join(timeout=0)
        return not alive


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
        self._workers: list[_Worker] = []
        self._idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self._draining: set[asyncio.Task[None]] = set()
        self._started = False
        self.replacements = 0

    @property
    def pids(self) -> list[int]:
        """Process ids of the live workers."""
        return [worker.process.pid for worker in self._workers if worker.process.pid is not None]

    async def start(self) -> WorkerPool:
        """Spawn every worker and wait until each has its pipeline loaded."""
        workers = await asyncio.gather(*(self._spawn() for _ in range(self.size)))
        for worker in workers:
            self._workers.append(worker)
            self._idle.put_nowait(worker)
        self._started = True
        return self

    async def _spawn(self) -> _Worker:
        # Spawned from the event loop's (main) thread: PR_SET_PDEATHSIG fires when the thread that
        # spawned a worker ends, and the main thread ends only with the process.
        context = multiprocessing.get_context("spawn")
        ours, theirs = context.Pipe(duplex=True)
        process = context.Process(target=_serve, args=(theirs, self._initargs), daemon=True)
        process.start()
        theirs.close()
        sock = socket.socket(fileno=os.dup(ours.fileno()))
        ours.close()
        reader, writer = await asyncio.open_unix_connection(sock=sock)
        worker = _Worker(process, reader, writer)
        try:
            status, value = await worker.read()
        except _Gone:
            worker.kill()
            msg = f"a pipeline worker exited while starting (exit code {process.exitcode})"
            raise RuntimeError(msg) from None
        if status != "ready":
            worker.kill()
            msg = f"a pipeline worker failed to start: {type(value).__name__}"
            raise RuntimeError(msg) from value
        return worker

    async def run(self, timeout: float, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a worker; :class:`WorkerStuck` after ``timeout`` seconds without an answer."""
        if not self._started:
            msg = "the worker pool is not started"
            raise RuntimeError(msg)
        request, buffers = _request(fn, args)
        for attempt in (1, 2):
            worker = await self._idle.get()
            try:
                status, value = await within(timeout, worker.call(request, buffers))
            except TimeoutError:
                await self._replace(worker, f"a worker was silent for {timeout:.0f} s")
                raise WorkerStuck from None
            except _Gone:
                # the worker died under this call (OOM killer, a kill): once more, on another one
                await self._replace(worker, "a worker died")
                if attempt == 1 and self._started:  # not while stopping: no worker would come back
                    continue
                raise WorkerDied from None
            except asyncio.CancelledError:
                self._drain(worker, timeout)  # its answer must not be read as the next call's
                raise
            except Exception:
                await self._replace(worker, "a worker's answer could not be read")
                raise
            self._idle.put_nowait(worker)
            if status == "raised":
                raise value
            result: T = value
            return result
        raise AssertionError  # pragma: no cover  (the loop returns or raises)

    def _drain(self, worker: _Worker, timeout: float) -> None:
        """Read and drop the answer of a cancelled call, then give the worker back (or replace it)."""

        async def drain() -> None:
            try:
                await within(timeout, worker.read())
            except Exception:  # noqa: BLE001  (silent, gone or garbled: a fresh worker instead)
                await self._replace(worker, "a cancelled call's worker did not answer")
                return
            self._idle.put_nowait(worker)

        task = asyncio.create_task(drain())
        self._draining.add(task)
        task.add_done_callback(self._draining.discard)

    async def _replace(self, broken: _Worker, why: str) -> None:
        _log.error("replacing a pipeline worker", reason=why)
        self.replacements += 1
        broken.kill()
        await broken.ended(5.0)
        if broken in self._workers:
            self._workers.remove(broken)
        if not self._started:  # stopping: no replacement
            return
        worker = await self._spawn()
        self._workers.append(worker)
        self._idle.put_nowait(worker)

    async def stop(self, timeout: float = 10.0) -> None:
        """Let running calls finish up to ``timeout`` seconds, then end every worker."""
        if not self._started:
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._idle.qsize() < len(self._workers) and loop.time() < deadline:
            await asyncio.sleep(0.05)
        self._started = False
        workers, self._workers = self._workers, []
        for worker in workers:
            worker.writer.close()  # EOF: an idle worker returns from its loop and exits
        ended = await asyncio.gather(*(worker.ended(2.0) for worker in workers))
        if not all(ended):
            _log.warning("pipeline workers did not stop in time: killed")
        for worker in workers:
            worker.kill()
            with contextlib.suppress(Exception):
                await worker.ended(5.0)
        while not self._idle.empty():
            self._idle.get_nowait()
