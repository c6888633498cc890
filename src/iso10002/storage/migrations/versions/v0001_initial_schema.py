"""The initial schema: complaints with their snapshots and query columns, sealed events.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Ids sort by code point everywhere ("C" collation), as ComplaintQuery.matches compares them.
_ID = sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    """Create the complaint and event tables with their indexes."""
    op.create_table(
        "iso10002_complaints",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("head_digest", sa.String(64), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("is_open", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.Column("assignee", sa.String(), nullable=True),
        sa.Column("category", sa.String(), nullable=True),
        sa.Column("product", sa.String(), nullable=True),
        sa.Column("complaint_type", sa.String(), nullable=True),
        sa.Column("next_due", sa.BigInteger(), nullable=True),
        sa.Column("idempotency_key", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_iso10002_complaints"),
        sa.UniqueConstraint("idempotency_key", name="uq_iso10002_complaints_idempotency_key"),
    )
    for name, columns in (
        ("ix_iso10002_complaints_received_at_id", ["received_at", "id"]),
        ("ix_iso10002_complaints_state_received_at", ["state", "received_at"]),
        ("ix_iso10002_complaints_assignee", ["assignee"]),
        ("ix_iso10002_complaints_category", ["category"]),
        ("ix_iso10002_complaints_product", ["product"]),
        ("ix_iso10002_complaints_is_open_next_due", ["is_open", "next_due"]),
    ):
        op.create_index(name, "iso10002_complaints", columns)
    op.create_table(
        "iso10002_events",
        sa.Column("position", _POSITION, sa.Identity(), nullable=False),
        sa.Column("complaint_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("event_type", sa.String(64), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("public", sa.Text(), nullable=False),
        sa.Column("personal", sa.Text(), nullable=True),
        sa.Column("previous", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("recorded_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_iso10002_events"),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["iso10002_complaints.id"],
            name="fk_iso10002_events_complaint_id_iso10002_complaints",
        ),
        sa.UniqueConstraint(
            "complaint_id", "version", name="uq_iso10002_events_complaint_id_version"
        ),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    """Drop both tables (and every complaint in them)."""
    op.drop_table("iso10002_events")
    op.drop_table("iso10002_complaints")
