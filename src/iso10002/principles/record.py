"""Checks on the record itself: what receipt captured (7.2), whether the history is complete
and intact (4.9 information integrity), and who is accountable for each event (4.12).

Examples:
    >>> from iso10002.replay import replay
    >>> from iso10002.principles.context import CheckContext
    >>> from iso10002.testing.builders import history_to, received
    >>> from iso10002.model import Complainant
    >>> history = (received(complainant=Complainant(name="Jo Bloggs")),)
    >>> context = CheckContext(at=history[0].at)
    >>> [f.message for f in receipt_fields(replay(history), history, context)]  # doctest: +ELLIPSIS
    ['no e-mail address, telephone number or postal address is recorded for the complainant...']
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from iso10002.errors import TransitionNotAllowed, ValidationError
from iso10002.events import Acknowledged, Event, Received
from iso10002.model import Complainant, Complaint, ComplaintState, ContactDetails
from iso10002.principles.checks import complaint_check
from iso10002.principles.clauses import Principle
from iso10002.principles.context import ActorProblem, CheckContext, ReceiptField
from iso10002.principles.findings import EventRef, Finding, FindingSeverity, refs
from iso10002.replay import replay

__all__ = ["accountable_actors", "named_owner", "receipt_fields", "record_complete"]

_MAJOR = FindingSeverity.MAJOR
_MINOR = FindingSeverity.MINOR
_CRITICAL = FindingSeverity.CRITICAL


def _reachable(person: Complainant) -> bool:
    """Some way to reach the complainant, directly or through their representative."""

    def any_of(contact: ContactDetails) -> bool:
        return bool(contact.email or contact.phone or contact.postal_address)

    representative = person.representative
    return any_of(person.contact) or (representative is not None and any_of(representative.contact))


@complaint_check(
    "receipt.required_fields",
    principle=Principle.INFORMATION_INTEGRITY,
    clause="7.2",
    checks=(
        "The record holds what receipt must capture: by default a way to reach the "
        "complainant and the remedy they seek; the context's receipt_fields can also require "
        "an identified complainant, a category, an issue and the response due date."
    ),
)
def receipt_fields(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 7.2: the record of receipt is complete enough to handle the complaint.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> receipt_fields(complaint, events, CheckContext(at=complaint.last_event_at))
        ()
    """
    required = context.receipt_fields
    missing: list[tuple[FindingSeverity, str]] = []
    person = complaint.complainant
    # After erasure (4.10) the complainant is gone on purpose: that is not a gap.
    if complaint.redacted_at is None:
        if person is None and ReceiptField.COMPLAINANT in required:
            missing.append((_MAJOR, "the complaint is anonymous: there is nobody to answer"))
        if person is not None and ReceiptField.CONTACT in required and not _reachable(person):
            missing.append(
                (
                    _MAJOR,
                    "no e-mail address, telephone number or postal address is recorded for "
                    "the complainant or a representative, so the complaint can be neither "
                    "acknowledged (7.4) nor answered (7.8)",
                )
            )
    remedy = complaint.remedy_requested
    if ReceiptField.REMEDY in required and not remedy.kinds and not remedy.details.strip():
        missing.append((_MINOR, "the remedy the complainant seeks is not recorded (7.2 b)"))
    classification = complaint.classification
    if ReceiptField.CATEGORY in required and classification.category is None:
        missing.append((_MINOR, "the complaint has no category (7.2 c)"))
    if ReceiptField.ISSUE in required and classification.issue is None:
        missing.append((_MINOR, "the issue complained about is not recorded (7.2 c)"))
    check_due = ReceiptField.RESPONSE_DUE in required and complaint.acknowledged_at is not None
    if not missing and not check_due:
        return ()
    findings = [
        receipt_fields.finding(severity, message, complaint.id, refs(history, 0) if history else ())
        for severity, message in missing
    ]
    if check_due:
        acknowledgements = [(i, e) for i, e in enumerate(history) if isinstance(e, Acknowledged)]
        if all(e.response_due is None for _, e in acknowledgements):
            findings.append(
                receipt_fields.finding(
                    _MINOR,
                    "the acknowledgement does not say when the response is due "
                    "(7.2 d; DISP 1.6.1R(1)(b))",
                    complaint.id,
                    refs(history, *(i for i, _ in acknowledgements)),
                )
            )
    return tuple(findings)


def _differences(rebuilt: Complaint, stored: Complaint) -> str:
    names = [
        field.name
        for field in attrs.fields(Complaint)
        if getattr(rebuilt, field.name) != getattr(stored, field.name)
    ]
    return ", ".join(names)


def _problem_refs(history: Sequence[Event], versions: Sequence[int | None]) -> tuple[EventRef, ...]:
    inside = sorted({v for v in versions if v is not None and 1 <= v <= len(history)})
    return refs(history, *(v - 1 for v in inside))


