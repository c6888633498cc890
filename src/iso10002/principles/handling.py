"""Checks on how a complaint was handled: objectivity (4.7) and charges (4.8).

The lifecycle already refuses an investigator, owner, decision maker or approver who is
named in the complaint when the desk records the event; these checks also cover every other
step (acknowledging, closing, communicating…), histories imported without the desk, and the
four-eyes rule on redress, whose limit is the host's.

Examples:
    >>> from iso10002.principles.context import CheckContext
    >>> from iso10002.replay import replay
    >>> from iso10002.testing.builders import event_for, history_to
    >>> events = list(history_to("responded"))  # agent:zed is complained about
    >>> events.append(event_for(replay(events), "accept", actor="agent:zed"))
    >>> complaint = replay(events)
    >>> context = CheckContext(at=complaint.last_event_at)
    >>> [f.message for f in handler_not_complained_about(complaint, events, context)]
    ['agent:zed is named in the complaint but took part in handling it (response accepted)']
"""

from __future__ import annotations

from collections.abc import Sequence

from iso10002.events import (
    Assigned,
    ChargeRecorded,
    DecisionMade,
    Event,
    InvestigationStarted,
    NoteAdded,
)
from iso10002.model import Complaint
from iso10002.principles._words import money
from iso10002.principles.checks import complaint_check
from iso10002.principles.clauses import Principle
from iso10002.principles.context import CheckContext
from iso10002.principles.findings import Finding, FindingSeverity, refs

__all__ = ["four_eyes_redress", "free_of_charge", "handler_not_complained_about"]


# Events that appoint someone to a role in the handling, and the field naming them.
_APPOINTEE: dict[type[Event], str] = {
    Assigned: "assignee",
    InvestigationStarted: "investigator",
    DecisionMade: "approved_by",
}


@complaint_check(
    "objectivity.handler_not_complained_about",
    principle=Principle.OBJECTIVITY,
    checks=(
        "No one the complaint is about handled it: after receipt, no event other than a "
        "note is by a person named in the complaint, and none names such a person as owner, "
        "investigator or approver."
    ),
)
def handler_not_complained_about(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 4.7: people complained about take no part in handling the complaint.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> context = CheckContext(at=complaint.last_event_at)
        >>> handler_not_complained_about(complaint, events, context)
        ()
    """
    named = complaint.persons_complained_about
    if not named:
        return ()
    involved: dict[str, list[int]] = {}
    for index in range(1, len(history)):
        event = history[index]
        kind = type(event)
        # A person complained about may give their account in a note: evidence, not handling.
        if event.actor in named and kind is not NoteAdded:
            involved.setdefault(event.actor, []).append(index)
        role = _APPOINTEE.get(kind)
        if role is not None:
            appointed = getattr(event, role)
            if appointed in named:
                involved.setdefault(appointed, []).append(index)
    if not involved:
        return ()
    findings = []
    for person, indexes in involved.items():
        steps = ", ".join(dict.fromkeys(history[i].event_type.replace("_", " ") for i in indexes))
        findings.append(
            handler_not_complained_about.finding(
                FindingSeverity.MAJOR,
                f"{person} is named in the complaint but took part in handling it ({steps})",
                complaint.id,
                refs(history, *sorted(set(indexes))),
            )
        )
    return tuple(findings)


@complaint_check(
    "objectivity.four_eyes_redress",
    principle=Principle.OBJECTIVITY,
    checks=(
        "A decision whose redress is above the context's four-eyes limit for its currency "
        "was approved by a second person, not the one who made it."
    ),
)
def four_eyes_redress(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 4.7: large redress is decided by one person and approved by another.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> four_eyes_redress(complaint, events, CheckContext(at=complaint.last_event_at))
        ()
    """
    if not context.four_eyes_above or not complaint.decisions:
        return ()
    findings = []
    for decision in complaint.decisions:
        redress = decision.redress
        if redress is None:
            continue
        limit = context.four_eyes_limit(redress.amount.currency)
        if limit is None or redress.amount.amount <= limit:
            continue
        if decision.approved_by is not None and decision.approved_by != decision.decided_by:
            continue
        made = [
            i
            for i, e in enumerate(history)
            if isinstance(e, DecisionMade) and e.at == decision.decided_at
        ]
        why = (
            "no second person approved it"
            if decision.approved_by is None
            else f"it was approved by {decision.approved_by}, who made it"
        )
        findings.append(
            four_eyes_redress.finding(
                FindingSeverity.MAJOR,
                f"redress of {money(redress.amount.amount, redress.amount.currency)} is above "
                f"the four-eyes limit of {money(limit, redress.amount.currency)} but {why}",
                complaint.id,
                refs(history, *made),
            )
        )
    return tuple(findings)


@complaint_check(
    "charges.free_of_charge",
    principle=Principle.CHARGES,
    checks=(
        "The complainant was not charged in connection with the complaint: the history "
        "holds no ChargeRecorded event (DISP 1.3.1AR in the UK)."
    ),
)
def free_of_charge(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 4.8: handling a complaint costs the complainant nothing.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> free_of_charge(complaint, events, CheckContext(at=complaint.last_event_at))
        ()
    """
    if not complaint.charges:
        return ()
    charged = [(i, e) for i, e in enumerate(history) if isinstance(e, ChargeRecorded)]
    listed = "; ".join(
        f"{money(e.amount.amount, e.amount.currency)} for {e.reason}" for _, e in charged
    )
    return (
        free_of_charge.finding(
            FindingSeverity.MAJOR,
            f"the complainant was charged ({listed}); handling a complaint should be free of "
            "charge to the complainant",
            complaint.id,
            refs(history, *(i for i, _ in charged)),
        ),
    )
