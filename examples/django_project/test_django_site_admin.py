"""The admin of the site: complaints (iso10002's read-only admin) and refused attempts.

Who sees what follows the groups: leads and auditors are staff with the app's *view
complaint* permission; only auditors read the refusals; handlers are not staff at all.
"""

from __future__ import annotations

from typing import Any

import pytest
from complaints_site.models import Refusal
from django_site_support import START, assigned_to, received, signed_in

from iso10002.contrib.django import get_desk

pytestmark = pytest.mark.django_db

COMPLAINTS = "/admin/iso10002/complaintrecord/"
REFUSALS = "/admin/complaints_site/refusal/"


def test_a_lead_sees_every_complaint_with_the_policys_sla_status(people: dict[str, Any]) -> None:
    mine = assigned_to("ana", received())
    unowned = received()
    response = signed_in(people["kim"]).get(COMPLAINTS)
    assert response.status_code == 200
    html = response.content.decode()
    assert mine.id in html
    assert unowned.id in html
    assert "due 2026-03-05 17:00 GMT (acknowledge)" in html  # the FCA preset, evaluated now
    assert ">user:ana<" in html


def test_a_complaints_admin_page_shows_its_history_and_that_it_verifies(
    people: dict[str, Any],
) -> None:
    c = assigned_to("ana", received())
    response = signed_in(people["sam"]).get(f"{COMPLAINTS}{c.id}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<td>received</td>" in html
    assert "<td>assigned</td>" in html
    assert "verified: 2 events, chain intact" in html


def test_nothing_about_a_complaint_can_be_changed_in_the_admin(people: dict[str, Any]) -> None:
    c = received()
    client = signed_in(people["lee"])  # not even by a superuser
    assert client.post(f"{COMPLAINTS}{c.id}/change/", {"state": "closed"}).status_code == 403
    assert client.get(f"{COMPLAINTS}{c.id}/delete/").status_code == 403
    assert get_desk().get(c.id).version == 1


def test_handlers_are_not_let_into_the_admin(people: dict[str, Any]) -> None:
    response = signed_in(people["ana"]).get(COMPLAINTS)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_auditors_read_the_refused_attempts_and_leads_do_not(people: dict[str, Any]) -> None:
    Refusal.objects.create(at=START, actor="user:ana", action="close", complaint_id="C-1")
    auditor = signed_in(people["sam"]).get(REFUSALS)
    assert auditor.status_code == 200
    assert "user:ana" in auditor.content.decode()
    assert signed_in(people["kim"]).get(REFUSALS).status_code == 403


def test_a_refused_attempt_cannot_be_changed_or_deleted(people: dict[str, Any]) -> None:
    refusal = Refusal.objects.create(at=START, actor="user:ana", action="close")
    client = signed_in(people["lee"])
    assert client.post(f"{REFUSALS}{refusal.pk}/change/", {"actor": "x"}).status_code == 403
    assert client.post(f"{REFUSALS}{refusal.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Refusal.objects.get(pk=refusal.pk).actor == "user:ana"
