"""TLS settings become one SSL context handed to every broker; a tls:// NATS URL never falls back to plain text."""

from __future__ import annotations

import logging
import os
import shutil
import ssl
import subprocess
import sys
from pathlib import Path

import pytest

from claimedit.service.brokers import build_broker, kafka_security
from claimedit.service.metrics import ServiceMetrics
from claimedit.service.settings import SettingsError, load_settings
from claimedit.service.tls import PlainTextRefusedError, require_nats_tls, ssl_context


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate and its key, made with the openssl command."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "ca.pem", folder / "ca.key"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=claimedit-test-ca",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


def test_a_tls_url_gets_a_verifying_context_trusting_the_ca_file(certificate: tuple[Path, Path]) -> None:
    cert, key = certificate
    settings = load_settings(
        broker_url="amqps://u:p@rabbit.example:5671/", tls_ca_file=cert, tls_cert_file=cert, tls_key_file=key
    )

    context = ssl_context(settings)

    assert context is not None
    assert (ssl.CERT_REQUIRED, True) == (context.verify_mode, context.check_hostname)
    assert [((("commonName", "claimedit-test-ca"),),)] == [ca["subject"] for ca in context.get_ca_certs()]


def test_plain_text_urls_get_no_context() -> None:
    assert ssl_context(load_settings(broker_url="amqp://guest:guest@127.0.0.1:5672/")) is None


@pytest.mark.parametrize("url", ["amqps://h:5671/", "tls://h:4222", "rediss://h:6380", "kafkas://h:9093"])
def test_every_broker_is_built_with_the_tls_context(url: str, certificate: tuple[Path, Path]) -> None:
    settings = load_settings(broker_url=url, tls_ca_file=certificate[0], health_port=0)

    parts = build_broker(settings, registry=ServiceMetrics.create().registry, logger=logging.getLogger("test"))

    security = parts.broker.specification.security
    assert security is not None
    assert (True, True) == (security.use_ssl, isinstance(security.ssl_context, ssl.SSLContext))


def test_kafka_credentials_become_sasl_over_tls(certificate: tuple[Path, Path]) -> None:
    settings = load_settings(
        broker_url="kafkas://svc:pw@k1:9093", kafka_sasl_mechanism="SCRAM-SHA-512", tls_ca_file=certificate[0]
    )

    security = kafka_security(settings)

    assert ("SASLScram512", "svc", True) == (
        type(security).__name__,
        getattr(security, "username", ""),
        security.use_ssl,
    )


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"broker_url": "kafka://svc:pw@k1:9092"}, "would travel in plain text: use kafkas://"),
        ({"broker_url": "amqp://h/", "tls_ca_file": "CERT"}, "TLS files are set but amqp:// is plain text"),
    ],
)
def test_settings_refuse_credentials_or_tls_files_on_a_plain_text_url(
    settings: dict[str, str], message: str, certificate: tuple[Path, Path]
) -> None:
    values = {key: (certificate[0] if value == "CERT" else value) for key, value in settings.items()}

    with pytest.raises(SettingsError, match=message):
        load_settings(**values)


@pytest.mark.anyio
async def test_tls_nats_url_against_a_server_without_tls_is_refused_before_anything_is_sent(nats_url: str) -> None:
    tls_url = "tls://s3cr3t@" + nats_url.split("://", 1)[1].rsplit("@", 1)[-1]

    with pytest.raises(PlainTextRefusedError) as refused:
        await require_nats_tls(tls_url)

    assert "refusing to connect to tls://***@" in str(refused.value)
    assert "does not offer it" in str(refused.value)


@pytest.mark.broker
def test_serve_with_a_tls_nats_url_against_a_plain_server_stops_with_a_clear_error(nats_url: str) -> None:
    host = nats_url.split("://", 1)[1].rsplit("@", 1)[-1]
    command = [sys.executable, "-m", "claimedit", "serve", "--broker", f"tls://s3cr3t@{host}", "--health-port", "0"]
    env = {**os.environ, "CLAIMEDIT_LOG_FORMAT": "json", "CLAIMEDIT_WORKERS": "1"}

    finished = subprocess.run(command, env=env, capture_output=True, timeout=120, check=False)

    output = (finished.stdout + finished.stderr).decode()
    assert 0 != finished.returncode
    assert f"refusing to connect to tls://***@{host} in plain text" in output
    assert "s3cr3t" not in output
