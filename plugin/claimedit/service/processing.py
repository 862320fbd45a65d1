"""One input through the pipeline to serialized outputs plus a PHI-free summary for logs and metrics.

Runs in worker processes (:mod:`claimedit.service.workers`), each with its own pipeline started once by
:func:`start_worker`; an injected processor (tests) may run in a thread instead. Either way the input
is first held against its bounds (:mod:`claimedit.service.limits`) and processed under its CPU budget;
the result crosses the process boundary as plain bytes and counts.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from claimedit.results import InputResult
from claimedit.service.headers import capped
from claimedit.service.limits import BudgetExceeded, Limits, OverLimit, cpu_budget, over_size, rejecting_acks
from claimedit.service.outputs import InputMeta, Outgoing, build_outputs, over_limit_outputs

__all__ = [
    "Processed",
    "budget_reason",
    "discard_worker_pipeline",
    "over_limit",
    "process_bounded",
    "process_in_worker",
    "process_input",
    "reject_in_worker",
    "start_worker",
    "with_input",
    "without_input",
    "worker_processor",
    "worker_ready",
]

Processor = Callable[[bytes, str], InputResult]


@dataclass(frozen=True)
class Processed:
    outputs: list[Outgoing]
    seconds: float
    verdicts: dict[str, int] = field(default_factory=dict)
    findings: dict[tuple[str, str], int] = field(default_factory=dict)
    """(edit code, severity) -> count."""
    unreadable: int = 0
    unreadable_claims: int = 0
    claim_ids: list[str] = field(default_factory=list)
    interchange_controls: list[str] = field(default_factory=list)
    group_controls: list[str] = field(default_factory=list)
    limit: str = ""
    """The bound the input broke (``over-size``, ``over-cpu-budget``), else empty."""


def without_input(processed: Processed, body: bytes) -> Processed:
    """``processed`` with every payload that is ``body`` itself left out (a dead letter of the whole input).

    A worker answers the event loop this way: a 50 MB input over ``max_input_bytes`` is not sent back
    to a process that holds it already (:func:`with_input` puts it back).
    """
    if not any(outgoing.payload is body for outgoing in processed.outputs):
        return processed
    outputs = [
        replace(outgoing, payload=b"", payload_is_input=True) if outgoing.payload is body else outgoing
        for outgoing in processed.outputs
    ]
    return replace(processed, outputs=outputs)


def with_input(processed: Processed, body: bytes) -> Processed:
    """The outputs of a worker's answer with the input's bytes back where :func:`without_input` left them out."""
    if not any(outgoing.payload_is_input for outgoing in processed.outputs):
        return processed
    outputs = [
        replace(outgoing, payload=body, payload_is_input=False) if outgoing.payload_is_input else outgoing
        for outgoing in processed.outputs
    ]
    return replace(processed, outputs=outputs)


def process_input(processor: Processor, body: bytes, meta: InputMeta, now: dt.datetime) -> Processed:
    started = time.perf_counter()
    result = processor(body, meta.source)
    seconds = time.perf_counter() - started
    outputs = build_outputs(result, body, meta, now=now)
    verdicts: Counter[str] = Counter()
    findings: Counter[tuple[str, str]] = Counter()
    claim_ids: list[str] = []
    interchanges = {ack.interchange_control for ack in result.acks}
    groups: set[str] = set()
    for item in result.claims:  # one pass; each distinct control number capped once
        verdicts[item.verdict] += 1
        findings.update((finding.code, finding.severity) for finding in item.findings)
        claim_ids.append(capped(item.claim.claim_id, 38))
        envelope = item.claim.envelope
        interchanges.add(envelope.isa_control)
        groups.add(envelope.gs_control)
    return Processed(
        outputs=outputs,
        seconds=seconds,
        verdicts=dict(verdicts),
        findings=dict(findings),
        unreadable=len(result.unreadable),
        unreadable_claims=sum(item.claims_inside for item in result.unreadable),
        claim_ids=claim_ids,
        interchange_controls=sorted({capped(control, 35) for control in interchanges}),
        group_controls=sorted({capped(control, 35) for control in groups}),
    )


def over_limit(
    body: bytes, meta: InputMeta, over: OverLimit, now: dt.datetime, *, budget: float | None, read_groups: bool = True
) -> Processed:
    """One dead letter and a rejecting 999 per readable group, the 999s read under ``budget`` CPU seconds."""
    acks = over.acks
    if not acks and read_groups:
        try:
            if budget is None:
                acks = rejecting_acks(body)
            else:
                with cpu_budget(budget):
                    acks = rejecting_acks(body)
        except BudgetExceeded:
            acks = []
    return Processed(
        outputs=over_limit_outputs(body, meta, kind=over.kind, reason=over.reason, acks=acks, now=now),
        seconds=0.0,
        unreadable=1,
        interchange_controls=sorted({capped(ack.interchange_control, 35) for ack in acks}),
        group_controls=sorted({capped(ack.group_control, 35) for ack in acks}),
        limit=over.kind,
    )


def budget_reason(limits: Limits) -> str:
    return f"processing took more than input_cpu_seconds ({limits.cpu_seconds:g} s of CPU)"


def process_bounded(
    processor: Processor, body: bytes, meta: InputMeta, now: dt.datetime, limits: Limits, *, enforce_cpu: bool = True
) -> Processed:
    """``process_input`` within ``limits``; ``enforce_cpu`` only in a process's main thread (a signal timer)."""
    over = over_size(body, limits)
    if over is not None:
        return over_limit(body, meta, over, now, budget=limits.cpu_seconds if enforce_cpu else None)
    if not enforce_cpu:
        return process_input(processor, body, meta, now)
    try:
        with cpu_budget(limits.cpu_seconds):
            return process_input(processor, body, meta, now)
    except BudgetExceeded:
        _restart_pipeline()
    return over_limit(body, meta, OverLimit("over-cpu-budget", budget_reason(limits)), now, budget=limits.cpu_seconds)


