"""Untrusted payloads (JSON bodies, form fields) turned into desk calls, strictly.

:func:`receive_complaint` and :func:`perform_action` take plain data as it came from the
client, structure it with the library's one strict converter
(:func:`iso10002.serialization.from_data`: unknown keys refused, no coercion, naive
datetimes refused, every bad field named at once) and make one desk call, so the JSON API,
the intake form and a host's own views all validate the same way. The actor is never read
from the payload: it is the signed-in person (ISO 10002 4.12).

Examples:
    >>> from iso10002 import ComplaintsDesk, InMemoryStore
    >>> desk = ComplaintsDesk(InMemoryStore())
    >>> c = receive_complaint(desk, {
    ...     "description": "Card blocked abroad.",
    ...     "classification": {"product": "debit card"},
    ... }, actor="agent:ana")
    >>> perform_action(desk, c.id, "acknowledge", {"method": "email"}, actor="agent:ana").version
    2
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from datetime import datetime

import attrs

from iso10002.desk import ComplaintsDesk
from iso10002.errors import ValidationError
from iso10002.events import EVENT_TYPES, Event, Received
from iso10002.model import Complaint
from iso10002.serialization import from_data, to_data

__all__ = [
    "ACTION_EVENTS",
    "SERVER_FIELDS",
    "RedactionRequest",
    "complaint_summary",
    "decode_cursor",
    "encode_cursor",
    "perform_action",
    "permitted_actions",
    "receive_complaint",
]

ACTION_EVENTS: Mapping[str, type[Event]] = {
    cls.lifecycle_event: cls for cls in EVENT_TYPES.values() if cls is not Received
}
"""Each action a client may perform (a lifecycle event name) and the event it records."""

SERVER_FIELDS = frozenset({"actor", "complaint_id"})
"""Fields the server sets: a payload that names them is refused."""


@attrs.frozen
class RedactionRequest:
    """The payload of the ``redact`` action: why, and whether before the retention date."""

    reason: str
    force: bool = False


def _server_fields(payload: Mapping[str, object]) -> list[str]:
    return [
        f"{name}: set by the server (the signed-in person and the URL), not by the request"
        for name in sorted(SERVER_FIELDS & payload.keys())
    ]


def _mapping(payload: object) -> Mapping[str, object]:
    if not isinstance(payload, Mapping):
        raise ValidationError([f"expected a JSON object, got {type(payload).__name__}"])
    return payload


def receive_complaint(
    desk: ComplaintsDesk,
    payload: object,
    *,
    actor: str,
    idempotency_key: str | None = None,
    complaint_id: str | None = None,
    also_refuse: Sequence[str] = (),
) -> Complaint:
    """Receive a complaint from ``payload``: the fields of a ``Received`` event but ``at``.

    ``description`` and ``classification`` are required; ``channel`` defaults to ``"web"``;
    ``complainant`` absent or ``null`` records an anonymous complaint. ``complaint_id``
    (chosen by the server, default the desk's ``id_factory``) names the new complaint.
    ``also_refuse``: problems the caller found in its own fields (say, a product not on its
    list), reported in the same :class:`ValidationError` as the payload's; nothing is stored.

    Examples:
        >>> from iso10002 import ComplaintsDesk, InMemoryStore
        >>> receive_complaint(ComplaintsDesk(InMemoryStore()), {
        ...     "description": "", "classification": {}, "colour": "red",
        ... }, actor="web-form")
        Traceback (most recent call last):
        ...
        iso10002.errors.ValidationError: 3 invalid fields:
          - description: must not be empty
          - classification.product: required field missing
          - extra fields found: colour
    """
    body = dict(_mapping(payload))
    errors = [*also_refuse, *_server_fields(body)]
    if "at" in body:
        errors.append("at: the receipt instant is when the server receives it")
    body.setdefault("channel", "web")
    body.setdefault("complainant", None)  # anonymous (ISO 10002 4.3 accessibility)
    # The placeholders are the server's own, valid values: structuring the whole event here
    # checks every client field at once, before the desk is asked anything.
    data = {
        **{k: v for k, v in body.items() if k not in SERVER_FIELDS and k != "at"},
        "actor": actor,
        "at": to_data(desk.clock()),
        "complaint_id": "C-0",
    }
    try:
        event = from_data(data, Received)
    except ValidationError as exc:
        raise ValidationError([*errors, *exc.errors]) from None
    if errors:
        raise ValidationError(errors)
    return desk.receive(
        actor=actor,
        channel=event.channel,
        complainant=event.complainant,
        description=event.description,
        classification=event.classification,
        remedy_requested=event.remedy_requested,
        complaint_type=event.complaint_type,
        persons_complained_about=event.persons_complained_about,
        external_ref=event.external_ref,
        originally_received_at=event.originally_received_at,
        idempotency_key=idempotency_key,
        complaint_id=complaint_id,
    )


def perform_action(
    desk: ComplaintsDesk,
    complaint_id: str,
    action: str,
    payload: object,
    *,
    actor: str,
    expected_version: int | None = None,
) -> Complaint:
    """Perform lifecycle ``action`` on the complaint with ``payload``, its event's fields.

    ``at`` is optional (default now; never in the future). ``redact`` takes
    :class:`RedactionRequest`'s fields. An unknown action is a :class:`ValidationError`.

    Examples:
        >>> from iso10002 import ComplaintsDesk, InMemoryStore
        >>> from iso10002.testing.builders import history_to
        >>> desk = ComplaintsDesk(InMemoryStore())
        >>> c = desk.store.create(history_to("acknowledged"))
        >>> perform_action(desk, c.id, "assess", {
        ...     "severity": "high", "complexity": "simple", "impact": "severe", "urgent": "yes",
        ...     "at": "2026-01-05T10:00:00",
        ... }, actor="agent:ana")
        Traceback (most recent call last):
        ...
        iso10002.errors.ValidationError: 3 invalid fields:
          - at: naive datetime '2026-01-05T10:00:00'; give an offset such as +00:00 or Z
          - impact: 'severe' is not one of: low, medium, high
          - urgent: expected true or false, got str
    """
    body = dict(_mapping(payload))
    if action == "redact":
        if errors := _server_fields(body):
            raise ValidationError(errors)
        request = from_data(body, RedactionRequest)
        return desk.redact(
            complaint_id,
            actor=actor,
            reason=request.reason,
            force=request.force,
            expected_version=expected_version,
        )
    cls = ACTION_EVENTS.get(action)
    if cls is None:
        known = ", ".join(sorted(ACTION_EVENTS))
        raise ValidationError([f"action: {action!r} is not an action; expected one of: {known}"])
    errors = _server_fields(body)
    body.pop("type", None)  # the URL names the action; a matching tag is harmless
    data = {**body, "actor": actor}
    data.setdefault("at", to_data(desk.clock()))
    try:
        event = from_data(data, cls)
    except ValidationError as exc:
        raise ValidationError([*errors, *exc.errors]) from None
    if errors:
        raise ValidationError(errors)
    return desk.record(complaint_id, event, expected_version=expected_version)


def permitted_actions(desk: ComplaintsDesk, complaint: Complaint, actor: str) -> tuple[str, ...]:
    """The actions the lifecycle allows now that the access policy also grants ``actor``.

    Asking is not an attempt: nothing is recorded as refused.

    Examples:
        >>> from iso10002 import ComplaintsDesk, InMemoryStore, RolePolicy
        >>> from iso10002.testing.builders import history_to
        >>> policy = RolePolicy({"auditor:sam": {"auditor"}}, {"auditor": {"view", "add_note"}})
        >>> desk = ComplaintsDesk(InMemoryStore(), access=policy)
        >>> c = desk.store.create(history_to("received"))
        >>> permitted_actions(desk, c, "auditor:sam")
        ('add_note',)
    """
    allowed = desk.allowed_events(complaint.id)
    return tuple(a for a in allowed if desk.access(actor, a, complaint))


def complaint_summary(
    desk: ComplaintsDesk, complaint: Complaint, at: datetime | None = None
) -> dict[str, object]:
    """A complaint as a list shows it, with its SLA status at ``at`` (default now).

    ``sla`` is ``None`` when the desk's policy cannot evaluate (it is not an ``SlaPolicy``).

    Examples:
        >>> from iso10002 import ComplaintsDesk, InMemoryStore, presets
        >>> from iso10002.testing.builders import START, history_to
        >>> from datetime import timedelta
        >>> desk = ComplaintsDesk(InMemoryStore(), presets.get("fca.disp.standard"))
        >>> c = desk.store.create(history_to("received"))
        >>> complaint_summary(desk, c, START + timedelta(days=60))["sla"]["breached"]
        ['acknowledge', 'final_response']
    """
    when = desk.clock() if at is None else at
    sla: dict[str, object] | None = None
    evaluate = getattr(desk.policy, "evaluate", None)
    if callable(evaluate):
        evaluation = evaluate(complaint, when, explain=False)
        sla = {
            "policy": evaluation.policy,
            "next_due": to_data(evaluation.next_due),
            "breached": [s.name for s in evaluation.breached],
            "at_risk": [s.name for s in evaluation.at_risk],
        }
    return {
        "id": complaint.id,
        "state": complaint.state.value,
        "version": complaint.version,
        "received_at": to_data(complaint.received_at),
        "channel": complaint.channel.value,
        "classification": to_data(complaint.classification),
        "severity": None if complaint.severity is None else complaint.severity.value,
        "assignee": complaint.assignee,
        "sla": sla,
    }


def encode_cursor(complaint: Complaint) -> str:
    """An opaque cursor for the page after ``complaint`` (keyset pagination).

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> decode_cursor(encode_cursor(complaint_in("received")))[1]
        'C-0001'
    """
    text = f"{complaint.received_at.isoformat()}|{complaint.id}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The ``(received_at, id)`` a cursor stands for; :class:`ValidationError` if it is not one.

    Examples:
        >>> decode_cursor("not-a-cursor")
        Traceback (most recent call last):
        ...
        iso10002.errors.ValidationError: 1 invalid field:
          - after: not a cursor this API gave out
    """
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, sep, complaint_id = text.partition("|")
        if not sep or not complaint_id:
            raise ValueError(text)
        return from_data(stamp, datetime), complaint_id
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValidationError(["after: not a cursor this API gave out"]) from None
