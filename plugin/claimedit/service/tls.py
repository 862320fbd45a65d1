"""TLS to the broker: one SSL context from the settings for every broker, and no plain text when TLS was asked.

A TLS scheme (``amqps://``, ``tls://``, ``rediss://``, ``kafkas://``) gets a context verifying the broker's
certificate against ``tls_ca_file`` (else the system's trust store), presenting ``tls_cert_file`` /
``tls_key_file`` when set. NATS needs one more step: its client upgrades to TLS only when the server's
INFO line says ``tls_required``, so against a server without TLS a ``tls://`` URL would connect in plain
text and send the credentials. :func:`require_nats_tls` reads that INFO line first and refuses.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from urllib.parse import urlsplit

from claimedit.service.settings import ServiceSettings, redact_url

__all__ = ["PlainTextRefusedError", "require_nats_tls", "ssl_context"]


class PlainTextRefusedError(ConnectionError):
    """TLS was asked for and the broker does not offer it: nothing was sent."""


def ssl_context(settings: ServiceSettings) -> ssl.SSLContext | None:
    """The client context for a TLS broker URL, else None (plain-text schemes)."""
    if not settings.uses_tls:
        return None
    context = ssl.create_default_context(
        ssl.Purpose.SERVER_AUTH, cafile=str(settings.tls_ca_file) if settings.tls_ca_file else None
    )
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if settings.tls_cert_file is not None:
        context.load_cert_chain(
            str(settings.tls_cert_file), str(settings.tls_key_file) if settings.tls_key_file else None
        )
    return context


async def require_nats_tls(url: str, timeout: float = 5.0) -> None:
    """Raise :class:`PlainTextRefusedError` unless the NATS server at ``url`` requires TLS.

    Reads the INFO line the server sends first and closes: no credentials are sent.
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 4222
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    except (OSError, TimeoutError) as exc:
        msg = f"cannot reach NATS at {redact_url(url)}: {type(exc).__name__}"
        raise ConnectionError(msg) from None
    try:
        line = await asyncio.wait_for(reader.readline(), timeout)
    except (OSError, TimeoutError, ValueError):
        line = b""
    finally:
        writer.close()
    info: dict[str, object] = {}
    if line.startswith(b"INFO "):
        try:
            info = json.loads(line[5:])
        except ValueError:
            info = {}
    if not info.get("tls_required"):  # the client upgrades only on tls_required
        msg = (
            f"refusing to connect to {redact_url(url)} in plain text: the URL asks for TLS (tls://) "
            "but the NATS server does not offer it"
        )
        raise PlainTextRefusedError(msg)
