"""The store conformance suite: what every :class:`~iso10002.storage.ComplaintStore` must do.

Subclass :class:`StoreConformance` in a test module, name the subclass ``Test…`` so pytest
collects it, and implement :meth:`~StoreConformance.make_store`. Every store in the project
runs this same suite, and a host runs it against its own store::

    from iso10002.storage import InMemoryStore
    from iso10002.testing.store_conformance import StoreConformance

    class TestMyStore(StoreConformance):
        def make_store(self):
            return InMemoryStore()

The suite covers create/get/append/find, the event feed's order, optimistic concurrency (a
stale ``expected_version`` raises ``ConcurrencyConflict`` and writes nothing), idempotent
receipt, atomicity, queries and pagination, integrity verification and redaction.

Tamper tests need to reach behind the store's API. Implement :meth:`~StoreConformance.raw_rows`,
:meth:`~StoreConformance.write_raw_rows`, :meth:`~StoreConformance.tamper_snapshot` and
:meth:`~StoreConformance.stored_text` with direct access to your storage (SQL, files), or set
``supports_tampering = False`` to skip them with that reason. Likewise
:meth:`~StoreConformance.failing_writes` makes a write fail half-way (a trigger, a patched
driver call), or set ``supports_write_faults = False``.

Requires ``pytest`` (the ``test`` extra); importing :mod:`iso10002` never imports this module.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from datetime import datetime, timedelta, timezone
from typing import ClassVar

import attrs
import pytest

from iso10002.errors import (
    ConcurrencyConflict,
    ConfigurationError,
    NotFound,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.events import Assigned, Closed, Event, NoteAdded, Redacted
from iso10002.integrity import SealedEvent, seal
from iso10002.model import (
    REDACTED,
    Classification,
    Complainant,
    Complaint,
    ComplaintState,
    ContactDetails,
)
from iso10002.replay import replay
from iso10002.storage.protocol import ComplaintQuery, ComplaintStore
from iso10002.testing.builders import START, event_for, history_to, received

__all__ = ["StoreConformance"]

_STATES: tuple[ComplaintState, ...] = tuple(
    s for s in ComplaintState if s is not ComplaintState.NEW
)


def _utc(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=timezone.utc)


class StoreConformance:
    """The contract of :class:`~iso10002.storage.ComplaintStore`, as a pytest base class.

    Subclasses implement :meth:`make_store` (a fresh, empty store on every call) and, for the
    tamper and fault tests, the raw-access hooks below.
    """

    supports_tampering: ClassVar[bool] = True
    """Whether :meth:`raw_rows`, :meth:`write_raw_rows`, :meth:`tamper_snapshot` and
    :meth:`stored_text` are implemented."""

    supports_write_faults: ClassVar[bool] = True
    """Whether :meth:`failing_writes` is implemented."""

    threads: ClassVar[int] = 8
    """How many threads the concurrency tests run at once."""

    # --- hooks for the subclass ---------------------------------------------------------------

    def make_store(self) -> ComplaintStore:
        """A fresh, empty store. Called once per test."""
        raise NotImplementedError("StoreConformance subclasses implement make_store()")

    def raw_rows(self, store: ComplaintStore, complaint_id: str) -> list[SealedEvent]:
        """The complaint's event rows exactly as stored, in stored order, read directly."""
        raise NotImplementedError(self._hook_missing("raw_rows"))

    def write_raw_rows(
        self, store: ComplaintStore, complaint_id: str, rows: Sequence[SealedEvent]
    ) -> None:
        """Replace the complaint's stored event rows by ``rows``, bypassing the store's API.

        Only the event rows change; whatever the store records about the complaint itself
        (its version, the digest of its latest event, its snapshot) stays as it was, as it
        would after someone edited the event table by hand.
        """
        raise NotImplementedError(self._hook_missing("write_raw_rows"))

    def tamper_snapshot(self, store: ComplaintStore, complaint_id: str) -> None:
        """Change the complaint's stored snapshot (its state) behind the store's back."""
        raise NotImplementedError(self._hook_missing("tamper_snapshot"))

    def stored_text(self, store: ComplaintStore) -> str:
        """Everything the store holds, as text (a dump of every table, file or structure)."""
        raise NotImplementedError(self._hook_missing("stored_text"))

    def failing_writes(
        self, store: ComplaintStore, after_rows: int
    ) -> AbstractContextManager[object]:
        """A context in which the store's writes fail after ``after_rows`` event rows of a call.

        The failure must come from the persistence layer (a trigger, a failing driver call),
        after those rows were handed to it, so the test shows the call rolls back.
        """
        raise NotImplementedError(self._hook_missing("failing_writes"))

    def thread_finished(self, store: ComplaintStore) -> None:
        """Called in each thread the concurrency tests start, as it ends.

        Release what the store holds per thread here (Django, for one, opens a database
        connection per thread: close it). By default, nothing.
        """

    def _hook_missing(self, name: str) -> str:
        return (
            f"{type(self).__name__} does not implement {name}(); implement it with direct "
            "access to the store's storage, or set supports_tampering = False / "
            "supports_write_faults = False to skip the tests that need it"
        )

    # --- fixtures and helpers -----------------------------------------------------------------

    @pytest.fixture
    def store(self) -> Iterator[ComplaintStore]:
        """The store under test, closed after the test."""
        store = self.make_store()
        try:
            yield store
        finally:
            store.close()

    @pytest.fixture
    def tamperable(self) -> None:
        if not self.supports_tampering:
            pytest.skip(f"{type(self).__name__} offers no raw access to its storage")

    @pytest.fixture
    def faultable(self) -> None:
        if not self.supports_write_faults:
            pytest.skip(f"{type(self).__name__} cannot inject write failures")

    @staticmethod
    def create_in(
        store: ComplaintStore,
        state: ComplaintState | str,
        complaint_id: str = "C-0001",
        at: datetime = START,
        *,
        idempotency_key: str | None = None,
        next_due: datetime | None = None,
    ) -> Complaint:
        """Store the ordinary history that leaves a complaint in ``state``."""
        return store.create(
            history_to(state, complaint_id=complaint_id, at=at),
            idempotency_key=idempotency_key,
            next_due=next_due,
        )

    @staticmethod
    def state_of(store: ComplaintStore, complaint_id: str) -> tuple[Complaint, tuple[Event, ...]]:
        """Snapshot and history, for before/after comparisons."""
        return store.get(complaint_id), store.history(complaint_id)

    # --- create and get -----------------------------------------------------------------------

    def test_create_returns_the_snapshot_of_the_events(self, store: ComplaintStore) -> None:
        events = history_to("assessed")
        created = store.create(events)
        assert created == replay(events)
        assert store.get(created.id) == created

    def test_history_returns_the_events_as_given(self, store: ComplaintStore) -> None:
        events = history_to("closed")
        store.create(events)
        assert store.history("C-0001") == events

    def test_unknown_complaints_are_not_found(self, store: ComplaintStore) -> None:
        with pytest.raises(NotFound):
            store.get("C-404")
        with pytest.raises(NotFound):
            store.history("C-404")
        with pytest.raises(NotFound):
            store.append("C-404", [received("C-404")], expected_version=0)

    def test_create_needs_a_received_event_first(self, store: ComplaintStore) -> None:
        events = history_to("acknowledged")
        with pytest.raises(ValidationError):
            store.create(events[1:])
        with pytest.raises(ValidationError):
            store.create([])
        assert store.count() == 0

    def test_creating_an_existing_id_is_a_conflict(self, store: ComplaintStore) -> None:
        self.create_in(store, "acknowledged")
        with pytest.raises(ConcurrencyConflict):
            self.create_in(store, "received")
        assert store.get("C-0001").version == 2

    def test_a_history_the_lifecycle_refuses_is_not_created(self, store: ComplaintStore) -> None:
        first = received()
        closing = Closed(at=first.at + timedelta(hours=1), actor="agent:bo")
        with pytest.raises(TransitionNotAllowed):
            store.create([first, closing])
        assert store.count() == 0

    def test_personal_data_round_trips(self, store: ComplaintStore) -> None:
        created = self.create_in(store, "received")
        assert created.complainant is not None
        assert store.get(created.id).complainant == created.complainant
        assert store.get(created.id).description == created.description

    # --- append -------------------------------------------------------------------------------

    def test_append_returns_and_stores_the_new_snapshot(self, store: ComplaintStore) -> None:
        current = self.create_in(store, "received")
        event = event_for(current, "acknowledge")
        after = store.append(current.id, [event], expected_version=1)
        assert after.state is ComplaintState.ACKNOWLEDGED
        assert after.version == 2
        assert store.get(current.id) == after
        assert store.history(current.id)[-1] == event

    def test_snapshot_always_equals_the_replay_of_the_history(self, store: ComplaintStore) -> None:
        current = self.create_in(store, "received")
        for name in ("acknowledge", "assess", "assign", "start_investigation", "add_note"):
            current = store.append(
                current.id, [event_for(current, name)], expected_version=current.version
            )
            assert store.get(current.id) == replay(store.history(current.id))

    def test_several_events_append_together(self, store: ComplaintStore) -> None:
        current = self.create_in(store, "received")
        first = event_for(current, "acknowledge")
        second = event_for(replay([*store.history(current.id), first]), "assess")
        after = store.append(current.id, [first, second], expected_version=1)
        assert after.version == 3
        assert store.history(current.id)[1:] == (first, second)

    def test_appending_nothing_is_refused(self, store: ComplaintStore) -> None:
        self.create_in(store, "received")
        with pytest.raises(ValidationError):
            store.append("C-0001", [], expected_version=1)

    def test_stale_expected_version_is_a_conflict_and_writes_nothing(
        self, store: ComplaintStore
    ) -> None:
        current = self.create_in(store, "acknowledged")
        before = self.state_of(store, current.id)
        for stale in (0, 1, 3, 99):
            with pytest.raises(ConcurrencyConflict) as caught:
                store.append(current.id, [event_for(current, "assess")], expected_version=stale)
            assert caught.value.actual_version == 2
            assert caught.value.expected_version == stale
        assert self.state_of(store, current.id) == before

    def test_an_event_the_lifecycle_refuses_is_not_appended(self, store: ComplaintStore) -> None:
        current = self.create_in(store, "received")
        before = self.state_of(store, current.id)
        with pytest.raises(TransitionNotAllowed):
            store.append(current.id, [event_for(current, "close")], expected_version=1)
        assert self.state_of(store, current.id) == before

    def test_a_batch_with_one_bad_event_writes_none_of_them(self, store: ComplaintStore) -> None:
        current = self.create_in(store, "received")
        before = self.state_of(store, current.id)
        feed_before = list(store.feed())
        good = event_for(current, "acknowledge")
        bad = Closed(at=good.at + timedelta(minutes=1), actor="agent:bo")
        with pytest.raises(TransitionNotAllowed):
            store.append(current.id, [good, bad], expected_version=1)
        assert self.state_of(store, current.id) == before
        assert list(store.feed()) == feed_before

    def test_events_out_of_time_order_are_refused(self, store: ComplaintStore) -> None:
        current = self.create_in(store, "acknowledged")
        before = self.state_of(store, current.id)
        early = event_for(current, "assess", at=current.received_at - timedelta(days=1))
        with pytest.raises(ValidationError):
            store.append(current.id, [early], expected_version=2)
        assert self.state_of(store, current.id) == before

    def test_a_write_failing_half_way_leaves_nothing(
        self, store: ComplaintStore, faultable: None
    ) -> None:
        current = self.create_in(store, "received")
        before = self.state_of(store, current.id)
        feed_before = list(store.feed())
        first = event_for(current, "acknowledge")
        second = event_for(replay([*before[1], first]), "assess")
        with self.failing_writes(store, after_rows=1), pytest.raises(Exception):  # noqa: B017, PT011
            store.append(current.id, [first, second], expected_version=1)
        assert self.state_of(store, current.id) == before
        assert list(store.feed()) == feed_before
        assert store.verify_integrity().ok
        # The store still works afterwards.
        assert store.append(current.id, [first, second], expected_version=1).version == 3

    def test_a_create_failing_half_way_leaves_nothing(
        self, store: ComplaintStore, faultable: None
    ) -> None:
        with self.failing_writes(store, after_rows=1), pytest.raises(Exception):  # noqa: B017, PT011
            self.create_in(store, "acknowledged", idempotency_key="form-1")
        assert store.count() == 0
        assert list(store.feed()) == []
        created = self.create_in(store, "acknowledged", idempotency_key="form-1")
        assert created.version == 2

    # --- idempotent receipt -------------------------------------------------------------------

    def test_the_same_idempotency_key_returns_the_first_complaint(
        self, store: ComplaintStore
    ) -> None:
        first = self.create_in(store, "received", "C-0001", idempotency_key="form-81")
        again = self.create_in(store, "acknowledged", "C-0002", idempotency_key="form-81")
        assert again == first
        assert store.count() == 1
        with pytest.raises(NotFound):
            store.get("C-0002")

    def test_the_first_complaint_is_returned_as_it_is_now(self, store: ComplaintStore) -> None:
        first = self.create_in(store, "received", idempotency_key="form-81")
        now = store.append(first.id, [event_for(first, "acknowledge")], expected_version=1)
        assert self.create_in(store, "received", "C-0002", idempotency_key="form-81") == now

    def test_different_keys_create_different_complaints(self, store: ComplaintStore) -> None:
        self.create_in(store, "received", "C-0001", idempotency_key="a")
        self.create_in(store, "received", "C-0002", idempotency_key="b")
        assert store.count() == 2

    def test_concurrent_receipts_with_one_key_create_one_complaint(
        self, store: ComplaintStore
    ) -> None:
        results: list[str] = []
        errors: list[BaseException] = []
        barrier = threading.Barrier(self.threads)

        def post(n: int) -> None:
            barrier.wait()
            try:
                created = self.create_in(store, "received", f"C-{n:04d}", idempotency_key="k")
                results.append(created.id)
            except BaseException as exc:  # reported below
                errors.append(exc)

        self._run_threads(store, post)
        assert errors == []
        assert store.count() == 1
        assert len(set(results)) == 1

    # --- concurrency --------------------------------------------------------------------------

    def test_concurrent_writers_lose_nothing_and_duplicate_nothing(
        self, store: ComplaintStore
    ) -> None:
        current = self.create_in(store, "acknowledged")
        at = current.last_event_at + timedelta(hours=1)
        attempts = 12
        written: list[str] = []
        conflicts: list[ConcurrencyConflict] = []
        errors: list[BaseException] = []
        lock = threading.Lock()
        barrier = threading.Barrier(self.threads)

        def write(n: int) -> None:
            barrier.wait()
            for i in range(attempts):
                text = f"note {n}-{i}"
                try:
                    seen = store.get(current.id)
                    note = NoteAdded(at=at, actor=f"agent:{n}", text=text)
                    store.append(current.id, [note], expected_version=seen.version)
                except ConcurrencyConflict as conflict:
                    with lock:
                        conflicts.append(conflict)
                except BaseException as exc:  # reported below
                    with lock:
                        errors.append(exc)
                else:
                    with lock:
                        written.append(text)

        self._run_threads(store, write)
        assert errors == []
        assert len(written) + len(conflicts) == self.threads * attempts
        notes = [e.text for e in store.history(current.id) if isinstance(e, NoteAdded)]
        assert sorted(notes) == sorted(written)  # nothing lost, nothing twice
        assert store.get(current.id).version == 2 + len(written)
        assert all(c.actual_version > c.expected_version for c in conflicts)
        assert store.verify_integrity().ok

    def test_concurrent_writers_on_different_complaints_all_succeed(
        self, store: ComplaintStore
    ) -> None:
        ids = [f"C-{n:04d}" for n in range(self.threads)]
        for complaint_id in ids:
            self.create_in(store, "received", complaint_id)
        errors: list[BaseException] = []
        barrier = threading.Barrier(self.threads)

        def write(n: int) -> None:
            barrier.wait()
            try:
                current = store.get(ids[n])
                for name in ("acknowledge", "assess", "start_investigation"):
                    current = store.append(
                        current.id, [event_for(current, name)], expected_version=current.version
                    )
            except BaseException as exc:  # reported below
                errors.append(exc)

        self._run_threads(store, write)
        assert errors == []
        assert {store.get(i).state for i in ids} == {ComplaintState.INVESTIGATING}
        assert store.verify_integrity().ok

    def _run_threads(self, store: ComplaintStore, work: object) -> None:
        assert callable(work)

        def run(n: int) -> None:
            try:
                work(n)
            finally:
                self.thread_finished(store)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(self.threads)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a writer thread hung"

    # --- the event feed -----------------------------------------------------------------------

    def test_the_feed_holds_every_event_in_stored_order(self, store: ComplaintStore) -> None:
        a = self.create_in(store, "received", "C-A")
        b = self.create_in(store, "acknowledged", "C-B")
        store.append(a.id, [event_for(a, "acknowledge")], expected_version=1)
        feed = list(store.feed())
        assert [(r.complaint_id, r.version) for r in feed] == [
            ("C-A", 1),
            ("C-B", 1),
            ("C-B", 2),
            ("C-A", 2),
        ]
        positions = [r.position for r in feed]
        assert positions == sorted(positions)
        assert len(set(positions)) == len(positions)
        assert [r.event for r in feed if r.complaint_id == "C-B"] == list(store.history(b.id))
        assert all(r.recorded_at.utcoffset() is not None for r in feed)

    def test_the_feed_continues_after_a_position(self, store: ComplaintStore) -> None:
        self.create_in(store, "closed", "C-A")
        self.create_in(store, "closed", "C-B")
        feed = list(store.feed())
        middle = feed[5].position
        assert list(store.feed(after=middle)) == feed[6:]
        assert list(store.feed(after=middle, limit=3)) == feed[6:9]
        assert list(store.feed(after=feed[-1].position)) == []

    def test_feed_pages_join_up(self, store: ComplaintStore) -> None:
        for n in range(5):
            self.create_in(store, "responded", f"C-{n}")
        whole = list(store.feed())
        pages, after = [], 0
        while page := list(store.feed(after=after, limit=4)):
            pages.extend(page)
            after = page[-1].position
        assert pages == whole

    # --- queries and pagination ---------------------------------------------------------------

    def _populate(self, store: ComplaintStore) -> dict[str, datetime | None]:
        """Complaints in every state, on different days, with owners and categories.

        Returns each complaint's ``next_due`` as stored, for the reference answers.
        """
        due: dict[str, datetime | None] = {}
        for n, state in enumerate(_STATES * 3):
            at = _utc(1 + n % 20, 8 + n % 9)
            classification = Classification(
                product=("card", "mortgage")[n % 2], category=("fees", "fraud", "service")[n % 3]
            )
            events = list(
                history_to(state, complaint_id=f"C-{n:03d}", at=at, classification=classification)
            )
            complaint = replay(events)
            if complaint.is_open and n % 2 == 0:
                owner = f"agent:{n % 4}"
                events.append(
                    Assigned(at=complaint.last_event_at, actor="lead:kim", assignee=owner)
                )
            due[complaint.id] = at + timedelta(days=3 + n % 5) if n % 3 else None
            store.create(events, next_due=due[complaint.id])
        return due

    def _oracle(
        self, store: ComplaintStore, due: dict[str, datetime | None], query: ComplaintQuery
    ) -> list[str]:
        """The reference answer: ``ComplaintQuery.matches`` over everything stored."""
        chosen = sorted(
            (c for c in map(store.get, due) if query.matches(c, due[c.id])),
            key=lambda c: (c.received_at, c.id),
        )
        return [c.id for c in chosen[: query.limit]]

    QUERIES: ClassVar[dict[str, ComplaintQuery]] = {
        "everything": ComplaintQuery(),
        "one state": ComplaintQuery(states=frozenset({ComplaintState.INVESTIGATING})),
        "open states": ComplaintQuery(states=frozenset(s for s in _STATES if s.is_open)),
        "date range": ComplaintQuery(received_from=_utc(5), received_until=_utc(12)),
        "from only": ComplaintQuery(received_from=_utc(15, 12)),
        "assignee": ComplaintQuery(assignee="agent:2"),
        "category": ComplaintQuery(category="fraud"),
        "product": ComplaintQuery(product="mortgage"),
        "type": ComplaintQuery(complaint_type="standard"),
        "overdue": ComplaintQuery(overdue_at=_utc(12)),
        "combined": ComplaintQuery(
            category="fees", received_from=_utc(2), states=frozenset({ComplaintState.CLOSED})
        ),
        "limited": ComplaintQuery(category="service", limit=3),
        "nothing": ComplaintQuery(category="no such category"),
    }

    @pytest.mark.parametrize("name", sorted(QUERIES))
    def test_find_returns_exactly_the_matching_complaints_in_order(
        self, store: ComplaintStore, name: str
    ) -> None:
        due = self._populate(store)
        query = self.QUERIES[name]
        found = list(store.find(query))
        assert [c.id for c in found] == self._oracle(store, due, query)
        assert all(c == store.get(c.id) for c in found)
        everything = self._oracle(store, due, attrs.evolve(query, limit=None))
        assert store.count(query) == len(everything)

    def test_overdue_follows_the_latest_next_due(self, store: ComplaintStore) -> None:
        current = self.create_in(store, "received", next_due=_utc(2))
        overdue = ComplaintQuery(overdue_at=_utc(3))
        assert [c.id for c in store.find(overdue)] == [current.id]
        store.append(
            current.id, [event_for(current, "acknowledge")], expected_version=1, next_due=_utc(9)
        )
        assert list(store.find(overdue)) == []
        closed = self.create_in(store, "closed", "C-0002", next_due=_utc(1))
        assert closed.id not in [c.id for c in store.find(overdue)]  # only open ones

    def test_pages_join_up_and_stay_stable_while_complaints_arrive(
        self, store: ComplaintStore
    ) -> None:
        self._populate(store)
        whole = [c.id for c in store.find()]
        pages: list[str] = []
        query = ComplaintQuery(limit=7)
        while page := list(store.find(query)):
            pages.extend(c.id for c in page)
            # A newer complaint arriving between pages does not shift the pages already read.
            # (Only while the first ones are read: each arrival would be the next page.)
            if len(pages) < len(whole):
                self.create_in(store, "received", f"N-{len(pages):03d}", at=_utc(28))
            query = query.next_page(page[-1])
        assert pages[: len(whole)] == whole
        assert pages[len(whole) :] == sorted(pages[len(whole) :])  # the arrivals, in order
        assert len(pages) == len(set(pages))

    # --- integrity ----------------------------------------------------------------------------

    def test_an_untouched_store_verifies(self, store: ComplaintStore) -> None:
        self._populate(store)
        report = store.verify_integrity()
        assert report.ok, str(report)
        assert report.checked == store.count()

    def test_verification_can_be_limited_to_some_complaints(self, store: ComplaintStore) -> None:
        self._populate(store)
        report = store.verify_integrity(["C-000", "C-001"])
        assert report.ok
        assert report.checked == 2

    def test_verifying_an_unknown_complaint_reports_it(self, store: ComplaintStore) -> None:
        report = store.verify_integrity(["C-404"])
        assert report.broken == ("C-404",)

    def _tamper(self, store: ComplaintStore, change: str) -> None:
        self.create_in(store, "closed", "C-SAFE")
        self.create_in(store, "closed", "C-0001")
        rows = self.raw_rows(store, "C-0001")
        assert [r.version for r in rows] == list(range(1, 9))
        if change == "edited":
            rows[4] = attrs.evolve(rows[4], public=rows[4].public.replace("upheld", "not_upheld"))
        elif change == "deleted":
            del rows[3]
        elif change == "deleted tail":
            del rows[-1]
        elif change == "reordered":
            # Swap two events' contents; each slot keeps its number (tables order by it).
            third, fourth = rows[2], rows[3]
            rows[2] = attrs.evolve(fourth, version=3)
            rows[3] = attrs.evolve(third, version=4)
        elif change == "inserted":
            forged = seal("C-0001", 3, store.history("C-0001")[6], rows[1].digest)
            rows = [*rows[:2], forged, *(attrs.evolve(r, version=r.version + 1) for r in rows[2:])]
        elif change == "renumbered":
            rows = [attrs.evolve(r, version=r.version + 1) for r in rows]
        elif change == "personal data edited":
            assert rows[0].personal is not None
            rows[0] = attrs.evolve(
                rows[0], personal=rows[0].personal.replace("Jo Bloggs", "Someone Else")
            )
        elif change == "moved from another complaint":
            rows[5] = self.raw_rows(store, "C-SAFE")[5]
        else:  # pragma: no cover - a mistake in the parametrization
            raise AssertionError(change)
        self.write_raw_rows(store, "C-0001", rows)

    @pytest.mark.parametrize(
        "change",
        [
            "edited",
            "deleted",
            "deleted tail",
            "reordered",
            "inserted",
            "renumbered",
            "personal data edited",
            "moved from another complaint",
        ],
    )
    def test_tampering_with_stored_events_is_detected(
        self, store: ComplaintStore, tamperable: None, change: str
    ) -> None:
        self._tamper(store, change)
        report = store.verify_integrity()
        assert report.broken == ("C-0001",), str(report)
        assert store.verify_integrity(["C-SAFE"]).ok

    def test_tampering_with_the_stored_snapshot_is_detected(
        self, store: ComplaintStore, tamperable: None
    ) -> None:
        self.create_in(store, "closed", "C-SAFE")
        self.create_in(store, "investigating", "C-0001")
        self.tamper_snapshot(store, "C-0001")
        assert store.verify_integrity().broken == ("C-0001",)

    def test_raw_rows_are_sealed_as_integrity_describes(
        self, store: ComplaintStore, tamperable: None
    ) -> None:
        events = history_to("closed")
        store.create(events)
        rows = self.raw_rows(store, "C-0001")
        expected_public = [seal("C-0001", n, e, "").public for n, e in enumerate(events, 1)]
        # Salted commitments differ per seal; compare everything but the commitment.
        strip = [_without_commitment(r.public) for r in rows]
        assert strip == [_without_commitment(p) for p in expected_public]
        assert [r.previous for r in rows[1:]] == [r.digest for r in rows[:-1]]

    # --- redaction ----------------------------------------------------------------------------

    def _redaction(self, complaint: Complaint) -> Redacted:
        event = event_for(complaint, "redact")
        assert isinstance(event, Redacted)
        return event

    def test_redaction_erases_personal_data_and_keeps_the_chain(
        self, store: ComplaintStore
    ) -> None:
        current = self.create_in(store, "closed")
        after = store.redact(current.id, self._redaction(current), expected_version=8)
        assert after.version == 9
        assert after.complainant is None
        assert after.description == REDACTED
        assert after.redacted_at is not None
        assert store.get(current.id) == after == replay(store.history(current.id))
        first = store.history(current.id)[0]
        assert getattr(first, "complainant", "?") is None
        assert store.verify_integrity().ok

    def test_redaction_changes_no_fact_a_metric_reads(self, store: ComplaintStore) -> None:
        current = self.create_in(store, "closed")
        after = store.redact(current.id, self._redaction(current), expected_version=8)
        keep = ("state", "received_at", "channel", "classification", "decisions", "closed_at")
        assert {k: getattr(after, k) for k in keep} == {k: getattr(current, k) for k in keep}

    def test_redacted_data_is_gone_from_storage(
        self, store: ComplaintStore, tamperable: None
    ) -> None:
        current = self.create_in(store, "closed")
        keeper = Complainant(name="Ada Keep", contact=ContactDetails(email="ada@keep.example"))
        kept = store.create(
            history_to("received", "C-KEEP", complainant=keeper, description="Lost parcel.")
        )
        secrets = ("Jo Bloggs", "jo@example.org", "Charged twice")
        assert all(secret in self.stored_text(store) for secret in secrets)
        store.redact(current.id, self._redaction(current), expected_version=8)
        text = self.stored_text(store)
        assert [secret for secret in secrets if secret in text] == []
        assert all(r.personal is None for r in self.raw_rows(store, current.id))
        assert "Ada Keep" in text
        assert "Lost parcel." in text
        store.redact(kept.id, self._redaction(kept), expected_version=1)
        text = self.stored_text(store)
        assert "Ada Keep" not in text
        assert "Lost parcel." not in text

    def test_redaction_with_a_stale_version_changes_nothing(self, store: ComplaintStore) -> None:
        current = self.create_in(store, "closed")
        before = self.state_of(store, current.id)
        with pytest.raises(ConcurrencyConflict):
            store.redact(current.id, self._redaction(current), expected_version=3)
        assert self.state_of(store, current.id) == before

    def test_a_complaint_is_redacted_once(self, store: ComplaintStore) -> None:
        current = self.create_in(store, "closed")
        after = store.redact(current.id, self._redaction(current), expected_version=8)
        with pytest.raises(TransitionNotAllowed):
            store.redact(current.id, self._redaction(after), expected_version=9)

    def test_events_after_redaction_keep_their_personal_data(self, store: ComplaintStore) -> None:
        current = self.create_in(store, "closed")
        after = store.redact(current.id, self._redaction(current), expected_version=8)
        note = event_for(after, "add_note")
        store.append(current.id, [note], expected_version=9)
        assert store.history(current.id)[-1] == note
        assert store.verify_integrity().ok

    # --- closing ------------------------------------------------------------------------------

    def test_a_closed_store_refuses_to_work(self) -> None:
        store = self.make_store()
        self.create_in(store, "received")
        store.close()
        with pytest.raises(ConfigurationError):
            store.get("C-0001")


def _without_commitment(public: str) -> str:
    data = json.loads(public)
    data.pop("$personal", None)
    return json.dumps(data, sort_keys=True)
