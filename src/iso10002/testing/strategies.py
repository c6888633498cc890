"""Hypothesis strategies for iso10002's records, events and valid histories.

For a host's property tests (and the library's own): :func:`records` builds any record or
event class field by field; :func:`histories` walks the lifecycle's compiled table, so every
history it draws is one the desk would accept; :func:`complaints` gives their snapshots with
their histories, and :func:`process_profiles` process descriptions for the process checks.

Requires ``hypothesis`` (the ``test`` extra).

Examples:
    >>> from hypothesis import given, settings
    >>> from iso10002.replay import replay
    >>> @settings(max_examples=5)
    ... @given(histories(max_events=6))
    ... def test_every_history_replays(events):
    ...     assert replay(events).version == len(events)
    >>> test_every_history_replays()
"""

from __future__ import annotations

import string
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from types import UnionType
from typing import Any, TypeVar, Union, get_args, get_origin
from zoneinfo import ZoneInfo

import attrs
from hypothesis import strategies as st

from iso10002.errors import TransitionNotAllowed
from iso10002.events import EVENT_TYPES, ChargeRecorded, Event, HoldingResponseSent, Received
from iso10002.lifecycle import TRANSITIONS, LifecycleRules
from iso10002.model import Complainant, Complaint, Money, Satisfaction
from iso10002.principles.profile import ChannelOffer, ProcessProfile
from iso10002.replay import apply, replay

__all__ = [
    "complainants",
    "complaints",
    "events_for",
    "histories",
    "instants",
    "money",
    "process_profiles",
    "received_events",
    "records",
    "words",
]

T = TypeVar("T")
_ZONES = (
    timezone.utc,
    timezone(timedelta(hours=10)),
    timezone(timedelta(hours=-5)),
    ZoneInfo("Europe/London"),
    ZoneInfo("Australia/Sydney"),
)
_CURRENCIES = ("GBP", "EUR", "USD", "AUD")
_COUNTRIES = ("GB", "IE", "AU", "US")
_EVENT_OF = {cls.lifecycle_event: cls for cls in EVENT_TYPES.values()}


def words(min_size: int = 1, max_size: int = 40) -> st.SearchStrategy[str]:
    """Short printable text with at least one non-blank character.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5)
        ... @given(words())
        ... def check(value):
        ...     assert value.strip() != ""
        >>> check()
    """
    alphabet = st.characters(
        codec="utf-8", exclude_categories=("Cs", "Cc"), exclude_characters="\x00"
    )
    return st.text(alphabet, min_size=min_size, max_size=max_size).filter(lambda s: s.strip())


def instants(
    start: datetime = datetime(2020, 1, 1, tzinfo=timezone.utc),
    end: datetime = datetime(2030, 12, 31, tzinfo=timezone.utc),
) -> st.SearchStrategy[datetime]:
    """Aware datetimes in assorted zones, to the microsecond.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5)
        ... @given(instants())
        ... def check(value):
        ...     assert value.utcoffset() is not None
        >>> check()
    """
    naive = st.datetimes(min_value=start.replace(tzinfo=None), max_value=end.replace(tzinfo=None))
    return st.builds(
        lambda moment, zone: moment.replace(tzinfo=timezone.utc).astimezone(zone),
        naive,
        st.sampled_from(_ZONES),
    )


def money(minimum: Decimal = Decimal(0)) -> st.SearchStrategy[Money]:
    """Amounts with two decimals, at least ``minimum``, in a few currencies.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5)
        ... @given(money(minimum=Decimal("0.01")))
        ... def check(value):
        ...     assert value.currency in {"GBP", "EUR", "USD", "AUD"} and value.amount > 0
        >>> check()
    """
    return st.builds(
        Money,
        st.decimals(min_value=minimum, max_value=Decimal(100_000), places=2, allow_nan=False),
        st.sampled_from(_CURRENCIES),
    )


def _strategy_for(owner: type[Any], field: attrs.Attribute[Any], at: datetime | None) -> Any:
    kind = field.type
    if owner is Money and field.name == "currency":
        return st.sampled_from(_CURRENCIES)
    if owner is ChargeRecorded and field.name == "amount":
        return money(minimum=Decimal("0.01"))
    if owner in (ChannelOffer, ProcessProfile) and field.name == "country":
        return st.none() | st.sampled_from(_COUNTRIES)
    if owner is Satisfaction and field.name == "score":
        return st.integers(1, 5)
    if owner is HoldingResponseSent and field.name == "expected_by" and at is not None:
        return st.timedeltas(timedelta(hours=1), timedelta(days=60)).map(lambda d: at + d)
    if get_origin(kind) in (Union, UnionType):
        inner = [arg for arg in get_args(kind) if arg is not type(None)]
        return st.none() | _type_strategy(inner[0], at)
    return _type_strategy(kind, at)


