"""deploy/compose.yaml, deploy/Dockerfile and .dockerignore agree with the service (no Docker engine here).

Checked: every published port is bound to 127.0.0.1 unless the operator says otherwise; no password is
written in compose (each comes from a required variable); every CLAIMEDIT_* variable the files set is a
setting the service knows; the health check and probes hit a path the app serves; the build context
keeps what the Dockerfile copies and drops the rest.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import yaml

from claimedit.service import ServiceSettings
from claimedit.service.http import HttpApi

ROOT = Path(__file__).parents[2]
COMPOSE = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "deploy" / "Dockerfile").read_text()


def _served_paths() -> set[str]:
    api = HttpApi(
        limits=lambda: None,  # type: ignore[arg-type,return-value]
        runner=None,  # type: ignore[arg-type]
        readiness=None,  # type: ignore[arg-type]
        registry=__import__("prometheus_client").CollectorRegistry(),
        openapi=dict,
    )
    return {path for path, _ in api.routes()}


def test_every_published_port_is_on_loopback_by_default() -> None:
    ports = [port for service in COMPOSE["services"].values() for port in service.get("ports", [])]

    assert [] == [port for port in ports if not port.startswith("${CLAIMEDIT_PUBLISH_HOST:-127.0.0.1}:")]
    assert 3 == len(ports)


def test_no_password_is_written_in_compose() -> None:
    text = (ROOT / "deploy" / "compose.yaml").read_text()
    environment = [env for service in COMPOSE["services"].values() for env in service.get("environment", {}).items()]
    secret_values = [value for key, value in environment if re.search("PASS|SECRET|TOKEN", key)]

    assert all(value.startswith("${") and ":?" in value for value in secret_values)
    assert [] == re.findall(r"amqps?://\w+:(?!\$\{)[^@\s]+@", text)


def test_every_claimedit_variable_in_compose_and_the_dockerfile_is_a_setting() -> None:
    names = set(re.findall(r"CLAIMEDIT_([A-Z_]+)=", DOCKERFILE))
    for service in COMPOSE["services"].values():
        names |= {
            key.removeprefix("CLAIMEDIT_") for key in service.get("environment", {}) if key.startswith("CLAIMEDIT_")
        }
    names -= {"PUBLISH_HOST"}

    assert set() == {name for name in names if name.lower() not in ServiceSettings.model_fields}


def test_the_health_check_hits_a_path_the_app_serves() -> None:
    checked = re.findall(r"http://127\.0\.0\.1:8080(/[\w/]+)", DOCKERFILE)

    assert (["/health/live"], True) == (checked, set(checked) <= _served_paths())


def test_the_build_context_keeps_what_the_dockerfile_copies_and_drops_the_rest() -> None:
    patterns = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    copied = re.findall(r"^COPY (?!--from)(.+?) \S+$", DOCKERFILE, flags=re.MULTILINE)
    needed = [name for line in copied for name in line.split()]

    def ignored(path: str) -> bool:
        return any(fnmatch.fnmatch(path, pattern) or path.startswith(pattern.rstrip("/") + "/") for pattern in patterns)

    assert ["pyproject.toml", "README.md", "plugin", "edits"] == needed
    assert [] == [name for name in needed if ignored(name)]
    assert all(ignored(name) for name in (".git", ".venv", "tests", "x12_fixtures"))
