"""The claim history: one row per claim kept, one per service line; the patient only as an HMAC."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "history_claim",
        sa.Column("id", _ID, primary_key=True, autoincrement=True),
        sa.Column("uid", sa.String(32), nullable=False, unique=True),
        sa.Column("idempotency_key", sa.String(200), nullable=False, unique=True),
        sa.Column("patient_key", sa.String(64), nullable=False),
        sa.Column("billing_npi", sa.String(15), nullable=False),
        sa.Column("claim_id", sa.String(38), nullable=False),
        sa.Column("frequency_code", sa.String(2), nullable=False),
        sa.Column("original_reference", sa.String(50), nullable=False),
        sa.Column("verdict", sa.String(30), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_day", sa.Date, nullable=True),
        sa.Column("last_day", sa.Date, nullable=True),
    )
    op.create_index("ix_history_claim_patient_claim_id", "history_claim", ["patient_key", "claim_id"])
    op.create_index("ix_history_claim_seen_at", "history_claim", ["seen_at"])
    op.create_table(
        "history_line",
        sa.Column("claim_uid", sa.String(32), sa.ForeignKey("history_claim.uid", ondelete="CASCADE"), primary_key=True),
        sa.Column("number", sa.Integer, nullable=False, primary_key=True),
        sa.Column("patient_key", sa.String(64), nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("code", sa.String(10), nullable=False),
        sa.Column("modifiers", sa.String(20), nullable=False),
        sa.Column("units", sa.Integer, nullable=False),
        sa.Column("rendering_npi", sa.String(15), nullable=False),
        sa.Column("diagnosis_codes", sa.String(100), nullable=False),
    )
    op.create_index("ix_history_line_patient_day", "history_line", ["patient_key", "day"])


def downgrade() -> None:
    op.drop_table("history_line")
    op.drop_table("history_claim")
