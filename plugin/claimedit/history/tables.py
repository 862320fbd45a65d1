"""The history schema (SQLAlchemy Core). Alembic migrations in ``migrations/`` create and evolve it.

Only what the history edits need is stored: no name, member id, birth date or address, ever. The
patient is the HMAC in ``patient_key``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
)

__all__ = ["claims", "lines", "metadata"]

metadata = MetaData()

claims = Table(
    "history_claim",
    metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("uid", String(32), nullable=False, unique=True),
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("patient_key", String(64), nullable=False),
    Column("billing_npi", String(15), nullable=False),
    Column("claim_id", String(38), nullable=False),
    Column("frequency_code", String(2), nullable=False),
    Column("original_reference", String(50), nullable=False),
    Column("verdict", String(30), nullable=False),
    Column("seen_at", DateTime(timezone=True), nullable=False),
    Column("first_day", Date, nullable=True),
    Column("last_day", Date, nullable=True),
    Index("ix_history_claim_patient_claim_id", "patient_key", "claim_id"),
    Index("ix_history_claim_seen_at", "seen_at"),
)

lines = Table(
    "history_line",
    metadata,
    Column("claim_uid", String(32), ForeignKey("history_claim.uid", ondelete="CASCADE"), primary_key=True),
    Column("number", Integer, nullable=False, primary_key=True),
    Column("patient_key", String(64), nullable=False),
    Column("day", Date, nullable=False),
    Column("code", String(10), nullable=False),
    Column("modifiers", String(20), nullable=False),
    Column("units", Integer, nullable=False),
    Column("rendering_npi", String(15), nullable=False),
    Column("diagnosis_codes", String(100), nullable=False),
    Index("ix_history_line_patient_day", "patient_key", "day"),
)
