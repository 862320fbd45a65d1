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

Usage: python bench/bench_service_memory.py [--sizes 1 5 20 50] [--no-validate] [--cap-gb 8]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[1, 5, 20, 50], help="input sizes in MB")
    parser.add_argument("--no-validate", action="store_true")
    parser.add_argument("--cap-gb", type=float, default=8.0, help="address-space cap of each child (GB)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, validate=not args.no_validate, limit=args.limit)
        return
    sys.path.insert(0, str(Path(__file__).parent))
    import make_interchange  # noqa: PLC0415

    validation = "without" if args.no_validate else "with"
    print(f"one worker, one input ({validation} pyx12 validation); RSS in MB; cap {args.cap_gb:g} GB per child")
    print(f"{'input MB':>8} {'claims':>7} {'max_input_bytes':>15} {'loaded':>7} {'peak':>7} {'seconds':>8}  outcome")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "warm-up.x12").write_text(make_interchange.build_interchange(1, seed=7))
        for size in args.sizes:
            claims = max(1, int(size * MB / _BYTES_PER_CLAIM))
            path = folder / f"input-{size:g}.x12"
            path.write_text(make_interchange.build_interchange(claims, seed=837))
            actual = path.stat().st_size
            for limit in (actual + 1, actual - 1):
                figures = _measure(path, validate=not args.no_validate, limit=limit, cap_gb=args.cap_gb)
                print(
                    f"{actual / MB:8.1f} {claims:7d} {limit:15d} {figures['loaded']:7.0f} {figures['peak']:7.0f} "
                    f"{figures['seconds']:8.2f}  {figures['outcome']}",
                    flush=True,
                )
            path.unlink()


if __name__ == "__main__":
    main()
