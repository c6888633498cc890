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

from iso10002.events import DecisionCommunicated, DecisionMade, Event
from iso10002.model import Complainant, Complaint, ContactMethod, Decision, Outcome
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


_ADDRESS_FOR: dict[ContactMethod, tuple[str, ...]] = {
    ContactMethod.EMAIL: ("email",),
    ContactMethod.PHONE: ("phone",),
    ContactMethod.SMS: ("phone",),
    ContactMethod.LETTER: ("postal_address",),
}


def _reaches(person: Complainant, method: ContactMethod) -> bool:
    """Whether the record holds an address for ``method`` (the portal and in person need none)."""
    fields = _ADDRESS_FOR.get(method)
    if fields is None:
        return True
    contacts = [person.contact]
    if person.representative is not None:
        contacts.append(person.representative.contact)
    return any(getattr(contact, name) for contact in contacts for name in fields)


@complaint_check(
    "decision.communicated_with_reasons",
    principle=Principle.TRANSPARENCY,
    clause="7.8",
    checks=(
        "Every decision states its reasons, and each decision communicated was sent by a "
        "means the record holds an address for (an e-mail address for e-mail, a postal "
        "address for a letter…)."
    ),
)
def communicated_with_reasons(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 7.8: the complainant hears the decision and the reasons for it.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> communicated_with_reasons(complaint, events, CheckContext(at=complaint.last_event_at))
        ()
    """
    decisions = complaint.decisions
    if not decisions:
        return ()
    # The desk refuses a decision without reasons; an imported history may still hold one.
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
    person = complaint.complainant
    if person is not None:  # anonymous or erased: nothing to compare the means with
        for index, event in enumerate(history):
            if isinstance(event, DecisionCommunicated) and not _reaches(person, event.method):
                findings.append(
                    communicated_with_reasons.finding(
                        FindingSeverity.MINOR,
                        f"the decision was sent by {event.method.value.replace('_', ' ')}, but "
                        "the record holds no address for that, so it may not have reached "
                        "the complainant",
                        complaint.id,
                        refs(history, index),
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
    """ISO 10002 7.9: a complainant who may be dissatisfied learns where to go next.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> recourse_explained(complaint, events, CheckContext(at=complaint.last_event_at))
        ()
    """
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
