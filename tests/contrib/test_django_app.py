"""The Django app as a host installs it: import, migrations, and the examples in its code.

pytest's own doctest collection skips ``src/iso10002/contrib/django`` (see pyproject.toml):
its modules need a configured project, which only these tests set up. Here each module's
examples run against that project's PostgreSQL database, every docstring on empty tables.
"""

from __future__ import annotations

import doctest
import importlib
import io
import subprocess
import sys

import pytest

from django_support import django_database, empty_tables  # noqa: F401 - a fixture
from iso10002.metrics import Period, summarize, summarize_store
from iso10002.sla import presets
from iso10002.storage.facts import FACT_COLUMNS, metric_facts
from iso10002.testing.builders import event_for, history_to

pytest.importorskip("django")

APP_MODULES = (
    "apps",
    "models",
    "status",
    "store",
    "admin",
    "conf",
    "signals",
    "management.commands.iso10002_overdue",
    "management.commands.iso10002_report",
)


def test_importing_iso10002_and_the_app_package_imports_no_django() -> None:
    # python-statemachine itself imports django.utils.module_loading when Django is
    # installed (for its own autodiscovery); beyond that, nothing of Django may load.
    code = (
        "import sys, statemachine\n"
        "before = set(sys.modules)\n"
        "import iso10002, iso10002.contrib.django, iso10002.contrib.django.status\n"
        "import iso10002.storage, iso10002.desk\n"
        "new = sorted(m for m in set(sys.modules) - before if m.split('.')[0] == 'django')\n"
        "assert not new, new\n"
        "assert 'django.conf' not in sys.modules and 'django.db' not in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.postgres
@pytest.mark.usefixtures("django_database")
def test_the_committed_migrations_match_the_models() -> None:
    from django.core.management import call_command

    out = io.StringIO()
    try:
        call_command("makemigrations", "iso10002", check=True, dry_run=True, stdout=out)
    except SystemExit:  # makemigrations --check exits 1 when a migration is missing
        pytest.fail(f"the models changed without a migration:\n{out.getvalue()}")


@pytest.mark.postgres
@pytest.mark.usefixtures("django_database")
def test_the_migrations_apply_and_the_store_works_on_sqlite_too() -> None:
    from django.core.management import call_command
    from django.db import connections

    from iso10002.contrib.django.store import DjangoStore

    call_command("migrate", "iso10002", database="embedded", verbosity=0)
    try:
        store = DjangoStore(using="embedded")
        current = store.create(history_to("received"), idempotency_key="form-1")
        after = store.append(current.id, [event_for(current, "acknowledge")], expected_version=1)
        assert store.create(history_to("received", "C-2"), idempotency_key="form-1") == after
        assert [c.id for c in store.find()] == ["C-0001"]
        assert [r.version for r in store.feed()] == [1, 2]
        assert store.verify_integrity().ok
        store.create(history_to("closed", "C-3"))
        q1 = Period.parse("2026Q1")
        for policy in (None, presets.get("fca.disp.standard")):
            pushed = summarize_store(store, q1, policy=policy)  # computed by SQLite
            assert pushed == summarize(store.find(), q1, policy=policy)
        assert pushed.closed == 1
    finally:
        call_command("migrate", "iso10002", "zero", database="embedded", verbosity=0)
    assert "iso10002_event" not in connections["embedded"].introspection.table_names()
    connections["embedded"].close()


def _stored_facts() -> dict[str, dict[str, object]]:
    from iso10002.contrib.django.models import ComplaintFacts

    return {row["complaint_id"]: row for row in ComplaintFacts.objects.values(*FACT_COLUMNS)}


def _varied_complaints() -> list[str]:
    """Complaints in several states, one of them erased: the facts a backfill must give."""
    from iso10002.contrib.django.store import DjangoStore

    empty_tables()
    store = DjangoStore(signals=False)
    states = ("received", "acknowledged", "responded", "escalated", "closed", "withdrawn")
    for n, state in enumerate(states):
        store.create(history_to(state, f"C-{n}"))
    closed = store.get("C-4")
    store.redact(closed.id, event_for(closed, "redact"), expected_version=closed.version)
    return [f"C-{n}" for n in range(len(states))]


@pytest.mark.postgres
@pytest.mark.usefixtures("django_database")
def test_migration_0003_fills_in_the_facts_of_complaints_stored_before_it() -> None:
    from django.core.management import call_command

    from iso10002.contrib.django.store import DjangoStore

    ids = _varied_complaints()
    call_command("migrate", "iso10002", "0002", verbosity=0)  # drops the facts table
    try:
        call_command("migrate", "iso10002", "0003", verbosity=0)  # creates and fills it
    finally:
        call_command("migrate", "iso10002", verbosity=0)
    store = DjangoStore()
    assert _stored_facts() == {c.id: metric_facts(c) for c in store.find()}
    assert sorted(_stored_facts()) == ids
    assert store.verify_integrity().ok
    q1 = Period.parse("2026Q1")
    assert summarize_store(store, q1) == summarize(store.find(), q1)


@pytest.mark.postgres
@pytest.mark.usefixtures("django_database")
def test_the_backfill_writes_the_missing_facts_a_chunk_at_a_time() -> None:
    from django.apps import apps
    from django.db import connections

    from iso10002.contrib.django.store import DjangoStore

    migration = importlib.import_module("iso10002.contrib.django.migrations.0003_metric_facts")
    _varied_complaints()
    expected = _stored_facts()
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "DELETE FROM iso10002_complaint_facts WHERE complaint_id NOT IN ('C-0', 'C-3')"
        )
    assert not DjangoStore().verify_integrity().ok
    assert migration.fill(apps, "default", chunk=3) == 4  # a chunk of three, then one
    assert _stored_facts() == expected
    assert migration.fill(apps, "default", chunk=3) == 0
    assert DjangoStore().verify_integrity().ok


@pytest.mark.postgres
@pytest.mark.usefixtures("django_database")
@pytest.mark.parametrize("name", APP_MODULES)
def test_the_examples_in_each_module_run(name: str) -> None:
    module = importlib.import_module(f"iso10002.contrib.django.{name}")
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report = io.StringIO()
    examples = 0
    for test in doctest.DocTestFinder().find(module):
        if not test.examples:
            continue
        empty_tables()  # every docstring starts from an empty store, as its reader would
        examples += len(test.examples)
        runner.run(test, out=report.write)
    assert examples > 0, f"{module.__name__} has no examples"
    assert runner.failures == 0, report.getvalue()
