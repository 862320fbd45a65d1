"""``claimedit dlq inspect|replay|purge``: what to do with the dead-letter queue (RabbitMQ).

- ``inspect`` prints one JSON line per dead letter: its reason and identity from the headers, the body's
  size and SHA-256, never the body (it is the claim data as sent: PHI). Messages stay in the queue.
- ``replay`` moves dead letters back to the input queue, body and identity headers as they were, and
  takes each off the DLQ only once the broker confirmed the republish. By default the kinds that a
  fix on the service side can cure: ``processing-failed``, ``publish-failed`` and ``broker`` (dead-lettered by
  RabbitMQ's delivery limit, without claimedit's headers). The outputs of a replayed input carry the same
  idempotency keys as any earlier ones (keys come from the content), so consumers recognise duplicates.
- ``purge`` deletes dead letters (``--yes`` required), optionally of some kinds only.

Messages are taken one at a time with ``basic.get`` and manual acks; those not selected go back
to the queue when the command ends (a crash in between gives them back too: they were never acked).
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

__all__ = ["BROKER_KIND", "DEFAULT_REPLAY_KINDS", "DlqEntry", "add_subparsers", "run_dlq"]

BROKER_KIND = "broker"
"""``reason_kind`` of a message dead-lettered by RabbitMQ itself (no claimedit headers)."""
DEFAULT_REPLAY_KINDS = ("processing-failed", "publish-failed", BROKER_KIND)
_KINDS = ("unreadable", "processing-failed", "over-size", "over-cpu-budget", "publish-failed", BROKER_KIND)
_CARRIED = ("x-correlation-id", "x-claimedit-source", "x-submitter-id")
"""Headers copied back onto a replayed input: its identity, never claimedit's verdict headers."""


@dataclass(frozen=True)
class DlqEntry:
    """One dead letter as ``inspect`` shows it: no body, no PHI."""

    reason_kind: str
    reason: str
    correlation_id: str
    source: str
    interchange_control: str
    group_control: str
    transaction_control: str
    claims_inside: int
    delivery_attempts: int
    findings: int
    body_bytes: int
    body_sha256: str

    @classmethod
    def read(cls, headers: dict[str, Any], body: bytes) -> DlqEntry:
        def text(name: str) -> str:
            value = headers.get(name)
            return "" if value is None else str(value)[:300]

        def number(name: str) -> int:
            try:
                return int(str(headers.get(name, 0)))
            except ValueError:
                return 0

        try:
            findings = len(json.loads(text("x-claimedit-findings") or "[]"))
        except (ValueError, TypeError):
            findings = 0
        return cls(
            reason_kind=text("x-claimedit-reason-kind") or BROKER_KIND,
            reason=text("x-claimedit-reason") or "dead-lettered by the broker (delivery limit or rejection)",
            correlation_id=text("x-correlation-id"),
            source=text("x-claimedit-source"),
            interchange_control=text("x-claimedit-interchange-control"),
            group_control=text("x-claimedit-group-control"),
            transaction_control=text("x-claimedit-transaction-control"),
            claims_inside=number("x-claimedit-claims-inside"),
            delivery_attempts=number("x-claimedit-delivery-attempts") or number("x-delivery-count"),
            findings=findings,
            body_bytes=len(body),
            body_sha256=hashlib.sha256(body).hexdigest(),
        )

    def as_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def add_subparsers(subparsers: Any) -> None:
    """Register ``dlq`` with its three actions on the ``claimedit`` command."""
    dlq = subparsers.add_parser(
        "dlq",
        help="inspect, replay or purge the dead-letter queue (RabbitMQ)",
        description="Inspect, replay or purge dead letters. Names and broker come from the service settings.",
    )
    actions = dlq.add_subparsers(dest="dlq_action", required=True, metavar="ACTION")
    for name, text in (
        ("inspect", "print one JSON line per dead letter (reason and identity; never the body)"),
        ("replay", "move dead letters back to the input queue"),
        ("purge", "delete dead letters"),
    ):
        action = actions.add_parser(name, help=text, description=text)
        action.add_argument("--broker", default=None, metavar="URL", help="amqp(s):// URL; else CLAIMEDIT_BROKER_URL")
        action.add_argument("--settings", type=Path, default=None, metavar="TOML", help="service settings file")
        action.add_argument(
            "--reason-kind",
            action="append",
            choices=(*_KINDS, "all"),
            default=None,
            help="only dead letters of this kind (repeatable; 'all'); "
            + ("default: processing-failed, publish-failed, broker" if name == "replay" else "default: all"),
        )
        action.add_argument("--limit", type=int, default=None, help="at most this many messages")
        if name == "purge":
            action.add_argument("--yes", action="store_true", help="really delete (required)")
        action.set_defaults(handler=_main)


