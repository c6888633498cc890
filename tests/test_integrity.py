"""Sealing, chaining and verifying events (ISO 10002 4.9 information integrity)."""

from __future__ import annotations

import json

import attrs
from hypothesis import given

from iso10002.events import Event
from iso10002.integrity import GENESIS, SealedEvent, canonical_json, seal, unseal, verify_chain
from iso10002.testing.builders import history_to
from iso10002.testing.strategies import histories


def chain(events: tuple[Event, ...], complaint_id: str = "C-0001") -> list[SealedEvent]:
    rows, previous = [], GENESIS
    for version, event in enumerate(events, start=1):
        rows.append(seal(complaint_id, version, event, previous))
        previous = rows[-1].digest
    return rows


@given(histories(max_events=10))
def test_sealed_events_unseal_to_themselves(events: tuple[Event, ...]) -> None:
    rows = chain(events)
    assert [unseal(r.public, r.personal) for r in rows] == list(events)
    assert verify_chain("C-0001", rows) == []


def test_public_part_holds_no_personal_data() -> None:
    (row,) = chain(history_to("received"))
    assert "Jo Bloggs" not in row.public
    assert "Charged twice" not in row.public
    assert row.personal is not None
    assert "Jo Bloggs" in row.personal


def test_erasing_personal_data_keeps_the_chain_valid() -> None:
    rows = [attrs.evolve(row, personal=None) for row in chain(history_to("closed"))]
    assert verify_chain("C-0001", rows) == []


def test_edited_event_is_detected() -> None:
    rows = chain(history_to("closed"))
    public = json.loads(rows[4].public)
    public["outcome"] = "not_upheld"
    rows[4] = attrs.evolve(rows[4], public=canonical_json(public))
    assert [(p.version, p.kind) for p in verify_chain("C-0001", rows)] == [(5, "edited")]


def test_deleted_event_is_detected() -> None:
    rows = chain(history_to("closed"))
    del rows[3]
    kinds = {p.kind for p in verify_chain("C-0001", rows)}
    assert {"missing", "reordered"} <= kinds


def test_reordered_events_are_detected() -> None:
    rows = chain(history_to("closed"))
    rows[2], rows[3] = rows[3], rows[2]
    assert verify_chain("C-0001", rows)


def test_inserted_event_is_detected() -> None:
    events = history_to("closed")
    rows = chain(events)
    forged = seal("C-0001", 3, events[5], rows[1].digest)
    rows.insert(2, forged)
    assert verify_chain("C-0001", rows)


def test_tampered_personal_data_is_detected() -> None:
    rows = chain(history_to("received"))
    personal = json.loads(rows[0].personal or "{}")
    personal["fields"]["description"] = "Something else entirely"
    rows[0] = attrs.evolve(rows[0], personal=canonical_json(personal))
    (problem,) = verify_chain("C-0001", rows)
    assert "does not match its commitment" in problem.detail


def test_deleted_tail_is_detected_against_the_recorded_head() -> None:
    rows = chain(history_to("closed"))
    head = (rows[-1].version, rows[-1].digest)
    (problem,) = verify_chain("C-0001", rows[:-2], head=head)
    assert problem.kind == "missing"


def test_chains_are_bound_to_their_complaint() -> None:
    rows = chain(history_to("acknowledged"), complaint_id="C-A")
    assert verify_chain("C-B", rows)
