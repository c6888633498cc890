"""The demo's simulated desk: an SLA policy, a team that works business hours."""

from __future__ import annotations

from iso10002.demo import demo_policy, simulate, summarize
from iso10002.metrics.period import Period
from iso10002.storage import InMemoryStore

# Steps the complaints team takes; complainants and the survey robot keep their own hours.
TEAM_EVENTS = {
    "acknowledged",
    "assessed",
    "investigation_started",
    "progress_update",
    "decision_made",
    "decision_communicated",
    "root_cause_recorded",
    "escalated",
    "referred_externally",
    "action_completed",
    "closed",
    "reopened",
}


def test_the_team_works_business_hours() -> None:
    store = InMemoryStore()
    simulate(store, complaints=60, seed=11)
    calendar = demo_policy().calendar
    team = [e for c in store.find() for e in store.history(c.id) if e.event_type in TEAM_EVENTS]
    assert team
    assert all(calendar.is_open(e.at) for e in team)


def test_the_summary_reports_sla_states_per_target() -> None:
    store = InMemoryStore()
    quarter = Period.quarter(2026, 3)
    text = summarize(store, simulate(store, complaints=60, seed=11), quarter)
    assert "SLA (fca.disp.standard, bank holidays in England)" in text
    # The handling targets; the referral window and retention are not the team's performance.
    for target in ("acknowledge", "early_resolution", "final_response"):
        assert f"\n  {target} " in text
    assert "breaches in all" in text
