"""Django for the tests that need it: configured on first use, on a database of their own.

Test modules of the Django app import :func:`django_database` (a session fixture) and
:func:`empty_tables`. Nothing happens at import: Django is configured (``django_settings``)
only when the first test asking for the fixture runs, so the rest of the suite runs without
Django configured — and without Django installed.

The database is created on the PostgreSQL server of ``ISO10002_TEST_POSTGRES_URL`` under a
name unique to this process (``django_settings.DATABASE_NAME``), with an ICU collation
where the server has one (so ordering that would depend on the collation is caught), and
dropped when the session ends. Without a server the tests skip, or fail in CI
(``require_service``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from service_checks import require_service

_created: list[str] = []


def configure() -> None:
    """Configure Django with ``django_settings`` and set it up, once per process."""
    import django
    from django.conf import settings

    if not settings.configured:
        os.environ["DJANGO_SETTINGS_MODULE"] = "django_settings"
        django.setup()


def _server() -> tuple[str, str | None]:
    """The server's URL, and why it cannot be reached (``None``: it can)."""
    import psycopg

    import django_settings

    try:
        psycopg.connect(django_settings.POSTGRES_URL, connect_timeout=5).close()
    except psycopg.Error as exc:
        return django_settings.POSTGRES_URL, f"PostgreSQL at {django_settings.POSTGRES_URL}: {exc}"
    return django_settings.POSTGRES_URL, None


def _create_database(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as admin:
        icu = admin.execute("SELECT count(*) FROM pg_collation WHERE collprovider = 'i'")
        has_icu = (row := icu.fetchone()) is not None and row[0] > 0
        statement = sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
            sql.Identifier(name)
        )
        if has_icu:
            # An ICU collation sorts "C-a" before "C-B"; the store must still order by code
            # point, as ComplaintQuery does.
            icu_statement = statement + sql.SQL(" LOCALE_PROVIDER icu ICU_LOCALE 'en-US'")
            try:
                admin.execute(icu_statement)
            except psycopg.Error:
                pass  # a server without ICU databases: its default collation it is
            else:
                return
        admin.execute(statement)


def _drop_database(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="session")
def django_database() -> Iterator[str]:
    """The alias of a migrated, empty database of this process's own (``"default"``)."""
    pytest.importorskip("django")
    pytest.importorskip("psycopg")
    url, problem = _server()
    require_service(problem is None, problem or "")
    import django_settings

    name = django_settings.DATABASE_NAME
    if not _created:
        _create_database(url, name)
        _created.append(name)
        configure()
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
    yield "default"
    # Each module that imports this fixture tears it down at the session's end; the first
    # one drops the database, the others find nothing left to do.
    if _created:
        from django.db import connections

        connections.close_all()
        _drop_database(url, _created.pop())


def empty_tables(using: str = "default") -> None:
    """Delete every complaint, its events, facts and key, and rewind the feed: a fresh store."""
    from django.db import connections

    with connections[using].cursor() as cursor:
        cursor.execute(
            "TRUNCATE iso10002_event, iso10002_idempotency_key, iso10002_complaint_facts,"
            " iso10002_complaint"
        )
        cursor.execute("UPDATE iso10002_feed_position SET last = 0")
