"""One strict converter: JSON round trips, and every bad field reported by path."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002 import model
from iso10002.errors import ValidationError
from iso10002.events import EVENT_TYPES, Event
from iso10002.model import Complainant, Complaint, Money
from iso10002.replay import replay
from iso10002.serialization import from_data, from_json, to_data, to_json
from iso10002.testing.builders import received
from iso10002.testing.strategies import histories, records

RECORDS = [
    cls
    for cls in vars(model).values()
    if isinstance(cls, type) and attrs.has(cls) and cls.__module__ == model.__name__
]


@given(st.sampled_from(sorted(EVENT_TYPES.values(), key=lambda c: c.event_type)).flatmap(records))
def test_every_event_round_trips_through_json(event: Event) -> None:
    assert from_json(to_json(event), Event) == event
    assert from_json(to_json(event), type(event)) == event


@given(st.sampled_from([c for c in RECORDS if c is not Complaint]).flatmap(records))
def test_every_record_round_trips_through_json(record: Any) -> None:
    assert from_json(to_json(record), type(record)) == record


@given(histories(max_events=12))
def test_complaint_snapshot_round_trips_through_json(events: tuple[Event, ...]) -> None:
    complaint = replay(events)
    assert from_json(to_json(complaint), Complaint) == complaint


def payload(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = to_data(received())
    data.update(changes)
    return data


def errors_of(data: Any, cls: type[Any] = Event) -> tuple[str, ...]:
    with pytest.raises(ValidationError) as caught:
        from_data(data, cls)
    return caught.value.errors


def test_unknown_keys_are_refused() -> None:
    assert errors_of(payload(sumary="typo")) == ("extra fields found: sumary",)


def test_nested_unknown_keys_are_refused_with_their_path() -> None:
    data = payload()
    data["complainant"]["contact"]["fax"] = "0123"
    assert errors_of(data) == ("complainant.contact: extra fields found: fax",)


def test_naive_datetime_is_refused() -> None:
    assert errors_of(payload(at="2026-01-05T09:00:00")) == (
        "at: naive datetime '2026-01-05T09:00:00'; give an offset such as +00:00 or Z",
    )


def test_z_suffix_is_accepted_as_utc() -> None:
    event = from_data(payload(at="2026-01-05T09:00:00Z"), Event)
    assert event.at.isoformat() == "2026-01-05T09:00:00+00:00"


def test_bad_enum_value_lists_the_allowed_values() -> None:
    assert errors_of(payload(channel="pigeon")) == (
        "channel: 'pigeon' is not one of: web, email, phone, letter, in_person, chat, "
        "social_media, app, referral, other",
    )


def test_primitives_are_not_coerced() -> None:
    data = payload(persons_complained_about="agent:zed")
    data["complainant"]["is_consumer"] = "false"
    assert errors_of(data) == (
        "complainant.is_consumer: expected true or false, got str",
        "persons_complained_about: expected a list, got str",
    )


def test_every_bad_field_is_listed_in_plain_words() -> None:
    data = payload(at="yesterday", channel=3, complaint_id="")
    del data["description"]
    data["remedy_requested"]["amount"] = {"amount": 9.99, "currency": "GBP"}
    assert errors_of(data) == (
        "at: 'yesterday' is not an ISO 8601 date-time",
        "complaint_id: must not be empty",
        "channel: 3 is not one of: web, email, phone, letter, in_person, chat, social_media, "
        "app, referral, other",
        "description: required field missing",
        "remedy_requested.amount.amount: expected an amount as a string such as '12.50', got float",
    )


def test_unknown_event_type_names_the_known_ones() -> None:
    (message,) = errors_of({"type": "teleported", "at": "2026-01-05T09:00:00Z"})
    assert message.startswith("type: 'teleported' is not an event type; expected one of:")


def test_list_items_are_reported_with_their_index() -> None:
    data = to_data(Complainant(name="Jo"))
    data["vulnerability"]["drivers"] = ["health", "luck"]
    assert errors_of(data, Complainant) == (
        "vulnerability.drivers[1]: 'luck' is not one of: health, life_events, resilience, "
        "capability",
    )


def test_money_amounts_are_strings_not_floats() -> None:
    assert to_data(Money(model.Decimal("10.50"), "EUR")) == {"amount": "10.50", "currency": "EUR"}


def test_invalid_json_is_a_validation_error() -> None:
    with pytest.raises(ValidationError, match="not valid JSON"):
        from_json("{", Event)


def test_validation_errors_survive_pickling_for_worker_processes() -> None:
    import pickle

    error = ValidationError(["a: b"])
    assert pickle.loads(pickle.dumps(error)).errors == ("a: b",)


def test_json_is_plain_utf8_with_enum_values() -> None:
    text = to_json(received(description="Café closed early"))
    data = json.loads(text)
    assert data["type"] == "received"
    assert data["channel"] == "email"
    assert "Café" in text


def test_a_charge_of_nothing_is_refused_from_json() -> None:  # ISO 10002 4.8
    data = {
        "type": "charge_recorded",
        "at": "2026-01-06T09:00:00Z",
        "actor": "billing",
        "amount": {"amount": "0", "currency": "GBP"},
        "reason": "",
    }
    with pytest.raises(ValidationError) as caught:
        from_data(data, Event)
    assert caught.value.errors == (
        "amount: 0 is not a charge; give an amount above zero",
        "reason: must not be empty",
    )
