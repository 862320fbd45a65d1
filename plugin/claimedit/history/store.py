"""The claim history in SQL (SQLAlchemy 2 Core): SQLite embedded, PostgreSQL for services at scale.

One transaction per claim: :meth:`HistoryStore.recall` locks the patient (an advisory lock on the patient
key with PostgreSQL, ``BEGIN IMMEDIATE`` with SQLite), reads the patient's earlier claims, lets the edits
run, and records the claim with its verdict before it commits. Two consumers editing claims of one
patient at the same moment therefore see each other: the second waits for the first's commit.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import tempfile
import uuid
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, delete, event, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from claimedit.history.patient_key import MIN_SECRET_BYTES, patient_key
from claimedit.history.port import HistoryError, HistoryUnavailableError
from claimedit.history.tables import claims, lines, metadata
from claimedit_edits.engine import PriorClaim, PriorLine
from claimedit_edits.model import Claim, Verdict

if TYPE_CHECKING:
    from alembic.config import Config
from claimedit_edits.rules.common.providers import line_npi

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "HistoryError",
    "HistorySchemaError",
    "HistoryStats",
    "HistoryStore",
    "normalize_url",
    "redact",
]

DEFAULT_RETENTION_DAYS = 400
RECALL_DAYS_BEFORE = 90
"""How far before a claim's first date of service its recall reaches: the longest global period."""
_REPLACES = frozenset({"7", "8"})
_VOID = "8"
_MIGRATIONS = "claimedit.history:migrations"
_BATCH_ROWS = 2**62
"""Row numbers of claims recorded in a batch before they are written: above every database id."""


class HistorySchemaError(HistoryError):
    """The database schema is behind (or ahead of) this claimedit: the message names the command to run."""


