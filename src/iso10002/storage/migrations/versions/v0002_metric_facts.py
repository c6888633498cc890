"""Metric facts per complaint, for metrics computed in SQL, filled in from the snapshots.

Filling them in reads every stored snapshot in Python, so an offline migration script
(``alembic upgrade --sql``) only creates the table: complaints stored before it then have
no facts rows, which ``verify_integrity`` reports. Run this revision online.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from iso10002.storage.common import snapshot_from_json
from iso10002.storage.facts import FACT_COLUMNS, metric_facts

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_ID = sa.String().with_variant(sa.String(collation="C"), "postgresql")
_TABLE = "iso10002_complaint_facts"
_CHUNK = 1000


def upgrade() -> None:
    """Create the facts table and fill it from every stored snapshot."""
    op.create_table(
        _TABLE,
        sa.Column("complaint_id", _ID, nullable=False),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.Column("acknowledged_at", sa.BigInteger(), nullable=True),
        sa.Column("final_response_at", sa.BigInteger(), nullable=True),
        sa.Column("closed_at", sa.BigInteger(), nullable=True),
        sa.Column("withdrawn_at", sa.BigInteger(), nullable=True),
        sa.Column("referred_at", sa.BigInteger(), nullable=True),
        sa.Column("survey_offered_at", sa.BigInteger(), nullable=True),
        sa.Column("upheld", sa.Integer(), nullable=False),
        sa.Column("redress", sa.Text(), nullable=True),
        sa.Column("root_cause", sa.String(), nullable=True),
        sa.Column("satisfaction", sa.Integer(), nullable=True),
        sa.Column("vulnerable", sa.Integer(), nullable=True),
        sa.Column("reopenings", sa.Text(), nullable=True),
        sa.Column("escalations", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("complaint_id", name="pk_iso10002_complaint_facts"),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["iso10002_complaints.id"],
            name="fk_iso10002_complaint_facts_complaint_id_iso10002_complaints",
        ),
    )
    op.create_index("ix_iso10002_complaint_facts_received_at", _TABLE, ["received_at"])
    op.create_index("ix_iso10002_complaint_facts_closed_at", _TABLE, ["closed_at"])
    if not op.get_context().as_sql:  # offline there are no rows to read
        _fill()


def _fill() -> None:
    """The facts of every stored complaint, a thousand snapshots at a time."""
    connection = op.get_bind()
    complaints = sa.table("iso10002_complaints", sa.column("id"), sa.column("snapshot"))
    facts = sa.table(_TABLE, *(sa.column(name) for name in FACT_COLUMNS))
    last: str | None = None
    while True:
        query = sa.select(complaints.c.id, complaints.c.snapshot).order_by(complaints.c.id)
        if last is not None:
            query = query.where(complaints.c.id > last)
        rows = connection.execute(query.limit(_CHUNK)).all()
        if not rows:
            return
        connection.execute(facts.insert(), [metric_facts(snapshot_from_json(r[1])) for r in rows])
        last = rows[-1][0]


def downgrade() -> None:
    """Drop the facts (they are derived from the snapshots; nothing is lost)."""
    op.drop_table(_TABLE)
