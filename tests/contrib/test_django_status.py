"""The admin's SLA column reads the stored deadline: overdue, due, or nothing pending.

``iso10002.contrib.django.status`` needs no Django, so these tests run without it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.contrib.django.status import NOTHING_DUE, sla_status
from iso10002.errors import ValidationError

NOW = datetime(2026, 3, 5, 12, 0, tzinfo=timezone.utc)
instants = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(timezone.utc)
)


@given(due=instants, now=instants)
def test_an_open_complaint_is_overdue_exactly_when_its_deadline_has_passed(
    due: datetime, now: datetime
) -> None:
    shown = sla_status(due, is_open=True, now=now)
    assert shown.startswith("overdue since ") == (due < now)
    assert shown.startswith("due ") == (due >= now)


@given(due=st.none() | instants)
def test_a_closed_complaint_has_nothing_due(due: datetime | None) -> None:
    assert sla_status(due, is_open=False, now=NOW) == NOTHING_DUE


def test_an_open_complaint_without_a_deadline_has_nothing_due() -> None:
    assert sla_status(None, is_open=True, now=NOW) == "—"


def test_a_deadline_exactly_now_is_due_not_overdue() -> None:
    # As ComplaintQuery(overdue_at=now) keeps only deadlines strictly before now.
    assert sla_status(NOW, is_open=True, now=NOW) == "due 2026-03-05 12:00 UTC"


def test_the_deadline_is_shown_in_its_own_time_zone() -> None:
    london = ZoneInfo("Europe/London")
    due = datetime(2026, 7, 1, 17, 0, tzinfo=london)
    assert sla_status(due, is_open=True, now=NOW) == "due 2026-07-01 17:00 BST"
    later = NOW + timedelta(days=200)
    assert sla_status(due, is_open=True, now=later) == "overdue since 2026-07-01 17:00 BST"


def test_naive_instants_are_refused() -> None:
    with pytest.raises(ValidationError, match="next_due: naive datetime"):
        sla_status(datetime(2026, 3, 1), is_open=True, now=NOW)
    with pytest.raises(ValidationError, match="now: naive datetime"):
        sla_status(None, is_open=True, now=datetime(2026, 3, 1))
