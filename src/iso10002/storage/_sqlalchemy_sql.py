"""How the SQLAlchemy store's questions and answers look in SQL: queries, rows, checks.

:func:`conditions` turns a :class:`~iso10002.storage.protocol.ComplaintQuery` into ``WHERE``
clauses meaning exactly what :meth:`ComplaintQuery.matches` means (instants as integer
microseconds, ids compared by code point); :func:`keyset` continues after a page;
:func:`sealed` reads an event row back; :func:`check_row` compares a complaint's row with
the replay of its events.

Examples:
    >>> from iso10002.model import ComplaintState
    >>> from iso10002.storage.protocol import ComplaintQuery
    >>> query = ComplaintQuery(states=frozenset({ComplaintState.CLOSED}), category="fees")
    >>> for condition in conditions(query):
    ...     print(condition)
    iso10002_complaints.state IN (__[POSTCOMPILE_state_1])
    iso10002_complaints.category = :category_1
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from iso10002._checks import instant
from iso10002.integrity import IntegrityProblem, SealedEvent
from iso10002.storage.common import (
    check_snapshot,
    from_micros,
    query_columns,
    snapshot_from_json,
    to_micros,
)
from iso10002.storage.facts import FactRow, fact_differences
from iso10002.storage.protocol import ComplaintQuery
from iso10002.storage.sqlalchemy_schema import complaints

__all__ = ["after", "check_facts", "check_row", "conditions", "keyset", "sealed"]


def conditions(query: ComplaintQuery) -> list[sa.ColumnElement[bool]]:
    """``query`` as SQL, meaning exactly what :meth:`ComplaintQuery.matches` means."""
    c = complaints.c
    where: list[sa.ColumnElement[bool]] = []
    if query.states is not None:
        where.append(c.state.in_(sorted(state.value for state in query.states)))
    if query.received_from is not None:
        where.append(c.received_at >= to_micros(query.received_from))
    if query.received_until is not None:
        where.append(c.received_at < to_micros(query.received_until))
    for name in ("assignee", "category", "product", "complaint_type"):
        value = getattr(query, name)
        if value is not None:
            where.append(c[name] == value)
    if query.overdue_at is not None:
        where.extend(
            [c.is_open == 1, c.next_due.is_not(None), c.next_due < to_micros(query.overdue_at)]
        )
    return where


def after(query: ComplaintQuery) -> tuple[int, str] | None:
    """The query's ``after`` as ``(received_at micros, id)``; naive instants are refused."""
    if query.after is None:
        return None
    at, complaint_id = query.after
    return to_micros(instant(at, "after")), complaint_id


def keyset(position: tuple[int, str] | None) -> list[sa.ColumnElement[bool]]:
    """Rows after ``position`` in ``(received_at, id)`` order (keyset pagination)."""
    if position is None:
        return []
    at, complaint_id = position
    c = complaints.c
    return [sa.or_(c.received_at > at, sa.and_(c.received_at == at, c.id > complaint_id))]


def sealed(row: sa.Row[object]) -> SealedEvent:
    """An event row as the :class:`~iso10002.integrity.SealedEvent` that was stored."""
    m = row._mapping
    return SealedEvent(
        complaint_id=m["complaint_id"],
        version=m["version"],
        event_type=m["event_type"],
        at=from_micros(m["at"]),
        actor=m["actor"],
        public=m["public"],
        personal=m["personal"],
        previous=m["previous"],
        digest=m["digest"],
    )


def check_row(
    complaint_id: str, rows: Sequence[SealedEvent], head: sa.Row[object] | None
) -> list[IntegrityProblem]:
    """The stored snapshot against the replay, and the query columns against the snapshot."""
    if head is None:
        return check_snapshot(complaint_id, rows, None)
    m = head._mapping
    try:
        stored = snapshot_from_json(m["snapshot"])
    except Exception as exc:
        return [IntegrityProblem(complaint_id, None, "snapshot", f"unreadable snapshot: {exc}")]
    problems = check_snapshot(complaint_id, rows, stored)
    if problems:
        return problems
    due = None if m["next_due"] is None else from_micros(m["next_due"])
    expected = query_columns(stored, due)
    differing = sorted(name for name, value in expected.items() if m[name] != value)
    if differing:
        problems.append(
            IntegrityProblem(
                complaint_id,
                None,
                "snapshot",
                f"the indexed columns {', '.join(differing)} differ from the snapshot",
            )
        )
    return problems


def check_facts(
    complaint_id: str, stored: FactRow | None, head: sa.Row[object]
) -> list[IntegrityProblem]:
    """The metric facts against the (already verified) snapshot of the complaint's row."""
    differing = fact_differences(stored, snapshot_from_json(head._mapping["snapshot"]))
    if not differing:
        return []
    detail = (
        "its metric facts row is missing"
        if stored is None
        else f"the metric facts {', '.join(differing)} differ from the snapshot"
    )
    return [IntegrityProblem(complaint_id, None, "snapshot", detail)]
