"""One input validated for a waiting caller (``POST /v1/validate``): the replay rows, the 999s, the 277CAs.

The same pipeline, bounds and control numbers as the broker path (:mod:`claimedit.service.processing`):
the input is held against its size bounds, processed under its CPU budget in a worker process, and
an input over a bound is answered with the bound it broke and a 999 rejecting each readable group.
The result crosses the process boundary as plain JSON-ready data.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from claimedit.replay_output import result_lines
from claimedit.results import GroupAck, InputResult
from claimedit.service.limits import BudgetExceeded, Limits, cpu_budget, over_size, rejecting_acks
from claimedit.service.outputs import InputMeta, claim_277ca
from claimedit.service.processing import Processor, budget_reason, discard_worker_pipeline, worker_processor

__all__ = ["Validated", "ack_object", "validate_bounded", "validate_in_worker"]


@dataclass(frozen=True)
class Validated:
    """What ``POST /v1/validate`` answers. ``limit`` is set (and the rows empty) when the input broke a bound."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)
    rejections: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    limit: str = ""
    reason: str = ""


def ack_object(ack: GroupAck) -> dict[str, Any]:
    return {
        "interchange_control": ack.interchange_control,
        "group_control": ack.group_control,
        "accepted": ack.accepted,
        "ack_code": ack.ack_code,
        "ack_999": ack.x12,
    }


def _answer(result: InputResult, meta: InputMeta, now: dt.datetime, seconds: float) -> Validated:
    rejections = []
    for index, item in enumerate(result.claims):
        if item.verdict != "rejected":
            continue
        location = item.claim.location
        rejections.append(
            {
                "claim_id": item.claim.claim_id,
                "claim_index": index,
                "interchange_control": location.interchange_control or None,
                "group_control": location.group_control or None,
                "transaction_control": location.transaction_control or None,
                "ack_277ca": claim_277ca(item, index, meta, now),
            }
        )
    return Validated(
        rows=result_lines(result),
        acks=[ack_object(ack) for ack in result.acks],
        rejections=rejections,
        seconds=seconds,
    )


def _over(kind: str, reason: str, body: bytes, budget: float | None) -> Validated:
    try:
        if budget is None:
            acks = rejecting_acks(body)
        else:
            with cpu_budget(budget):
                acks = rejecting_acks(body)
    except BudgetExceeded:
        acks = []
    return Validated(acks=[ack_object(ack) for ack in acks], limit=kind, reason=reason)


def validate_bounded(
    processor: Processor, body: bytes, meta: InputMeta, now: dt.datetime, limits: Limits, *, enforce_cpu: bool = True
) -> Validated:
    """``processor`` over ``body`` within ``limits``; ``enforce_cpu`` only in a process's main thread."""
    over = over_size(body, limits)
    if over is not None:
        return _over(over.kind, over.reason, body, limits.cpu_seconds if enforce_cpu else None)
    started = time.perf_counter()
    if not enforce_cpu:
        result = processor(body, meta.source)
        return _answer(result, meta, now, time.perf_counter() - started)
    try:
        with cpu_budget(limits.cpu_seconds):
            result = processor(body, meta.source)
            return _answer(result, meta, now, time.perf_counter() - started)
    except BudgetExceeded:
        discard_worker_pipeline()
    return _over("over-cpu-budget", budget_reason(limits), body, limits.cpu_seconds)


def validate_in_worker(body: bytes, meta: InputMeta, now: dt.datetime, limits: Limits) -> Validated:
    """Entry point in a pipeline worker process (:class:`claimedit.service.workers.WorkerPool`)."""
    return validate_bounded(worker_processor(), body, meta, now, limits)
