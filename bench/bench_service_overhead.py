"""The service's own work per input, outside the pipeline, timed in process (no broker).

CPU time per input (``time.process_time``), for single-claim and 100-claim inputs of the varied stream
(bench/make_interchange.py), with each input's pipeline result computed first:

- outputs: :func:`claimedit.service.processing.process_input` minus the pipeline (the events, their
  JSON, the 837P split and 277CA, and the PHI-free summary for logs and metrics);
- round trip: what crosses the worker pool's pipe back to the event loop (pickled and unpickled), and
  its size;
- log line: the per-input ``input processed`` line, rendered as JSON through the PHI guard (to a
  discarding stream);
- metrics: the counters and histogram of one input.

Usage: python bench/bench_service_overhead.py [--inputs 300] [--no-validate]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import make_interchange


def _per_input(work: Callable[[Any], Any], items: list[Any], rounds: int = 3) -> float:
    """Best of ``rounds`` of the mean CPU time of ``work`` over ``items``, in ms (CPU, not the wall clock: on
    a shared machine the wall clock counts the other processes' turns too)."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for item in items:
            work(item)
        best = min(best, (time.process_time() - started) / len(items))
    return best * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=300, help="single-claim inputs (100-claim: a tenth)")
    parser.add_argument("--no-validate", action="store_true")
    args = parser.parse_args()

    import structlog  # noqa: PLC0415

    from claimedit.observability import configure_logging  # noqa: PLC0415
    from claimedit.pipeline import Pipeline  # noqa: PLC0415
    from claimedit.service.app import log_processed  # noqa: PLC0415
    from claimedit.service.metrics import ServiceMetrics  # noqa: PLC0415
    from claimedit.service.outputs import input_meta, input_sha256  # noqa: PLC0415
    from claimedit.service.processing import process_input  # noqa: PLC0415

    pipeline = Pipeline.start(validate=not args.no_validate)
    configure_logging(level="INFO", fmt="json", stream=io.StringIO())
    sink = open("/dev/null", "w")  # noqa: SIM115  (open for the whole run)
    configure_logging(level="INFO", fmt="json", stream=sink)
    log = structlog.get_logger("claimedit.service")
    metrics = ServiceMetrics.create()
    now = dt.datetime.now(dt.UTC)
    print(f"per input, ms ({'without' if args.no_validate else 'with'} pyx12 validation)")
    print(f"{'input':>10} {'outputs':>8} {'round trip':>10} {'pickled KB':>10} {'log line':>8} {'metrics':>8}")
    for claims, count in ((1, args.inputs), (100, max(3, args.inputs // 10))):
        bodies = [make_interchange.build_interchange(claims, seed=seed + 1).encode() for seed in range(count)]
        results = {body: pipeline.process(body) for body in bodies}
        metas = {
            body: input_meta(
                correlation_id=f"c{index}",
                source=None,
                sha256=input_sha256(body),
                submitter_id="",
                delivery_attempts=1,
            )
            for index, body in enumerate(bodies)
        }

        def processor(body: bytes, _source: str, results: dict[bytes, Any] = results) -> Any:
            return results[body]

        def outputs_of(body: bytes, metas: dict[bytes, Any] = metas, processor: Any = processor) -> Any:
            return process_input(processor, body, metas[body], now)

        outputs = _per_input(outputs_of, bodies)
        processed = [outputs_of(body) for body in bodies]
        pickled = [pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL) for item in processed]
        round_trip = _per_input(
            lambda item: pickle.loads(pickle.dumps(item, protocol=pickle.HIGHEST_PROTOCOL)), processed
        )
        size = sum(len(data) for data in pickled) / len(pickled) / 1024
        logging_ms = _per_input(lambda item: log_processed(log, item, delivery_attempts=1), processed)
        metrics_ms = _per_input(metrics.observe, processed)
        label = f"{claims} claim{'s' if claims > 1 else ''}"
        figures = f"{outputs:8.3f} {round_trip:10.3f} {size:10.1f} {logging_ms:8.3f} {metrics_ms:8.3f}"
        print(f"{label:>10} {figures}")
    sink.close()


if __name__ == "__main__":
    main()