def _kinds(args: argparse.Namespace) -> frozenset[str]:
    chosen = args.reason_kind or (list(DEFAULT_REPLAY_KINDS) if args.dlq_action == "replay" else ["all"])
    return frozenset(_KINDS) if "all" in chosen else frozenset(chosen)


def _main(args: argparse.Namespace) -> int:
    from claimedit.service.settings import SettingsError, load_settings  # noqa: PLC0415

    if args.dlq_action == "purge" and not args.yes:
        print("claimedit dlq purge: deleting dead letters needs --yes", file=sys.stderr)
        return 2
    try:
        settings = load_settings(args.settings, broker_url=args.broker, http_port=0)
    except SettingsError as exc:
        print(f"claimedit dlq: {exc}", file=sys.stderr)
        return 2
    if settings.broker_kind != "rabbit":
        print(f"claimedit dlq: only RabbitMQ is supported (got {settings.broker_kind})", file=sys.stderr)
        return 2
    counts = asyncio.run(run_dlq(settings, args.dlq_action, _kinds(args), limit=args.limit, out=sys.stdout))
    print(json.dumps({"action": args.dlq_action, **counts}), file=sys.stderr)
    return 0


async def run_dlq(
    settings: Any, action: str, kinds: frozenset[str], *, limit: int | None = None, out: Any = None
) -> dict[str, int]:
    """Apply ``action`` (inspect, replay, purge) to the dead letters of ``kinds``; returns the counts.

    One dead letter's body is held at a time: those that stay in the queue are remembered by delivery
    tag alone (a DLQ of refused 50 MB inputs is not read into memory whole), and a large body is
    replayed a few frames at a time (:mod:`claimedit.service.rabbit_publish`).
    """
    import aio_pika  # noqa: PLC0415

    from claimedit.service.tls import ssl_context  # noqa: PLC0415

    context = ssl_context(settings)
    connection = await aio_pika.connect_robust(settings.broker_url, ssl_context=context)
    seen = selected = done = 0
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        queue = await channel.declare_queue(settings.dlq, passive=True)
        held: list[int] = []
        try:
            while limit is None or selected < limit:
                message = await queue.get(no_ack=False, fail=False)
                if message is None:
                    break
                seen += 1
                step = await _apply(action, message, kinds=kinds, channel=channel, settings=settings, out=out)
                if step != "skipped":
                    selected += 1
                if step == "done":
                    done += 1
                else:
                    held.append(_tag(message))
                del message  # the next get must not find this body still held
        finally:
            underlay = await channel.get_underlay_channel()
            for tag in held:
                await underlay.basic_nack(tag, requeue=True)
            await channel.close()  # close-ok comes after the broker applied every ack and nack above
    return {"seen": seen, "selected": selected, "done": done}


def _tag(message: Any) -> int:
    tag: int | None = message.delivery_tag
    if tag is None:  # pragma: no cover  (basic.get with no_ack=False always has one)
        msg = "a dead letter taken without a delivery tag"
        raise RuntimeError(msg)
    return tag


async def _apply(
    action: str, message: Any, *, kinds: frozenset[str], channel: Any, settings: Any, out: Any
) -> Literal["skipped", "held", "done"]:
    """``skipped`` (not of ``kinds``), ``held`` (inspected) or ``done`` (replayed or purged, and acked)."""
    import aio_pika  # noqa: PLC0415

    from claimedit.service.rabbit_publish import publish  # noqa: PLC0415

    headers = dict(message.headers or {})
    entry = DlqEntry.read(headers, message.body)
    if entry.reason_kind not in kinds:
        return "skipped"
    if action == "inspect":
        if out is not None:
            print(json.dumps(entry.as_json()), file=out)
        return "held"
    if action == "replay":
        carried: dict[str, Any] = {key: str(headers[key]) for key in _CARRIED if key in headers}
        carried["x-claimedit-replayed-from-dlq"] = entry.reason_kind
        replayed = aio_pika.Message(
            message.body,
            headers=carried,
            content_type="application/edi-x12",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            correlation_id=carried.get("x-correlation-id"),
        )
        await publish(channel.default_exchange, replayed, routing_key=settings.input)
    await message.ack()
    return "done"
