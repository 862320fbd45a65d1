"""End-to-end messages per second through RabbitMQ and NATS JetStream on loopback: the claimedit service
against bare FastStream relays, same broker, same run.

Every process runs on its own (``claimedit serve``, this script with ``--relay`` and with
``--serve-precomputed``), all on the broker named by ``--url`` (once per broker: ``--url amqp://...
--url nats://...``), fed the same messages by this process, which also counts their outputs:

- throughput: N interchanges of 1 claim and N/10 of 100 claims published as a backlog, timed from the
  first publish to the last output (the service's ``annotated`` events and, when validating, its 999s;
  the relay's copies);
- the *bare relay*: consume, publish the body once with a confirm (RabbitMQ publisher confirm,
  JetStream PubAck), ack;
- the *fan-out relay*: the same, but it publishes as many messages per input as the service did in
  this run (annotated, 999, 277CA ...), each as large as the service's average output, their confirms
  awaited together. It does no work, so no service that publishes what the contract asks for can beat
  it on the same machine: **the goal is the service at 80 % of it or more**;
- the *precomputed* service: the same service (worker pool included) whose pipeline results were
  computed before the run, so that only its own overhead is measured (the worker round-trip, building
  the events, logging, metrics, publishing). ``--no-validate`` applies to it too;
- CPU per input of the measured process (with its pipeline workers), of its event loop alone (the process
  without its workers: one core carries it, whatever the worker count) and of the broker server (Linux):
  on a small machine they share the cores with this driver, so this bounds the ratios; and this driver's
  own CPU per input, with the cores each row kept busy;
- a ceiling per broker and input size: the fan-out relay's CPU per input (relay, broker, driver) against the
  same plus the pipeline's own CPU for that input (``process_input``: read, validate, edit, build the
  outputs), measured in this process before the brokers. Where the cores are the limit, no service that
  runs the pipeline can be above it, whatever its own overhead beyond the relay's.

On NATS everything lives in one JetStream stream (the service's subjects and the relays'); the relays
pull in batches of ``prefetch`` and handle a batch's inputs concurrently, as the service does.
Single-claim latency (publish to annotated event) is measured on each broker.

Streams: ``varied`` (default; bench/make_interchange.py, one interchange per seed: distinct patients,
1 to 6 lines, every lesion family) or ``uniform`` (tests/plugin/x12gen.py). Each process first handles
a warm-up of other messages, so that the figures are steady state. Claim history is off unless
``--history`` (a per-claim pipeline feature, not what this counts).

Usage: python bench/bench_broker.py [--url amqp://guest:guest@127.0.0.1:5672/] [--url nats://127.0.0.1:4222]
       [--messages 400] [--stream varied|uniform] [--no-validate] [--workers 1]
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "plugin"))
sys.path.insert(0, str(Path(__file__).parent))

import x12gen

import make_interchange

_CHUNK = 50
"""Messages published concurrently by the driver, so that the driver is not what is measured."""
DEFAULT_URLS = [
    os.environ.get("CLAIMEDIT_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"),
    os.environ.get("CLAIMEDIT_TEST_NATS_URL", "nats://127.0.0.1:4222"),
]
COPIES_HEADER = "x-bench-copies"
"""How many messages the fan-out relay publishes for an input."""
SIZE_HEADER = "x-bench-size"
"""How large each of them is (bytes)."""
PREFETCH = 8
"""Inputs in flight per process: the service's default ``prefetch``, given to the relays too."""


def _kind(url: str) -> str:
    scheme = urlsplit(url).scheme
    if scheme in {"amqp", "amqps"}:
        return "rabbit"
    if scheme in {"nats", "tls"}:
        return "nats"
    raise SystemExit(f"--url {scheme}://...: this benchmark knows amqp:// and nats://")


async def _raw(message: Any) -> bytes:
    body: bytes = message.body
    return body


# --- the relays: consume, publish with confirms, ack ------------------------------------------------


