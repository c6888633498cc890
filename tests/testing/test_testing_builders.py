"""The ready-made conforming records of the testing kit conform, and keep conforming."""

from __future__ import annotations

from datetime import timedelta

from iso10002.principles import CheckContext, check_complaint, check_process
from iso10002.replay import replay
from iso10002.testing.builders import START, conforming_history, conforming_profile


def test_the_conforming_history_passes_every_complaint_check() -> None:
    events = conforming_history()
    complaint = replay(events)
    assert complaint.state.value == "closed"
    for days in (0, 30, 300):
        context = CheckContext(at=complaint.last_event_at + timedelta(days=days))
        assert check_complaint(complaint, events, context) == ()


def test_the_conforming_history_can_start_anywhere() -> None:
    start = START + timedelta(days=100)
    events = conforming_history("C-9", at=start)
    assert events[0].at == start
    assert replay(events).id == "C-9"
    assert check_complaint(replay(events), events, CheckContext(at=events[-1].at)) == ()


def test_the_conforming_profile_passes_for_months_after_its_date() -> None:
    profile = conforming_profile(START)
    for days in (0, 90, 200):
        assert check_process(profile, CheckContext(at=START + timedelta(days=days))) == ()