def _type_strategy(kind: Any, at: datetime | None) -> st.SearchStrategy[Any]:
    if kind is str:
        return words()
    if kind is bool:
        return st.booleans()
    if kind is int:
        return st.integers(0, 1_000)
    if kind is datetime:
        return instants()
    if kind is Money:
        return money()
    if kind is Decimal:
        return st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False)
    if isinstance(kind, type) and issubclass(kind, Enum):
        return st.sampled_from(list(kind))
    if get_origin(kind) is tuple:
        item = get_args(kind)[0]
        if isinstance(item, type) and issubclass(item, Enum):
            return st.lists(st.sampled_from(list(item)), max_size=3, unique=True).map(tuple)
        return st.lists(_type_strategy(item, at), max_size=3).map(tuple)
    if isinstance(kind, type) and attrs.has(kind):
        return _nested(kind, at)
    raise TypeError(f"no strategy for {kind!r}")


def _nested(cls: type[Any], at: datetime | None) -> st.SearchStrategy[Any]:
    attrs.resolve_types(cls)
    fields = {f.name: _strategy_for(cls, f, at) for f in attrs.fields(cls) if f.init}
    return st.fixed_dictionaries(fields).map(lambda values: cls(**values))


def records(cls: type[T], **fixed: Any) -> st.SearchStrategy[T]:
    """Any valid instance of an attrs record or event class; keyword arguments pin fields.

    A pinned ``at`` also dates the fields that depend on it (a holding response's promise).

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5)
        ... @given(records(Money, currency='EUR'))
        ... def check(value):
        ...     assert value.currency == "EUR"
        >>> check()
    """
    at = fixed.get("at")
    record: Any = cls
    attrs.resolve_types(record)
    fields = {
        field.name: st.just(fixed[field.name])
        if field.name in fixed
        else _strategy_for(cls, field, at)
        for field in attrs.fields(record)
        if field.init
    }
    return st.fixed_dictionaries(fields).map(lambda values: cls(**values))


def complainants() -> st.SearchStrategy[Complainant]:
    """Complainants with assorted contact details, representatives and vulnerability flags.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5)
        ... @given(complainants())
        ... def check(value):
        ...     assert value.name.strip() != ""
        >>> check()
    """
    return records(Complainant)


def received_events(
    at: st.SearchStrategy[datetime] | None = None,
    complaint_id: st.SearchStrategy[str] | None = None,
) -> st.SearchStrategy[Received]:
    """``Received`` events, the start of every history.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5)
        ... @given(received_events())
        ... def check(value):
        ...     assert value.complaint_id.startswith("C-")
        >>> check()
    """
    ids = complaint_id or st.text(string.ascii_uppercase + string.digits, min_size=4, max_size=12)
    return st.tuples(at if at is not None else instants(), ids).flatmap(
        lambda pair: records(Received, at=pair[0], complaint_id=f"C-{pair[1]}")
    )


def events_for(complaint: Complaint, event: str, at: datetime) -> st.SearchStrategy[Event]:
    """Events of lifecycle event ``event`` for ``complaint``, dated ``at``.

    Payloads are random, so validators may still refuse some (an investigator named in the
    complaint); :func:`histories` skips those.
    """
    cls = _EVENT_OF[event]
    people = ("agent:ana", "agent:bo", "lead:kim", "system", *complaint.persons_complained_about)
    actors = st.sampled_from(people)
    return actors.flatmap(lambda actor: records(cls, at=at, actor=actor))


@st.composite
def histories(
    draw: st.DrawFn,
    *,
    max_events: int = 20,
    rules: LifecycleRules = LifecycleRules(),
    start: st.SearchStrategy[datetime] | None = None,
) -> tuple[Event, ...]:
    """Valid histories: a ``Received`` event, then events the lifecycle allows, in time order.

    Each step draws a gap (zero to ten days), asks the compiled lifecycle which events may
    happen then, picks one and draws its payload.
    """
    first = draw(received_events(at=start))
    events: list[Event] = [first]
    complaint = replay(events)
    for _ in range(draw(st.integers(0, max_events))):
        gap = draw(st.timedeltas(timedelta(0), timedelta(days=10)))
        at = complaint.last_event_at + gap
        allowed = TRANSITIONS.allowed_events(complaint, at, rules)
        if not allowed:
            break
        event = draw(events_for(complaint, draw(st.sampled_from(allowed)), at))
        try:
            complaint = apply(complaint, [event], rules=rules)
        except TransitionNotAllowed:
            continue
        events.append(event)
    return tuple(events)


def complaints(
    *, max_events: int = 20, rules: LifecycleRules = LifecycleRules()
) -> st.SearchStrategy[tuple[Complaint, tuple[Event, ...]]]:
    """``(snapshot, history)`` pairs: a valid history and the complaint it folds into.

    The pair is what the conformance checks take (:func:`iso10002.principles.check_complaint`).

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5)
        ... @given(complaints(max_events=5))
        ... def check(pair):
        ...     complaint, history = pair
        ...     assert complaint.version == len(history)
        >>> check()
    """
    return histories(max_events=max_events, rules=rules).map(
        lambda events: (replay(events), events)
    )


def process_profiles() -> st.SearchStrategy[ProcessProfile]:
    """Any valid :class:`~iso10002.principles.ProcessProfile`, conforming or not.

    Examples:
        >>> from hypothesis import given, settings
        >>> @settings(max_examples=5)
        ... @given(process_profiles())
        ... def check(profile):
        ...     assert profile.organization.strip()
        >>> check()
    """
    return records(ProcessProfile)
