"""The fast paths of sealing and of snapshot JSON write exactly the bytes the plain ones did.

Every stored digest depends on these bytes (ISO 10002 4.9, information integrity): the
reference implementations below are the code as it was before the fast paths, and the
tests compare their output byte for byte on varied events and complaints.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

from iso10002 import integrity
from iso10002.events import EVENT_TYPES, Event, NoteAdded
from iso10002.integrity import GENESIS, personal_paths, seal
from iso10002.model import Complaint
from iso10002.serialization import converter, to_json
from iso10002.storage.common import seal_all, snapshot_json
from iso10002.testing.builders import START
from iso10002.testing.strategies import complaints, histories, records

SALT = "0123456789abcdef0123456789abcdef"


def reference_canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def reference_seal(
    complaint_id: str, version: int, event: Event, previous: str
) -> tuple[str, str | None, str]:
    """``integrity.seal`` as it was: public part, personal part, digest."""
    data: dict[str, Any] = converter.unstructure(event)
    fields: dict[str, Any] = {}
    for path, _ in personal_paths(type(event)):
        node: Any = data
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict) and path[-1] in node:
            fields[".".join(path)] = node.pop(path[-1])
    personal = None
    if fields:
        commitment = hashlib.sha256((SALT + reference_canonical(fields)).encode()).hexdigest()
        data["$personal"] = commitment
        personal = reference_canonical({"salt": SALT, "fields": fields})
    public = reference_canonical(data)
    body = reference_canonical({"complaint": complaint_id, "version": version, "event": public})
    return public, personal, hashlib.sha256((previous + body).encode()).hexdigest()


def sealed(
    complaint_id: str, version: int, event: Event, previous: str
) -> tuple[str, str | None, str]:
    with mock.patch.object(integrity.secrets, "token_hex", return_value=SALT):
        row = seal(complaint_id, version, event, previous)
    return row.public, row.personal, row.digest


ids = st.text(min_size=1, max_size=30)  # quotes, backslashes, control characters, emoji…
any_event = st.sampled_from(sorted(EVENT_TYPES.values(), key=lambda c: c.event_type)).flatmap(
    records
)


@given(any_event, ids, st.integers(1, 10**6), st.sampled_from([GENESIS, "f" * 64]))
def test_sealing_any_event_writes_the_reference_bytes(
    event: Event, complaint_id: str, version: int, previous: str
) -> None:
    assert sealed(complaint_id, version, event, previous) == reference_seal(
        complaint_id, version, event, previous
    )


@given(any_event, st.lists(ids, min_size=2, max_size=4))
def test_an_event_sealed_again_for_other_complaints_writes_the_reference_bytes(
    event: Event, complaint_ids: list[str]
) -> None:
    for version, complaint_id in enumerate(complaint_ids, start=1):
        assert sealed(complaint_id, version, event, GENESIS) == reference_seal(
            complaint_id, version, event, GENESIS
        )


# The control characters records refuse (iso10002._checks): every other character may occur.
REFUSED = "".join(map(chr, [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]))


@given(
    st.text(st.characters(codec="utf-8", exclude_characters=REFUSED), min_size=1).filter(str.strip)
)
def test_free_text_of_any_characters_is_sealed_as_the_reference_seals_it(text: str) -> None:
    note = NoteAdded(at=START, actor='agent:"ana"\\', text=text)
    assert sealed("C-\u2028\x00", 3, note, GENESIS) == reference_seal(
        "C-\u2028\x00", 3, note, GENESIS
    )


@given(histories(max_events=12))
def test_a_whole_history_chains_as_the_reference_chains_it(events: tuple[Event, ...]) -> None:
    with mock.patch.object(integrity.secrets, "token_hex", return_value=SALT):
        rows = seal_all("C-1", events, 0, GENESIS)
    previous = GENESIS
    for version, (row, event) in enumerate(zip(rows, events, strict=True), start=1):
        assert (row.public, row.personal, row.digest) == reference_seal(
            "C-1", version, event, previous
        )
        previous = row.digest


@given(complaints(max_events=12))
def test_snapshot_json_writes_the_reference_bytes(pair: tuple[Complaint, Any]) -> None:
    complaint, _ = pair
    reference = json.dumps(converter.unstructure(complaint), ensure_ascii=False)
    assert snapshot_json(complaint) == reference
    assert to_json(complaint) == reference


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_canonical_json_is_the_reference_form(value: Any) -> None:
    assert integrity.canonical_json(value) == reference_canonical(value)
