"""summarize() with a policy: business time, SLA compliance per target, the policy calendar
(FCA DISP standard preset, England and Wales bank holidays, 09:00-17:00 London)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from metric_records import decision, make, utc

from iso10002.metrics import Period, SlaCompliance, summarize
from iso10002.model import Outcome, Pause
from iso10002.sla import BusinessCalendar, BusinessTime, SlaPolicy, Stage, Target, presets

FCA = presets.get("fca.disp.standard", nation="ENG")
Q1 = Period.parse("2026Q1")


def test_business_time_skips_the_weekend() -> None:
    # Fri 16:00 to Mon 10:00 in January (London is on UTC): 1 h + 1 h.
    c = make("1", utc(2026, 1, 9, 16), acknowledged_at=utc(2026, 1, 12, 10))
    s = summarize([c], Q1, policy=FCA)
    assert s.time_to_acknowledge.median == timedelta(hours=66)
    assert s.business_time_to_acknowledge is not None
    assert s.business_time_to_acknowledge.median == timedelta(hours=2)


def test_business_time_deducts_pauses_only_when_the_policy_lets_the_clock_pause() -> None:
    calendar = BusinessCalendar.weekdays("UTC")
    internal = SlaPolicy(
        "internal", calendar, [Target("acknowledge", Stage.ACKNOWLEDGE, BusinessTime(hours=8))]
    )
    paused = make(
        "1",
        utc(2026, 1, 5, 9),
        acknowledged_at=utc(2026, 1, 6, 17),  # 16 business hours later
        pauses=(Pause(utc(2026, 1, 6, 9), "waiting for papers", utc(2026, 1, 6, 13)),),
    )
    internal_figures = summarize([paused], Q1, policy=internal)
    assert internal_figures.business_time_to_acknowledge is not None
    assert internal_figures.business_time_to_acknowledge.max == timedelta(hours=12)
    regulatory = summarize([paused], Q1, policy=FCA)  # DISP: no pause
    assert regulatory.business_time_to_acknowledge is not None
    assert regulatory.business_time_to_acknowledge.max == timedelta(hours=16)


def test_sla_compliance_per_target_at_the_period_end() -> None:
    complaints = [
        # Acknowledged at once, answered within 8 weeks: both met.
        make(
            "met",
            utc(2026, 1, 5, 10),
            acknowledged_at=utc(2026, 1, 5, 11),
            decisions=(decision(Outcome.UPHELD, utc(2026, 2, 2, 10)),),
        ),
        # Never acknowledged or answered; 8 weeks ran out on 2 March.
        make("late", utc(2026, 1, 5, 10)),
        # Received on 30 March: acknowledgement still due, final response too.
        make("new", utc(2026, 3, 30, 10)),
        # Received before the quarter: not in the quarter's SLA figures.
        make("old", utc(2025, 12, 1, 10)),
    ]
    s = summarize(complaints, Q1, policy=FCA)
    assert s.at == Q1.end
    assert s.sla_compliance["acknowledge"] == SlaCompliance(1, 1, 1, 0.5)
    assert s.sla_compliance["final_response"] == SlaCompliance(1, 1, 1, 0.5)
    assert "referral_window" not in s.sla_compliance


def test_sla_compliance_is_judged_at_the_instant_given() -> None:
    c = make("late", utc(2026, 1, 5, 10))
    early = summarize([c], Q1, policy=FCA, at=utc(2026, 1, 6, 10))
    assert early.sla_compliance["final_response"] == SlaCompliance(0, 0, 1, None)


def test_the_fca_three_business_day_band_skips_bank_holidays() -> None:
    # Received Thu 2 April 2026; Good Friday and Easter Monday are bank holidays, so close
    # of business on the 3rd business day after is Thu 9 April 17:00 (BST).
    q2 = Period.parse("2026Q2")
    on_time = make("1", utc(2026, 4, 2, 10), closed_at=utc(2026, 4, 9, 15, 59))
    too_late = make("2", utc(2026, 4, 2, 10), closed_at=utc(2026, 4, 9, 16, 1))
    with_holidays = summarize([on_time, too_late], q2, policy=FCA)
    assert with_holidays.closed_within["within 3 business days"] == 1
    no_policy = summarize([on_time, too_late], q2)  # weekdays in UTC: due Tue 7 April
    assert no_policy.closed_within["within 3 business days"] == 0


@pytest.mark.parametrize(
    ("days", "band"),
    [(15, "within 15 days"), (16, "within 60 days"), (60, "within 60 days"), (61, "after 60 days")],
)
def test_cfpb_bands_count_whole_calendar_days(days: int, band: str) -> None:
    received = utc(2026, 1, 2, 10)
    # Late on the last day of a band is still within it.
    c = make("1", received, closed_at=received + timedelta(days=days, hours=13))
    assert summarize([c], Q1).closed_within[band] == 1


def test_first_contact_days_widens_the_window() -> None:
    c = make(
        "1",
        utc(2026, 1, 5, 10),
        decisions=(decision(Outcome.UPHELD, utc(2026, 1, 7, 12)),),  # Wednesday
    )
    assert summarize([c], Q1, policy=FCA).first_contact_resolved == 0
    assert summarize([c], Q1, policy=FCA, first_contact_days=2).first_contact_resolved == 1


def test_eight_weeks_is_wall_clock_time_across_the_clocks_changing() -> None:
    # Received 10:00 GMT on 10 March; 8 weeks later is 10:00 BST on 5 May, 09:00 UTC. A
    # closure at 09:30 UTC is 56 days less half an hour after receipt, yet after the deadline.
    received = utc(2026, 3, 10, 10)
    on_time = make("1", received, closed_at=utc(2026, 5, 5, 9))
    late = make("2", received, closed_at=utc(2026, 5, 5, 9, 30))
    s = summarize([on_time, late], Period.parse("2026H1"), calendar=FCA.calendar)
    assert (s.closed_within["within 8 weeks"], s.closed_within["after 8 weeks"]) == (1, 1)
