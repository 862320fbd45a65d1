"""Service processes (``claimedit serve``) started as an operator would, for the many-replica tests."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from claimedit.service.settings import ServiceSettings

__all__ = ["ServiceProcess", "free_port", "settings_env", "start_services", "stop_services"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def settings_env(settings: ServiceSettings, **extra: str) -> dict[str, str]:
    """The environment that makes ``claimedit serve`` use ``settings``' broker and names."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("CLAIMEDIT_")}
    for name in (
        "broker_url",
        "input",
        "annotated",
        "rejected",
        "acks",
        "dlq",
        "group",
        "nats_stream",
        "rabbit_exchange",
    ):
        env[f"CLAIMEDIT_{name.upper()}"] = str(getattr(settings, name))
    env.update({"CLAIMEDIT_LOG_FORMAT": "json", "CLAIMEDIT_LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"})
    # claim history is per claim across inputs (docs/history.md), not what these tests count: off, so
    # that the processes share no SQLite file; the data folder stays in the test's temporary folder
    env["CLAIMEDIT_HISTORY_ENABLED"] = "false"
    env.update(extra)
    return env


@dataclass
class ServiceProcess:
    process: subprocess.Popen[bytes]
    port: int
    log: Path
    killed: bool = field(default=False)

    def ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/health/ready", timeout=2) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.killed = True


async def start_services(count: int, env: dict[str, str], logs: Path, *, timeout: float = 240) -> list[ServiceProcess]:
    """``count`` service processes, each on its own HTTP port; returns once every one is ready.

    The first is consuming before the others start: replicas that declare a new quorum queue and consume
    from it at the same moment can be refused by RabbitMQ (INTERNAL_ERROR), and such a replica exits to be
    restarted by its supervisor, which these tests do not have. They are about losing no claim when one is
    killed, not about that race.
    """
    deadline = time.monotonic() + timeout
    first = _launch(0, env, logs)
    await _wait_ready([first], deadline, consuming=True)
    services = [first, *(_launch(number, env, logs) for number in range(1, count))]
    await _wait_ready(services, deadline)
    return services


def _launch(number: int, env: dict[str, str], logs: Path) -> ServiceProcess:
    port = free_port()
    log = logs / f"service-{number}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "claimedit", "serve", "--http-port", str(port)],
            env=env,
            stdout=out,
            stderr=out,
        )
    return ServiceProcess(process, port, log)


async def _wait_ready(services: list[ServiceProcess], deadline: float, *, consuming: bool = False) -> None:
    """Until every one answers /health/ready (and, with ``consuming``, has logged that its broker started)."""

    def ready(service: ServiceProcess) -> bool:
        return service.ready() and (not consuming or b'"service ready"' in service.log.read_bytes())

    while not all(await asyncio.gather(*(asyncio.to_thread(ready, s) for s in services))):
        dead = [s for s in services if s.process.poll() is not None]
        if dead or time.monotonic() > deadline:
            stop_services(services)
            tail = dead[0].log.read_text()[-2000:] if dead else "timeout"
            msg = f"service processes did not become ready: {tail}"
            raise RuntimeError(msg)
        await asyncio.sleep(0.5)


def stop_services(services: list[ServiceProcess]) -> None:
    for service in services:
        if service.process.poll() is None:
            service.process.send_signal(signal.SIGTERM)
    for service in services:
        try:
            service.process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            service.process.kill()
            service.process.wait(timeout=10)
