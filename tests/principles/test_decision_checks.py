"""Communicating the decision with reasons (7.8) and recourse (7.9)."""

from __future__ import annotations

from collections.abc import Callable

from iso10002.events import Event
from iso10002.model import ContactMethod, Outcome
from iso10002.principles import Finding, FindingSeverity
from iso10002.principles.decisions import communicated_with_reasons, recourse_explained
from iso10002.testing.builders import history_to, received

Run = Callable[..., tuple[Finding, ...]]
Then = Callable[..., tuple[Event, ...]]


def told(then: Then, outcome: Outcome, *, recourse: bool) -> tuple[Event, ...]:
    events = then(history_to("investigating"), "decide", outcome=outcome)
    return then(events, "communicate_decision", recourse_explained=recourse)


def test_a_decision_communicated_with_reasons_passes(run: Run) -> None:
    assert run(communicated_with_reasons, history_to("closed")) == ()


def test_a_decision_without_reasons_is_major(run: Run, then: Then) -> None:
    # The lifecycle refuses this at the desk; an imported history can still hold it.
    events = then(history_to("investigating"), "decide", reasons="  ")
    (finding,) = run(communicated_with_reasons, events)
    assert finding.clause == "7.8"
    assert finding.message == "the decision of 05 Jan 2026 (upheld) gives no reasons"


def test_a_decision_sent_where_the_record_has_no_address_is_minor(run: Run, then: Then) -> None:
    events = then(history_to("investigating"), "decide")  # Jo has an e-mail address only
    (finding,) = run(
        communicated_with_reasons,
        then(events, "communicate_decision", method=ContactMethod.LETTER),
    )
    assert finding.severity is FindingSeverity.MINOR
    assert finding.message.startswith("the decision was sent by letter, but the record holds")
    assert run(communicated_with_reasons, then(events, "communicate_decision")) == ()  # e-mail
    assert (
        run(
            communicated_with_reasons,
            then(events, "communicate_decision", method=ContactMethod.PORTAL),
        )
        == ()
    )


def test_an_anonymous_complainants_decision_is_judged_on_reasons_only(run: Run, then: Then) -> None:
    events = (received(complainant=None), *history_to("investigating")[1:])
    events = then(then(events, "decide"), "communicate_decision", method=ContactMethod.LETTER)
    assert run(communicated_with_reasons, events) == ()


def test_a_rejection_without_recourse_is_major(run: Run, then: Then) -> None:  # ISO 10002 7.9
    (finding,) = run(recourse_explained, told(then, Outcome.NOT_UPHELD, recourse=False))
    assert finding.severity is FindingSeverity.MAJOR
    assert finding.clause == "7.9"
    assert [str(ref) for ref in finding.evidence] == ["event 6 decision_communicated"]


def test_a_partly_upheld_decision_also_needs_recourse(run: Run, then: Then) -> None:
    assert run(recourse_explained, told(then, Outcome.PARTIALLY_UPHELD, recourse=False))


def test_an_upheld_decision_needs_recourse_only_once_rejected(run: Run, then: Then) -> None:
    upheld = told(then, Outcome.UPHELD, recourse=False)
    assert run(recourse_explained, upheld) == ()
    assert run(recourse_explained, then(upheld, "reject"))


def test_every_response_needs_recourse_when_the_context_says_so(run: Run, then: Then) -> None:
    # DISP 1.6.2R: every final response gives the ombudsman's details.
    upheld = told(then, Outcome.UPHELD, recourse=False)
    assert run(recourse_explained, upheld, recourse_in_every_response=True)


def test_recourse_explained_passes(run: Run, then: Then) -> None:
    assert run(recourse_explained, told(then, Outcome.NOT_UPHELD, recourse=True)) == ()