def _fan_out_payload(body: bytes, headers: dict[str, Any]) -> tuple[int, bytes]:
    copies = int(headers.get(COPIES_HEADER, 1))
    size = int(headers.get(SIZE_HEADER, len(body)))
    return copies, (body * (size // max(1, len(body)) + 1))[:size]


def run_relay(url: str, stream: str, source: str, target: str) -> None:
    """A FastStream app with two subscribers: ``source`` copied once to ``target``, ``source.fan-out`` fanned out."""
    from faststream import FastStream  # noqa: PLC0415

    broker: Any
    headers = {"content-type": "application/edi-x12"}
    if _kind(url) == "rabbit":
        from faststream.rabbit import Channel, QueueType, RabbitBroker, RabbitQueue  # noqa: PLC0415

        broker = RabbitBroker(url, logger=None, default_channel=Channel(prefetch_count=PREFETCH))
        out: Any = broker.publisher(RabbitQueue(target, durable=True), persist=True)
        bare_in: Any = RabbitQueue(source, queue_type=QueueType.QUORUM, durable=True)
        fan_in: Any = RabbitQueue(f"{source}.fan-out", queue_type=QueueType.QUORUM, durable=True)
        options: dict[str, Any] = {}
    else:
        from faststream.nats import JStream, NatsBroker, PullSub  # noqa: PLC0415

        broker = NatsBroker(url, logger=None)
        jstream = JStream(stream, subjects=[source, f"{source}.fan-out", target])
        out = broker.publisher(target, stream=jstream, timeout=120.0)
        bare_in, fan_in = source, f"{source}.fan-out"
        # handle a pulled batch's inputs concurrently, as the service does (its ``max_workers``): one at a
        # time, each input's PubAcks are awaited before the next starts and the relay is the slower for it
        options = {"stream": jstream, "pull_sub": PullSub(batch_size=PREFETCH, timeout=1.0), "max_workers": PREFETCH}

    @broker.subscriber(bare_in, decoder=_raw, **({"durable": "relay"} if options else {}), **options)
    async def relay(body: bytes) -> None:
        await out.publish(body, headers=headers)

    @broker.subscriber(fan_in, decoder=_raw, **({"durable": "fan-out"} if options else {}), **options)
    async def fan_out(body: bytes) -> None:
        copies, payload = _fan_out_payload(body, broker.context.get_local("message").headers)
        await asyncio.gather(*(out.publish(payload, headers=headers) for _ in range(copies)))

    async def ready() -> None:
        if _kind(url) == "rabbit":
            from faststream.rabbit import RabbitQueue  # noqa: PLC0415

            await broker.declare_queue(RabbitQueue(target, durable=True))
        print("relay ready", flush=True)

    asyncio.run(FastStream(broker, logger=None, after_startup=[ready]).run())


# --- the driver: publish a backlog, count what comes out --------------------------------------------


@dataclass
class Outputs:
    """What the driver saw come out for one batch of inputs."""

    seconds: float
    messages: int
    published_bytes: int
    rejected: int = 0


@dataclass
class Row:
    broker: str
    size: str
    what: str
    inputs: int
    claims_each: int
    rate: float
    published_per_input: float
    cpu: dict[str, float] = field(default_factory=dict)


def _driver_broker(url: str) -> Any:
    if _kind(url) == "rabbit":
        from faststream.rabbit import RabbitBroker  # noqa: PLC0415

        return RabbitBroker(url, logger=None)
    from faststream.nats import NatsBroker  # noqa: PLC0415

    return NatsBroker(url, logger=None)


async def _publish_backlog(bodies: list[bytes], publish: Callable[[int, bytes], Awaitable[Any]]) -> None:
    """Publish every body, ``_CHUNK`` at a time concurrently, each with its index."""
    for chunk in range(0, len(bodies), _CHUNK):
        await asyncio.gather(
            *(publish(index, body) for index, body in enumerate(bodies[chunk : chunk + _CHUNK], start=chunk))
        )


def _copies(count: int, per_input: float) -> list[int]:
    """Whole copies per input averaging ``per_input`` (the service's measured outputs per input)."""
    return [int((index + 1) * per_input) - int(index * per_input) for index in range(count)]


async def _send(broker: Any, url: str, *, stream: str, destination: str, body: bytes, headers: dict[str, str]) -> None:
    """One input, confirmed by the broker (RabbitMQ publisher confirm, JetStream PubAck)."""
    if _kind(url) == "rabbit":
        await broker.publish(body, queue=destination, persist=True, headers=headers, correlation_id=uuid.uuid4().hex)
    else:
        await broker.publish(
            body, subject=destination, stream=stream, headers=headers, correlation_id=uuid.uuid4().hex, timeout=120.0
        )


async def _relay_rate(
    url: str, stream: str, bodies: list[bytes], source: str, target: str, *, per_input: float = 0.0, size: int = 0
) -> Outputs:
    """The bare relay (``per_input`` 0) or the fan-out relay (``per_input`` messages of ``size`` bytes each)."""
    broker = _driver_broker(url)
    copies = _copies(len(bodies), per_input) if per_input else [1] * len(bodies)
    expected, arrived, received_bytes = sum(copies), 0, 0
    done = asyncio.Event()

    async def count(body: bytes) -> None:
        nonlocal arrived, received_bytes
        arrived += 1
        received_bytes += len(body)
        if arrived >= expected:
            done.set()

    if _kind(url) == "rabbit":
        from faststream.rabbit import RabbitQueue  # noqa: PLC0415

        broker.subscriber(RabbitQueue(target, durable=True), decoder=_raw)(count)
    else:
        broker.subscriber(target, decoder=_raw)(count)  # a core subscription sees the stream's messages
    destination = f"{source}.fan-out" if per_input else source
    async with broker:
        await broker.start()
        started = time.perf_counter()
        await _publish_backlog(
            bodies,
            lambda index, body: _send(
                broker,
                url,
                stream=stream,
                destination=destination,
                body=body,
                headers={
                    "content-type": "application/edi-x12",
                    COPIES_HEADER: str(copies[index]),
                    SIZE_HEADER: str(size),
                },
            ),
        )
        await asyncio.wait_for(done.wait(), timeout=600)
        seconds = time.perf_counter() - started
    return Outputs(seconds, arrived, received_bytes)


async def _service_rate(settings: Any, bodies: list[bytes], claims_each: int) -> Outputs:
    """Until every claim has its annotated event and (when validating) every input its 999.

    Like the relay's driver, this one only counts what arrives (and its size), reading the verdict from
    a header, so that the driver's own CPU, on the same cores, is not what is measured. Rejected claims
    are counted from the annotated events' verdict header (their ``rejected`` events are not consumed).
    """
    url = settings.broker_url
    broker = _driver_broker(url)
    counts = {"annotated": 0, "acks": 0}
    seen = Outputs(0.0, 0, 0)
    expected = {"annotated": len(bodies) * claims_each, "acks": len(bodies) if settings.validate_x12 else 0}
    done = asyncio.Event()

    def counter(output: str) -> Any:
        async def count(body: bytes) -> None:
            counts[output] += 1
            seen.published_bytes += len(body)
            message = broker.context.get_local("message")
            if output == "annotated" and message.headers.get("x-claimedit-verdict") == "rejected":
                seen.rejected += 1
            if all(counts[key] >= want for key, want in expected.items()):
                done.set()

        return count

    for output in ("annotated", "acks"):
        name = getattr(settings, output)
        if _kind(url) == "rabbit":
            from faststream.rabbit import ExchangeType, RabbitExchange, RabbitQueue  # noqa: PLC0415

            # the service's own durable output queues, as a downstream consumer reads them (a second queue
            # bound to the same key would make the broker store every output twice)
            exchange = RabbitExchange(settings.rabbit_exchange, type=ExchangeType.TOPIC, durable=True)
            queue = RabbitQueue(name, durable=True, routing_key=name)
            broker.subscriber(queue, exchange, decoder=_raw)(counter(output))
        else:
            broker.subscriber(name, decoder=_raw)(counter(output))
    async with broker:
        await broker.start()
        started = time.perf_counter()
        await _publish_backlog(
            bodies,
            lambda _index, body: _send(
                broker,
                url,
                stream=settings.nats_stream,
                destination=settings.input,
                body=body,
                headers={"content-type": "application/edi-x12"},
            ),
        )
        await asyncio.wait_for(done.wait(), timeout=900)
        seen.seconds = time.perf_counter() - started
    seen.messages = counts["annotated"] + counts["acks"] + seen.rejected
    return seen


async def _service_latency(settings: Any, bodies: list[bytes]) -> list[float]:
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


# --- processes and their CPU ------------------------------------------------------------------------


def _spawn(args: list[str], env: dict[str, str], log: Path, ready_text: str) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        process = subprocess.Popen(args, env={**os.environ, **env}, stdout=out, stderr=out)
    deadline = time.monotonic() + 180
    while ready_text not in log.read_text() and time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{args[:4]} exited early; see {log}:\n{log.read_text()[-3000:]}")
        time.sleep(0.1)
    if ready_text not in log.read_text():
        process.kill()
        raise SystemExit(f"{args[:4]} not ready after 180 s; see {log}:\n{log.read_text()[-3000:]}")
    return process


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=40)
    except subprocess.TimeoutExpired:
        process.kill()


def _own_cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` alone; NaN off Linux."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and its live descendants (pipeline workers); NaN off Linux."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return float("nan")
    return _own_cpu_seconds(pid) + sum(_cpu_seconds(int(child)) for child in children)


def _broker_pid(kind: str) -> int | None:
    """The local broker server (RabbitMQ's Erlang VM, nats-server), to read its CPU; None when not on this host."""
    pattern = "beam.smp.*rabbit" if kind == "rabbit" else "nats-server"
    found = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True, check=False)
    pids = found.stdout.split()
    return int(pids[0]) if pids else None


class _Cpu:
    """CPU of the measured process (with its pipeline workers), of its event loop alone (the process without
    its workers: what one core must carry per input), of the broker and of this driver (publishing the inputs,
    counting the outputs), between two readings, per input, in ms."""

    def __init__(self, *, process: int, broker: int | None) -> None:
        self.pids = {"process": process, "broker": broker}
        self.before = self._now()

    def _now(self) -> dict[str, float]:
        process, broker = self.pids["process"], self.pids["broker"]
        return {
            "process": _cpu_seconds(process) if process else float("nan"),
            "loop": _own_cpu_seconds(process) if process else float("nan"),
            "broker": _cpu_seconds(broker) if broker else float("nan"),
            "driver": time.process_time(),
        }

    def per_input(self, inputs: int) -> dict[str, float]:
        now = self._now()
        return {name: (now[name] - self.before[name]) / inputs * 1000 for name in now}


def _percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _remove(url: str, stream: str, queues: list[str], exchanges: list[str]) -> None:
    if _kind(url) == "rabbit":
        import aio_pika  # noqa: PLC0415

        connection = await aio_pika.connect(url)
        async with connection:
            channel = await connection.channel()
            for name in queues:
                await channel.queue_delete(name)
            for name in exchanges:
                await channel.exchange_delete(name)
        return
    import nats  # noqa: PLC0415
    from nats.js.errors import NotFoundError  # noqa: PLC0415

    client = await nats.connect(url)
    try:
        await client.jetstream().delete_stream(stream)
    except NotFoundError:
        pass
    finally:
        await client.close()


# --- the inputs -------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class Inputs:
    warm_up: list[bytes]
    single: list[bytes]
    hundred: list[bytes]
    latency: list[bytes]

    @classmethod
    def make(cls, stream: str, messages: int, warm_up: int, latency: int) -> Inputs:
        return cls(
            warm_up=_stream(stream, warm_up, 1, first=1_000_000),
            single=_stream(stream, messages, 1, first=0),
            hundred=_stream(stream, max(4, messages // 10), 100, first=0),
            latency=_stream(stream, latency, 1, first=2_000_000),
        )


# --- the precomputed service ------------------------------------------------------------------------


class PrecomputedResults:
    """The pipeline's result of every input of the run, computed when a worker process unpickles it.

    Handed to the service's worker pool as its processor, so that the precomputed service runs the same
    worker round-trip, event building and publishing as the real one, without the pipeline's own work.
    """

    def __init__(self, stream: str, messages: int, warm_up: int, validate: bool) -> None:
        self.options = (stream, messages, warm_up, validate)
        self.results: dict[bytes, Any] = {}

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        return (_computed, self.options)

    def __call__(self, body: bytes, _source: str) -> Any:
        return self.results[body]


def _computed(stream: str, messages: int, warm_up: int, validate: bool) -> PrecomputedResults:
    from claimedit.pipeline import Pipeline  # noqa: PLC0415

    precomputed = PrecomputedResults(stream, messages, warm_up, validate)
    pipeline = Pipeline.start(validate=validate)
    inputs = Inputs.make(stream, messages, warm_up, latency=0)
    for body in inputs.warm_up + inputs.single + inputs.hundred:
        precomputed.results[body] = pipeline.process(body)
    return precomputed


def _serve_precomputed(args: argparse.Namespace) -> None:
    """The service (settings from CLAIMEDIT_* and ``--url``) whose workers look each input's result up."""
    from claimedit.observability import configure_logging  # noqa: PLC0415
    from claimedit.service.app import create_service, start_pool  # noqa: PLC0415
    from claimedit.service.settings import load_settings  # noqa: PLC0415

    settings = load_settings(broker_url=args.url[0], validate_x12=not args.no_validate)
    configure_logging(level=settings.log_level, fmt=settings.log_format)
    precomputed = PrecomputedResults(args.stream, args.messages, args.warm_up, not args.no_validate)

    async def serve() -> None:
        pool = await start_pool(settings, processor=precomputed)
        service = create_service(settings)
        service.pool = pool
        if args.profile:
            _profile_on_signals(Path(args.profile))
        print("precomputed service ready", flush=True)
        await service.app.run()

    asyncio.run(serve())


def _profile_on_signals(out: Path) -> None:
    """cProfile the event loop's thread between SIGUSR1 (start) and SIGUSR2 (stop and write ``out``)."""
    import cProfile  # noqa: PLC0415
    import signal  # noqa: PLC0415

    profile = cProfile.Profile(time.thread_time)  # CPU, not the wall clock the other processes share
    loop = asyncio.get_running_loop()

    def stop() -> None:
        profile.disable()
        profile.dump_stats(out)
        print(f"profile written to {out}", flush=True)

    loop.add_signal_handler(signal.SIGUSR1, profile.enable)
    loop.add_signal_handler(signal.SIGUSR2, stop)


# --- one broker, start to end -----------------------------------------------------------------------


def _names(tag: str, kind: str) -> dict[str, str]:
    names = {
        "input": f"bench{tag}.in",
        "annotated": f"bench{tag}.annotated",
        "rejected": f"bench{tag}.rejected",
        "acks": f"bench{tag}.acks",
        "dlq": f"bench{tag}.dlq",
        "group": f"bench{tag}",
    }
    if kind == "rabbit":
        names["rabbit_exchange"] = f"bench{tag}.x"
    else:
        names["nats_stream"] = f"BENCH{tag.upper()}"
    return names


def _env(names: dict[str, str], args: argparse.Namespace) -> dict[str, str]:
    env = {f"CLAIMEDIT_{key.upper()}": value for key, value in names.items()}
    env |= {
        "CLAIMEDIT_LOG_FORMAT": "json",
        "CLAIMEDIT_LOG_LEVEL": "INFO",
        "CLAIMEDIT_HTTP_PORT": "0",
        "CLAIMEDIT_VALIDATE_X12": "false" if args.no_validate else "true",
        "CLAIMEDIT_WORKERS": str(args.workers),
        "CLAIMEDIT_PREFETCH": str(PREFETCH),
        "CLAIMEDIT_HISTORY_ENABLED": "true" if args.history else "false",
    }
    return env


def run_broker(url: str, args: argparse.Namespace, inputs: Inputs, log: Path) -> tuple[list[Row], list[float]]:  # noqa: PLR0915
    """Start the service, the relays and the precomputed service on ``url``; measure; remove everything."""
    from claimedit.service.settings import load_settings  # noqa: PLC0415

    kind, tag = _kind(url), uuid.uuid4().hex[:6]
    label = "RabbitMQ" if kind == "rabbit" else "NATS JetStream"
    names = _names(tag, kind)
    # one JetStream stream holds every subject of the run (FastStream adds a process's subjects to it)
    precomputed_names = {key: value if key == "nats_stream" else f"{value}pre" for key, value in names.items()}
    validate = not args.no_validate
    settings = load_settings(broker_url=url, http_port=0, validate_x12=validate, **names)
    precomputed_settings = load_settings(broker_url=url, http_port=0, validate_x12=validate, **precomputed_names)
    stream = names.get("nats_stream", "")
    relay_in, relay_out = f"bench{tag}.relay.in", f"bench{tag}.relay.out"
    env = {**_env(names, args), "CLAIMEDIT_BROKER_URL": url}
    precomputed_env = {**_env(precomputed_names, args), "CLAIMEDIT_BROKER_URL": url}
    broker_pid = _broker_pid(kind)
    rows: list[Row] = []
    processes: list[subprocess.Popen[bytes]] = []
    try:
        service = _spawn([sys.executable, "-m", "claimedit", "serve", "--broker", url], env, log, "service ready")
        processes.append(service)
        relay = _spawn(
            [sys.executable, __file__, "--url", url, "--relay", stream, relay_in, relay_out],
            {},
            log,
            "relay ready",
        )
        processes.append(relay)
        precomputed = _spawn(
            [sys.executable, __file__, "--serve-precomputed", "--url", url, *_stream_args(args)],
            precomputed_env,
            log,
            "precomputed service ready",
        )
        processes.append(precomputed)
        asyncio.run(_relay_rate(url, stream, inputs.warm_up, relay_in, relay_out))
        asyncio.run(_relay_rate(url, stream, inputs.warm_up, relay_in, relay_out, per_input=2.0, size=3000))
        asyncio.run(_service_rate(settings, inputs.warm_up, 1))
        asyncio.run(_service_rate(precomputed_settings, inputs.warm_up, 1))
        for size, bodies, claims_each in (("1 claim", inputs.single, 1), ("100 claims", inputs.hundred, 100)):
            count = len(bodies)

            def row(
                what: str, seen: Outputs, cpu: _Cpu, *, size: str = size, count: int = count, each: int = claims_each
            ) -> Row:
                rate, per_input = count / seen.seconds, seen.messages / count
                return Row(label, size, what, count, each, rate, per_input, cpu.per_input(count))

            cpu = _Cpu(process=relay.pid, broker=broker_pid)
            rows.append(row("bare relay", asyncio.run(_relay_rate(url, stream, bodies, relay_in, relay_out)), cpu))
            cpu = _Cpu(process=service.pid, broker=broker_pid)
            seen = asyncio.run(_service_rate(settings, bodies, claims_each))
            service_row = row("claimedit", seen, cpu)
            per_input, size_each = seen.messages / count, seen.published_bytes // max(1, seen.messages - seen.rejected)
            cpu = _Cpu(process=relay.pid, broker=broker_pid)
            fan_out = asyncio.run(
                _relay_rate(url, stream, bodies, relay_in, relay_out, per_input=per_input, size=size_each)
            )
            rows.append(row("fan-out relay", fan_out, cpu))
            cpu = _Cpu(process=precomputed.pid, broker=broker_pid)
            rows.append(row("precomputed", asyncio.run(_service_rate(precomputed_settings, bodies, claims_each)), cpu))
            rows.append(service_row)
        latencies = asyncio.run(_service_latency(settings, inputs.latency))
    finally:
        for process in processes:
            _stop(process)
        if kind == "rabbit":
            queues = [names[key] for key in ("input", "annotated", "rejected", "acks", "dlq")]
            queues += [precomputed_names[key] for key in ("input", "annotated", "rejected", "acks", "dlq")]
            queues += [relay_in, f"{relay_in}.fan-out", relay_out]
            asyncio.run(_remove(url, "", queues, [names["rabbit_exchange"], precomputed_names["rabbit_exchange"]]))
        else:
            asyncio.run(_remove(url, stream, [], []))
    return rows, latencies


def _stream_args(args: argparse.Namespace) -> list[str]:
    options = ["--stream", args.stream, "--messages", str(args.messages), "--warm-up", str(args.warm_up)]
    return [*options, "--no-validate"] if args.no_validate else options


def _report(
    args: argparse.Namespace, rows: list[Row], latencies: dict[str, list[float]], pipeline: dict[str, float]
) -> None:
    validation = "without validation" if args.no_validate else "validated: compiled guide, pyx12 when unclean"
    load = os.getloadavg()
    print(
        f"{args.stream} stream, one service process ({validation}, {args.workers} pipeline "
        f"workers, claim history {'on' if args.history else 'off'}), one relay process, {os.cpu_count()} cores, "
        f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    print(
        f"{'broker':>14} {'input':>10} {'process':>14} {'inputs':>6} {'msg/s':>8} {'claims/s':>9} "
        f"{'out/input':>9} {'of bare':>8} {'of fan-out':>10} | CPU ms/input: process, its loop, broker, driver"
        " | cores busy"
    )
    reference: dict[tuple[str, str, str], float] = {(row.broker, row.size, row.what): row.rate for row in rows}
    for row in rows:
        bare = reference[(row.broker, row.size, "bare relay")]
        fan_out = reference[(row.broker, row.size, "fan-out relay")]
        print(
            f"{row.broker:>14} {row.size:>10} {row.what:>14} {row.inputs:>6} {row.rate:8.1f} "
            f"{row.rate * row.claims_each:9.1f} {row.published_per_input:9.2f} {row.rate / bare:8.1%} "
            f"{row.rate / fan_out:10.1%} | {row.cpu['process']:7.2f} {row.cpu['loop']:7.2f} {row.cpu['broker']:7.2f}"
            f" {row.cpu['driver']:7.2f} | {_busy(row):5.2f}"
        )
    for broker, samples in latencies.items():
        print(
            f"{broker}: single-claim latency publish->annotated over {len(samples)} sequential messages: "
            f"p50 {_percentile(samples, 0.5):.1f} ms, p99 {_percentile(samples, 0.99):.1f} ms, "
            f"mean {statistics.fmean(samples):.1f} ms"
        )
    print("goal: claimedit >= 80 % of the fan-out relay's msg/s (same published messages per input)")
    for (broker, size, what), rate in reference.items():
        if what == "claimedit":
            ratio = rate / reference[(broker, size, "fan-out relay")]
            pre = reference[(broker, size, "precomputed")] / reference[(broker, size, "fan-out relay")]
            verdict = "met" if ratio >= 0.8 else "NOT met"
            print(f"  {broker:>14} {size:>10}: claimedit {ratio:6.1%}, precomputed {pre:6.1%} of fan-out: {verdict}")
    _report_ceiling(rows, pipeline)


def _busy(row: Row) -> float:
    """Cores kept busy by the measured process, the broker and the driver during the row (of os.cpu_count())."""
    return sum(row.cpu[name] for name in ("process", "broker", "driver")) * row.rate / 1000


def _report_ceiling(rows: list[Row], pipeline: dict[str, float]) -> None:
    """What the ratio can reach when the cores are the limit: the fan-out relay's CPU per input (its process,
    the broker, the driver) against the same plus the pipeline's own CPU for the input, measured in this process.

    A service that spent on consuming, publishing and acking no more than the relay does would still spend the
    pipeline on top; where the cores are busy in both runs, rates go as the inverse of CPU per input.
    """
    print("ceiling when the cores are the limit: fan-out relay CPU / (fan-out relay CPU + pipeline CPU), per input")
    for row in rows:
        if row.what != "fan-out relay" or row.size not in pipeline:
            continue
        relay = sum(row.cpu[name] for name in ("process", "broker", "driver"))
        work = pipeline[row.size]
        print(
            f"  {row.broker:>14} {row.size:>10}: relay {relay:6.2f} ms + pipeline {work:6.2f} ms "
            f"(read, validate, edit, build outputs in process) -> at most {relay / (relay + work):6.1%}"
        )


def pipeline_cpu(inputs: Inputs, *, validate: bool) -> dict[str, float]:
    """CPU ms per input of what a worker does with it (``process_input``: pipeline and outputs), in this process."""
    import datetime as dt  # noqa: PLC0415

    from claimedit.pipeline import Pipeline  # noqa: PLC0415
    from claimedit.service.outputs import input_meta, input_sha256  # noqa: PLC0415
    from claimedit.service.processing import process_input  # noqa: PLC0415

    pipeline = Pipeline.start(validate=validate)
    now = dt.datetime.now(dt.UTC)
    for body in inputs.warm_up:
        pipeline.process(body, "bench")
    spent: dict[str, float] = {}
    for size, bodies in (("1 claim", inputs.single), ("100 claims", inputs.hundred)):
        started = time.process_time()
        for body in bodies:
            meta = input_meta(
                correlation_id="bench", source=None, sha256=input_sha256(body), submitter_id="", delivery_attempts=1
            )
            process_input(pipeline.process, body, meta, now)
        spent[size] = (time.process_time() - started) / len(bodies) * 1000
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", action="append", help="a broker to measure (repeat for several; default both)")
    parser.add_argument("--messages", type=int, default=400, help="single-claim messages (100-claim: a tenth)")
    parser.add_argument("--latency-samples", type=int, default=200)
    parser.add_argument("--stream", choices=("varied", "uniform"), default="varied")
    parser.add_argument("--warm-up", type=int, default=100, help="single-claim messages each process gets first")
    parser.add_argument("--no-validate", action="store_true", help="run the services without guide validation")
    parser.add_argument("--history", action="store_true", help="run the service with claim history")
    parser.add_argument("--workers", type=int, default=1, help="service pipeline worker processes (at least 1)")
    parser.add_argument("--relay", nargs=3, metavar=("STREAM", "SOURCE", "TARGET"), help=argparse.SUPPRESS)
    parser.add_argument("--serve-precomputed", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.url = args.url or DEFAULT_URLS
    if args.relay:
        run_relay(args.url[0], *args.relay)
        return
    if args.serve_precomputed:
        _serve_precomputed(args)
        return
    inputs = Inputs.make(args.stream, args.messages, args.warm_up, args.latency_samples)
    pipeline = pipeline_cpu(inputs, validate=not args.no_validate)
    rows: list[Row] = []
    latencies: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for url in args.url:
            log = Path(tmp) / f"bench-{_kind(url)}.log"
            try:
                broker_rows, samples = run_broker(url, args, inputs, log)
            except BaseException:
                print(f"--- {log} ---\n{log.read_text()[-5000:] if log.exists() else ''}", file=sys.stderr)
                raise
            rows += broker_rows
            latencies["RabbitMQ" if _kind(url) == "rabbit" else "NATS JetStream"] = samples
            if len(args.url) > 1:  # what one broker measured survives a failure on the next
                _report(args, broker_rows, {broker_rows[0].broker: samples}, pipeline)
    _report(args, rows, latencies, pipeline)


if __name__ == "__main__":
    main()
