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

With ``--broker URL`` (repeatable) it measures the service itself instead: bench/bench_broker.py's
*precomputed* service (worker pool, events, logging, metrics, publishing; the pipeline's results looked up)
on a real broker, fed a backlog of single-claim then 100-claim inputs after a warm-up, and prints the CPU of
its event-loop process per input (``/proc``, the workers excluded). ``--callgrind`` runs that process under
callgrind and prints instructions per input too (counters zeroed after the warm-up, dumped after each
backlog: load-independent); ``--profile DIR`` writes a cProfile of the event loop's thread per backlog.

Usage: python bench/bench_service_overhead.py [--inputs 300] [--no-validate]
       python bench/bench_service_overhead.py --broker nats://127.0.0.1:4222 [--inputs 300] [--callgrind]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import glob
import io
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
import uuid
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


def _callgrind_total(pattern: str) -> int:
    """Instructions in the newest callgrind dump matching ``pattern``."""
    newest = max(glob.glob(pattern), key=os.path.getmtime)
    for line in Path(newest).read_text().splitlines():
        if line.startswith(("summary:", "totals:")):
            return int(line.split()[1])
    raise SystemExit(f"no totals in {newest}")


def measure_service(url: str, args: argparse.Namespace) -> None:
    """The precomputed service's event-loop CPU (and instructions) per input on ``url``."""
    import bench_broker  # noqa: PLC0415
    from claimedit.service.settings import load_settings  # noqa: PLC0415

    kind, tag = bench_broker._kind(url), uuid.uuid4().hex[:6]
    names = bench_broker._names(tag, kind)
    options = argparse.Namespace(no_validate=args.no_validate, workers=1, history=False)
    env = {**bench_broker._env(names, options), "CLAIMEDIT_BROKER_URL": url}
    settings = load_settings(broker_url=url, http_port=0, validate_x12=not args.no_validate, **names)
    inputs = bench_broker.Inputs.make("varied", args.inputs, args.warm_up, latency=0)
    tmp = Path(tempfile.mkdtemp(prefix="svc-overhead-"))
    command = [sys.executable, bench_broker.__file__, "--serve-precomputed", "--url", url]
    command += ["--stream", "varied", "--messages", str(args.inputs), "--warm-up", str(args.warm_up)]
    command += ["--no-validate"] if args.no_validate else []
    if args.profile:
        command += ["--profile", str(tmp / "loop.prof")]
    if args.callgrind:
        command = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={tmp}/cg.out", *command]
    # the app's own line once its broker started (the precomputed one is printed before it starts)
    process = bench_broker._spawn(command, env, tmp / "service.log", '"event": "service ready"')
    try:
        asyncio.run(bench_broker._service_rate(settings, inputs.warm_up, 1))
        for label, bodies, claims in (("1 claim", inputs.single, 1), ("100 claims", inputs.hundred, 100)):
            if args.callgrind:
                subprocess.run(["callgrind_control", "-z", str(process.pid)], check=True, capture_output=True)
            if args.profile:
                os.kill(process.pid, signal.SIGUSR1)
            before, switches = _user_system(process.pid), _wake_ups(process.pid)
            asyncio.run(bench_broker._service_rate(settings, bodies, claims))
            user, system = (
                (after - was) / len(bodies) * 1000 for after, was in zip(_user_system(process.pid), before, strict=True)
            )
            woken = (_wake_ups(process.pid) - switches) / len(bodies)
            figures = f"{kind:>6} {label:>10} {len(bodies):>5} inputs: event loop {user + system:7.3f} ms CPU/input"
            figures += f" ({user:.3f} user, {system:.3f} system), {woken:6.1f} wake-ups/input"
            if args.callgrind:
                subprocess.run(["callgrind_control", "-d", str(process.pid)], check=True, capture_output=True)
                instructions = _callgrind_total(f"{tmp}/cg.out.*")
                figures += f", {instructions / len(bodies) / 1e6:7.3f} M instructions/input"
            if args.profile:
                os.kill(process.pid, signal.SIGUSR2)
                time.sleep(2)
                profile = Path(args.profile) / f"{kind}-{claims}.prof"
                (tmp / "loop.prof").replace(profile)
                figures += f" (profile: {profile})"
            print(figures, flush=True)
    finally:
        bench_broker._stop(process)
        asyncio.run(bench_broker._remove(url, names.get("nats_stream", ""), _queues(names, kind), _exchanges(names)))


def _user_system(pid: int) -> tuple[float, float]:
    """User and system CPU seconds of ``pid`` alone (its workers excluded)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def _wake_ups(pid: int) -> int:
    """Voluntary context switches of ``pid``'s main thread (the event loop going to sleep in epoll and waking)."""
    for line in Path(f"/proc/{pid}/task/{pid}/status").read_text().splitlines():
        if line.startswith("voluntary_ctxt_switches:"):
            return int(line.split()[1])
    return 0


def _queues(names: dict[str, str], kind: str) -> list[str]:
    return [names[key] for key in ("input", "annotated", "rejected", "acks", "dlq")] if kind == "rabbit" else []


def _exchanges(names: dict[str, str]) -> list[str]:
    return [names["rabbit_exchange"]] if "rabbit_exchange" in names else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=300, help="single-claim inputs (100-claim: a tenth)")
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--broker", action="append", help="measure the precomputed service on this broker URL")
    parser.add_argument("--warm-up", type=int, default=50, help="single-claim inputs before measuring (--broker)")
    parser.add_argument("--callgrind", action="store_true", help="--broker: instructions per input, by callgrind")
    parser.add_argument("--profile", help="--broker: write a cProfile of the event loop per backlog to this folder")
    args = parser.parse_args()
    if args.broker:
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for url in args.broker:
            measure_service(url, args)
        return

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
