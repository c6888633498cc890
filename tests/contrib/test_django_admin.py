"""The admin renders complaints and their history, read-only, on PostgreSQL.

Requests go through Django's test client as a logged-in superuser (or a staff member
without permissions), against complaints stored by ``DjangoStore``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

import pytest

from django_support import django_database, empty_tables  # noqa: F401 - a fixture
from iso10002.clock import ManualClock
from iso10002.model import Classification
from iso10002.testing.builders import START, history_to

if TYPE_CHECKING:
    from django.test import Client

    from iso10002.contrib.django.store import DjangoStore

pytest.importorskip("django")

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("django_database")]

LIST = "/admin/iso10002/complaintrecord/"
NOW = START + timedelta(days=10)


def page(complaint_id: str, action: str = "change") -> str:
    return f"{LIST}{complaint_id}/{action}/"


@pytest.fixture
def store(admin_clock: ManualClock) -> Iterator[DjangoStore]:
    from iso10002.contrib.django.store import DjangoStore

    empty_tables()
    store = DjangoStore()
    yield store
    store.close()


@pytest.fixture
def complaints(store: DjangoStore) -> DjangoStore:
    """Three complaints: one overdue, one due later, one closed."""
    fees = Classification(product="card", category="fees")
    fraud = Classification(product="mortgage", category="fraud")
    store.create(
        history_to("received", "C-0001", classification=fees), next_due=NOW - timedelta(days=2)
    )
    store.create(
        history_to("acknowledged", "C-0002", classification=fraud),
        next_due=NOW + timedelta(days=3),
    )
    store.create(history_to("closed", "C-0003", classification=fees))
    return store


@pytest.fixture(autouse=True)
def admin_clock(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> ManualClock:
    """What "now" is for the SLA column (and the first fixture: it sets Django up)."""
    request.getfixturevalue("django_database")
    from django.contrib import admin

    from iso10002.contrib.django.models import ComplaintRecord

    clock = ManualClock(NOW)
    monkeypatch.setattr(admin.site._registry[ComplaintRecord], "clock", clock)
    return clock


def _client(*, superuser: bool) -> Client:
    from django.contrib.auth.models import User
    from django.test import Client

    name = "admin" if superuser else "staff"
    User.objects.filter(username=name).delete()
    if superuser:
        user = User.objects.create_superuser(name, f"{name}@example.org", "pw")
    else:
        user = User.objects.create_user(name, f"{name}@example.org", "pw", is_staff=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client() -> Client:
    return _client(superuser=True)


def text_of(response: object) -> str:
    content: bytes = getattr(response, "content", b"")
    assert getattr(response, "status_code", None) == 200
    return content.decode()


def listed(html: str) -> list[str]:
    """The complaint ids in a change list, in order."""
    return re.findall(r'<a href="/admin/iso10002/complaintrecord/([^/]+)/change/', html)


def test_the_list_shows_each_complaint_with_state_classification_and_sla_status(
    complaints: DjangoStore, client: Client
) -> None:
    html = text_of(client.get(LIST))
    assert sorted(listed(html)) == ["C-0001", "C-0002", "C-0003"]
    for text in ("received", "acknowledged", "closed", "card", "mortgage", "fees", "fraud"):
        assert f">{text}<" in html
    assert "overdue since 2026-01-13 09:00 GMT" in html  # C-0001's deadline has passed
    assert "due 2026-01-18 09:00 GMT" in html  # C-0002's is ahead
    assert ">—<" in html  # C-0003 is closed: nothing pending


def test_sla_status_follows_the_clock(
    complaints: DjangoStore, client: Client, admin_clock: ManualClock
) -> None:
    admin_clock.advance(timedelta(days=4))
    html = text_of(client.get(LIST))
    assert "overdue since 2026-01-18 09:00 GMT" in html
    assert "due 2026" not in html


def test_times_show_in_the_sites_time_zone(store: DjangoStore, client: Client) -> None:
    summer = datetime(2026, 7, 1, 9, 0, tzinfo=timezone.utc)
    store.create(history_to("received", "C-SUMMER", at=summer))
    html = text_of(client.get(LIST))
    assert "2026-07-01 10:00 BST" in html  # settings.TIME_ZONE is Europe/London


@pytest.mark.parametrize(
    ("filter_", "expected"),
    [
        ("state=closed", ["C-0003"]),
        ("category=fees", ["C-0001", "C-0003"]),
        ("product=mortgage", ["C-0002"]),
        ("q=C-0002", ["C-0002"]),
    ],
)
def test_the_list_filters_by_state_category_product_and_searches_by_id(
    complaints: DjangoStore, client: Client, filter_: str, expected: list[str]
) -> None:
    html = text_of(client.get(f"{LIST}?{filter_}"))
    assert sorted(listed(html)) == expected


def test_a_complaint_page_shows_its_snapshot_and_every_event(
    complaints: DjangoStore, client: Client
) -> None:
    html = text_of(client.get(page("C-0003")))
    history = complaints.history("C-0003")
    for event in history:
        assert f"<td>{event.event_type}</td>" in html
    assert f"verified: {len(history)} events, chain intact" in html
    assert "&quot;state&quot;: &quot;closed&quot;" in html  # the snapshot, as JSON
    assert "Jo Bloggs" in html  # the complainant, for the people who handle the complaint


def test_a_complaint_page_offers_no_way_to_change_anything(
    complaints: DjangoStore, client: Client
) -> None:
    html = text_of(client.get(page("C-0001")))
    assert 'name="_save"' not in html
    assert "<textarea" not in html
    assert page("C-0001", "delete") not in html


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", f"{LIST}add/"),
        ("post", page("C-0001")),
        ("get", page("C-0001", "delete")),
        ("post", page("C-0001", "delete")),
    ],
)
def test_nothing_can_be_added_changed_or_deleted(
    complaints: DjangoStore, client: Client, method: str, url: str
) -> None:
    before = complaints.get("C-0001"), complaints.history("C-0001")
    response = getattr(client, method)(url, {"state": "closed", "post": "yes"})
    assert response.status_code == 403
    assert (complaints.get("C-0001"), complaints.history("C-0001")) == before


def test_the_list_offers_no_bulk_delete(complaints: DjangoStore, client: Client) -> None:
    assert "delete_selected" not in text_of(client.get(LIST))


def test_a_tampered_record_shows_as_broken(complaints: DjangoStore, client: Client) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE iso10002_event SET public = replace(public, 'upheld', 'not_upheld')"
            " WHERE complaint_id = 'C-0003'"
        )
    html = text_of(client.get(page("C-0003")))
    assert "BROKEN: C-0003 event" in html


def test_staff_without_permission_see_no_complaints(complaints: DjangoStore) -> None:
    staff = _client(superuser=False)
    assert staff.get(LIST).status_code == 403
    assert staff.get(page("C-0001")).status_code == 403


def test_with_a_policy_configured_the_sla_column_is_the_policys_evaluation(
    complaints: DjangoStore, client: Client
) -> None:
    from django.test import override_settings

    with override_settings(ISO10002={"POLICY": "fca.disp.standard"}):
        html = text_of(client.get(LIST))
    # C-0001 was never acknowledged; C-0002 waits for its final response; C-0003 is closed.
    assert "overdue since 2026-01-08 17:00 GMT (acknowledge)" in html
    assert "due 2026-03-02 09:00 GMT (final_response)" in html
    assert ">—<" in html


def test_without_a_clock_of_its_own_the_admin_uses_the_configured_clock(
    complaints: DjangoStore, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.contrib import admin
    from django.test import override_settings

    from iso10002.contrib.django.models import ComplaintRecord

    monkeypatch.setattr(admin.site._registry[ComplaintRecord], "clock", None)
    configured = {"CLOCK": ManualClock(NOW + timedelta(days=30))}
    with override_settings(ISO10002=configured):
        html = text_of(client.get(LIST))
    assert "overdue since 2026-01-18 09:00 GMT" in html  # C-0002's deadline, passed by then


@pytest.mark.parametrize(
    "payload", ["<script>alert('x')</script>", '"><img src=x onerror=alert(1)>']
)
def test_html_in_complaint_text_is_escaped_on_every_admin_page(
    store: DjangoStore, client: Client, payload: str
) -> None:
    from iso10002.testing.builders import event_for

    hostile = Classification(product=payload, category=payload)
    created = store.create(
        history_to("received", "C-0009", classification=hostile, description=payload)
    )
    note = event_for(created, "add_note", text=payload, actor=f"agent:{payload}")
    store.append("C-0009", [note], expected_version=1)
    for url in (LIST, f"{LIST}?q=C-0009", page("C-0009")):
        html = text_of(client.get(url))
        assert payload not in html, url  # shown only escaped (ISO 10002 4.9: as typed)
    assert "&lt;script&gt;" in text_of(client.get(page("C-0009"))) or "&lt;img" in text_of(
        client.get(page("C-0009"))
    )
