"""Learning from closed complaints: root cause before closure (8.2) and the survey (8.3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import attrs

from iso10002.events import Event
from iso10002.model import Consent
from iso10002.principles import Finding, FindingSeverity
from iso10002.principles.learning import root_cause_before_closure, survey_offered
from iso10002.testing.builders import history_to, received

Run = Callable[..., tuple[Finding, ...]]
Then = Callable[..., tuple[Event, ...]]


def closed(then: Then, *, root_cause_first: bool) -> tuple[Event, ...]:
    events = then(history_to("responded"), "accept")
    if root_cause_first:
        events = then(events, "record_root_cause")
    return then(events, "close")


def test_root_cause_recorded_before_closure_passes(run: Run, then: Then) -> None:
    assert run(root_cause_before_closure, closed(then, root_cause_first=True)) == ()


def test_closing_without_a_root_cause_is_major(run: Run, then: Then) -> None:  # DISP 1.3.3R
    (finding,) = run(root_cause_before_closure, closed(then, root_cause_first=False))
    assert finding.severity is FindingSeverity.MAJOR
    assert finding.clause == "8.2"


def test_a_root_cause_recorded_only_after_closure_is_minor(run: Run, then: Then) -> None:
    events = then(closed(then, root_cause_first=False), "record_root_cause")
    (finding,) = run(root_cause_before_closure, events)
    assert finding.severity is FindingSeverity.MINOR
    assert [ref.version for ref in finding.evidence] == [8, 9]


def test_a_reopened_complaint_is_judged_on_its_first_closure(run: Run, then: Then) -> None:
    events = then(closed(then, root_cause_first=False), "reopen")
    assert run(root_cause_before_closure, events)


def test_open_and_withdrawn_complaints_need_no_root_cause_yet(run: Run) -> None:
    assert run(root_cause_before_closure, history_to("investigating")) == ()
    assert run(root_cause_before_closure, history_to("withdrawn")) == ()


def test_no_survey_is_due_within_the_window(run: Run) -> None:
    events = history_to("closed")
    assert run(survey_offered, events, at=events[-1].at + timedelta(days=14)) == ()


def test_a_survey_not_offered_after_the_window_is_minor(run: Run) -> None:  # ISO 10002 8.3
    events = history_to("closed")
    (finding,) = run(survey_offered, events, at=events[-1].at + timedelta(days=15))
    assert finding.severity is FindingSeverity.MINOR
    assert finding.message == (
        "closed on 05 Jan 2026 and no satisfaction survey was offered within 14 days"
    )


def test_a_survey_offered_passes(run: Run, then: Then) -> None:
    events = then(history_to("closed"), "offer_survey")
    assert run(survey_offered, events, at=events[-1].at + timedelta(days=30)) == ()


def test_no_survey_is_expected_of_those_who_declined_contact(run: Run, then: Then) -> None:
    first = received()
    declined = attrs.evolve(first.complainant, consent=Consent(contact=False))
    events = (received(complainant=declined), *history_to("closed")[1:])
    assert run(survey_offered, events, at=events[-1].at + timedelta(days=30)) == ()
