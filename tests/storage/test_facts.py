"""Metric facts: derived from the snapshot, written with it, migrated in, checked by verify."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from iso10002.metrics import Period, summarize, summarize_store
from iso10002.model import Money, Outcome, Redress
from iso10002.replay import apply
from iso10002.storage import SQLiteStore
from iso10002.storage.facts import metric_facts, parse_redress
from iso10002.storage.sqlalchemy import SQLAlchemyStore
from iso10002.testing.builders import complaint_in, event_for, history_to

Q1 = Period.parse("2026Q1")


def test_redress_adds_every_decision_per_currency() -> None:
    c = complaint_in("escalated")
    decide = event_for(
        c, "decide", outcome=Outcome.PARTIALLY_UPHELD, redress=Redress(Money(Decimal("7.5"), "EUR"))
    )
    c = apply(c, [decide])
    assert parse_redress(str(metric_facts(c)["redress"])) == {
        "EUR": Decimal("7.5"),
        "GBP": Decimal("25.00"),
    }


def test_erasure_makes_vulnerability_unknown() -> None:
    c = complaint_in("closed")
    assert metric_facts(c)["vulnerable"] == 0
    assert metric_facts(apply(c, [event_for(c, "redact")]))["vulnerable"] is None


def test_sqlite_verification_reports_facts_that_differ_or_are_missing() -> None:
    store = SQLiteStore.memory()
    store.import_histories(history_to("closed", f"C-{n}") for n in range(4))
    with store._pool.use() as db:
        db.execute("UPDATE complaint_facts SET closed_at = 0 WHERE complaint_id = 'C-1'")
        db.execute("DELETE FROM complaint_facts WHERE complaint_id = 'C-2'")
    report = store.verify_integrity()
    assert report.broken == ("C-1", "C-2")
    assert "closed_at" in report.problems[0].detail
    assert "missing" in report.problems[1].detail
    store.close()


def test_an_sqlite_file_of_schema_version_1_gets_its_facts_on_opening(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    with SQLiteStore(path) as store:
        store.import_histories(history_to(state, f"C-{state}") for state in ("closed", "received"))
    db = sqlite3.connect(path)  # back to version 1, as an older iso10002 wrote it
    db.execute("DROP TABLE complaint_facts")
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    with SQLiteStore(path) as store:
        assert store.schema_version == 2
        assert store.verify_integrity().ok
        assert summarize_store(store, Q1) == summarize(store.find(), Q1)
        assert summarize_store(store, Q1).closed == 1


def test_sqlalchemy_verification_reports_facts_that_differ() -> None:
    store = SQLAlchemyStore("sqlite://", migrate=True)
    store.create_many(history_to("closed", f"C-{n}") for n in range(3))
    with store.engine.begin() as connection:
        connection.execute(
            sa.text("UPDATE iso10002_complaint_facts SET upheld = 0 WHERE complaint_id = 'C-0'")
        )
    report = store.verify_integrity()
    assert report.broken == ("C-0",)
    assert "upheld" in report.problems[0].detail
    store.close()
