"""The Kafka partition key of an input: its submitter, so one submitter's interchanges stay in order.

Kafka keeps order within a partition only, and the producer's partitioner sends equal keys to the same
partition. Keying each 837P interchange by its submitter (the ``x-submitter-id`` header, else the ISA06
interchange sender id) puts every interchange of one submitter in one partition, consumed in the order
it was produced by exactly one service replica at a time, while different submitters spread over the
partitions. Only ISA06 is read (a fixed-position field of the first 106 characters): linear, no PHI.
"""

from __future__ import annotations

from claimedit.service.headers import capped

__all__ = ["UNKNOWN_SUBMITTER", "submitter_key"]

UNKNOWN_SUBMITTER = "unknown-submitter"
_ISA_LENGTH = 106


def _isa_sender(body: bytes) -> str:
    head = body[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").decode("latin-1")
    if not head.startswith("ISA") or len(head) < _ISA_LENGTH:
        return ""
    elements = head[:_ISA_LENGTH].split(head[3])
    return elements[6].strip() if len(elements) > 6 else ""


def submitter_key(body: bytes, submitter_id: str | None = None) -> bytes:
    """The partition key: ``submitter_id`` when given, else ISA06, else a fixed key (bounded to 255 bytes)."""
    submitter = (submitter_id or "").strip() or _isa_sender(body) or UNKNOWN_SUBMITTER
    return capped(submitter).encode()
