"""End-to-end claims per second through RabbitMQ on loopback: the claimedit service vs a bare FastStream relay.

Both run as their own process (``claimedit serve`` and this script with ``--relay``) on the same broker,
in the same run, fed the same messages by this process, which also collects their outputs:

- throughput: N interchanges of 1 claim and of 100 claims published as a backlog, timed from the first
  publish to the last output (the service's ``claims.annotated`` events; the relay's copy of each input);
- latency: single-claim messages sent one at a time, publish to the claim's annotated event (p50/p99);
- CPU per input of the relay process and of the service process with its pipeline workers (Linux):
  on a small machine both share the cores with the broker and this driver, so this bounds the ratio.

Usage: python bench/bench_broker.py [--url amqp://guest:guest@127.0.0.1:5672/] [--messages 400]
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
from pathlib import Path
from typing import Annotated, Any

from faststream import Context

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "plugin"))

import x12gen

_CHUNK = 50
"""Messages published concurrently by the driver, so that the driver is not what is measured."""
DEFAULT_URL = os.environ.get("CLAIMEDIT_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")


# --- the bare relay: consume, publish the same bytes with confirms, ack -----------------------------


def run_relay(url: str, source: str, target: str) -> None:
    from faststream import FastStream  # noqa: PLC0415
    from faststream.rabbit import Channel, QueueType, RabbitBroker, RabbitQueue  # noqa: PLC0415

    broker = RabbitBroker(url, logger=None, default_channel=Channel(prefetch_count=8))
    out = broker.publisher(RabbitQueue(target, durable=True), persist=True)
    queue = RabbitQueue(source, queue_type=QueueType.QUORUM, durable=True)

    async def raw(message: Any) -> bytes:
        body: bytes = message.body
        return body

    @broker.subscriber(queue, decoder=raw)
    async def relay(body: bytes) -> None:
        await out.publish(body, headers={"content-type": "application/edi-x12"})

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


async def _relay_rate(url: str, bodies: list[bytes], source: str, target: str) -> float:
    from faststream.rabbit import RabbitBroker, RabbitQueue  # noqa: PLC0415

    broker = RabbitBroker(url, logger=None)
    arrived = 0
    done = asyncio.Event()

    @broker.subscriber(RabbitQueue(target, durable=True))
    async def count(_body: bytes) -> None:
        nonlocal arrived
        arrived += 1
        if arrived >= len(bodies):
            done.set()

    async with broker:
        await broker.start()
        started = time.perf_counter()
        for chunk in range(0, len(bodies), _CHUNK):
            await asyncio.gather(
                *(
                    broker.publish(body, queue=source, persist=True, headers={"content-type": "application/edi-x12"})
                    for body in bodies[chunk : chunk + _CHUNK]
                )
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
    tag = uuid.uuid4().hex[:6]

    def counter(output: str) -> Any:
        async def count(_body: bytes, message: Annotated[Any, Context("message")]) -> None:
            counts[output] += 1
            if output == "annotated" and message.headers.get("x-claimedit-verdict") == "rejected":
                counts["rejected"] += 1
            if all(counts[key] >= want for key, want in expected.items()):
                done.set()

        return count

    for output in ("annotated", "acks"):
        queue = RabbitQueue(
            f"bench.watch.{tag}.{output}", exclusive=True, auto_delete=True, routing_key=getattr(settings, output)
        )
        broker.subscriber(queue, exchange, decoder=_raw)(counter(output))
    async with broker:
        await broker.start()
        started = time.perf_counter()
        for chunk in range(0, len(bodies), _CHUNK):
            await asyncio.gather(
                *(
                    broker.publish(
                        body,
                        queue=settings.input,
                        persist=True,
                        content_type="application/edi-x12",
                        correlation_id=uuid.uuid4().hex,
                    )
                    for body in bodies[chunk : chunk + _CHUNK]
                )
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=DEFAULT_URL)
    parser.add_argument("--messages", type=int, default=400, help="single-claim messages (100-claim: a tenth)")
    parser.add_argument("--latency-samples", type=int, default=200)
    parser.add_argument("--no-validate", action="store_true", help="run the service without pyx12 validation")
    parser.add_argument("--workers", type=int, default=0, help="service pipeline worker processes (0: in the loop)")
    parser.add_argument("--relay", nargs=2, metavar=("SOURCE", "TARGET"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.relay:
        run_relay(args.url, *args.relay)
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
    single = [
        x12gen.interchange(x12gen.synthetic_claims(1, start=i), control=i + 1).encode() for i in range(args.messages)
    ]
    hundred_count = max(4, args.messages // 10)
    hundred = [
        x12gen.interchange(x12gen.synthetic_claims(100, start=i * 100), control=i + 1).encode()
        for i in range(hundred_count)
    ]
    latency_bodies = single[: args.latency_samples]
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
        try:
            results = {}
            for label, bodies, claims_each in (("1-claim", single, 1), ("100-claim", hundred, 100)):
                before = _cpu_seconds(relay.pid)
                relay_rate = asyncio.run(_relay_rate(args.url, bodies, relay_in, relay_out))
                relay_cpu = (_cpu_seconds(relay.pid) - before) / len(bodies) * 1000
                before = _cpu_seconds(service.pid)
                plugin_rate, fan_out = asyncio.run(_plugin_rate(settings, bodies, claims_each))
                plugin_cpu = (_cpu_seconds(service.pid) - before) / len(bodies) * 1000
                results[label] = (relay_rate, plugin_rate, claims_each, len(bodies), fan_out, relay_cpu, plugin_cpu)
            latencies = asyncio.run(_plugin_latency(settings, latency_bodies))
        finally:
            _stop(service)
            _stop(relay)
            asyncio.run(_delete(args.url, [*list(names.values())[:5], relay_in, relay_out], [names["rabbit_exchange"]]))
    validation = "without" if args.no_validate else "with"
    print(
        f"RabbitMQ {args.url.split('@')[-1]}, one service process ({validation} pyx12 validation, "
        f"{args.workers} pipeline workers), "
        f"one relay process, {os.cpu_count()} cores"
    )
    for label, (relay_rate, plugin_rate, claims_each, count, fan_out, relay_cpu, plugin_cpu) in results.items():
        print(
            f"{label:>9} x{count}: relay {relay_rate:7.1f} msg/s | plugin {plugin_rate:7.1f} msg/s = "
            f"{plugin_rate * claims_each:7.1f} claims/s, {fan_out:5.1f} outputs/input | "
            f"plugin/relay {plugin_rate / relay_rate:6.1%} of messages, "
            f"{plugin_rate * fan_out / relay_rate:6.1%} of published messages | "
            f"CPU per input: relay {relay_cpu:.2f} ms, plugin {plugin_cpu:.2f} ms (service and its workers)"
        )
    print(
        f"single-claim latency publish->annotated over {len(latencies)} sequential messages: "
        f"p50 {_percentile(latencies, 0.5):.1f} ms, p99 {_percentile(latencies, 0.99):.1f} ms, "
        f"mean {statistics.fmean(latencies):.1f} ms"
    )


if __name__ == "__main__":
    main()