def normalize_url(url: str) -> str:
    """``postgresql://`` and ``postgres://`` use psycopg 3; other URLs are kept as given."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def redact(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@dataclass(frozen=True)
class HistoryStats:
    """Counts only: nothing here identifies a patient."""

    claims: int
    lines: int
    patients: int
    by_verdict: dict[str, int]
    oldest_seen: dt.datetime | None
    newest_seen: dt.datetime | None
    schema: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "claims": self.claims,
            "lines": self.lines,
            "patients": self.patients,
            "by_verdict": dict(sorted(self.by_verdict.items())),
            "oldest_seen": self.oldest_seen.isoformat() if self.oldest_seen else None,
            "newest_seen": self.newest_seen.isoformat() if self.newest_seen else None,
            "schema": self.schema,
        }


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class HistoryStore:
    """The history port on a SQL database."""

    def __init__(self, engine: Engine, secret: bytes, clock: Callable[[], dt.datetime] = _utcnow) -> None:
        if len(secret) < MIN_SECRET_BYTES:
            msg = f"the claim history secret must be at least {MIN_SECRET_BYTES} bytes"
            raise HistoryError(msg)
        self.engine = engine
        self._secret = secret
        self._clock = clock
        self._postgres = engine.dialect.name == "postgresql"
        self._removal: weakref.finalize[Any, Any] | None = None
        """Removes a temporary database's folder (:meth:`in_temporary_file`)."""

    @classmethod
    def open(
        cls, url: str, secret: bytes, *, clock: Callable[[], dt.datetime] = _utcnow, check: bool = True
    ) -> HistoryStore:
        """Connect to ``url``; with ``check``, fail unless the schema is at this claimedit's migration head."""
        url = normalize_url(url)
        try:
            parsed = make_url(url)
        except Exception as exc:
            msg = f"{url!r} is not a database URL (sqlite:///path or postgresql://user@host/db)"
            raise HistoryError(msg) from exc
        if parsed.get_backend_name() == "sqlite":
            engine = _sqlite_engine(url, in_memory=parsed.database in (None, "", ":memory:"))
        elif parsed.get_backend_name() == "postgresql":
            engine = create_engine(url, pool_pre_ping=True)
        else:
            msg = f"claim history supports sqlite:// and postgresql:// URLs, not {parsed.get_backend_name()}://"
            raise HistoryError(msg)
        store = cls(engine, secret, clock)
        if check:
            store.check_schema()
        return store

    @classmethod
    def in_memory(cls, secret: bytes, *, clock: Callable[[], dt.datetime] = _utcnow) -> HistoryStore:
        """A SQLite database living as long as the process (a replay's own history).

        Its tables are created from the same table definitions the migrations are checked against
        (tests/history), not by running Alembic: a throwaway database has no schema to upgrade, and a
        one-claim replay should not pay Alembic's import.
        """
        store = cls.open("sqlite://", secret, clock=clock, check=False)
        metadata.create_all(store.engine)
        return store

    @classmethod
    def in_temporary_file(cls, secret: bytes, *, clock: Callable[[], dt.datetime] = _utcnow) -> HistoryStore:
        """A SQLite database in a temporary folder, removed when the store is closed or the process ends.

        A replay's own history: like :meth:`in_memory`, but its pages live on disk (SQLite keeps a small
        page cache), so that a replay of a million claims does not hold a million claims' history in RAM.
        """
        folder = tempfile.mkdtemp(prefix="claimedit-history-")
        store = cls.open(f"sqlite:///{folder}/history.sqlite", secret, clock=clock, check=False)

        @event.listens_for(store.engine, "connect")
        def _throwaway(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA synchronous = OFF")  # nothing survives the run: no fsync per batch

        metadata.create_all(store.engine)
        store._removal = weakref.finalize(store, shutil.rmtree, folder, ignore_errors=True)
        return store

    # -- schema -------------------------------------------------------------------------------------

    def _alembic(self) -> Config:
        from alembic.config import Config  # noqa: PLC0415  (Alembic only for migrate and the schema check)

        config = Config()
        config.set_main_option("script_location", _MIGRATIONS)
        return config

    def head(self) -> str | None:
        from alembic.script import ScriptDirectory  # noqa: PLC0415

        return ScriptDirectory.from_config(self._alembic()).get_current_head()

    def revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext  # noqa: PLC0415

        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def migrate(self) -> tuple[str | None, str | None]:
        """Upgrade the schema to the head revision; returns (before, after)."""
        from alembic import command  # noqa: PLC0415

        before = self._revision_or_error()
        config = self._alembic()
        with self.engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        return before, self.revision()

    def _revision_or_error(self) -> str | None:
        try:
            return self.revision()
        except Exception as exc:
            msg = f"the claim history database {redact(str(self.engine.url))} did not answer: {type(exc).__name__}"
            raise HistoryError(msg) from exc

    def check_schema(self) -> None:
        current, head = self._revision_or_error(), self.head()
        if current != head:
            where = redact(str(self.engine.url))
            msg = (
                f"the claim history at {where} has schema {current or 'none'}, this claimedit needs {head}: "
                f"run `claimedit history migrate --history {where}`"
            )
            raise HistorySchemaError(msg)

    # -- the port -----------------------------------------------------------------------------------

    @contextmanager
    def batch(self, items: Sequence[tuple[Claim, str]]) -> Iterator[Batch]:
        """The earlier claims of every patient of ``items`` (claim, idempotency key), in one transaction.

        The patients are locked first (advisory locks in key order with PostgreSQL, so two consumers never
        deadlock; ``BEGIN IMMEDIATE`` with SQLite), their history read in one query, each claim recorded
        as its verdict comes, and everything written and committed at exit: a claim of the batch sees the
        claims before it in the batch as well as every committed one.
        """
        keys = [patient_key(claim, self._secret) for claim, _ in items]
        try:
            with self.engine.begin() as conn:
                if self._postgres and keys:
                    locks = sorted({_lock_id(key) for key in keys})
                    conn.execute(
                        text("SELECT count(pg_advisory_xact_lock(k)) FROM unnest(CAST(:locks AS bigint[])) AS k"),
                        {"locks": locks},
                    )
                batch = Batch(conn, items, keys, self._clock)
                yield batch
                batch.flush()
        except SQLAlchemyError as exc:
            msg = f"the claim history store failed ({type(exc).__name__}): the input is to be retried"
            raise HistoryUnavailableError(msg) from exc

    @contextmanager
    def recall(self, claim: Claim, idempotency_key: str) -> Iterator[ClaimRecall]:
        """One claim's history (a batch of one)."""
        with self.batch([(claim, idempotency_key)]) as batch:
            yield batch.recall(0)

    # -- maintenance --------------------------------------------------------------------------------

    def purge(self, older_than_days: int = DEFAULT_RETENTION_DAYS) -> int:
        """Delete the claims seen more than ``older_than_days`` ago (and their lines); returns the claims deleted."""
        cutoff = self._clock() - dt.timedelta(days=older_than_days)
        old = select(claims.c.uid).where(claims.c.seen_at < cutoff)
        with self.engine.begin() as conn:
            conn.execute(delete(lines).where(lines.c.claim_uid.in_(old)))
            return conn.execute(delete(claims).where(claims.c.seen_at < cutoff)).rowcount

    def stats(self) -> HistoryStats:
        with self.engine.connect() as conn:
            count, patients, oldest, newest = conn.execute(
                select(
                    func.count(),
                    func.count(claims.c.patient_key.distinct()),
                    func.min(claims.c.seen_at),
                    func.max(claims.c.seen_at),
                )
            ).one()
            line_count = conn.execute(select(func.count()).select_from(lines)).scalar_one()
            verdicts = conn.execute(select(claims.c.verdict, func.count()).group_by(claims.c.verdict)).all()
        return HistoryStats(
            claims=count,
            lines=line_count,
            patients=patients,
            by_verdict={str(verdict): int(n) for verdict, n in verdicts},
            oldest_seen=oldest,
            newest_seen=newest,
            schema=self.revision(),
        )

    def close(self) -> None:
        self.engine.dispose()
        if self._removal is not None:
            self._removal()


@dataclass
class _Kept:
    """A claim of the history as the batch sees it (loaded, or recorded in this batch)."""

    row: int
    idempotency_key: str
    patient: str
    prior: PriorClaim
    first: dt.date = dt.date.min
    last: dt.date = dt.date.max

    def __post_init__(self) -> None:
        days = [line.day for line in self.prior.lines]
        if days:
            self.first, self.last = min(days), max(days)


@dataclass
class _Pending:
    row: int
    values: dict[str, Any]
    lines: list[dict[str, Any]]


class Batch:
    """The history of the patients of a batch of claims, inside the batch's transaction."""

    def __init__(
        self,
        conn: Connection,
        items: Sequence[tuple[Claim, str]],
        keys: Sequence[str],
        clock: Callable[[], dt.datetime],
    ) -> None:
        self._conn = conn
        self._items = items
        self._keys = keys
        self._clock = clock
        self._recorded: dict[str, int] = {}
        self._kept: dict[str, list[_Kept]] = {}
        self._pending: list[_Pending] = []
        self._deleted: set[int] = set()
        self._next_row = _BATCH_ROWS
        self._load()

    def _load(self) -> None:
        idempotency = sorted({key for _, key in self._items})
        for chunk in _chunks(idempotency):
            query = select(claims.c.idempotency_key, claims.c.id).where(claims.c.idempotency_key.in_(chunk))
            self._recorded.update({str(key): int(row) for key, row in self._conn.execute(query)})
        days = [day for claim, _ in self._items for day in _days(claim)]
        if not days:
            return
        since = min(days) - dt.timedelta(days=RECALL_DAYS_BEFORE)
        grouped: dict[int, tuple[Any, list[PriorLine]]] = {}
        for chunk in _chunks(sorted(set(self._keys))):
            query = (
                select(
                    claims.c.id,
                    claims.c.idempotency_key,
                    claims.c.patient_key,
                    claims.c.claim_id,
                    claims.c.seen_at,
                    claims.c.billing_npi,
                    lines.c.number,
                    lines.c.day,
                    lines.c.code,
                    lines.c.modifiers,
                    lines.c.units,
                    lines.c.rendering_npi,
                )
                .join(claims, lines.c.claim_uid == claims.c.uid)
                .where(lines.c.patient_key.in_(chunk), lines.c.day >= since, claims.c.verdict != "rejected")
                .order_by(claims.c.id, lines.c.number)
            )
            for row in self._conn.execute(query):
                entry = grouped.setdefault(row.id, (row, []))
                entry[1].append(
                    PriorLine(row.number, row.day, row.code, _split(row.modifiers), row.units, row.rendering_npi)
                )
        for row, prior_lines in grouped.values():
            prior = PriorClaim(row.claim_id, _aware(row.seen_at), row.billing_npi, tuple(prior_lines))
            self._kept.setdefault(row.patient_key, []).append(
                _Kept(row.id, row.idempotency_key, row.patient_key, prior)
            )
            self._next_row = max(self._next_row, row.id)
        self._next_row = max([self._next_row, *self._recorded.values()])

    def recall(self, index: int) -> ClaimRecall:
        claim, key = self._items[index]
        return ClaimRecall(self, claim, self._keys[index], key)

    def _priors(self, patient: str, idempotency_key: str, replaced: tuple[str, ...]) -> list[_Kept]:
        recorded = self._recorded.get(idempotency_key)
        return [
            kept
            for kept in self._kept.get(patient, [])
            if kept.idempotency_key != idempotency_key
            and (recorded is None or kept.row < recorded)  # a redelivery sees what its first delivery saw
            and kept.prior.claim_id not in replaced
            and kept.row not in self._deleted
        ]

    def _record(self, claim: Claim, patient: str, idempotency_key: str, verdict: Verdict) -> None:
        if idempotency_key in self._recorded:
            return
        replaced = _replaced_ids(claim)
        if replaced and verdict != "rejected":
            self._replace(patient, idempotency_key, replaced)
        days = _days(claim)
        self._next_row += 1
        row = self._next_row
        self._recorded[idempotency_key] = row
        seen_at = self._clock()
        uid = uuid.uuid4().hex
        values = {
            "uid": uid,
            "idempotency_key": _fit(idempotency_key, 200),
            "patient_key": patient,
            "billing_npi": _fit(claim.billing_provider.npi, 15),
            "claim_id": _fit(claim.claim_id, 38),
            "frequency_code": _fit(claim.frequency_code, 2),
            "original_reference": _fit(claim.payer_claim_control_number, 50),
            "verdict": verdict,
            "seen_at": seen_at,
            "first_day": min(days) if days else None,
            "last_day": max(days) if days else None,
        }
        rows = [] if claim.frequency_code == _VOID else _line_rows(claim, patient, uid)
        self._pending.append(_Pending(row, values, rows))
        if verdict != "rejected" and rows:
            prior_lines = tuple(
                PriorLine(r["number"], r["day"], r["code"], _split(r["modifiers"]), r["units"], r["rendering_npi"])
                for r in rows
            )
            prior = PriorClaim(str(values["claim_id"]), _aware(seen_at), str(values["billing_npi"]), prior_lines)
            self._kept.setdefault(patient, []).append(_Kept(row, idempotency_key, patient, prior))

    def _replace(self, patient: str, idempotency_key: str, replaced: tuple[str, ...]) -> None:
        """Remove the originals a replacement or void names, whether committed or recorded in this batch."""
        originals = select(claims.c.id, claims.c.uid).where(
            claims.c.patient_key == patient,
            claims.c.claim_id.in_(replaced),
            claims.c.idempotency_key != idempotency_key,
        )
        found = self._conn.execute(originals).all()
        ids = [int(row.id) for row in found]
        if found:
            self._conn.execute(delete(lines).where(lines.c.claim_uid.in_([row.uid for row in found])))
            self._conn.execute(delete(claims).where(claims.c.id.in_(ids)))
        pending = [
            p.row for p in self._pending if p.values["patient_key"] == patient and p.values["claim_id"] in replaced
        ]
        self._pending = [p for p in self._pending if p.row not in pending]
        self._deleted.update(ids)
        self._deleted.update(pending)

    def flush(self) -> None:
        """Write the claims recorded in this batch (the transaction commits after)."""
        if not self._pending:
            return
        rows = [line for pending in self._pending for line in pending.lines]
        if self._conn.dialect.name == "postgresql":
            _copy(self._conn, claims.name, [pending.values for pending in self._pending])
            _copy(self._conn, lines.name, rows)
        else:
            self._conn.execute(insert(claims), [pending.values for pending in self._pending])
            if rows:
                self._conn.execute(insert(lines), rows)
        self._pending = []


class ClaimRecall:
    """One claim's view of its patient's history: the port's ``ClaimHistory`` plus ``record``."""

    def __init__(self, batch: Batch, claim: Claim, patient: str, idempotency_key: str) -> None:
        self._batch = batch
        self._claim = claim
        self._patient = patient
        self._idempotency_key = idempotency_key
        self._replaced = _replaced_ids(claim)
        self._priors: list[_Kept] | None = None
        self._between: dict[tuple[dt.date, dt.date], list[PriorClaim]] = {}
        """The edits of one claim ask for the same windows (its dates, and 90 days before): answered once."""

    @property
    def redelivered(self) -> bool:
        """The claim was recorded already under its idempotency key (a redelivery of the same input)."""
        return self._idempotency_key in self._batch._recorded

    def claims_between(self, first: dt.date, last: dt.date) -> Sequence[PriorClaim]:
        cached = self._between.get((first, last))
        if cached is not None:
            return cached
        if self._priors is None:
            self._priors = self._batch._priors(self._patient, self._idempotency_key, self._replaced)
        found: list[PriorClaim] = []
        for candidate in self._priors:
            if candidate.last < first or candidate.first > last:
                continue
            prior = candidate.prior
            kept = tuple(line for line in prior.lines if first <= line.day <= last)
            if kept:
                found.append(prior if len(kept) == len(prior.lines) else _with_lines(prior, kept))
        self._between[first, last] = found
        return found

    def record(self, verdict: Verdict) -> None:
        """Keep the claim once per idempotency key; an accepted replacement or void removes the original."""
        self._batch._record(self._claim, self._patient, self._idempotency_key, verdict)


def _copy(conn: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY FROM STDIN in the connection's transaction: several times faster than executemany."""
    if not rows:
        return
    columns = list(rows[0])
    driver: Any = conn.connection.driver_connection
    with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _days(claim: Claim) -> list[dt.date]:
    return [day for day in (claim.line_date(line) for line in claim.service_lines) if day is not None]


def _line_rows(claim: Claim, patient: str, uid: str) -> list[dict[str, Any]]:
    rows = {
        line.number: {
            "claim_uid": uid,
            "number": line.number,
            "patient_key": patient,
            "day": day,
            "code": _fit(line.procedure_code, 10),
            "modifiers": _fit(":".join(line.modifiers), 20),
            "units": math.ceil(line.units),
            "rendering_npi": _fit(line_npi(claim, line), 15),
            "diagnosis_codes": _fit(",".join(line.diagnosis_codes), 100),
        }
        for line in claim.service_lines
        if (day := claim.line_date(line)) is not None
    }
    return list(rows.values())  # a repeated LX number is kept once


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _sqlite_engine(url: str, *, in_memory: bool) -> Engine:
    if in_memory:
        engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        engine = create_engine(url, connect_args={"timeout": 60})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (below)
        dbapi_connection.execute("PRAGMA foreign_keys = ON")
        if not in_memory:
            dbapi_connection.execute("PRAGMA journal_mode = WAL")

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # writers serialize: a patient's claims see each other

    return engine


def _lock_id(key: str) -> int:
    """A signed 64-bit advisory lock id from the patient key."""
    return int.from_bytes(bytes.fromhex(key[:16]), "big", signed=True)


def _replaced_ids(claim: Claim) -> tuple[str, ...]:
    if claim.frequency_code not in _REPLACES:
        return ()
    return tuple(sorted({value for value in (claim.claim_id, claim.payer_claim_control_number) if value}))


def _split(modifiers: str) -> tuple[str, ...]:
    return tuple(modifiers.split(":")) if modifiers else ()


def _fit(value: str, size: int) -> str:
    return value[:size]


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def _with_lines(prior: PriorClaim, kept: tuple[PriorLine, ...]) -> PriorClaim:
    return PriorClaim(prior.claim_id, prior.seen_at, prior.billing_npi, kept)
