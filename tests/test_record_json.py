"""The compiled JSON writers write the converter's bytes, and step aside when unsure.

Sealing (ISO 10002 4.9) and snapshots go through :mod:`iso10002._record_json`; a writer that
differed from ``json`` over the converter's data by one byte would change every digest.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from typing import Any
from unittest import mock

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002 import integrity, model
from iso10002._record_json import CANONICAL, SNAPSHOT, instant_text, writer
from iso10002.events import EVENT_TYPES, SatisfactionRecorded
from iso10002.integrity import GENESIS
from iso10002.model import Complaint
from iso10002.serialization import converter, to_json
from iso10002.storage._sqlite_sql import event_rows, sealed_rows
from iso10002.storage.common import seal_all, snapshot_json
from iso10002.testing.builders import complaint_in
from iso10002.testing.strategies import complaints, histories, records

EVENT_CLASSES = sorted(EVENT_TYPES.values(), key=lambda c: c.event_type)
MODEL_RECORDS = sorted(
    (
        value
        for value in vars(model).values()
        if isinstance(value, type) and attrs.has(value) and value.__module__ == model.__name__
    ),
    key=lambda c: c.__name__,
)


def canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@pytest.mark.parametrize("cls", [*EVENT_CLASSES, Complaint], ids=lambda c: c.__name__)
def test_every_event_and_the_snapshot_have_a_compiled_writer(cls: type[Any]) -> None:
    assert writer(cls, CANONICAL) is not None
    assert writer(cls, SNAPSHOT) is not None


def test_sealing_compiles_every_event_but_those_with_nested_personal_fields() -> None:
    compiled = {cls for cls in EVENT_CLASSES if integrity._writers(cls) is not None}
    assert set(EVENT_CLASSES) - compiled == {SatisfactionRecorded}  # satisfaction.comment


any_record = st.sampled_from([*EVENT_CLASSES, *MODEL_RECORDS]).flatmap(
    lambda cls: records(cls) if cls is not Complaint else complaints().map(lambda p: p[0])
)


@given(any_record)
def test_a_compiled_writer_writes_the_converter_and_json_bytes(record: Any) -> None:
    compiled = writer(type(record), CANONICAL)
    if compiled is not None:
        assert compiled(record) == canonical(converter.unstructure(record))
    compiled = writer(type(record), SNAPSHOT)
    if compiled is not None:
        assert compiled(record) == json.dumps(converter.unstructure(record), ensure_ascii=False)


zones = st.sampled_from(
    [timezone.utc, timezone(timedelta(hours=-4)), timezone(timedelta(hours=5, minutes=30))]
)


@given(st.datetimes(timezones=zones))
def test_instant_text_is_isoformat_in_any_zone(at: datetime) -> None:
    assert instant_text(at) == at.isoformat()
    assert instant_text(at) == at.isoformat()  # the second time from the memory, for UTC


@pytest.mark.parametrize(
    ("field", "value"),
    [("received_by", 7), ("version", "7"), ("description", None), ("channel", "web")],
)
def test_a_value_the_writer_does_not_promise_is_written_by_the_converter(
    field: str, value: object
) -> None:
    complaint = complaint_in("closed")
    object.__setattr__(complaint, field, value)  # past the validators, as a bug might
    compiled = writer(Complaint, SNAPSHOT)
    assert compiled is not None
    with pytest.raises((TypeError, AttributeError, LookupError)):
        compiled(complaint)
    assert snapshot_json(complaint) == to_json(complaint)


def test_a_list_where_a_tuple_belongs_is_written_as_the_converter_writes_it() -> None:
    complaint = complaint_in("closed")
    object.__setattr__(complaint, "communications", list(complaint.communications))
    assert snapshot_json(complaint) == to_json(complaint)


@given(histories(max_events=12), st.integers(0, 2**40))
def test_bulk_rows_are_the_rows_of_the_sealed_records(events: Any, recorded: int) -> None:
    salt = "0123456789abcdef0123456789abcdef"
    with mock.patch.object(integrity.secrets, "token_hex", return_value=salt):
        expected = event_rows(seal_all("C-1", events, 0, GENESIS), recorded)
        rows, head = sealed_rows("C-1", events, recorded)
    assert rows == expected
    assert head == expected[-1][8]
