"""One input through the pipeline to serialized outputs plus a PHI-free summary for logs and metrics.

Runs in the event loop (``workers = 0``) or in worker processes (``workers > 0``), each with its own
pipeline started once by :func:`start_worker`: the result crosses the process boundary as plain bytes
and counts.
"""

from __future__ import annotations

import datetime as dt
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimedit.results import InputResult
from claimedit.service.outputs import InputMeta, Outgoing, build_outputs

__all__ = ["Processed", "process_in_worker", "process_input", "start_worker", "worker_ready"]

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


def process_input(processor: Processor, body: bytes, meta: InputMeta, now: dt.datetime) -> Processed:
    started = time.perf_counter()
    result = processor(body, meta.source)
    seconds = time.perf_counter() - started
    outputs = build_outputs(result, body, meta, now=now)
    findings: Counter[tuple[str, str]] = Counter(
        (finding.code, finding.severity) for item in result.claims for finding in item.findings
    )
    return Processed(
        outputs=outputs,
        seconds=seconds,
        verdicts=dict(Counter(item.verdict for item in result.claims)),
        findings=dict(findings),
        unreadable=len(result.unreadable),
        unreadable_claims=sum(item.claims_inside for item in result.unreadable),
        claim_ids=[item.claim.claim_id for item in result.claims],
        interchange_controls=sorted(
            {ack.interchange_control for ack in result.acks} | {c.claim.envelope.isa_control for c in result.claims}
        ),
        group_controls=sorted({item.claim.envelope.gs_control for item in result.claims}),
    )


_worker_pipeline: Any = None


def start_worker(config_path: Path | None, validate: bool, history: Any = None) -> None:
    """ProcessPoolExecutor initializer: the parent handles signals; the pipeline loads once per worker."""
    global _worker_pipeline  # noqa: PLW0603  (one pipeline per worker process, by design)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from claimedit.observability import configure_logging  # noqa: PLC0415
    from claimedit.pipeline import Pipeline  # noqa: PLC0415

    configure_logging(level="WARNING", fmt="json")
    store = history.open() if history is not None else None  # a claimedit.history.service.ServiceHistory
    _worker_pipeline = Pipeline.start(
        config_path=config_path, validate=validate, history=store, history_keys_by_content=True
    )


def worker_ready() -> bool:
    return _worker_pipeline is not None


def process_in_worker(body: bytes, meta: InputMeta, now: dt.datetime) -> Processed:
    if _worker_pipeline is None:
        msg = "worker started without its pipeline"
        raise RuntimeError(msg)
    return process_input(_worker_pipeline.process, body, meta, now)
