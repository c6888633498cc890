"""Checks on personal data (ISO 10002 4.10 confidentiality).

Personal data lives in the fields declared with :func:`iso10002.model.personal`; stores keep
those apart from the hash chain so that erasure can reach them. Two things undo that design
and are checked here: erased data that is still readable, and personal data written into
ordinary text fields (a progress message that quotes the complainant's e-mail address),
which are sealed into the chain and can never be erased.

Examples:
    >>> from iso10002.principles.context import CheckContext
    >>> from iso10002.replay import replay
    >>> from iso10002.testing.builders import event_for, history_to
    >>> events = list(history_to("acknowledged"))
    >>> events.append(event_for(replay(events), "record_progress",
    ...                         message="Wrote to jo@example.org about the refund."))
    >>> complaint = replay(events)
    >>> [f.message for f in personal_data_minimised(
    ...     complaint, events, CheckContext(at=complaint.last_event_at))]  # doctest: +ELLIPSIS
    ["the complainant's e-mail address appears in the message of event 3, ..."]
"""

from __future__ import annotations

from collections.abc import Sequence
from types import UnionType
from typing import Any, Union, get_args, get_origin

import attrs

from iso10002.events import EVENT_TYPES, Event, Redacted
from iso10002.integrity import personal_paths
from iso10002.model import REDACTED, Complainant, Complaint, is_personal
from iso10002.principles._words import day
from iso10002.principles.checks import complaint_check
from iso10002.principles.clauses import Principle
from iso10002.principles.context import CheckContext
from iso10002.principles.findings import Finding, FindingSeverity, refs

__all__ = ["personal_data_minimised", "redaction_respected"]

_NOT_TEXT = frozenset({"actor", "complaint_id"})
_SHORTEST_NAME = 4  # shorter names match too much ordinary text to be evidence


def _is_text(kind: Any) -> bool:
    if kind is str:
        return True
    if get_origin(kind) in (Union, UnionType):
        return str in get_args(kind)
    return False


def _public_text_fields(cls: type[Event]) -> tuple[str, ...]:
    """The free-text fields of an event class that are sealed into the chain."""
    attrs.resolve_types(cls)
    return tuple(
        field.name
        for field in attrs.fields(cls)
        if _is_text(field.type) and not is_personal(field) and field.name not in _NOT_TEXT
    )


# Computed once per event class, at import: the scan per complaint is then lookups only.
_TEXT_FIELDS: dict[type[Event], tuple[str, ...]] = {
    cls: _public_text_fields(cls) for cls in EVENT_TYPES.values()
}


def _identifiers(person: Complainant) -> tuple[tuple[str, str], ...]:
    """``(what, needle)`` pairs that identify the complainant or their representative."""
    people = [("complainant's", person.name, person.contact)]
    if person.representative is not None:
        representative = person.representative
        people.append(("representative's", representative.name, representative.contact))
    found = []
    for whose, name, contact in people:
        if len(name.strip()) >= _SHORTEST_NAME:
            found.append((f"{whose} name", name.strip().casefold()))
        for what, value in (
            ("e-mail address", contact.email),
            ("telephone number", contact.phone),
            ("postal address", contact.postal_address),
        ):
            if value and value.strip():
                found.append((f"{whose} {what}", value.strip().casefold()))
    return tuple(found)


@complaint_check(
    "confidentiality.personal_data_minimised",
    principle=Principle.CONFIDENTIALITY,
    checks=(
        "Personal data is held only where needed: the complainant's (or representative's) "
        "name, e-mail, telephone or address is not copied into event text that erasure "
        "cannot reach; it is not kept "
        "after consent to processing was withdrawn, nor past the policy's retention date."
    ),
)
def personal_data_minimised(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 4.10: personal data only where it is needed, and only while it is needed.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> personal_data_minimised(complaint, events, CheckContext(at=complaint.last_event_at))
        ()
    """
    person = complaint.complainant
    if person is None:  # anonymous, or already erased
        return ()
    findings = []
    needles = _identifiers(person)
    if needles:
        leaks: dict[str, list[tuple[int, str]]] = {}
        for index, event in enumerate(history):
            for name in _TEXT_FIELDS[type(event)]:
                value = getattr(event, name)
                if not value:
                    continue
                folded = value.casefold()
                for what, needle in needles:
                    if needle in folded:
                        leaks.setdefault(what, []).append((index, name))
        for what, places in leaks.items():
            where = ", ".join(
                f"the {name.replace('_', ' ')} of event {i + 1}" for i, name in places
            )
            findings.append(
                personal_data_minimised.finding(
                    FindingSeverity.MAJOR,
                    f"the {what} appears in {where}, which is sealed into the "
                    "record and cannot be erased; keep personal data in the personal fields",
                    complaint.id,
                    refs(history, *dict.fromkeys(i for i, _ in places)),
                )
            )
    if not person.consent.data_processing:
        findings.append(
            personal_data_minimised.finding(
                FindingSeverity.MAJOR,
                "the complainant did not consent to the processing of their personal data, "
                "yet it is still held; erase it or record why it must be kept",
                complaint.id,
                refs(history, 0) if history else (),
            )
        )
    policy = context.policy
    if policy is not None and not complaint.is_open:
        until = policy.retain_until(complaint)
        if until is not None and context.at > until:
            findings.append(
                personal_data_minimised.finding(
                    FindingSeverity.MINOR,
                    f"the retention period ended on {day(until)} and the complainant's "
                    "personal data is still held; erase it unless there is a reason to keep it",
                    complaint.id,
                    refs(history, len(history) - 1) if history else (),
                )
            )
    return tuple(findings)


def _still_held(event: Event) -> list[str]:
    """Personal fields of ``event`` that do not read as erased."""
    held = []
    for path, erased in personal_paths(type(event)):
        value: Any = event
        for step in path:
            value = getattr(value, step, None)
            if value is None:
                break
        if value is not None and value != erased:
            held.append(".".join(path))
    return held


@complaint_check(
    "confidentiality.redaction_respected",
    principle=Principle.CONFIDENTIALITY,
    checks=(
        "Once the complainant's personal data was erased it stays erased: the snapshot holds "
        "no complainant or description, and no event before the erasure still carries "
        "personal data."
    ),
)
def redaction_respected(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 4.10: an erasure, once recorded, has really taken effect.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> complaint = replay(events)
        >>> redaction_respected(complaint, events, CheckContext(at=complaint.last_event_at))
        ()
    """
    if complaint.redacted_at is None:
        return ()
    erasures = [i for i, e in enumerate(history) if isinstance(e, Redacted)]
    last = erasures[-1] if erasures else len(history)
    held = {i: fields for i in range(last) if (fields := _still_held(history[i]))}
    in_snapshot = []
    if complaint.complainant is not None:
        in_snapshot.append("complainant")
    if complaint.description != REDACTED:
        in_snapshot.append("description")
    if not held and not in_snapshot:
        return ()
    parts = []
    if in_snapshot:
        parts.append(f"the snapshot still holds its {' and '.join(in_snapshot)}")
    if held:
        parts.append(
            "events before the erasure still hold "
            + "; ".join(f"{', '.join(fields)} (event {i + 1})" for i, fields in held.items())
        )
    return (
        redaction_respected.finding(
            FindingSeverity.CRITICAL,
            f"personal data was erased on {day(complaint.redacted_at)} but " + " and ".join(parts),
            complaint.id,
            refs(history, *sorted({*held, *erasures})),
        ),
    )
