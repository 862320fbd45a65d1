"""Throughput of 1 and 2 ``claimedit serve`` processes on one RabbitMQ quorum queue, beside the bare relay of
bench/bench_broker.py, with the CPU each spends per input, so that a deployment can be sized in claims
per second per core (docs/operations.md, Sizing).

Each service process runs one pipeline worker (``CLAIMEDIT_WORKERS=1``): with 2 processes on this 2-core
machine every core runs one pipeline, as two one-core pods would. A backlog of ``--interchanges``
interchanges of ``--claims`` claims each is published, timed from the first publish to the last
annotated event and 999 (counted by their headers, never parsed); CPU seconds are read from /proc for
the service processes (with their workers), the relay, RabbitMQ and this driver. The relay (consume,
republish with confirms, ack) is the ceiling of any consumer on this broker and machine. Bounded: a
few hundred interchanges, under two minutes.

Usage: python bench/bench_replicas.py [--url amqp://guest:guest@127.0.0.1:5672/] [--interchanges 200]
       [--claims 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "plugin"))
sys.path.insert(0, str(Path(__file__).parent))

import x12gen

import bench_broker

DEFAULT_URL = os.environ.get("CLAIMEDIT_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/ready", timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def _start(count: int, env: dict[str, str], logs: Path) -> list[subprocess.Popen[bytes]]:
    processes, ports = [], []
    for number in range(count):
        port = _free_port()
        with (logs / f"service-{number}.log").open("wb") as out:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "claimedit", "serve", "--http-port", str(port)],
                    env=env,
                    stdout=out,
                    stderr=out,
                )
            )
        ports.append(port)
    deadline = time.monotonic() + 180
    while not all(_ready(port) for port in ports):
        if time.monotonic() > deadline or any(process.poll() is not None for process in processes):
            sys.exit(f"services did not start; see {logs}")
        time.sleep(0.3)
    return processes


def _cpu(pids: list[int]) -> float:
    return sum(bench_broker._cpu_seconds(pid) for pid in pids)


def _row(name: str, claims_per_s: str, inputs_per_s: float, used: list[float], *, inputs: int, per_core: str) -> None:
    consumer, broker, driver = (value / inputs for value in used)
    print(
        f"{name:<30}{claims_per_s:>10}{inputs_per_s:>10.1f}{consumer:>12.4f}{broker:>10.4f}{driver:>10.4f}{per_core:>15}"
    )


def _relay(url: str, tag: str, warm: list[bytes], bodies: list[bytes], *, logs: Path, broker: list[int]) -> None:
    relay_in, relay_out = f"benchr{tag}.relay.in", f"benchr{tag}.relay.out"
    script = str(Path(__file__).parent / "bench_broker.py")
    relay = bench_broker._spawn(
        [sys.executable, script, "--url", url, "--relay", relay_in, relay_out], {}, logs / "relay.log", "relay ready"
    )
    try:
        asyncio.run(bench_broker._relay_rate(url, warm, relay_in, relay_out))
        groups = ([relay.pid], broker, [os.getpid()])
        before = [_cpu(pids) for pids in groups]
        rate = asyncio.run(bench_broker._relay_rate(url, bodies, relay_in, relay_out))
        used = [_cpu(pids) - start for pids, start in zip(groups, before, strict=True)]
    finally:
        bench_broker._stop(relay)
        asyncio.run(bench_broker._delete(url, [relay_in, relay_out, f"{relay_in}.fan-out"], []))
    _row("bare relay (1 process)", "-", rate, used, inputs=len(bodies), per_core="-")


def _services(
    url: str,
    tag: str,
    processes: int,
    *,
    warm: list[bytes],
    bodies: list[bytes],
    claims: int,
    logs: Path,
    broker: list[int],
) -> None:
    from claimedit.service.settings import load_settings  # noqa: PLC0415

    keys = ("input", "annotated", "rejected", "acks", "dlq", "rabbit_exchange")
    names = {key: f"benchr{tag}.{processes}.{key}" for key in keys}
    settings = load_settings(broker_url=url, http_port=0, **names)
    env = {key: value for key, value in os.environ.items() if not key.startswith("CLAIMEDIT_")}
    env |= {f"CLAIMEDIT_{key.upper()}": value for key, value in names.items()}
    env |= {"CLAIMEDIT_BROKER_URL": url, "CLAIMEDIT_WORKERS": "1", "CLAIMEDIT_LOG_LEVEL": "WARNING"}
    env |= {"CLAIMEDIT_HISTORY_ENABLED": "false", "CLAIMEDIT_DATA_DIR": str(logs / "data")}  # as measured
    services = _start(processes, env, logs)
    try:
        # counted by headers, never parsed: the driver shares the cores with what it measures
        asyncio.run(bench_broker._plugin_rate(settings, warm, claims))
        groups = ([service.pid for service in services], broker, [os.getpid()])
        before = [_cpu(pids) for pids in groups]
        inputs_per_second, _ = asyncio.run(bench_broker._plugin_rate(settings, bodies, claims))
        used = [_cpu(pids) - start for pids, start in zip(groups, before, strict=True)]
    finally:
        for service in services:
            bench_broker._stop(service)
        queues = [names[key] for key in keys[:-1]]
        asyncio.run(bench_broker._delete(url, queues, [names["rabbit_exchange"]]))
    per_core = len(bodies) * claims / used[0]
    name = f"claimedit x{processes} (1 worker each)"
    rate = f"{inputs_per_second * claims:.1f}"
    _row(name, rate, inputs_per_second, used, inputs=len(bodies), per_core=f"{per_core:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--interchanges", type=int, default=200)
    parser.add_argument("--claims", type=int, default=10, help="claims per interchange")
    args = parser.parse_args()

    def stream(count: int, first: int) -> list[bytes]:
        return [
            x12gen.interchange(
                x12gen.synthetic_claims(args.claims, prefix=f"B{n:06d}X", start=n * args.claims), control=n + 1
            ).encode()
            for n in range(first, first + count)
        ]

    bodies, warm = stream(args.interchanges, 0), stream(20, 500_000)
    broker_pid = bench_broker._broker_pid()
    broker = [broker_pid] if broker_pid else []
    where = args.url.split("@")[-1]
    print(f"{os.cpu_count()} CPUs; {args.interchanges} interchanges x {args.claims} claims, RabbitMQ {where}")
    print("CPU columns: CPU seconds per input of the consumer processes (with workers), RabbitMQ, this driver")
    print(
        f"{'consumer':<30}{'claims/s':>10}{'inputs/s':>10}{'consumer':>12}{'broker':>10}{'driver':>10}{'claims/s/core':>15}"
    )
    tag = uuid.uuid4().hex[:6]
    with tempfile.TemporaryDirectory() as tmp:
        logs = Path(tmp)
        _relay(args.url, tag, warm, bodies, logs=logs, broker=broker)
        for processes in (1, 2):
            _services(args.url, tag, processes, warm=warm, bodies=bodies, claims=args.claims, logs=logs, broker=broker)


if __name__ == "__main__":
    main()
