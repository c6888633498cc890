"""The example site's tests: Django configured here, on a PostgreSQL test database of their own.

Django is set up when pytest collects this folder (``pytest examples`` runs the other
examples in the same process, none of which uses Django). pytest-django creates the test
database, migrates it and drops it at the end; its name is unique to this run and worker, as
other runs may share the server. Without a server the tests skip, and fail in CI, by the
project's own rule (``tests/service_checks.py``).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import django
import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]

if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


def _configure() -> None:
    """Configure Django with the site's settings (nothing put in ``os.environ``, so the other
    examples' subprocesses see no Django project)."""
    from django.conf import settings

    if settings.configured:
        return
    from complaints_site import settings as site

    values = {name: getattr(site, name) for name in dir(site) if name.isupper()}
    url = os.environ.get("ISO10002_TEST_POSTGRES_URL")
    if url:  # the server the project's tests use, when told of another (DEVELOPERS.md)
        values["DATABASES"] = {"default": site.database(url)}
    # Test users sign in with a fast hash; the site itself keeps Django's default.
    values["PASSWORD_HASHERS"] = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.configure(**values)
    django.setup()


_configure()

from django_site_support import START  # noqa: E402 - once Django is set up

from iso10002.clock import ManualClock  # noqa: E402


def _require_service() -> Callable[[bool, str], None]:
    """``require_service`` from the project's tests: skip locally, fail in CI."""
    spec = importlib.util.spec_from_file_location(
        "iso10002_service_checks", ROOT / "tests" / "service_checks.py"
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {ROOT / 'tests' / 'service_checks.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    check: Callable[[bool, str], None] = module.require_service
    return check


require_service = _require_service()


def _server_problem() -> str | None:
    """Why the PostgreSQL server of the settings cannot be reached (``None``: it can)."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    try:
        psycopg.connect(
            host=db["HOST"],
            port=db["PORT"],
            user=db["USER"],
            password=db["PASSWORD"],
            dbname="postgres",
            connect_timeout=5,
        ).close()
    except psycopg.Error as exc:
        return f"PostgreSQL at {db['HOST']}:{db['PORT']}: {exc}"
    return None


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> None:
    """Check the server, and give the test database a name no other run uses."""
    from django.conf import settings

    problem = _server_problem()
    require_service(problem is None, problem or "")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"test_complaints_site_{worker}_{uuid.uuid4().hex[:12]}"
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = name


# --- what the site's tests share -----------------------------------------------------------


@pytest.fixture
def clock(settings: Any) -> ManualClock:
    """The desk's clock, moved by hand (``settings.ISO10002["CLOCK"]``)."""
    manual = ManualClock(START)
    settings.ISO10002 = {**settings.ISO10002, "CLOCK": manual}
    return manual


@pytest.fixture
def people(db: None, django_user_model: Any, clock: ManualClock) -> dict[str, Any]:
    """Ana and Bo (handlers), Kim (a lead), Sam (an auditor), Lee (a superuser)."""
    from django.contrib.auth.models import Group

    def member(username: str, group: str | None, **flags: bool) -> Any:
        user = django_user_model.objects.create_user(username, password="pw", **flags)
        if group is not None:
            user.groups.add(Group.objects.get(name=group))
        return user

    return {
        "ana": member("ana", "Complaint handlers"),
        "bo": member("bo", "Complaint handlers"),
        "kim": member("kim", "Complaint leads", is_staff=True),
        "sam": member("sam", "Complaint auditors", is_staff=True),
        "lee": member("lee", None, is_staff=True, is_superuser=True),
    }
