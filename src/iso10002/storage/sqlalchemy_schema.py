"""The tables of :class:`~iso10002.storage.sqlalchemy.SQLAlchemyStore`, declared once.

The Alembic migrations in ``iso10002/storage/migrations/versions`` build exactly this schema
(a test compares them with Alembic's autogenerate), and a new column arrives as a new
migration plus a change here. Every name carries the ``iso10002_`` prefix so the tables can
share a database with the host's own, Alembic's version table included.

``iso10002_complaints`` holds one row per complaint: the snapshot (JSON), the head of its
chain (version and digest of its latest event, which catches a deleted tail) and the query
columns of :func:`iso10002.storage.common.query_columns`. ``iso10002_events`` holds the sealed
rows of :func:`iso10002.storage.common.seal_all`, numbered per complaint (unique
``(complaint_id, version)``, the backstop of optimistic concurrency) and globally by
``position`` (an identity column: the order of the event feed). ``iso10002_complaint_facts``
holds each complaint's :func:`~iso10002.storage.facts.metric_facts`, which metrics computed
in SQL read (revision 0002). Instants are integer microseconds since 1970 UTC.

Examples:
    >>> sorted(metadata.tables)
    ['iso10002_complaint_facts', 'iso10002_complaints', 'iso10002_events']
    >>> VERSION_TABLE
    'iso10002_alembic_version'
"""

from __future__ import annotations

import sqlalchemy as sa

__all__ = ["VERSION_TABLE", "ComplaintId", "complaint_facts", "complaints", "events", "metadata"]

VERSION_TABLE = "iso10002_alembic_version"
"""Alembic's version table for this schema (not ``alembic_version``: that one is the host's)."""

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
"""The schema's :class:`sqlalchemy.MetaData` (Alembic's ``target_metadata``)."""

# SQLite makes only a column declared exactly INTEGER PRIMARY KEY an alias of the rowid.
_POSITION = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class ComplaintId(sa.types.TypeDecorator[str]):
    """A complaint id: text that sorts by code point, as ``ComplaintQuery.matches`` compares.

    On PostgreSQL the column has the ``"C"`` collation (a database's default collation may
    sort ``"C-10"`` and ``"C-9"`` as a dictionary would). Values compared with it are bound
    as plain ``VARCHAR``: a bind cast carrying ``COLLATE "C"`` makes PostgreSQL's generic
    plans for prepared statements ignore the primary key index and scan the table.
    """

    impl = sa.String
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[str]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(sa.String(collation="C"))
        return dialect.type_descriptor(sa.String())

    def coerce_compared_value(self, op: object, value: object) -> sa.types.TypeEngine[str]:
        return sa.String()


_ID = ComplaintId()

complaints = sa.Table(
    "iso10002_complaints",
    metadata,
    sa.Column("id", _ID, primary_key=True),
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
    sa.UniqueConstraint("idempotency_key"),
    sa.Index(None, "received_at", "id"),
    sa.Index(None, "state", "received_at"),
    sa.Index(None, "assignee"),
    sa.Index(None, "category"),
    sa.Index(None, "product"),
    sa.Index(None, "is_open", "next_due"),
)
"""One row per complaint: snapshot, chain head and the indexed query columns."""

events = sa.Table(
    "iso10002_events",
    metadata,
    sa.Column("position", _POSITION, sa.Identity(), primary_key=True),
    sa.Column("complaint_id", _ID, sa.ForeignKey(complaints.c.id), nullable=False),
    sa.Column("version", sa.Integer(), nullable=False),
    sa.Column("event_type", sa.String(64), nullable=False),
    sa.Column("at", sa.BigInteger(), nullable=False),
    sa.Column("actor", sa.String(), nullable=False),
    sa.Column("public", sa.Text(), nullable=False),
    sa.Column("personal", sa.Text(), nullable=True),
    sa.Column("previous", sa.String(64), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False),
    sa.Column("recorded_at", sa.BigInteger(), nullable=False),
    sa.UniqueConstraint("complaint_id", "version"),
    # AUTOINCREMENT: SQLite never reuses a position, even after the highest row is deleted.
    sqlite_autoincrement=True,
)
"""The sealed events, per complaint by ``version`` and globally by ``position``."""

complaint_facts = sa.Table(
    "iso10002_complaint_facts",
    metadata,
    sa.Column("complaint_id", _ID, sa.ForeignKey(complaints.c.id), primary_key=True),
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
    sa.Index(None, "received_at"),
    sa.Index(None, "closed_at"),
)
"""Each complaint's metric facts (:data:`iso10002.storage.facts.FACT_COLUMNS`)."""
