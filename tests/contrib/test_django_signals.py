"""``complaint_event``: one signal per stored event, with its snapshot, only once committed.

On PostgreSQL, through ``DjangoStore`` and a desk on it. Each test starts from empty tables
and listens with a fresh receiver.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

from django_support import django_database, empty_tables  # noqa: F401 - a fixture
from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.errors import ConcurrencyConflict
from iso10002.events import Acknowledged, Assessed, Closed, Event, Received, Redacted
from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complaint,
    Complexity,
    ContactMethod,
    Impact,
    Severity,
)
from iso10002.testing.builders import START, event_for, history_to

if TYPE_CHECKING:
    from iso10002.contrib.django.store import DjangoStore

pytest.importorskip("django")

pytestmark = [pytest.mark.postgres, pytest.mark.usefixtures("django_database")]


class Heard:
    """A receiver that keeps what it was sent."""

    def __init__(self) -> None:
        self.signals: list[tuple[type[Event], Event, Complaint, str]] = []

    def __call__(
        self, sender: type[Event], event: Event, complaint: Complaint, using: str, **_: object
    ) -> None:
        self.signals.append((sender, event, complaint, using))

    @property
    def kinds(self) -> list[str]:
        return [sender.__name__ for sender, *_ in self.signals]


@pytest.fixture
def store() -> Iterator[DjangoStore]:
    from iso10002.contrib.django.store import DjangoStore

    empty_tables()
    store = DjangoStore()
    yield store
    store.close()


@pytest.fixture
def desk(store: DjangoStore) -> ComplaintsDesk:
    return ComplaintsDesk(store, clock=ManualClock(START))


@pytest.fixture
def heard() -> Iterator[Heard]:
    from iso10002.contrib.django.signals import complaint_event

    receiver = Heard()
    complaint_event.connect(receiver)
    yield receiver
    complaint_event.disconnect(receiver)


def receive(desk: ComplaintsDesk, **extra: object) -> Complaint:
    return desk.receive(
        actor="agent:ana",
        channel=Channel.EMAIL,
        complainant=Complainant(name="Jo Bloggs"),
        description="Charged twice.",
        classification=Classification(product="card", category="fees"),
        **extra,  # type: ignore[arg-type]
    )


def test_each_use_case_signals_its_event_with_the_snapshot_after_it(
    desk: ComplaintsDesk, heard: Heard
) -> None:
    c = receive(desk)
    desk.acknowledge(c.id, actor="agent:ana", method=ContactMethod.EMAIL)
    assert heard.kinds == ["Received", "Acknowledged"]
    (_, received, first, using), (_, acknowledged, second, _) = heard.signals
    assert isinstance(received, Received)
    assert isinstance(acknowledged, Acknowledged)
    assert (first.version, first.state.value) == (1, "received")
    assert (second.version, second.state.value) == (2, "acknowledged")
    assert second == desk.get(c.id)
    assert using == "default"


def test_two_events_stored_together_give_two_signals_each_with_its_own_snapshot(
    desk: ComplaintsDesk, heard: Heard
) -> None:
    c = receive(desk)
    desk.assess(
        c.id,
        actor="agent:ana",
        severity=Severity.LOW,
        complexity=Complexity.SIMPLE,
        impact=Impact.LOW,
        acknowledge_by=ContactMethod.PHONE,
    )
    assert heard.kinds == ["Received", "Acknowledged", "Assessed"]
    states = [(complaint.version, complaint.state.value) for *_, complaint, _ in heard.signals]
    assert states == [(1, "received"), (2, "acknowledged"), (3, "assessed")]


def test_a_whole_history_stored_at_once_signals_every_event_in_order(
    store: DjangoStore, heard: Heard
) -> None:
    events = history_to("closed")
    stored = store.create(events)
    assert [event for _, event, _, _ in heard.signals] == list(events)
    assert [c.version for *_, c, _ in heard.signals] == list(range(1, len(events) + 1))
    assert heard.signals[-1][2] == stored


def test_nothing_is_signalled_before_the_hosts_transaction_commits(
    desk: ComplaintsDesk, heard: Heard
) -> None:
    from django.db import transaction

    with transaction.atomic():
        c = receive(desk)
        assert heard.signals == []
    assert heard.kinds == ["Received"]
    assert heard.signals[0][2].id == c.id


def test_nothing_is_signalled_for_a_transaction_that_rolls_back(
    desk: ComplaintsDesk, store: DjangoStore, heard: Heard
) -> None:
    from django.db import transaction

    class ViewFailed(Exception):
        pass

    def view() -> None:
        with transaction.atomic():
            receive(desk)
            raise ViewFailed

    with pytest.raises(ViewFailed):
        view()
    assert heard.signals == []
    assert store.count() == 0


def test_a_receiver_can_listen_to_one_kind_of_event(
    desk: ComplaintsDesk, store: DjangoStore
) -> None:
    from iso10002.contrib.django.signals import complaint_event

    closures = Heard()
    complaint_event.connect(closures, sender=Closed)
    try:
        store.create(history_to("responded", "C-1"))
        c = store.get("C-1")
        store.append(c.id, [event_for(c, "close")], expected_version=c.version)
    finally:
        complaint_event.disconnect(closures, sender=Closed)
    assert closures.kinds == ["Closed"]
    assert closures.signals[0][2].state.value == "closed"


def test_a_repeated_receipt_and_a_refused_write_signal_nothing(
    desk: ComplaintsDesk, store: DjangoStore, heard: Heard
) -> None:
    first = receive(desk, idempotency_key="form-1")
    assert receive(desk, idempotency_key="form-1").id == first.id  # the form posted twice
    stale = event_for(first, "acknowledge")
    store.append(first.id, [stale], expected_version=1)
    with pytest.raises(ConcurrencyConflict):
        store.append(first.id, [stale], expected_version=1)
    assert heard.kinds == ["Received", "Acknowledged"]


def test_an_erasure_is_signalled_with_the_snapshot_without_personal_data(
    desk: ComplaintsDesk, store: DjangoStore, heard: Heard
) -> None:
    closed = store.create(history_to("closed"))
    desk.clock = ManualClock(closed.last_event_at)
    desk.redact(closed.id, actor="dpo:lee", reason="erasure request")
    sender, event, complaint, _ = heard.signals[-1]
    assert sender is Redacted
    assert isinstance(event, Redacted)
    assert complaint.complainant is None
    assert complaint == store.get(closed.id)


def test_a_receiver_that_fails_is_logged_and_neither_undoes_the_write_nor_silences_others(
    desk: ComplaintsDesk, store: DjangoStore, heard: Heard, caplog: pytest.LogCaptureFixture
) -> None:
    from iso10002.contrib.django.signals import complaint_event

    def broken(**_: object) -> None:
        raise RuntimeError("mail server down")

    complaint_event.connect(broken)
    try:
        with caplog.at_level(logging.ERROR, logger="django.dispatch"):
            c = receive(desk)
    finally:
        complaint_event.disconnect(broken)
    assert store.get(c.id).version == 1
    assert heard.kinds == ["Received"]
    assert "mail server down" in caplog.text


def test_a_store_made_without_signals_sends_none(heard: Heard) -> None:
    from iso10002.contrib.django.store import DjangoStore

    empty_tables()
    quiet = DjangoStore(signals=False)
    quiet.create(history_to("acknowledged"))
    assert heard.signals == []
    assert quiet.get("C-0001").version == 2


def test_the_assessment_signal_carries_the_assessment(desk: ComplaintsDesk, heard: Heard) -> None:
    c = receive(desk)
    desk.acknowledge(c.id, actor="agent:ana", method=ContactMethod.EMAIL)
    desk.assess(
        c.id,
        actor="agent:bo",
        severity=Severity.HIGH,
        complexity=Complexity.COMPLEX,
        impact=Impact.HIGH,
    )
    sender, event, complaint, _ = heard.signals[-1]
    assert sender is Assessed
    assert isinstance(event, Assessed)
    assert event.actor == "agent:bo"
    assert complaint.severity is Severity.HIGH
