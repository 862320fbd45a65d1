"""Bounded broker header values: nothing copied from an input can make a message unpublishable.

AMQP short strings (correlation id, message id) hold 255 bytes, a RabbitMQ frame 128 KiB of headers,
NATS headers no line breaks. Every value that comes from an input (correlation id, source, submitter
id, control numbers, payer id) goes through :func:`bounded`; keys are fixed-length hashes (:func:`key_for`).
"""

from __future__ import annotations

import hashlib

__all__ = ["MAX_HEADER_BYTES", "bounded", "key_for"]

MAX_HEADER_BYTES = 255
_HASH_PREFIX = "sha256:"


def key_for(*parts: object) -> str:
    """A fixed-length idempotency key: the SHA-256 (hex) of what makes the output unique."""
    text = "\x1f".join(str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def bounded(value: str, limit: int = MAX_HEADER_BYTES) -> tuple[str, bool]:
    """``(value, False)`` when printable and at most ``limit`` UTF-8 bytes, else ``("sha256:<hex>", True)``.

    The hash keeps the value recognisable (the same input always gets the same header) without carrying it.
    """
    encoded = value.encode("utf-8", "surrogatepass")
    if len(encoded) <= limit and value.isprintable():
        return value, False
    return _HASH_PREFIX + hashlib.sha256(encoded).hexdigest(), True


def capped(value: str, limit: int = MAX_HEADER_BYTES) -> str:
    """:func:`bounded` without the flag, for values whose replacement needs no note."""
    return bounded(value, limit)[0]
