"""Peak RSS of a service pipeline worker for one large input, processed or refused as over-size.

For each size (MB) an interchange of clean generated claims (bench/make_interchange.py, about 360 bytes a
claim) is written to a temporary folder, and a fresh child process does what a worker does with one
input message: the pipeline loaded (as ``claimedit serve`` loads it), the input bounded, processed and
its outputs built (:func:`claimedit.service.processing.process_bounded`), and the reply pickled for the
event loop. Printed: the worker's RSS once loaded, its peak (``VmHWM``) and the wall time, for the input
processed (``max_input_bytes`` above its size) and refused (``max_input_bytes`` below it: the dead letter
and a rejecting 999 per group, read from the headers only).

Each child runs under an address-space cap (``--cap-gb``, RLIMIT_AS) so that a size the machine cannot
afford fails with MemoryError in the child instead of starving the machine; such a row says so.

With ``--broker URL`` the same inputs go instead through a running ``claimedit serve`` (one worker, its
default settings unless ``--max-input-bytes`` / ``--cpu-seconds`` are given): each is published, its
outputs awaited, and the RSS of the service process and of its worker printed: once ready, and the
peak (``VmHWM``, reset once ready and before each input, so that it is the input's own).

Usage: python bench/bench_service_memory.py [--sizes 1 5 20 50] [--no-validate] [--cap-gb 8] [--refused-only]
       python bench/bench_service_memory.py --broker amqp://guest:guest@127.0.0.1:5672/ [--sizes 5 20 50]
           [--max-input-bytes 67108864 --cpu-seconds 3600] [--pause 0]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

_BYTES_PER_CLAIM = 361
"""bench/make_interchange.py's claims, measured on its 10,000-claim file (3,610,947 bytes)."""
MB = 1024 * 1024


def _rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(path: Path, *, validate: bool, limit: int) -> None:
    """One worker's work on one input; prints a JSON line of MB figures."""
    from claimedit.pipeline import Pipeline  # noqa: PLC0415
    from claimedit.service.limits import Limits  # noqa: PLC0415
    from claimedit.service.outputs import input_meta, input_sha256  # noqa: PLC0415
    from claimedit.service.processing import process_bounded  # noqa: PLC0415
    from claimedit.service.workers import _reply  # noqa: PLC0415  (the worker's own reply)

    pipeline = Pipeline.start(validate=validate)
    pipeline.process(path.with_name("warm-up.x12").read_bytes())  # a worker has seen an input before
    loaded = _rss_kb("VmRSS") / 1024
    body = path.read_bytes()
    meta = input_meta(correlation_id="m", source=None, sha256=input_sha256(body), submitter_id="", delivery_attempts=1)
    started = time.perf_counter()
    try:
        processed = process_bounded(
            pipeline.process, body, meta, dt.datetime.now(dt.UTC), Limits(max_input_bytes=limit, cpu_seconds=3600)
        )
        reply = _reply("ok", processed)
        outcome = processed.limit or f"processed, {len(processed.outputs)} outputs, reply {len(reply) / MB:.0f} MB"
    except MemoryError:
        outcome = "MemoryError (over the address-space cap)"
    seconds = time.perf_counter() - started
    peak = _rss_kb("VmHWM") / 1024
    print(json.dumps({"loaded": loaded, "peak": peak, "seconds": seconds, "outcome": outcome}), flush=True)


def _measure(path: Path, *, validate: bool, limit: int, cap_gb: float) -> dict[str, object]:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (int(cap_gb * 1024**3), int(cap_gb * 1024**3)))

    command = [sys.executable, __file__, "--child", str(path), "--limit", str(limit)]
    if not validate:
        command.append("--no-validate")
    done = subprocess.run(command, capture_output=True, text=True, preexec_fn=cap, check=False)
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            figures: dict[str, object] = json.loads(line)
            return figures
    tail = done.stderr.strip().splitlines()[-1:] or ["no output"]
    return {"loaded": float("nan"), "peak": float("nan"), "seconds": float("nan"), "outcome": f"failed: {tail[0]}"}


