"""The app's management commands in the site, on its desk (FCA preset, the tests' clock)."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django_site_support import assigned_to, received

from iso10002.clock import ManualClock

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_overdue_lists_the_complaint_nobody_acknowledged_in_time(
    people: dict[str, Any], clock: ManualClock
) -> None:
    late = assigned_to("ana", received())
    clock.advance(timedelta(days=7))
    (row,) = json.loads(run("iso10002_overdue", "--json"))
    assert row["id"] == late.id
    assert row["assignee"] == "user:ana"
    assert row["status"] == "overdue since 2026-03-05 17:00 GMT (acknowledge)"


def test_the_report_covers_the_sites_complaints(people: dict[str, Any]) -> None:
    assigned_to("ana", received())
    report = json.loads(run("iso10002_report", "--json"))
    assert report["complaints_checked"] == 1