@complaint_check(
    "integrity.record_complete",
    principle=Principle.INFORMATION_INTEGRITY,
    checks=(
        "The history is complete and is this complaint's: it starts with the receipt, holds "
        "as many events as the snapshot's version and folds into the snapshot; the store's "
        "integrity report, when the context has one, finds nothing wrong with its chain."
    ),
)
def record_complete(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 4.9: the record is complete, matches its history, and its chain verifies.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> record_complete(complaint, events, CheckContext(at=complaint.last_event_at))
        ()
    """
    findings: list[Finding] = []
    problems = context.integrity_problems(complaint.id)
    if problems:
        listed = "; ".join(f"{p.kind} at {p.version or 'record'}: {p.detail}" for p in problems)
        findings.append(
            record_complete.finding(
                _CRITICAL,
                f"the stored record fails verification ({listed})",
                complaint.id,
                _problem_refs(history, [p.version for p in problems]),
            )
        )
    count = len(history)
    first = history[0] if history else None
    if not isinstance(first, Received) or first.complaint_id != complaint.id:
        findings.append(
            record_complete.finding(
                _CRITICAL,
                "the history does not begin with this complaint's receipt",
                complaint.id,
                refs(history, 0) if history else (),
            )
        )
    elif count != complaint.version:
        findings.append(
            record_complete.finding(
                _CRITICAL,
                f"the history holds {count} events but the snapshot was folded from "
                f"{complaint.version}: events are missing or extra",
                complaint.id,
                refs(history, count - 1),
            )
        )
    elif context.integrity is None and context.verify_replay:
        # No store report to rely on: fold the history again, with the lifecycle's guards.
        try:
            rebuilt = replay(history, rules=context.lifecycle_rules)
        except (TransitionNotAllowed, ValidationError) as refused:
            findings.append(
                record_complete.finding(
                    _CRITICAL, f"the history does not replay: {refused}", complaint.id
                )
            )
        else:
            if rebuilt != complaint:
                findings.append(
                    record_complete.finding(
                        _CRITICAL,
                        "the snapshot differs from the fold of its history in: "
                        + _differences(rebuilt, complaint),
                        complaint.id,
                    )
                )
    elif history[-1].at != complaint.last_event_at:
        findings.append(
            record_complete.finding(
                _CRITICAL,
                "the latest event is not the one the snapshot was last changed by",
                complaint.id,
                refs(history, count - 1),
            )
        )
    return tuple(findings)


@complaint_check(
    "accountability.accountable_actors",
    principle=Principle.ACCOUNTABILITY,
    checks=(
        "Every event names an identifiable actor: not a placeholder such as 'unknown' or "
        "'n/a' and, when the context lists known actors, one of them."
    ),
)
def accountable_actors(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 4.12: someone identifiable is accountable for every event.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> accountable_actors(complaint, events, CheckContext(at=complaint.last_event_at))
        ()
    """
    # Each distinct actor is judged once per run (the context remembers), not per event.
    verdict = context.actor_problem
    wrong = {actor: problem for actor in {e.actor for e in history} if (problem := verdict(actor))}
    if not wrong:
        return ()
    placeholders = {a for a, p in wrong.items() if p is ActorProblem.PLACEHOLDER}
    strangers = {a for a, p in wrong.items() if p is ActorProblem.UNKNOWN}
    findings = []
    for severity, names, why in (
        (_MAJOR, placeholders, "which identifies nobody"),
        (_MINOR, strangers, "who is not among the known actors"),
    ):
        if not names:
            continue
        indexes = [i for i, e in enumerate(history) if e.actor in names]
        listed = ", ".join(repr(n) for n in sorted(names))
        events = "1 event names" if len(indexes) == 1 else f"{len(indexes)} events name"
        findings.append(
            accountable_actors.finding(
                severity,
                f"{events} {listed} as its actor, {why}",
                complaint.id,
                refs(history, *indexes),
            )
        )
    return tuple(findings)


_NEEDS_OWNER = frozenset(
    {
        ComplaintState.ASSESSED,
        ComplaintState.INVESTIGATING,
        ComplaintState.RESPONDED,
        ComplaintState.ESCALATED,
        ComplaintState.REFERRED,
    }
)


@complaint_check(
    "accountability.named_owner",
    principle=Principle.ACCOUNTABILITY,
    checks=(
        "An open complaint that has been assessed has a named owner: an assignee or an "
        "investigator."
    ),
)
def named_owner(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 4.12: every complaint being handled has someone who owns it.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> named_owner(complaint, events, CheckContext(at=complaint.last_event_at))
        ()
    """
    if (
        complaint.state not in _NEEDS_OWNER
        or complaint.assignee is not None
        or complaint.investigator is not None
    ):
        return ()
    return (
        named_owner.finding(
            _MINOR,
            f"the complaint is {complaint.state.value} but nobody is named as its owner "
            "(assign it, or start the investigation)",
            complaint.id,
            refs(history, len(history) - 1) if history else (),
        ),
    )