def _status_mb(pid: int, field: str = "VmHWM") -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _cpu_seconds(pid: int) -> float:
    """User plus system CPU time of ``pid`` so far (``/proc/PID/stat`` fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _reset_peak(*pids: int) -> None:
    """Set each process's ``VmHWM`` back to its current RSS (Linux ``clear_refs``): the next peak is the input's."""
    for pid in pids:
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def _wait_ready(service: subprocess.Popen[bytes], log: IO[bytes]) -> int:
    """Wait for ``claimedit serve`` to say it is ready; its pipeline worker's pid."""
    while True:
        log.seek(0)
        if b"service ready" in log.read():
            break
        if service.poll() is not None:
            raise SystemExit("claimedit serve exited before it was ready")
        time.sleep(0.2)
    children = Path(f"/proc/{service.pid}/task/{service.pid}/children").read_text().split()
    return next(
        int(pid) for pid in children if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
    )  # not multiprocessing's resource tracker


def _print_ready(url: str, settings_env: dict[str, str], service: int, worker: int) -> None:
    chosen = ", ".join(f"{key}={value}" for key, value in settings_env.items()) or "default limits"
    print(f"through {url.rsplit('@', 1)[-1]}: claimedit serve, 1 worker, {chosen}; RSS in MB")
    print(
        f"ready: service {_status_mb(service, 'VmRSS'):.0f} (start-up peak {_status_mb(service):.0f}),"
        f" worker {_status_mb(worker, 'VmRSS'):.0f} (start-up peak {_status_mb(worker):.0f})"
    )
    print(
        f"{'input MB':>8} {'before':>7} {'service':>8} {'worker':>8} {'seconds':>8} {'cpu svc':>8} {'cpu wkr':>8}  "
        "outcome (peaks and CPU of the input)"
    )


async def _send_each(settings: Any, paths: list[Path], service: int, worker: int, *, pause: float) -> None:
    """Publish each input, await all its outputs and print the peaks it caused (``pause`` seconds between)."""
    import asyncio  # noqa: PLC0415

    from claimedit.service.watcher import OutputWatcher  # noqa: PLC0415

    async with OutputWatcher(settings) as watcher:
        for index, path in enumerate(paths):
            if index and pause:
                await asyncio.sleep(pause)
            body = path.read_bytes()
            _reset_peak(service, worker)
            before = _status_mb(service, "VmRSS")
            cpu = (_cpu_seconds(service), _cpu_seconds(worker))
            started = time.perf_counter()
            try:
                correlation = await watcher.send(body)
            except Exception as exc:  # noqa: BLE001  (a broker refusing the message: say which)
                print(f"{len(body) / MB:8.1f} not sent: {type(exc).__name__}: {exc}", flush=True)
                continue
            incomplete = await watcher.wait([correlation], timeout=3600)
            gathered = watcher.by_correlation[correlation]
            outcome = (
                "lost"
                if incomplete
                else f"{len(gathered.annotated)} annotated, {len(gathered.acks)} 999s, "
                f"{len(gathered.dead_letters)} dead letters "
                f"{sorted({letter.reason_kind for _body, letter in gathered.dead_letters})}"
            )
            peaks = f"{_status_mb(service):8.0f} {_status_mb(worker):8.0f}"
            seconds = time.perf_counter() - started
            spent = f"{_cpu_seconds(service) - cpu[0]:8.2f} {_cpu_seconds(worker) - cpu[1]:8.2f}"
            print(f"{len(body) / MB:8.1f} {before:7.0f} {peaks} {seconds:8.2f} {spent}  {outcome}", flush=True)