_worker_pipeline: Any = None
_worker_options: tuple[Path | None, bool, Processor | None, Any] = (None, True, None, None)
_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent_pid: int) -> None:
    """Ask the kernel to SIGKILL this process when its parent dies (Linux); exit if it already has."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(1)


def _load_pipeline() -> None:
    global _worker_pipeline  # noqa: PLW0603  (one pipeline per worker process, by design)
    config_path, validate, processor, history = _worker_options
    if processor is not None:
        _worker_pipeline = processor
        return
    from claimedit.pipeline import Pipeline  # noqa: PLC0415

    store = history.open() if history is not None else None  # a claimedit.history.service.ServiceHistory
    _worker_pipeline = Pipeline.start(
        config_path=config_path, validate=validate, history=store, history_keys_by_content=True
    ).process


def _restart_pipeline() -> None:
    """After an interrupted input the pipeline's caches may be half-written: load a fresh one."""
    global _worker_pipeline  # noqa: PLW0603
    _worker_pipeline = None


def start_worker(
    config_path: Path | None, validate: bool, processor: Processor | None, parent_pid: int, history: Any = None
) -> None:
    """ProcessPoolExecutor initializer: dies with the parent, leaves signals to it, loads the pipeline once.

    ``processor`` (a module-level function, tests) replaces the pipeline; ``history`` is the resolved claim
    history (``ServiceHistory``) each worker opens, or None.
    """
    global _worker_options  # noqa: PLW0603
    _die_with_parent(parent_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from claimedit.observability import configure_logging  # noqa: PLC0415

    configure_logging(level="WARNING", fmt="json")
    _worker_options = (config_path, validate, processor, history)
    _load_pipeline()


def worker_ready() -> bool:
    return _worker_pipeline is not None


def reject_in_worker(body: bytes, meta: InputMeta, now: dt.datetime, limits: Limits) -> Processed:
    """The outputs of an input whose worker had to be killed: its dead letter and its groups' 999s."""
    over = OverLimit("over-cpu-budget", budget_reason(limits))
    return without_input(over_limit(body, meta, over, now, budget=limits.cpu_seconds), body)


def worker_processor() -> Processor:
    """This worker's pipeline, loaded again if an interrupted input discarded it."""
    if _worker_pipeline is None:
        _load_pipeline()
    processor: Processor = _worker_pipeline
    return processor


def discard_worker_pipeline() -> None:
    """An input was interrupted by its CPU budget: the next one gets a fresh pipeline."""
    _restart_pipeline()


def process_in_worker(body: bytes, meta: InputMeta, now: dt.datetime, limits: Limits) -> Processed:
    """Entry point in a pipeline worker; the answer leaves the input's own bytes out (:func:`with_input`)."""
    return without_input(process_bounded(worker_processor(), body, meta, now, limits), body)
