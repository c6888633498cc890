"""Pluggable checks: a host's check runs, is reported and is listed like the built-in ones."""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import pytest

from iso10002.errors import ConfigurationError
from iso10002.events import Assessed, Event
from iso10002.model import Complaint, Severity
from iso10002.principles import (
    BUILTIN_CHECKS,
    DEFAULT_REGISTRY,
    CheckContext,
    Finding,
    FindingSeverity,
    Principle,
    ProcessProfile,
    Registry,
    Scope,
    audit_checklist,
    check_conformance,
    complaint_check,
)
from iso10002.replay import replay
from iso10002.testing.builders import conforming_history, history_to


def urgent_flag(registry: Registry) -> None:
    @registry.complaint_check(
        "acme.high_severity_is_urgent",
        principle=Principle.RESPONSIVENESS,
        clause="7.5",
        checks="A complaint assessed as high or critical severity is marked urgent.",
    )
    def high_severity_is_urgent(
        complaint: Complaint, history: Sequence[Event], context: CheckContext
    ) -> tuple[Finding, ...]:
        if complaint.severity in (Severity.HIGH, Severity.CRITICAL) and not complaint.urgent:
            return (
                high_severity_is_urgent.finding(
                    FindingSeverity.MINOR, "serious but not marked urgent", complaint.id
                ),
            )
        return ()


def test_the_builtin_registry_holds_every_built_in_check_in_order() -> None:
    assert [c.name for c in Registry.builtin()] == [c.name for c in BUILTIN_CHECKS]
    assert [c.name for c in DEFAULT_REGISTRY] == [c.name for c in BUILTIN_CHECKS]


def test_check_names_are_unique_across_the_built_ins() -> None:
    names = [c.name for c in BUILTIN_CHECKS]
    assert len(names) == len(set(names))


def test_a_hosts_check_runs_and_is_reported_like_a_built_in_one() -> None:
    registry = Registry.builtin()
    urgent_flag(registry)
    events = conforming_history()
    serious = [
        attrs.evolve(e, severity=Severity.HIGH) if isinstance(e, Assessed) else e for e in events
    ]
    report = check_conformance(
        [(replay(serious), tuple(serious))], CheckContext(at=serious[-1].at), registry=registry
    )
    (finding,) = report.findings
    assert finding.check == "acme.high_severity_is_urgent"
    assert (finding.principle, finding.clause) == (Principle.RESPONSIVENESS, "7.5")
    assert report.result(Principle.RESPONSIVENESS).status.value == "fail"
    assert "acme.high_severity_is_urgent" in report.to_json()
    assert "serious but not marked urgent" in report.to_text()
    line = audit_checklist(registry).item("acme.high_severity_is_urgent")
    assert (line.clause, line.heading) == ("7.5", "Initial assessment of complaint")


def test_registering_in_a_copy_leaves_the_default_registry_alone() -> None:
    registry = DEFAULT_REGISTRY.copy()
    urgent_flag(registry)
    assert "acme.high_severity_is_urgent" in registry
    assert "acme.high_severity_is_urgent" not in DEFAULT_REGISTRY


def test_a_second_check_under_a_taken_name_is_refused_unless_replacing() -> None:
    registry = Registry.builtin()
    urgent_flag(registry)
    with pytest.raises(ConfigurationError, match="already registered"):
        urgent_flag(registry)
    replacement = complaint_check(
        "acme.high_severity_is_urgent", principle=Principle.RESPONSIVENESS, checks="Nothing."
    )(lambda complaint, history, context: ())
    registry.add(replacement, replace=True)
    assert registry.get("acme.high_severity_is_urgent").checks == "Nothing."


def test_built_in_checks_can_be_left_out() -> None:
    registry = Registry.builtin().without("improvement.root_cause_before_closure")
    events = history_to("closed")
    report = check_conformance(
        [(replay(events), events)], CheckContext(at=events[-1].at), registry=registry
    )
    assert report.findings == ()
    assert "improvement.root_cause_before_closure" not in {s.name for s in report.checks}


def test_process_checks_register_through_their_decorator() -> None:
    registry = Registry()

    @registry.process_check(
        "acme.named_organization",
        principle=Principle.COMMITMENT,
        clause="5.2",
        checks="The organization is named.",
    )
    def named(profile: ProcessProfile, context: CheckContext) -> tuple[Finding, ...]:
        return (named.finding(FindingSeverity.INFO, f"checked {profile.organization}"),)

    assert [c.scope for c in registry] == [Scope.PROCESS]
    assert registry.complaint_checks == ()
    report = check_conformance(
        [],
        CheckContext(at=history_to("received")[0].at),
        profile=ProcessProfile(organization="Acme"),
        registry=registry,
    )
    assert [f.message for f in report.findings] == ["checked Acme"]


def test_only_checks_can_be_registered() -> None:
    with pytest.raises(ConfigurationError, match="is not a check"):
        Registry().add(lambda complaint, history, context: ())  # type: ignore[arg-type]


def test_a_check_id_has_no_spaces() -> None:
    with pytest.raises(ConfigurationError, match="is not a check id"):
        complaint_check("my check", principle=Principle.CHARGES, checks="x")


def test_removing_an_unknown_check_says_so() -> None:
    with pytest.raises(ConfigurationError, match="no check named 'nope'"):
        Registry().remove("nope")
