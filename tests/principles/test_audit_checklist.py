"""The audit checklist (8.5), generated from the same checks the reports run."""

from __future__ import annotations

from datetime import timedelta

from iso10002.principles import (
    BUILTIN_CHECKS,
    CheckContext,
    Confirmation,
    ItemResult,
    Principle,
    Registry,
    audit_checklist,
    check_conformance,
)
from iso10002.replay import replay
from iso10002.testing.builders import START, history_to


def test_every_registered_check_is_a_checklist_line_with_its_clause() -> None:
    checklist = audit_checklist()
    assert sorted(i.check for i in checklist.items) == sorted(c.name for c in BUILTIN_CHECKS)
    for check in BUILTIN_CHECKS:
        line = checklist.item(check.name)
        assert (line.clause, line.checks, line.principle) == (
            check.clause,
            check.checks,
            check.principle,
        )


def test_lines_follow_the_standards_clause_order() -> None:
    clauses = [i.clause for i in audit_checklist().items]
    assert (
        clauses.index("4.9") < clauses.index("4.10") < clauses.index("7.2") < clauses.index("8.7")
    )


def test_unconfirmed_clauses_are_marked_and_commitment_is_not() -> None:
    checklist = audit_checklist()
    assert checklist.item("objectivity.four_eyes_redress").clause_label == "4.7 (UNCONFIRMED)"
    assert checklist.item("receipt.required_fields").confirmation is Confirmation.UNCONFIRMED
    markdown = checklist.to_markdown()
    assert (
        "| 4.7 (UNCONFIRMED) | Objectivity | Objectivity | `objectivity.four_eyes_redress` |"
        in markdown
    )


def test_a_hosts_own_clause_reference_is_listed_as_given() -> None:
    registry = Registry()
    registry.complaint_check(
        "acme.fos_leaflet",
        principle=Principle.TRANSPARENCY,
        clause="DISP 1.6.2R",
        checks="The final response enclosed the ombudsman's leaflet.",
    )(lambda complaint, history, context: ())
    (line,) = audit_checklist(registry).items
    assert (line.clause_label, line.heading, line.confirmation) == ("DISP 1.6.2R", None, None)


def test_a_checklist_from_a_report_says_how_each_line_came_out() -> None:
    events = history_to("closed")
    report = check_conformance(
        [(replay(events), events)], CheckContext(at=START + timedelta(days=60))
    )
    checklist = report.checklist()
    assert checklist.item("improvement.root_cause_before_closure").result is ItemResult.FAIL
    assert checklist.item("improvement.root_cause_before_closure").findings == 1
    assert checklist.item("objectivity.handler_not_complained_about").result is ItemResult.PASS
    assert checklist.item("auditing.audit_schedule").result is ItemResult.NOT_RUN  # no profile
    assert "| fail (1) |" in checklist.to_markdown()
    assert str(checklist).splitlines()[0].startswith("[")


def test_a_checklist_without_a_report_is_a_blank_form() -> None:
    checklist = audit_checklist()
    assert not checklist.has_results
    assert all(line.startswith("[ ] ") for line in str(checklist).splitlines())
    assert "Result" not in checklist.to_markdown().splitlines()[0]
