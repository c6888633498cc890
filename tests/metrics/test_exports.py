"""The CFPB-shaped export: the database's columns, derived as documented, streamed, and
never a spreadsheet formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.errors import ValidationError
from iso10002.events import Event
from iso10002.metrics.exports import (
    CFPB_EXPORT_COLUMNS,
    CFPB_EXPORT_NOTES,
    cfpb_row,
    export_cfpb,
    period_bounds,
)
from iso10002.metrics.import_cfpb import CFPB_COLUMNS
from iso10002.metrics.imports import import_complaints
from iso10002.model import (
    Channel,
    Classification,
    Complaint,
    Money,
    Outcome,
    Redress,
    RedressKind,
)
from iso10002.replay import replay
from iso10002.storage import ComplaintQuery, InMemoryStore, SQLiteStore
from iso10002.testing.builders import START, event_for, history_to, received

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "cfpb_sample.csv"
NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
NOT_KEPT = ("Company public response", "State", "ZIP code", "Tags", "Consumer consent provided?")


def sample() -> dict[str, dict[str, str]]:
    text = SAMPLE.read_text(encoding="utf-8")
    return {r["Complaint ID"]: r for r in csv.DictReader(io.StringIO(text))}


def exported(store: object, **options: object) -> list[dict[str, str]]:
    out = io.StringIO(newline="")
    options.setdefault("at", NOW)
    export_cfpb(store, out, **options)  # type: ignore[arg-type]
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def column(complaint: Complaint, name: str, at: datetime = NOW) -> object:
    return cfpb_row(complaint, at=at)[CFPB_EXPORT_COLUMNS.index(name)]


def with_history(*names: str, **changes: object) -> Complaint:
    """A complaint taken through lifecycle events ``names`` (after receipt), an hour apart."""
    events: list[Event] = [received(**changes)]
    for name in names:
        events.append(event_for(replay(events), name))
    return replay(events)


def test_the_columns_are_the_databases_in_its_order() -> None:
    assert CFPB_EXPORT_COLUMNS == CFPB_COLUMNS
    assert set(CFPB_EXPORT_NOTES) == set(CFPB_EXPORT_COLUMNS)


def test_an_imported_sample_exports_back_as_it_was_where_the_record_holds_it() -> None:
    store = SQLiteStore.memory()
    import_complaints(store, SAMPLE, clock=ManualClock(NOW))
    original = sample()
    back = {r["Complaint ID"]: r for r in exported(store, company="ACME BANK, N.A.")}
    assert back.keys() == original.keys()
    for complaint_id, row in original.items():
        again = back[complaint_id]
        for name in CFPB_COLUMNS:
            if name in NOT_KEPT or name == "Consumer complaint narrative":
                assert again[name] == "", name
            elif name == "Consumer disputed?" and row[name] == "No":
                assert again[name] == "N/A"  # not disputing is not a recorded acceptance
            elif name == "Submitted via" and row[name] in ("Web Referral", "Fax"):
                # Web Referral and Referral are both a referral; Fax has no channel of its own.
                assert again[name] == {"Web Referral": "Referral", "Fax": ""}[row[name]]
            else:
                assert again[name] == row[name], (complaint_id, name)
    store.close()


def test_narratives_are_exported_only_when_asked_and_placeholders_never() -> None:
    store = InMemoryStore()
    import_complaints(store, SAMPLE, clock=ManualClock(NOW))
    original = sample()
    back = {r["Complaint ID"]: r for r in exported(store, narratives=True)}
    told = {k for k, r in original.items() if r["Consumer complaint narrative"]}
    assert told == {"9100001", "9100003", "9100010"}
    for complaint_id in told - {"9100010"}:
        name = "Consumer complaint narrative"
        assert back[complaint_id][name] == original[complaint_id][name]
    assert all(back[k]["Consumer complaint narrative"] == "" for k in original.keys() - told)


def test_a_cell_that_would_be_a_formula_is_made_inert() -> None:
    store = InMemoryStore()
    import_complaints(store, SAMPLE, clock=ManualClock(NOW))
    (row,) = [r for r in exported(store, narratives=True) if r["Complaint ID"] == "9100010"]
    assert row["Consumer complaint narrative"].startswith("'=HYPERLINK(")


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_no_exported_text_can_start_a_formula(start: str) -> None:
    store = InMemoryStore()
    store.create([received(classification=Classification(product=f"{start}cmd|' /C calc'!A0"))])
    (row,) = exported(store)
    assert row["Product"] == f"'{start}cmd|' /C calc'!A0"


def test_rows_are_written_as_the_store_gives_them_not_all_at_once() -> None:
    pulled = 0

    class CountingStore(InMemoryStore):
        def find(self, query: ComplaintQuery | None = None) -> Iterator[Complaint]:
            nonlocal pulled
            for complaint in super().find(query or ComplaintQuery()):
                pulled += 1
                yield complaint

    class Out(io.StringIO):
        def __init__(self) -> None:
            super().__init__()
            self.lines_at_pull: list[int] = []

        def write(self, text: str) -> int:
            self.lines_at_pull.append(pulled)
            return super().write(text)

    store = CountingStore()
    for n in range(50):
        store.create(history_to("closed", f"C-{n:03d}"))
    out = Out()
    assert export_cfpb(store, out, at=NOW) == 50
    assert out.lines_at_pull[:3] == [0, 1, 2]  # header, then each row as soon as it is read


def test_a_period_takes_the_complaints_received_in_it_by_the_zones_calendar() -> None:
    store = InMemoryStore()
    new_york_june_30_late = datetime(2026, 7, 1, 3, 30, tzinfo=timezone.utc)  # 23:30 EDT
    store.create([received("C-JUNE", at=new_york_june_30_late)])
    store.create([received("C-JULY", at=new_york_june_30_late + timedelta(hours=1))])
    start, end = period_bounds("2026Q3", "America/New_York")
    rows = exported(store, query=ComplaintQuery(received_from=start, received_until=end))
    assert [r["Complaint ID"] for r in rows] == ["C-JULY"]
    start, end = period_bounds("2026Q3", "UTC")
    rows = exported(store, query=ComplaintQuery(received_from=start, received_until=end))
    assert [r["Complaint ID"] for r in rows] == ["C-JUNE", "C-JULY"]


@pytest.mark.parametrize(
    ("text", "first", "after"),
    [
        ("2026", "2026-01-01", "2027-01-01"),
        ("2026Q4", "2026-10-01", "2027-01-01"),
        ("2026-q1", "2026-01-01", "2026-04-01"),
        ("2026H2", "2026-07-01", "2027-01-01"),
        ("2026-12", "2026-12-01", "2027-01-01"),
        ("2026-02-01..2026-02-28", "2026-02-01", "2026-03-01"),
    ],
)
def test_periods_are_years_quarters_halves_months_or_ranges(
    text: str, first: str, after: str
) -> None:
    start, end = period_bounds(text, "UTC")
    assert (start.date().isoformat(), end.date().isoformat()) == (first, after)


@pytest.mark.parametrize("text", ["Q3", "2026Q5", "2026-13", "2026-02-30..2026-03-01", "last"])
def test_a_period_that_is_none_of_those_is_refused(text: str) -> None:
    with pytest.raises(ValidationError, match="is not a period"):
        period_bounds(text)


def test_a_range_that_ends_before_it_starts_is_refused() -> None:
    with pytest.raises(ValidationError, match="ends before it starts"):
        period_bounds("2026-03-01..2026-02-01")


# --- Columns derived from complaints the library handled itself ---------------------------


def decided(outcome: Outcome, redress: Redress | None) -> Complaint:
    events: list[Event] = list(history_to("investigating"))
    complaint = replay(events)
    events.append(event_for(complaint, "decide", outcome=outcome, redress=redress))
    events.append(event_for(replay(events), "communicate_decision"))
    return replay(events)


@pytest.mark.parametrize(
    ("outcome", "redress", "response"),
    [
        (Outcome.UPHELD, Redress(Money(Decimal("25"), "USD")), "Closed with monetary relief"),
        (
            Outcome.PARTIALLY_UPHELD,
            Redress(Money(Decimal("5"), "USD"), RedressKind.GOODWILL),
            "Closed with monetary relief",
        ),
        (
            Outcome.UPHELD,
            Redress(Money(Decimal("0"), "USD"), RedressKind.NON_MONETARY),
            "Closed with non-monetary relief",
        ),
        (Outcome.UPHELD, None, "Closed with non-monetary relief"),
        (Outcome.NOT_UPHELD, None, "Closed with explanation"),
        (Outcome.RESOLVED_INFORMALLY, None, "Closed with explanation"),
    ],
)
def test_the_company_response_follows_the_communicated_decision(
    outcome: Outcome, redress: Redress | None, response: str
) -> None:
    complaint = decided(outcome, redress)
    assert column(complaint, "Company response to consumer") == response


def test_a_withdrawn_complaint_is_closed_and_an_open_one_in_progress_until_late() -> None:
    assert column(with_history("withdraw"), "Company response to consumer") == "Closed"
    open_one = with_history("acknowledge")
    assert column(open_one, "Company response to consumer", at=START) == "In progress"
    late = START + timedelta(days=17)
    assert column(open_one, "Company response to consumer", at=late) == "Untimely response"
    holding = with_history("acknowledge", "send_holding_response")
    assert column(holding, "Company response to consumer", at=late) == "In progress"


def test_a_decision_not_yet_communicated_is_no_response() -> None:
    complaint = with_history("acknowledge")
    events = list(history_to("investigating"))
    events.append(event_for(replay(events), "decide"))
    complaint = replay(events)
    assert column(complaint, "Company response to consumer", at=START) == "In progress"


def test_timely_means_a_first_response_within_15_calendar_days_of_the_date_sent() -> None:
    # START is Monday 5 January 2026, 09:00 UTC: 04:00 in New York, on 5 January.
    in_time = START + timedelta(days=15, hours=19)  # 23:00 on 20 January, New York
    too_late = START + timedelta(days=15, hours=21)  # 01:00 on 21 January, New York
    for at, timely in ((in_time, "Yes"), (too_late, "No")):
        events: list[Event] = [received()]
        events.append(event_for(replay(events), "acknowledge", at=at))
        events.append(event_for(replay(events), "send_holding_response", at=at))
        assert column(replay(events), "Timely response?") == timely
    unanswered = with_history("acknowledge")
    assert column(unanswered, "Timely response?", at=in_time) == ""
    assert column(unanswered, "Timely response?", at=too_late) == "No"


def test_disputed_says_whether_the_complainant_rejected_or_accepted_the_decision() -> None:
    base = list(history_to("responded"))
    rejected = replay([*base, event_for(replay(base), "reject")])
    accepted = replay([*base, event_for(replay(base), "accept")])
    assert column(rejected, "Consumer disputed?") == "Yes"
    assert column(accepted, "Consumer disputed?") == "No"
    assert column(replay(base), "Consumer disputed?") == "N/A"


@pytest.mark.parametrize(
    ("channel", "via"),
    [
        (Channel.WEB, "Web"),
        (Channel.REFERRAL, "Referral"),
        (Channel.PHONE, "Phone"),
        (Channel.EMAIL, "Email"),
        (Channel.LETTER, "Postal mail"),
        (Channel.CHAT, None),
        (Channel.APP, None),
        (Channel.OTHER, None),
    ],
)
def test_submitted_via_is_the_channel_where_the_cfpb_has_one(
    channel: Channel, via: str | None
) -> None:
    assert column(with_history(channel=channel), "Submitted via") == via


def test_the_complaint_id_is_the_sources_reference_or_else_the_id() -> None:
    assert column(with_history(), "Complaint ID") == "C-0001"
    assert column(with_history(external_ref="88123"), "Complaint ID") == "88123"


def test_an_erased_description_is_never_exported_as_a_narrative() -> None:
    store = InMemoryStore()
    store.create(history_to("closed"))
    desk = ComplaintsDesk(store, clock=ManualClock(NOW))
    desk.redact("C-0001", actor="dpo:lee", reason="erasure request")
    (row,) = exported(store, narratives=True)
    assert row["Consumer complaint narrative"] == ""


def test_the_dates_are_calendar_dates_in_the_zone_asked_for() -> None:
    late_evening = attrs.evolve(
        with_history(), received_at=datetime(2026, 3, 3, 2, tzinfo=timezone.utc)
    )
    assert cfpb_row(late_evening, at=NOW)[CFPB_EXPORT_COLUMNS.index("Date received")] == (
        "2026-03-02"
    )
    tokyo = cfpb_row(late_evening, at=NOW, zone="Asia/Tokyo")
    assert tokyo[CFPB_EXPORT_COLUMNS.index("Date sent to company")] == "2026-03-03"


def test_the_company_is_the_one_given() -> None:
    store = InMemoryStore()
    store.create(history_to("received"))
    assert exported(store, company="Acme Bank")[0]["Company"] == "Acme Bank"
    assert exported(store)[0]["Company"] == ""
