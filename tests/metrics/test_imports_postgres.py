"""Importing into PostgreSQL through the SQLAlchemy store's bulk path (``COPY``)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import pytest

from iso10002.clock import ManualClock
from iso10002.metrics.imports import import_complaints
from iso10002.storage.sqlalchemy import SQLAlchemyStore, upgrade
from storage import sqla_support as db  # tests/storage, on the path as the tests folder is

pytestmark = pytest.mark.postgres

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "cfpb_sample.csv"
CLOCK = ManualClock(datetime(2026, 12, 1, tzinfo=timezone.utc))


@pytest.fixture(scope="module")
def postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated database of this module's own on the test server, dropped afterwards."""
    db.require_postgres(request)
    url = db.create_database("imports")
    try:
        upgrade(url)
        yield url
    finally:
        db.drop_database(url)


def test_a_file_imports_into_postgresql_once_however_often_it_is_imported(
    postgres_url: str,
) -> None:
    with SQLAlchemyStore(postgres_url) as store:
        first = import_complaints(store, SAMPLE, clock=CLOCK, batch_size=5)
        again = import_complaints(store, SAMPLE, clock=CLOCK, batch_size=5)
        assert (first.imported, first.duplicates, first.refused) == (14, 0, 0)
        assert (again.imported, again.duplicates, again.refused) == (0, 14, 0)
        assert store.count() == 14
        assert store.verify_integrity().ok
