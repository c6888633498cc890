"""Retention at the desk: which records are past their retention date (ISO 10002 4.10).

The policy's ``retain_until`` decides. ``ComplaintsDesk.past_retention`` lists what may now
be erased without force; ``redact`` refuses anything earlier unless forced.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.errors import TransitionNotAllowed, ValidationError
from iso10002.lifecycle import LifecycleRules
from iso10002.model import Classification, Complaint
from iso10002.storage import ComplaintStore, InMemoryStore, SQLiteStore
from iso10002.storage.protocol import ComplaintQuery
from iso10002.testing.builders import START, history_to

THREE_YEARS = timedelta(days=3 * 365)


class Retention:
    """A desk policy with a retention rule: ``keep`` from receipt; open complaints are kept."""

    lifecycle_rules = LifecycleRules()

    def __init__(self, keep: timedelta | None = THREE_YEARS, *, open_kept: bool = False) -> None:
        self.keep = keep
        self.open_kept = open_kept

    def next_due(self, complaint: Complaint, at: datetime) -> datetime | None:
        return None

    def retain_until(self, complaint: Complaint) -> datetime | None:
        if self.keep is None or (self.open_kept and complaint.is_open):
            return None
        return complaint.received_at + self.keep


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ComplaintStore]:
    made: ComplaintStore = (
        InMemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "s.sqlite3")
    )
    yield made
    made.close()


def day(n: int) -> datetime:
    return START + timedelta(days=n)


def stock(store: ComplaintStore) -> None:
    """Closed complaints received on days 0, 100 and 200; one open from day 50."""
    for n in (0, 100, 200):
        store.create(history_to("closed", f"C-{n:03d}", at=day(n)))
    store.create(history_to("investigating", "C-OPEN", at=day(50)))


def ids(complaints: Iterator[Complaint]) -> list[str]:
    return [c.id for c in complaints]


def test_lists_what_is_past_retention_in_receipt_order(store: ComplaintStore) -> None:
    stock(store)
    desk = ComplaintsDesk(store, Retention())
    at = day(150) + THREE_YEARS
    assert ids(desk.past_retention(at=at)) == ["C-000", "C-OPEN", "C-100"]


def test_the_retention_date_itself_is_past_and_erasure_needs_no_force(
    store: ComplaintStore,
) -> None:
    stock(store)
    at = day(100) + THREE_YEARS
    desk = ComplaintsDesk(store, Retention(), ManualClock(at))
    listed = ids(desk.past_retention())
    assert listed == ["C-000", "C-OPEN", "C-100"]
    for complaint_id in listed:
        erased = desk.redact(complaint_id, actor="dpo:lee", reason="retention period over")
        assert not desk.history(erased.id)[-1].forced  # type: ignore[attr-defined]
    with pytest.raises(TransitionNotAllowed, match="must be kept until"):
        desk.redact("C-200", actor="dpo:lee", reason="too early")


def test_erased_records_are_not_listed_again(store: ComplaintStore) -> None:
    stock(store)
    at = day(300) + THREE_YEARS
    desk = ComplaintsDesk(store, Retention(), ManualClock(at))
    desk.redact("C-100", actor="dpo:lee", reason="retention period over")
    assert ids(desk.past_retention()) == ["C-000", "C-OPEN", "C-200"]


def test_the_default_instant_is_the_desk_clocks_now(store: ComplaintStore) -> None:
    stock(store)
    clock = ManualClock(day(99) + THREE_YEARS)
    desk = ComplaintsDesk(store, Retention(), clock)
    assert ids(desk.past_retention()) == ["C-000", "C-OPEN"]
    clock.advance(timedelta(days=1))
    assert ids(desk.past_retention()) == ["C-000", "C-OPEN", "C-100"]


def test_a_future_instant_plans_erasures(store: ComplaintStore) -> None:
    stock(store)
    desk = ComplaintsDesk(store, Retention(), ManualClock(day(10)))
    assert ids(desk.past_retention()) == []
    assert ids(desk.past_retention(at=day(400) + THREE_YEARS)) == [
        "C-000",
        "C-OPEN",
        "C-100",
        "C-200",
    ]


def test_complaints_the_policy_gives_no_date_are_never_listed(store: ComplaintStore) -> None:
    stock(store)
    desk = ComplaintsDesk(store, Retention(open_kept=True))
    assert ids(desk.past_retention(at=day(9999))) == ["C-000", "C-100", "C-200"]
    assert ids(ComplaintsDesk(store, Retention(keep=None)).past_retention(at=day(9999))) == []


def test_without_a_policy_nothing_is_listed(store: ComplaintStore) -> None:
    stock(store)
    assert ids(ComplaintsDesk(store).past_retention(at=day(9999))) == []


def test_a_query_narrows_what_is_read(store: ComplaintStore) -> None:
    stock(store)
    store.create(
        history_to("closed", "C-CARD", at=day(1), classification=Classification(product="card"))
    )
    desk = ComplaintsDesk(store, Retention())
    at = day(9999)
    assert ids(desk.past_retention(at=at, query=ComplaintQuery(product="card"))) == ["C-CARD"]
    assert ids(desk.past_retention(at=at, query=ComplaintQuery(received_until=day(60)))) == [
        "C-000",
        "C-CARD",
        "C-OPEN",
    ]


def test_a_naive_instant_is_refused_at_once(store: ComplaintStore) -> None:
    desk = ComplaintsDesk(store, Retention())
    with pytest.raises(ValidationError, match="naive"):
        desk.past_retention(at=datetime(2030, 1, 1))


class Observed:
    """A real store whose ``find`` stream counts the complaints handed out."""

    def __init__(self, store: ComplaintStore) -> None:
        self.store = store
        self.read = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.store, name)

    def find(self, query: ComplaintQuery = ComplaintQuery()) -> Iterator[Complaint]:
        for complaint in self.store.find(query):
            self.read += 1
            yield complaint


def test_the_listing_streams_rather_than_loading_everything(store: ComplaintStore) -> None:
    stock(store)
    observed = Observed(store)
    desk = ComplaintsDesk(observed, Retention())  # type: ignore[arg-type]
    listing = desk.past_retention(at=day(9999))
    assert observed.read == 0
    assert next(listing).id == "C-000"
    assert observed.read == 1
    assert ids(listing) == ["C-OPEN", "C-100", "C-200"]
    assert observed.read == 4