def through_broker(
    url: str, paths: list[Path], *, validate: bool, settings_env: dict[str, str], pause: float = 0.0
) -> None:
    """Each input through ``claimedit serve`` on ``url``; the service's and its worker's peak RSS for each."""
    import asyncio  # noqa: PLC0415
    import uuid  # noqa: PLC0415

    sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "plugin"))
    from harness import remove_resources, unique_names  # noqa: PLC0415

    from claimedit.service.settings import load_settings  # noqa: PLC0415

    names = unique_names(uuid.uuid4().hex[:8])
    settings = load_settings(broker_url=url, http_port=0, validate_x12=validate, **names)
    env = {f"CLAIMEDIT_{key.upper()}": value for key, value in names.items()}
    env |= {"CLAIMEDIT_WORKERS": "1", "CLAIMEDIT_HTTP_PORT": "0", "CLAIMEDIT_HISTORY_ENABLED": "false"}
    env |= {"CLAIMEDIT_LOG_FORMAT": "json", "CLAIMEDIT_VALIDATE_X12": str(validate).lower(), **settings_env}
    with tempfile.TemporaryFile() as log:
        service = subprocess.Popen(
            [sys.executable, "-m", "claimedit", "serve", "--broker", url],
            env={**os.environ, **env},
            stdout=log,
            stderr=log,
        )
        try:
            worker = _wait_ready(service, log)
            time.sleep(1.0)  # the worker's and the loop's start-up settle
            _print_ready(url, settings_env, service.pid, worker)
            asyncio.run(_send_each(settings, paths, service.pid, worker, pause=pause))
        finally:
            service.terminate()
            service.wait(timeout=60)
            asyncio.run(remove_resources(settings))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 5, 20, 50], help="input sizes in MB")
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--cap-gb", type=float, default=8.0, help="address-space cap of each child (GB)")
    parser.add_argument("--refused-only", action="store_true", help="only the refusal (max_input_bytes below the size)")
    parser.add_argument("--broker", help="through claimedit serve on this broker URL instead")
    parser.add_argument("--max-input-bytes", type=int, help="with --broker: the service's max_input_bytes")
    parser.add_argument("--cpu-seconds", type=float, help="with --broker: the service's input_cpu_seconds")
    parser.add_argument(
        "--pause", type=float, default=0.0, help="with --broker: seconds between inputs (what the service keeps)"
    )
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, validate=not args.no_validate, limit=args.limit)
        return
    sys.path.insert(0, str(Path(__file__).parent))
    import make_interchange  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "warm-up.x12").write_text(make_interchange.build_interchange(1, seed=7))
        paths = []
        for size in args.sizes:
            path = folder / f"input-{size:g}.x12"
            path.write_text(make_interchange.build_interchange(max(1, int(size * MB / _BYTES_PER_CLAIM)), seed=837))
            paths.append(path)
        if args.broker:
            settings_env = {}
            if args.max_input_bytes:
                settings_env["CLAIMEDIT_MAX_INPUT_BYTES"] = str(args.max_input_bytes)
            if args.cpu_seconds:
                settings_env["CLAIMEDIT_INPUT_CPU_SECONDS"] = str(args.cpu_seconds)
            through_broker(
                args.broker, paths, validate=not args.no_validate, settings_env=settings_env, pause=args.pause
            )
            return
        validation = "without" if args.no_validate else "with"
        print(f"one worker, one input ({validation} pyx12 validation); RSS in MB; cap {args.cap_gb:g} GB per child")
        print(
            f"{'input MB':>8} {'claims':>7} {'max_input_bytes':>15} {'loaded':>7} {'peak':>7} {'seconds':>8}  outcome"
        )
        for size, path in zip(args.sizes, paths, strict=True):
            claims = max(1, int(size * MB / _BYTES_PER_CLAIM))
            actual = path.stat().st_size
            for limit in (actual - 1,) if args.refused_only else (actual + 1, actual - 1):
                figures = _measure(path, validate=not args.no_validate, limit=limit, cap_gb=args.cap_gb)
                print(
                    f"{actual / MB:8.1f} {claims:7d} {limit:15d} {figures['loaded']:7.0f} {figures['peak']:7.0f} "
                    f"{figures['seconds']:8.2f}  {figures['outcome']}",
                    flush=True,
                )


if __name__ == "__main__":
    main()
