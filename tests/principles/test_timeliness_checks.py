"""Checks against the SLA policy: acknowledgement (7.4), response deadlines (timeliness) and
updates at the policy's interval (7.3), and what happens without a policy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from iso10002.events import Event
from iso10002.principles import (
    CheckContext,
    Finding,
    FindingSeverity,
    Principle,
    PrincipleStatus,
    check_conformance,
)
from iso10002.principles.timeliness import (
    acknowledged_in_time,
    kept_informed,
    response_deadlines_met,
)
from iso10002.replay import replay
from iso10002.sla import SlaPolicy, presets
from iso10002.testing.builders import START, conforming_history, history_to

Run = Callable[..., tuple[Finding, ...]]
Then = Callable[..., tuple[Event, ...]]
FCA = presets.get("fca.disp.standard")
CPC = presets.get("ie.cbi.cpc")
# Received Mon 5 Jan 2026 09:00 UTC (London); FCA: acknowledge by close of business on the
# 3rd business day after the day of receipt (Thu 8 Jan 17:00), final response in 8 weeks.
THURSDAY_CLOSE = datetime.fromisoformat("2026-01-08T17:00:00+00:00")


def test_an_acknowledgement_in_time_passes(run: Run) -> None:
    assert run(acknowledged_in_time, history_to("acknowledged"), policy=FCA) == ()


def test_a_late_acknowledgement_is_major_and_explained(run: Run, then: Then) -> None:
    events = then(history_to("received"), "acknowledge", at=THURSDAY_CLOSE + timedelta(hours=16))
    (finding,) = run(acknowledged_in_time, events, policy=FCA)
    assert finding.severity is FindingSeverity.MAJOR
    assert (finding.principle, finding.clause) == (Principle.RESPONSIVENESS, "7.4")
    assert "due Thu 8 Jan 2026 17:00 Europe/London" in finding.message
    assert "met late" in finding.message
    assert [ref.event_type for ref in finding.evidence] == ["received", "acknowledged"]


def test_an_acknowledgement_still_awaited_after_its_due_date_is_missed(run: Run) -> None:
    (finding,) = run(
        acknowledged_in_time,
        history_to("received"),
        at=THURSDAY_CLOSE + timedelta(minutes=1),
        policy=FCA,
    )
    assert finding.severity is FindingSeverity.MAJOR
    assert [ref.event_type for ref in finding.evidence] == ["received"]


def test_an_acknowledgement_nearly_due_is_reported_as_information(run: Run) -> None:
    (finding,) = run(
        acknowledged_in_time,
        history_to("received"),
        at=THURSDAY_CLOSE - timedelta(hours=1),
        policy=FCA,
    )
    assert finding.severity is FindingSeverity.INFO  # at risk: never fails the principle
    assert finding.message.startswith("acknowledge target at risk")


def test_a_final_response_after_eight_weeks_breaches_timeliness(run: Run) -> None:  # DISP 1.6.2R
    events = history_to("investigating")
    (finding,) = run(
        response_deadlines_met, events, at=START + timedelta(weeks=8, hours=1), policy=FCA
    )
    assert (finding.principle, finding.severity) == (Principle.TIMELINESS, FindingSeverity.MAJOR)
    assert "8 weeks after receipt" in finding.message


def test_a_final_response_in_time_passes(run: Run) -> None:
    events = history_to("closed")
    assert run(response_deadlines_met, events, at=START + timedelta(weeks=20), policy=FCA) == ()


def test_updates_at_the_policys_interval_pass(run: Run, then: Then) -> None:  # CPC: 20 BD
    events = history_to("investigating")
    for week in (3, 6):
        events = then(events, "record_progress", at=START + timedelta(weeks=week))
    assert run(kept_informed, events, at=START + timedelta(weeks=7), policy=CPC) == ()


def test_a_silence_longer_than_the_interval_is_minor(run: Run, then: Then) -> None:
    events = then(history_to("investigating"), "record_progress", at=START + timedelta(weeks=1))
    (finding,) = run(kept_informed, events, at=START + timedelta(weeks=7), policy=CPC)
    assert (finding.principle, finding.clause) == (Principle.TRANSPARENCY, "7.3")
    assert finding.severity is FindingSeverity.MINOR
    assert [ref.event_type for ref in finding.evidence] == ["received", "progress_update"]


def test_a_policy_without_an_update_interval_asks_for_none(run: Run) -> None:
    assert (
        run(kept_informed, history_to("investigating"), at=START + timedelta(weeks=7), policy=FCA)
        == ()
    )


def test_without_an_sla_policy_the_checks_do_not_run_and_say_so(run: Run) -> None:
    events = history_to("received")
    late = START + timedelta(days=30)
    complaint = replay(events)
    report = check_conformance([(complaint, events)], CheckContext(at=late))
    names = {spec.name for spec in report.checks}
    assert "responsiveness.acknowledged_in_time" not in names
    status = {r.principle: r.status for r in report.results}
    assert status[Principle.TIMELINESS] is PrincipleStatus.NOT_CHECKED  # never passed by default
    assert status[Principle.RESPONSIVENESS] is PrincipleStatus.NOT_CHECKED


def test_with_an_sla_policy_the_report_judges_the_principles(run: Run) -> None:
    events = history_to("received")
    complaint = replay(events)
    late = START + timedelta(weeks=9)
    report = check_conformance([(complaint, events)], CheckContext(at=late, policy=FCA))
    status = {r.principle: r.status for r in report.results}
    assert status[Principle.RESPONSIVENESS] is PrincipleStatus.FAIL
    assert status[Principle.TIMELINESS] is PrincipleStatus.FAIL
    fine = conforming_history()
    good = check_conformance([(replay(fine), fine)], CheckContext(at=fine[-1].at, policy=FCA))
    assert {r.principle: r.status for r in good.results}[
        Principle.TIMELINESS
    ] is PrincipleStatus.PASS


class CountingPolicy(SlaPolicy):
    calls: list[int] = []  # noqa: RUF012 - a test probe shared by the instances

    def evaluate(self, *args: Any, **kwargs: Any) -> Any:
        CountingPolicy.calls.append(1)
        return super().evaluate(*args, **kwargs)


def test_the_three_checks_share_one_evaluation_per_complaint() -> None:
    policy = CountingPolicy(
        FCA.name, FCA.calendar, FCA.targets, lifecycle_rules=FCA.lifecycle_rules
    )
    records = [(replay(h), h) for h in (history_to("closed", f"C-{n}") for n in range(5))]
    CountingPolicy.calls.clear()
    check_conformance(records, CheckContext(at=START + timedelta(weeks=2), policy=policy))
    assert len(CountingPolicy.calls) == len(records)
