"""Running every check over a population, and the report: grouped, counted, JSON, text."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.errors import ConfigurationError
from iso10002.events import Event
from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complaint,
    Complexity,
    ContactDetails,
    ContactMethod,
    Impact,
    Outcome,
    RemedyKind,
    RemedyRequest,
    RootCause,
    Severity,
)
from iso10002.principles import (
    CheckContext,
    Finding,
    FindingSeverity,
    Principle,
    PrincipleStatus,
    check_complaint,
    check_conformance,
)
from iso10002.replay import replay
from iso10002.serialization import from_data
from iso10002.testing import assert_conforms
from iso10002.testing.builders import START, conforming_history, conforming_profile, history_to
from iso10002.testing.strategies import complaints

LATER = START + timedelta(days=60)
CONTEXT = CheckContext(at=LATER)
Pair = tuple[Complaint, tuple[Event, ...]]


def pair(events: tuple[Event, ...]) -> Pair:
    return replay(events), events


@settings(max_examples=25)
@given(st.lists(complaints(max_events=10), max_size=6))
def test_a_run_finds_what_the_checks_find_complaint_by_complaint(pairs: list[Pair]) -> None:
    report = check_conformance(pairs, CONTEXT)
    expected = [f for c, h in pairs for f in check_complaint(c, h, CONTEXT)]
    assert list(report.findings) == expected
    assert report.complaints_checked == len(pairs)


@settings(max_examples=25)
@given(st.lists(complaints(max_events=10), max_size=6))
def test_counts_and_results_agree_with_the_findings(pairs: list[Pair]) -> None:
    report = check_conformance(pairs, CONTEXT)
    assert sum(report.counts.values()) == len(report.findings)
    assert sum(r.findings for r in report.results) == len(report.findings)
    for result in report.results:
        failing = [
            f
            for f in report.findings
            if f.principle is result.principle and f.severity >= report.fail_at
        ]
        assert (result.status is PrincipleStatus.FAIL) == bool(failing)
    grouped = [
        f for by_clause in report.grouped().values() for fs in by_clause.values() for f in fs
    ]
    assert sorted(map(str, grouped)) == sorted(map(str, report.findings))


def test_conforming_complaints_and_profile_pass_every_checked_principle() -> None:
    records = [pair(conforming_history(f"C-{n}", START + timedelta(hours=n))) for n in range(3)]
    report = check_conformance(
        records, CheckContext(at=START + timedelta(days=1)), profile=conforming_profile(START)
    )
    assert report.findings == ()
    assert report.passed
    statuses = {r.principle: r.status for r in report.results}
    assert statuses[Principle.OBJECTIVITY] is PrincipleStatus.PASS
    # The SLA principles have no checks yet: reported as such, not as passing.
    assert statuses[Principle.TIMELINESS] is PrincipleStatus.NOT_CHECKED
    assert statuses[Principle.RESPONSIVENESS] is PrincipleStatus.NOT_CHECKED


def test_process_principles_are_not_checked_without_a_profile() -> None:
    report = check_conformance([pair(conforming_history())], CONTEXT)
    assert report.result(Principle.COMPETENCE).status is PrincipleStatus.NOT_CHECKED
    assert report.result(Principle.OBJECTIVITY).status is PrincipleStatus.PASS


def test_fail_at_decides_which_findings_fail_a_principle() -> None:
    events = history_to("closed")  # no root cause (major), no survey after 60 days (minor)
    strict = check_conformance([pair(events)], CONTEXT)
    assert strict.result(Principle.CUSTOMER_FOCUSED_APPROACH).status is PrincipleStatus.FAIL
    lenient = check_conformance([pair(events)], CONTEXT, fail_at=FindingSeverity.MAJOR)
    assert lenient.result(Principle.CUSTOMER_FOCUSED_APPROACH).status is PrincipleStatus.PASS
    assert lenient.result(Principle.IMPROVEMENT).status is PrincipleStatus.FAIL
    assert [f.check for f in lenient.failures] == ["improvement.root_cause_before_closure"]


def test_findings_are_grouped_by_principle_then_clause_in_the_standards_order() -> None:
    report = check_conformance(
        [pair(history_to("closed"))],
        CONTEXT,
        profile=conforming_profile(START).__class__(organization="Bare"),
    )
    improvement = report.grouped()[Principle.IMPROVEMENT]
    assert list(improvement) == ["8.2", "8.5", "8.7"]


def test_the_json_has_the_summary_and_every_finding_by_clause() -> None:
    report = check_conformance([pair(history_to("closed"))], CONTEXT)
    data = json.loads(report.to_json())
    assert data["passed"] is False
    assert data["counts"] == {"info": 0, "minor": 1, "major": 1, "critical": 0}
    improvement = next(p for p in data["principles"] if p["principle"] == "improvement")
    assert improvement["status"] == "fail"
    assert improvement["confirmation"] == "unconfirmed"
    (clause,) = improvement["clauses"]
    (finding,) = clause["findings"]
    assert clause["clause"] == "8.2"
    assert (
        from_data(finding, Finding) == report.findings[0]
        or from_data(finding, Finding) in report.findings
    )


def test_the_text_lists_every_principle_with_its_unconfirmed_mark() -> None:
    report = check_conformance([pair(history_to("closed"))], CONTEXT)
    text = str(report)
    assert text.splitlines()[0] == "ISO 10002 conformance at 06 Mar 2026 09:00 UTC: FAILED"
    assert "  FAIL        4.13 UNCONFIRMED   Improvement" in text
    assert "  pass        4.2                Commitment" not in text  # not checked: no profile
    assert "  not checked 4.2                Commitment" in text
    assert "Improvement: 8.2 Analysis and evaluation of complaints (UNCONFIRMED)" in text


def test_the_text_shows_a_limited_number_of_findings_per_clause() -> None:
    records = [pair(history_to("closed", complaint_id=f"C-{n}")) for n in range(5)]
    text = check_conformance(records, CONTEXT).to_text(limit=2)
    assert "  … and 3 more" in text


def test_a_run_needs_a_check_context() -> None:
    with pytest.raises(ConfigurationError, match="expected a CheckContext"):
        check_conformance([], LATER)  # type: ignore[arg-type]


def test_a_complaint_handled_through_the_desk_conforms(
    complaints_desk: ComplaintsDesk, manual_clock: ManualClock
) -> None:
    desk, hour = complaints_desk, timedelta(hours=1)
    c = desk.receive(
        actor="agent:ana",
        channel=Channel.PHONE,
        complainant=Complainant(name="Jo Bloggs", contact=ContactDetails(phone="07700 900123")),
        description="The engineer never came.",
        classification=Classification(product="broadband", category="service"),
        remedy_requested=RemedyRequest(kinds=(RemedyKind.COMPENSATION,)),
        persons_complained_about=("engineer:zed",),
    )
    steps = [
        lambda: desk.assess(
            c.id,
            actor="agent:ana",
            severity=Severity.MEDIUM,
            complexity=Complexity.SIMPLE,
            impact=Impact.MEDIUM,
            acknowledge_by=ContactMethod.PHONE,
        ),
        lambda: desk.start_investigation(c.id, actor="agent:bo"),
        lambda: desk.decide(
            c.id, actor="agent:bo", outcome=Outcome.NOT_UPHELD, reasons="The visit was kept."
        ),
        lambda: desk.communicate_decision(
            c.id, actor="agent:bo", method=ContactMethod.PHONE, recourse_explained=True
        ),
        lambda: desk.record_root_cause(
            c.id, actor="agent:bo", root_cause=RootCause("communication", "visit slot unclear")
        ),
        lambda: desk.close(c.id, actor="agent:bo"),
        lambda: desk.offer_survey(c.id, actor="system", method=ContactMethod.SMS),
    ]
    for step in steps:
        manual_clock.advance(hour)
        step()
    manual_clock.advance(timedelta(days=30))
    report = assert_conforms(desk)
    assert report.complaints_checked == 1
    assert report.result(Principle.TRANSPARENCY).status is PrincipleStatus.PASS
