"""Fixtures of the reliability tests: a fresh store of every kind the project ships.

The PostgreSQL helpers of the storage tests (``tests/storage/sqla_support.py``) and the Flask
test app (``tests/contrib/flask_support.py``) are reused, so those folders go on the path.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "storage"))
sys.path.insert(0, str(Path(__file__).parent.parent / "contrib"))

import sqla_support as db
from reliability_support import StoreFactory

from django_support import django_database  # noqa: F401 - a fixture
from iso10002.storage import ComplaintStore, InMemoryStore, SQLiteStore


@pytest.fixture(scope="module")
def sqlalchemy_postgres_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated PostgreSQL database of this module's own (dropped at the end)."""
    from iso10002.storage.sqlalchemy import upgrade

    db.require_postgres(request)
    url = db.create_database("reliability")
    try:
        upgrade(url)
        yield url
    finally:
        db.drop_database(url)


@pytest.fixture
def store_factory(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    """A function giving a fresh, empty store of the kind the test is parametrized with."""
    kind: str = request.param
    files = iter(range(1_000_000))
    if kind == "memory":
        return InMemoryStore
    if kind == "sqlite":
        return lambda: SQLiteStore(tmp_path / f"store-{next(files)}.sqlite3", durability="normal")
    if kind == "sqlalchemy-sqlite":
        from iso10002.storage.sqlalchemy import SQLAlchemyStore

        return lambda: SQLAlchemyStore(
            f"sqlite:///{tmp_path / f'store-{next(files)}.sqlite3'}", migrate=True
        )
    if kind == "sqlalchemy-postgres":
        from iso10002.storage.sqlalchemy import SQLAlchemyStore

        url: str = request.getfixturevalue("sqlalchemy_postgres_url")

        def postgres() -> ComplaintStore:
            db.empty_tables(url)
            return SQLAlchemyStore(url)

        return postgres
    if kind == "django-postgres":
        pytest.importorskip("django")
        request.getfixturevalue("django_database")
        from django_support import empty_tables
        from iso10002.contrib.django.store import DjangoStore

        def django() -> ComplaintStore:
            empty_tables()
            return DjangoStore()

        return django
    raise AssertionError(f"unknown store kind {kind!r}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``reliability`` (``-m reliability`` selects them)."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.reliability)
