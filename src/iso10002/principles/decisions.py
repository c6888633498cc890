"""Checks on the decision and how it reached the complainant (ISO 10002 7.8, 7.9).

Examples:
    >>> from iso10002.principles.context import CheckContext
    >>> from iso10002.replay import replay
    >>> from iso10002.testing.builders import event_for, history_to
    >>> from iso10002.model import Outcome
    >>> events = list(history_to("investigating"))
    >>> events.append(event_for(replay(events), "decide", outcome=Outcome.NOT_UPHELD))
    >>> events.append(event_for(replay(events), "communicate_decision", recourse_explained=False))
    >>> complaint = replay(events)
    >>> [f.message for f in recourse_explained(
    ...     complaint, events, CheckContext(at=complaint.last_event_at))]  # doctest: +ELLIPSIS
    ['the decision of 05 Jan 2026 (not upheld) was communicated without telling the ...']
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from iso10002.events import Closed, DecisionCommunicated, DecisionMade, Event
from iso10002.model import Complaint, Decision, Outcome
from iso10002.principles._words import day
from iso10002.principles.checks import complaint_check
from iso10002.principles.clauses import Principle
from iso10002.principles.context import CheckContext
from iso10002.principles.findings import Finding, FindingSeverity, refs

__all__ = ["communicated_with_reasons", "recourse_explained"]


def _index_of(history: Sequence[Event], kind: type[Event], at: datetime | None) -> list[int]:
    return [i for i, e in enumerate(history) if isinstance(e, kind) and e.at == at]


def _label(decision: Decision) -> str:
    outcome = decision.outcome.value.replace("_", " ")
    return f"the decision of {day(decision.decided_at)} ({outcome})"


@complaint_check(
    "decision.communicated_with_reasons",
    principle=Principle.TRANSPARENCY,
    clause="7.8",
    checks=(
        "Every decision states its reasons, and a complaint closed other than by external "
        "referral had its decision communicated to the complainant first."
    ),
)
def communicated_with_reasons(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 7.8: the complainant hears the decision and the reasons for it."""
    decisions = complaint.decisions
    ever_closed = complaint.closed_at is not None or bool(complaint.reopenings)
    # A complaint referred outside (ISO 10003) may close on the external body's outcome.
    must_be_told = ever_closed and complaint.referred_at is None
    if not decisions and not must_be_told:
        return ()
    findings = [
        communicated_with_reasons.finding(
            FindingSeverity.MAJOR,
            f"{_label(decision)} gives no reasons",
            complaint.id,
            refs(history, *_index_of(history, DecisionMade, decision.decided_at)),
        )
        for decision in decisions
        if not decision.reasons.strip()
    ]
    latest = decisions[-1] if decisions else None
    if must_be_told and (latest is None or latest.communicated_at is None):
        what = "no decision" if latest is None else f"{_label(latest)}, never communicated"
        closures = [i for i, e in enumerate(history) if isinstance(e, Closed)]
        findings.append(
            communicated_with_reasons.finding(
                FindingSeverity.MAJOR,
                f"the complaint was closed with {what}",
                complaint.id,
                refs(history, *closures),
            )
        )
    return tuple(findings)


@complaint_check(
    "decision.recourse_explained",
    principle=Principle.TRANSPARENCY,
    clause="7.9",
    checks=(
        "A communicated decision that does not fully uphold the complaint, or that the "
        "complainant rejected, told them how to take it further, internally and externally "
        "(every decision, when the context asks for it as DISP 1.6.2R does)."
    ),
)
def recourse_explained(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 7.9: a complainant who may be dissatisfied learns where to go next."""
    every = context.recourse_in_every_response
    findings = []
    for decision in complaint.decisions:
        if decision.communicated_at is None or decision.recourse_explained:
            continue
        if not every and decision.outcome is Outcome.UPHELD and decision.rejected_at is None:
            continue
        findings.append(
            recourse_explained.finding(
                FindingSeverity.MAJOR,
                f"{_label(decision)} was communicated without telling the complainant of "
                "their internal and external recourse",
                complaint.id,
                refs(history, *_index_of(history, DecisionCommunicated, decision.communicated_at)),
            )
        )
    return tuple(findings)
