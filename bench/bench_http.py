"""Requests per second and p50/p99 latency of ``POST /v1/validate`` (one claim per request) against a bare
ASGI endpoint (``GET /health/live``: no work, same app, same uvicorn server), in the same run.

The server is ``claimedit serve --http-only`` on 127.0.0.1 (its pipeline in worker processes, one per
CPU by default), started by this script; the load comes from this process with ``--concurrency``
requests in flight, each endpoint for ``--seconds`` after a warm-up. On a small machine the driver
shares the cores with the server: the CPU seconds of the server (parent + workers) per request are
printed too, so the figures can be scaled to dedicated cores.

Usage: python bench/bench_http.py [--seconds 10] [--concurrency 4] [--workers N]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "plugin"))

import x12gen


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` and its children (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(child) for child in children.read_text().split()]
    for each in pids:
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _load(client: httpx.AsyncClient, request: httpx.Request, seconds: float, concurrency: int) -> list[float]:
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            response = await client.send(request)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                msg = f"{request.url.path} answered {response.status_code}"
                raise RuntimeError(msg)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def _measure(port: int, pid: int, seconds: float, concurrency: int) -> None:
    body = x12gen.interchange(x12gen.synthetic_claims(1, prefix="HTTPBENCH")).encode()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60, limits=limits) as client:
        validate = client.build_request(
            "POST", "/v1/validate", content=body, headers={"content-type": "application/edi-x12"}
        )
        bare = client.build_request("GET", "/health/live")
        await _load(client, validate, min(3.0, seconds), concurrency)  # warm-up: pipelines and connections
        await _load(client, bare, 1.0, concurrency)
        print(f"{'endpoint':<26}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'server CPU ms/req':>20}")
        rates = {}
        for name, request in (("POST /v1/validate (1 claim)", validate), ("GET /health/live (bare)", bare)):
            cpu_before, started = _cpu_seconds(pid), time.perf_counter()
            latencies = await _load(client, request, seconds, concurrency)
            elapsed, cpu = time.perf_counter() - started, _cpu_seconds(pid) - cpu_before
            rates[name] = len(latencies) / elapsed
            print(
                f"{name:<26}{rates[name]:>10.1f}{statistics.median(latencies) * 1000:>10.2f}"
                f"{_percentile(latencies, 0.99) * 1000:>10.2f}{cpu / len(latencies) * 1000:>20.2f}"
            )
        validate_rate, bare_rate = rates.values()
        print(f"validate / bare throughput: {validate_rate / bare_rate:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per endpoint (bounded)")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=None, help="pipeline worker processes (default: CPUs)")
    args = parser.parse_args()
    seconds = min(args.seconds, 45.0)
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("CLAIMEDIT_")}
    env.update({"CLAIMEDIT_LOG_LEVEL": "WARNING", "CLAIMEDIT_LOG_FORMAT": "json"})
    env.update({"CLAIMEDIT_HISTORY_ENABLED": "false", "CLAIMEDIT_DATA_DIR": tempfile.mkdtemp()})  # as measured
    if args.workers:
        env["CLAIMEDIT_WORKERS"] = str(args.workers)
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "claimedit", "serve", "--http-only", "--http-port", str(port)],
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    sys.exit(f"server did not start: {log.read()[-2000:].decode(errors='replace')}")
                time.sleep(0.3)
            where = f"127.0.0.1:{port}, {os.cpu_count()} CPUs"
            print(f"claimedit serve --http-only on {where}, concurrency {args.concurrency}")
            asyncio.run(_measure(port, server.pid, seconds, args.concurrency))
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
