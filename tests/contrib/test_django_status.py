"""The admin's SLA column: the stored deadline, or the policy's evaluation, in words.

``iso10002.contrib.django.status`` needs no Django, so these tests run without it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.contrib.django.status import NOTHING_DUE, evaluation_status, sla_status
from iso10002.errors import ValidationError
from iso10002.sla import SlaEvaluation, Stage, TargetState, TargetStatus

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


# --- with a policy: the evaluation's most pressing deadline --------------------------------


def _target(
    name: str,
    state: TargetState,
    due: datetime | None,
    *,
    met_at: datetime | None = None,
    deadline: bool = True,
) -> TargetStatus:
    return TargetStatus(
        name=name,
        stage=Stage.FINAL_RESPONSE,
        state=state,
        due=due,
        met_at=met_at,
        remaining=None,
        share_used=None,
        explanation="",
        deadline=deadline,
    )


def _evaluation(*targets: TargetStatus) -> SlaEvaluation:
    return SlaEvaluation("C-1", NOW, "test", targets)


def test_an_overdue_deadline_is_named_before_one_at_risk_or_pending() -> None:
    evaluation = _evaluation(
        _target("update", TargetState.PENDING, NOW + timedelta(hours=1)),
        _target("final_response", TargetState.AT_RISK, NOW + timedelta(days=1)),
        _target("acknowledge", TargetState.BREACHED, NOW - timedelta(days=1)),
    )
    assert evaluation_status(evaluation, is_open=True) == (
        "overdue since 2026-03-04 12:00 UTC (acknowledge)"
    )


def test_a_deadline_at_risk_is_named_before_an_earlier_pending_one() -> None:
    evaluation = _evaluation(
        _target("update", TargetState.PENDING, NOW + timedelta(hours=1)),
        _target("final_response", TargetState.AT_RISK, NOW + timedelta(days=1)),
    )
    assert evaluation_status(evaluation, is_open=True) == (
        "at risk: due 2026-03-06 12:00 UTC (final_response)"
    )


def test_of_several_pending_deadlines_the_earliest_is_named() -> None:
    evaluation = _evaluation(
        _target("final_response", TargetState.PENDING, NOW + timedelta(days=9)),
        _target("update", TargetState.PENDING, NOW + timedelta(days=2)),
    )
    assert evaluation_status(evaluation, is_open=True) == "due 2026-03-07 12:00 UTC (update)"


def test_met_targets_late_ones_and_windows_that_are_not_deadlines_are_not_shown() -> None:
    evaluation = _evaluation(
        _target("acknowledge", TargetState.BREACHED, NOW - timedelta(days=3), met_at=NOW),
        _target("referral_window", TargetState.PENDING, NOW + timedelta(days=1), deadline=False),
        _target("final_response", TargetState.MET, NOW + timedelta(days=5), met_at=NOW),
    )
    assert evaluation_status(evaluation, is_open=True) == NOTHING_DUE


def test_a_complaint_no_longer_open_has_nothing_due_whatever_the_evaluation() -> None:
    evaluation = _evaluation(_target("acknowledge", TargetState.BREACHED, NOW - timedelta(1)))
    assert evaluation_status(evaluation, is_open=False) == NOTHING_DUE


def test_the_deadline_is_shown_in_the_zone_asked_for() -> None:
    evaluation = _evaluation(
        _target("final_response", TargetState.PENDING, datetime(2026, 7, 1, 8, tzinfo=timezone.utc))
    )
    shown = evaluation_status(evaluation, is_open=True, zone=ZoneInfo("Europe/London"))
    assert shown == "due 2026-07-01 09:00 BST (final_response)"
