"""End-to-end claims per second through RabbitMQ on loopback: the claimedit service vs a bare FastStream relay.

Both run as their own process (``claimedit serve`` and this script with ``--relay``) on the same broker,
in the same run, fed the same messages by this process, which also collects their outputs:

- throughput: N interchanges of 1 claim and of 100 claims published as a backlog, timed from the first
  publish to the last output (the service's ``claims.annotated`` events; the relay's copy of each input);
- latency: single-claim messages sent one at a time, publish to the claim's annotated event (p50/p99);
- CPU per input of the relay process and of the service process with its pipeline workers, and of
  the RabbitMQ server (Linux): on a small machine they all share the cores with this driver, so this
  bounds the ratio;
- the ceiling: a *fan-out* relay, which does no work but publishes as many messages per input as the
  service does (2 or 3: annotated, 999, and a 277CA for a third of them), with the same confirms. No
  service that publishes the outputs the contract asks for can beat it on the same machine;
- the service's own overhead: the same service with its pipeline results computed before the run
  (each input's result looked up), so that only consuming, building the events, logging, metrics and
  publishing are measured.

Two streams: ``varied`` (default; the claims of bench/make_interchange.py, one interchange per seed:
distinct patients, addresses and birth dates, 1 to 6 lines, every lesion family) and ``uniform``
(tests/plugin/x12gen.py: one shape in three out of balance, the same names throughout). Each process
first handles a warm-up of other messages of the same stream, so that the figures are steady state.

Usage: python bench/bench_broker.py [--url amqp://guest:guest@127.0.0.1:5672/] [--messages 400]
       [--stream varied|uniform]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "plugin"))
sys.path.insert(0, str(Path(__file__).parent))

import x12gen

import make_interchange

_CHUNK = 50
"""Messages published concurrently by the driver, so that the driver is not what is measured."""
DEFAULT_URL = os.environ.get("CLAIMEDIT_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


# --- the bare relay: consume, publish the same bytes with confirms, ack -----------------------------


COPIES_HEADER = "x-bench-copies"
"""How many copies of an input the fan-out relay publishes."""


def run_relay(url: str, source: str, target: str) -> None:
    from faststream import FastStream  # noqa: PLC0415
    from faststream.rabbit import Channel, QueueType, RabbitBroker, RabbitQueue  # noqa: PLC0415

    broker = RabbitBroker(url, logger=None, default_channel=Channel(prefetch_count=8))
    out = broker.publisher(RabbitQueue(target, durable=True), persist=True)
    queue = RabbitQueue(source, queue_type=QueueType.QUORUM, durable=True)

    @broker.subscriber(queue, decoder=_raw)
    async def relay(body: bytes) -> None:
        await out.publish(body, headers={"content-type": "application/edi-x12"})

    @broker.subscriber(RabbitQueue(f"{source}.fan-out", queue_type=QueueType.QUORUM, durable=True), decoder=_raw)
    async def fan_out(body: bytes) -> None:
        copies = int(broker.context.get_local("message").headers.get(COPIES_HEADER, 1))
        headers = {"content-type": "application/edi-x12"}
        await asyncio.gather(*(out.publish(body, headers=headers) for _ in range(copies)))

    async def ready() -> None:
        await broker.declare_queue(RabbitQueue(target, durable=True))
        print("relay ready", flush=True)

    asyncio.run(FastStream(broker, logger=None, after_startup=[ready]).run())


# --- the driver -------------------------------------------------------------------------------------


def _spawn(args: list[str], env: dict[str, str], log: Path, ready_text: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        process = subprocess.Popen(args, env={**os.environ, **env}, stdout=out, stderr=out)
    deadline = time.monotonic() + 90
    while ready_text not in log.read_text() and time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{args[:4]} exited early; see {log}")
        time.sleep(0.1)
    return process


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()


async def _publish_backlog(bodies: list[bytes], publish: Callable[[int, bytes], Awaitable[Any]]) -> None:
    """Publish every body, ``_CHUNK`` at a time concurrently, each with its index."""
    for chunk in range(0, len(bodies), _CHUNK):
        await asyncio.gather(
            *(publish(index, body) for index, body in enumerate(bodies[chunk : chunk + _CHUNK], start=chunk))
        )


def _copies(count: int, per_input: float) -> list[int]:
    """Whole copies per input averaging ``per_input`` (the service's measured outputs per input)."""
    return [int((index + 1) * per_input) - int(index * per_input) for index in range(count)]


async def _relay_rate(url: str, bodies: list[bytes], source: str, target: str, *, per_input: float = 1.0) -> float:
    from faststream.rabbit import RabbitBroker, RabbitQueue  # noqa: PLC0415

    broker = RabbitBroker(url, logger=None)
    arrived = 0
    copies = _copies(len(bodies), per_input)
    expected = sum(copies)
    done = asyncio.Event()

    @broker.subscriber(RabbitQueue(target, durable=True), decoder=_raw)
    async def count(_body: bytes) -> None:
        nonlocal arrived
        arrived += 1
        if arrived >= expected:
            done.set()

    async with broker:
        await broker.start()
        started = time.perf_counter()
        await _publish_backlog(
            bodies,
            lambda index, body: broker.publish(
                body,
                queue=source if per_input == 1.0 else f"{source}.fan-out",
                persist=True,
                headers={"content-type": "application/edi-x12", COPIES_HEADER: str(copies[index])},
            ),
        )
        await asyncio.wait_for(done.wait(), timeout=600)
        return len(bodies) / (time.perf_counter() - started)


async def _plugin_rate(settings: Any, bodies: list[bytes], claims_each: int) -> tuple[float, float]:
    """Input messages per second, and output messages (annotated + rejected + 999) per input.

    Like the relay's driver, this one only counts what arrives (by the service's headers, without
    parsing the events), so that the driver's own CPU, on the same cores, is not what is measured.
    Done when every claim has its annotated event and (when validating) every input its 999.
    """
    from faststream.rabbit import ExchangeType, RabbitBroker, RabbitExchange, RabbitQueue  # noqa: PLC0415

    broker = RabbitBroker(settings.broker_url, logger=None)
    exchange = RabbitExchange(settings.rabbit_exchange, type=ExchangeType.TOPIC, durable=True)
    counts = {"annotated": 0, "rejected": 0, "acks": 0}
    expected = {"annotated": len(bodies) * claims_each}
    if settings.validate_x12:  # the 999s come from pyx12's validation
        expected["acks"] = len(bodies)
    done = asyncio.Event()

    def counter(output: str) -> Any:
        async def count(_body: bytes) -> None:
            counts[output] += 1
            message = broker.context.get_local("message")
            if output == "annotated" and message.headers.get("x-claimedit-verdict") == "rejected":
                counts["rejected"] += 1
            if all(counts[key] >= want for key, want in expected.items()):
                done.set()

        return count

    for output in ("annotated", "acks"):
        # the service's own durable output queues, as a downstream consumer reads them (a second queue
        # bound to the same key would make the broker store every output twice)
        name = getattr(settings, output)
        broker.subscriber(RabbitQueue(name, durable=True, routing_key=name), exchange, decoder=_raw)(counter(output))
    async with broker:
        await broker.start()
        started = time.perf_counter()
        await _publish_backlog(
            bodies,
            lambda _index, body: broker.publish(
                body,
                queue=settings.input,
                persist=True,
                content_type="application/edi-x12",
                correlation_id=uuid.uuid4().hex,
            ),
        )
        await asyncio.wait_for(done.wait(), timeout=900)
        elapsed = time.perf_counter() - started
    return len(bodies) / elapsed, sum(counts.values()) / len(bodies)


async def _raw(message: Any) -> bytes:
    body: bytes = message.body
    return body


async def _plugin_latency(settings: Any, bodies: list[bytes]) -> list[float]:
    from claimedit.service.watcher import OutputWatcher  # noqa: PLC0415

    samples = []
    async with OutputWatcher(settings, watch_rejected=False) as watcher:
        for body in bodies:
            started = time.perf_counter()
            cid = await watcher.send(body)
            while not watcher.by_correlation[cid].annotated:
                await asyncio.sleep(0.0005)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and its live descendants (pipeline workers); NaN off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except (OSError, ValueError, IndexError):
        return float("nan")
    return seconds + sum(_cpu_seconds(int(child)) for child in children)


def _broker_pid() -> int | None:
    """The local RabbitMQ server (Erlang VM) process, to read its CPU; None when it is not on this host."""
    found = subprocess.run(["pgrep", "-f", "beam.smp.*rabbit"], capture_output=True, text=True, check=False)
    pids = found.stdout.split()
    return int(pids[0]) if pids else None


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _delete(url: str, queues: list[str], exchanges: list[str]) -> None:
    import aio_pika  # noqa: PLC0415

    connection = await aio_pika.connect(url)
    async with connection:
        channel = await connection.channel()
        for name in queues:
            await channel.queue_delete(name)
        for name in exchanges:
            await channel.exchange_delete(name)


def _stream(kind: str, count: int, claims_each: int, first: int) -> list[bytes]:
    """``count`` interchanges of ``claims_each`` claims, numbered from ``first`` (distinct claims each call)."""
    if kind == "uniform":
        return [
            x12gen.interchange(
                x12gen.synthetic_claims(claims_each, start=(first + i) * claims_each), control=first + i + 1
            ).encode()
            for i in range(count)
        ]
    return [make_interchange.build_interchange(claims_each, seed=first + i + 1).encode() for i in range(count)]


class _Cpu:
    """CPU seconds of a set of processes between two readings, per input, in ms."""

    def __init__(self, **pids: int | None) -> None:
        self.pids = pids
        self.before = {name: _cpu_seconds(pid) if pid else float("nan") for name, pid in pids.items()}

    def per_input(self, inputs: int) -> dict[str, float]:
        return {
            name: ((_cpu_seconds(pid) if pid else float("nan")) - self.before[name]) / inputs * 1000
            for name, pid in self.pids.items()
        }


def main() -> None:  # noqa: PLR0915  (one run, start to report)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--messages", type=int, default=400, help="single-claim messages (100-claim: a tenth)")
    parser.add_argument("--latency-samples", type=int, default=200)
    parser.add_argument("--stream", choices=("varied", "uniform"), default="varied")
    parser.add_argument("--warm-up", type=int, default=100, help="single-claim messages each process gets first")
    parser.add_argument("--no-validate", action="store_true", help="run the service without pyx12 validation")
    parser.add_argument("--workers", type=int, default=1, help="service pipeline worker processes (at least 1)")
    parser.add_argument("--relay", nargs=2, metavar=("SOURCE", "TARGET"), help=argparse.SUPPRESS)
    parser.add_argument("--serve-precomputed", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.relay:
        run_relay(args.url, *args.relay)
        return
    if args.serve_precomputed:
        _serve_precomputed(args)
        return

    from claimedit.service.settings import load_settings  # noqa: PLC0415

    tag = uuid.uuid4().hex[:6]
    names = {
        "input": f"bench{tag}.in",
        "annotated": f"bench{tag}.annotated",
        "rejected": f"bench{tag}.rejected",
        "acks": f"bench{tag}.acks",
        "dlq": f"bench{tag}.dlq",
        "rabbit_exchange": f"bench{tag}.x",
    }
    settings = load_settings(broker_url=args.url, health_port=0, validate_x12=not args.no_validate, **names)
    relay_in, relay_out = f"bench{tag}.relay.in", f"bench{tag}.relay.out"
    env = {f"CLAIMEDIT_{key.upper()}": value for key, value in names.items()}
    env |= {"CLAIMEDIT_LOG_FORMAT": "json", "CLAIMEDIT_HEALTH_PORT": "0"}
    env["CLAIMEDIT_VALIDATE_X12"] = "false" if args.no_validate else "true"
    env["CLAIMEDIT_WORKERS"] = str(args.workers)
    precomputed_names = {key: f"{value}.precomputed" for key, value in names.items()}
    precomputed_settings = load_settings(broker_url=args.url, health_port=0, **precomputed_names)
    precomputed_env = {**env, **{f"CLAIMEDIT_{key.upper()}": value for key, value in precomputed_names.items()}}
    warm_up = _stream(args.stream, args.warm_up, 1, first=1_000_000)
    single = _stream(args.stream, args.messages, 1, first=0)
    hundred = _stream(args.stream, max(4, args.messages // 10), 100, first=0)
    latency_bodies = _stream(args.stream, args.latency_samples, 1, first=2_000_000)
    broker_pid = _broker_pid()
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "bench.log"
        service = _spawn(
            [sys.executable, "-m", "claimedit", "serve", "--broker", args.url],
            {**env, "CLAIMEDIT_LOG_LEVEL": "INFO"},
            log,
            "service ready",
        )
        relay = _spawn(
            [sys.executable, __file__, "--url", args.url, "--relay", relay_in, relay_out], {}, log, "relay ready"
        )
        precomputed = _spawn(
            [sys.executable, __file__, "--serve-precomputed", *_stream_args(args)],
            {**precomputed_env, "CLAIMEDIT_LOG_LEVEL": "INFO"},
            log,
            "precomputed service ready",
        )
        rows: list[tuple[str, int, int, float, float, dict[str, float]]] = []
        try:
            asyncio.run(_relay_rate(args.url, warm_up, relay_in, relay_out, per_input=2.0))
            asyncio.run(_plugin_rate(settings, warm_up, 1))
            asyncio.run(_plugin_rate(precomputed_settings, warm_up, 1))
            for label, bodies, claims_each in (("1-claim", single, 1), ("100-claim", hundred, 100)):
                cpu = _Cpu(process=relay.pid, broker=broker_pid)
                rate = asyncio.run(_relay_rate(args.url, bodies, relay_in, relay_out))
                rows.append((f"{label} bare relay", len(bodies), claims_each, rate, 1.0, cpu.per_input(len(bodies))))
                cpu = _Cpu(process=service.pid, broker=broker_pid)
                rate, fan_out = asyncio.run(_plugin_rate(settings, bodies, claims_each))
                plugin_row = (f"{label} claimedit", len(bodies), claims_each, rate, fan_out, cpu.per_input(len(bodies)))
                if claims_each == 1:
                    cpu = _Cpu(process=relay.pid, broker=broker_pid)
                    rate = asyncio.run(_relay_rate(args.url, bodies, relay_in, relay_out, per_input=fan_out))
                    label_fan = f"{label} fan-out relay"
                    rows.append((label_fan, len(bodies), claims_each, rate, fan_out, cpu.per_input(len(bodies))))
                    cpu = _Cpu(process=precomputed.pid, broker=broker_pid)
                    rate, fan_out = asyncio.run(_plugin_rate(precomputed_settings, bodies, claims_each))
                    label_pre = f"{label} precomputed"
                    rows.append((label_pre, len(bodies), claims_each, rate, fan_out, cpu.per_input(len(bodies))))
                rows.append(plugin_row)
            latencies = asyncio.run(_plugin_latency(settings, latency_bodies))
        finally:
            _stop(service)
            _stop(relay)
            _stop(precomputed)
            queues = [*list(names.values())[:5], *list(precomputed_names.values())[:5]]
            queues += [relay_in, f"{relay_in}.fan-out", relay_out]
            exchanges = [names["rabbit_exchange"], precomputed_names["rabbit_exchange"]]
            asyncio.run(_delete(args.url, queues, exchanges))
    _report(args, rows, latencies)


def _stream_args(args: argparse.Namespace) -> list[str]:
    return ["--stream", args.stream, "--messages", str(args.messages), "--warm-up", str(args.warm_up)]


def _serve_precomputed(args: argparse.Namespace) -> None:
    """The service (settings from CLAIMEDIT_*) with each single-claim input's pipeline result computed first."""
    from claimedit.observability import configure_logging  # noqa: PLC0415
    from claimedit.pipeline import Pipeline  # noqa: PLC0415
    from claimedit.service.app import create_service  # noqa: PLC0415
    from claimedit.service.settings import load_settings  # noqa: PLC0415

    pipeline = Pipeline.start()
    bodies = _stream(args.stream, args.messages, 1, first=0) + _stream(args.stream, args.warm_up, 1, first=1_000_000)
    results = {body: pipeline.process(body) for body in bodies}
    settings = load_settings()
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    service = create_service(settings, processor=lambda body, _source: results[body])
    print("precomputed service ready", flush=True)
    asyncio.run(service.app.run())


def _report(
    args: argparse.Namespace, rows: list[tuple[str, int, int, float, float, dict[str, float]]], latencies: list[float]
) -> None:
    validation = "without" if args.no_validate else "with"
    print(
        f"RabbitMQ {args.url.split('@')[-1]}, {args.stream} stream, one service process ({validation} pyx12 "
        f"validation, {args.workers} pipeline workers), one relay process, {os.cpu_count()} cores"
    )
    bare: dict[str, float] = {}
    for label, count, claims_each, rate, fan_out, cpu in rows:
        kind = label.split(" ", 1)[0]
        bare.setdefault(kind, rate)
        print(
            f"{label:>24} x{count:<4}: {rate:7.1f} msg/s = {rate * claims_each:7.1f} claims/s, "
            f"{fan_out:6.2f} published/input, {rate / bare[kind]:6.1%} of the bare relay's msg/s | "
            f"CPU per input: process {cpu['process']:6.2f} ms, RabbitMQ {cpu['broker']:5.2f} ms"
        )
    print(
        f"single-claim latency publish->annotated over {len(latencies)} sequential messages: "
        f"p50 {_percentile(latencies, 0.5):.1f} ms, p99 {_percentile(latencies, 0.99):.1f} ms, "
        f"mean {statistics.fmean(latencies):.1f} ms"
    )


if __name__ == "__main__":
    main()
