"""A declarative column mapping turns one row into one complaint's history, or refuses it
naming every bad cell."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from iso10002.errors import ConfigurationError, ValidationError
from iso10002.events import Acknowledged, Closed, DecisionMade, Received
from iso10002.metrics.import_mapping import (
    Choice,
    Column,
    ComplainantColumns,
    DateColumn,
    ImportMapping,
    Resolution,
    Response,
    RowRefused,
    Text,
)
from iso10002.model import Channel, ComplaintState, Outcome
from iso10002.replay import replay

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
UTC = timezone.utc

MAPPING = ImportMapping(
    source="crm",
    row_id=Text("Case", required=True),
    received_at=DateColumn("Opened", formats=("date", "uk-date"), zone="Europe/London"),
    channel=Choice("Via", {"Web form": Channel.WEB, "Call": Channel.PHONE}, required=True),
    product=Text("Product", required=True),
    description=Text("Summary", fallback="Case {row_id} about {product}"),
    category=Text("Category"),
    complainant=ComplainantColumns(name=Text("Name"), email=Text("Email")),
    acknowledged_at=DateColumn("Acknowledged", required=False, zone="Europe/London"),
    response=Response(
        column="Outcome",
        values={"Upheld": Resolution(Outcome.UPHELD), "Open": None, "": None},
        at=DateColumn("Resolved", required=False, zone="Europe/London"),
        currency="GBP",
    ),
)


def row(**cells: object) -> dict[str, object]:
    base: dict[str, object] = {
        "Case": "81",
        "Opened": "2026-03-02",
        "Via": "Call",
        "Product": "personal loan",
        "Summary": "Rude reply on the phone.",
        "Category": "service",
        "Name": "",
        "Email": "",
        "Acknowledged": "",
        "Outcome": "",
        "Resolved": "",
    }
    base.update(cells)
    return base


def refusal(mapping: ImportMapping, cells: dict[str, object]) -> list[tuple[str | None, str]]:
    with pytest.raises(RowRefused) as caught:
        mapping.history(cells, now=NOW)
    return [(p.field, p.message) for p in caught.value.problems]


def test_a_row_becomes_a_received_complaint_with_an_id_from_source_and_row() -> None:
    mapped = MAPPING.history(row(), now=NOW)
    received = mapped.events[0]
    assert isinstance(received, Received)
    assert (mapped.complaint_id, mapped.idempotency_key) == ("crm-81", "import:crm:81")
    assert received.complaint_id == "crm-81"
    assert received.channel is Channel.PHONE
    assert received.classification.product == "personal loan"
    assert received.classification.category == "service"
    assert received.actor == "import"
    assert len(mapped.events) == 1


def test_a_calendar_date_is_the_start_of_that_day_in_the_columns_zone() -> None:
    winter = MAPPING.history(row(Opened="2026-01-15"), now=NOW).events[0].at
    summer = MAPPING.history(row(Opened="2026-07-15"), now=NOW).events[0].at
    assert winter == datetime(2026, 1, 15, 0, tzinfo=UTC)
    assert summer == datetime(2026, 7, 14, 23, tzinfo=UTC)  # BST: an hour ahead of UTC


def test_the_time_of_day_places_a_calendar_date_at_that_wall_time() -> None:
    noon = DateColumn("d", zone="America/New_York", time_of_day=time(12))
    assert noon.read({"d": "2026-03-31"}, []) == datetime(2026, 3, 31, 16, tzinfo=UTC)


@pytest.mark.parametrize(
    ("form", "text", "day"),
    [
        ("date", "2026-03-31", (2026, 3, 31)),
        ("us-date", "03/31/2026", (2026, 3, 31)),
        ("us-date", "3/1/2026", (2026, 3, 1)),
        ("uk-date", "31/03/2026", (2026, 3, 31)),
        ("uk-date", "1/3/2026", (2026, 3, 1)),
    ],
)
def test_named_calendar_formats_read_their_dates(
    form: str, text: str, day: tuple[int, int, int]
) -> None:
    column = DateColumn("d", formats=(form,))
    assert column.read({"d": text}, []) == datetime(*day, tzinfo=UTC)


def test_the_first_format_that_fits_is_used() -> None:
    column = DateColumn("d", formats=("date", "us-date"))
    assert column.read({"d": "2026-03-04"}, []) == column.read({"d": "03/04/2026"}, [])


def test_a_datetime_with_an_offset_is_taken_as_the_instant_it_names() -> None:
    column = DateColumn("d", formats=("datetime",))
    got = column.read({"d": "2026-03-31T09:30:00-04:00"}, [])
    assert got == datetime(2026, 3, 31, 13, 30, tzinfo=UTC)
    assert column.read({"d": "2026-03-31T13:30:00Z"}, []) == got


def test_a_naive_datetime_is_refused_where_an_offset_is_required() -> None:
    problems: list = []
    DateColumn("d", formats=("datetime",)).read({"d": "2026-03-31T09:30:00"}, problems)
    assert [p.message for p in problems] == [
        "is a date and time without an offset; give one such as -05:00 or Z"
    ]


def test_local_datetime_reads_a_naive_datetime_in_the_columns_zone() -> None:
    column = DateColumn("d", formats=("local-datetime",), zone="Europe/London")
    assert column.read({"d": "2026-07-01T09:00:00"}, []) == datetime(2026, 7, 1, 8, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "0000-01-01", "02/30/2026"])
def test_an_impossible_date_is_refused(text: str) -> None:
    problems: list = []
    DateColumn("d", formats=("date", "us-date")).read({"d": text}, problems)
    assert len(problems) == 1
    assert problems[0].message.startswith("is not a real date")


@pytest.mark.parametrize("text", ["tomorrow", "2026/03/31", "20260331", "2026-3-31", "31.03.2026"])
def test_a_date_in_no_named_format_is_refused_saying_which_formats_were_tried(text: str) -> None:
    problems: list = []
    DateColumn("d", formats=("date", "us-date")).read({"d": text}, problems)
    assert [p.message for p in problems] == [
        "is not a calendar date or a calendar date (date, us-date)"
    ]


def test_an_unknown_date_format_or_zone_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="unknown date formats"):
        DateColumn("d", formats=("julian",))
    with pytest.raises(ConfigurationError, match="unknown time zone"):
        DateColumn("d", zone="Mars/Olympus")


def test_a_value_map_ignores_case_and_surrounding_space() -> None:
    assert MAPPING.history(row(Via="  web FORM "), now=NOW).events[0].channel is Channel.WEB


def test_an_unknown_value_is_refused_naming_the_values_known() -> None:
    assert refusal(MAPPING, row(Via="Pigeon")) == [
        ("Via", "is not a known value; expected one of 'Web form', 'Call'")
    ]


def test_every_bad_cell_of_a_row_is_named_in_one_refusal() -> None:
    problems = refusal(MAPPING, row(Case="", Opened="2026-02-30", Via="Pigeon", Product=""))
    assert [field for field, _ in problems] == ["Case", "Opened", "Via", "Product"]


def test_a_refused_value_is_reported_cut_short() -> None:
    with pytest.raises(RowRefused) as caught:
        MAPPING.history(row(Opened="x" * 500), now=NOW)
    value = caught.value.problems[0].value
    assert value is not None
    assert len(value) == 60
    assert value.endswith("…")


@pytest.mark.parametrize("bad", ["a\x00b", "a\x1bb", "a\x7fb", "a\ud800b"])
def test_control_characters_and_lone_surrogates_refuse_the_cell(bad: str) -> None:
    assert refusal(MAPPING, row(Product=bad)) == [
        ("Product", "contains control characters or unpaired surrogates")
    ]


def test_tabs_and_line_breaks_are_text() -> None:
    mapped = MAPPING.history(row(Summary="Line one,\r\nline\ttwo."), now=NOW)
    received = mapped.events[0]
    assert isinstance(received, Received)
    assert received.description == "Line one,\r\nline\ttwo."


def test_text_longer_than_the_limit_is_refused_not_cut() -> None:
    assert refusal(MAPPING, row(Product="p" * 1001)) == [
        ("Product", "1,001 characters is longer than 1,000")
    ]
    long_story = "s" * 100_000
    received = MAPPING.history(row(Summary=long_story), now=NOW).events[0]
    assert isinstance(received, Received)
    assert received.description == long_story
    assert refusal(MAPPING, row(Summary=long_story + "s")) == [
        ("Summary", "100,001 characters is longer than 100,000")
    ]


def test_json_numbers_are_read_as_text_and_other_json_types_refused() -> None:
    assert MAPPING.history(row(Case=81), now=NOW).complaint_id == "crm-81"
    assert refusal(MAPPING, row(Case=True)) == [("Case", "expected text, got bool")]
    assert refusal(MAPPING, row(Product=["a"])) == [("Product", "expected text, got list")]
    assert refusal(MAPPING, row(Opened=20260302)) == [
        ("Opened", "is not a calendar date or a calendar date (date, uk-date)")
    ]


def test_a_value_that_stands_for_no_channel_refuses_the_row() -> None:
    mapping = attrs.evolve(MAPPING, channel=Choice("Via", {"Call": Channel.PHONE, "?": None}))
    assert refusal(mapping, row(Via="?")) == [("Via", "names no channel")]


def test_a_receipt_column_that_may_be_empty_still_refuses_an_empty_receipt() -> None:
    optional = DateColumn("Opened", required=False, zone="Europe/London")
    mapping = attrs.evolve(MAPPING, received_at=optional)
    assert refusal(mapping, row(Opened="")) == [("Opened", "is empty; a value is required")]


def test_a_null_cell_is_an_empty_one() -> None:
    received = MAPPING.history(row(Category=None), now=NOW).events[0]
    assert isinstance(received, Received)
    assert received.classification.category is None


@pytest.mark.parametrize("bad", ["has space", "a/b", "x" * 65, "-leading"])
def test_a_row_id_must_be_usable_in_an_id(bad: str) -> None:
    assert refusal(MAPPING, row(Case=bad))[0] == (
        "Case",
        "is not an id (letters, digits and . _ : -, at most 64, no spaces)",
    )


def test_the_fallback_template_describes_a_row_without_its_own_description() -> None:
    received = MAPPING.history(row(Summary=""), now=NOW).events[0]
    assert isinstance(received, Received)
    assert received.description == "Case 81 about personal loan"


def test_a_receipt_after_now_is_refused() -> None:
    assert refusal(MAPPING, row(Opened="2027-01-01"))[0][0] == "Opened"


def test_an_original_receipt_after_the_receipt_is_refused() -> None:
    mapping = ImportMapping(
        source="crm",
        row_id=Text("Case", required=True),
        received_at=DateColumn("Opened"),
        originally_received_at=DateColumn("First seen"),
        channel=Channel.REFERRAL,
        product="loan",
        description=Text("Summary", required=True),
    )
    cells = {"Case": "1", "Opened": "2026-03-02", "First seen": "2026-03-05", "Summary": "s"}
    assert refusal(mapping, cells) == [
        (
            "First seen",
            "is after the receipt (Opened, 2026-03-02T00:00:00+00:00)",
        )
    ]
    cells["First seen"] = "2026-02-27"
    received = mapping.history(cells, now=NOW).events[0]
    assert isinstance(received, Received)
    assert received.originally_received_at == datetime(2026, 2, 27, tzinfo=UTC)
    assert received.channel is Channel.REFERRAL  # a constant


def test_a_named_complainant_is_kept_and_a_nameless_one_is_anonymous() -> None:
    named = MAPPING.history(row(Name="Jo Bloggs", Email="jo@example.org"), now=NOW).events[0]
    anonymous = MAPPING.history(row(Email="jo@example.org"), now=NOW).events[0]
    assert isinstance(named, Received)
    assert isinstance(anonymous, Received)
    assert named.complainant is not None
    assert named.complainant.name == "Jo Bloggs"
    assert named.complainant.contact.email == "jo@example.org"
    assert anonymous.complainant is None


def test_an_acknowledgement_date_records_an_acknowledgement() -> None:
    events = MAPPING.history(row(Acknowledged="2026-03-03"), now=NOW).events
    assert [type(e) for e in events] == [Received, Acknowledged]
    assert events[1].at == datetime(2026, 3, 3, tzinfo=UTC)
    assert refusal(MAPPING, row(Acknowledged="2026-03-01")) == [
        ("Acknowledged", "is before receipt")
    ]


def test_a_response_value_becomes_a_decision_communicated_and_closed_at_its_date() -> None:
    mapped = MAPPING.history(row(Outcome="Upheld", Resolved="2026-03-20"), now=NOW)
    complaint = replay(mapped.events)  # the lifecycle accepts the whole history (clause 7)
    assert complaint.state is ComplaintState.CLOSED
    assert complaint.outcome is Outcome.UPHELD
    assert complaint.closed_at == datetime(2026, 3, 20, tzinfo=UTC)
    assert isinstance(mapped.events[-1], Closed)
    decision = next(e for e in mapped.events if isinstance(e, DecisionMade))
    assert decision.reasons == "Upheld"


def test_a_response_dated_before_its_acknowledgement_is_refused() -> None:
    cells = row(Outcome="Upheld", Acknowledged="2026-03-10", Resolved="2026-03-05")
    assert refusal(MAPPING, cells) == [("Resolved", "is before the acknowledgement")]


def test_a_response_value_the_mapping_does_not_know_is_refused() -> None:
    assert refusal(MAPPING, row(Outcome="Sort of"))[0] == (
        "Outcome",
        "is not a known response; expected one of 'Upheld', 'Open'",
    )


def test_a_response_that_leaves_the_complaint_open_adds_nothing() -> None:
    assert len(MAPPING.history(row(Outcome="open"), now=NOW).events) == 1


def test_rows_answered_alike_share_their_immutable_tail_events() -> None:
    first = MAPPING.history(row(Case="1", Outcome="Upheld", Resolved="2026-03-20"), now=NOW)
    second = MAPPING.history(row(Case="2", Outcome="Upheld", Resolved="2026-03-20"), now=NOW)
    assert first.events[1:] == second.events[1:]
    assert all(a is b for a, b in zip(first.events[1:], second.events[1:], strict=True))
    assert replay(second.events).id == "crm-2"


def test_a_source_name_must_be_short_and_plain() -> None:
    with pytest.raises(ConfigurationError, match="is not a source name"):
        ImportMapping(
            source="Bad Source!",
            row_id=Text("Case"),
            received_at=DateColumn("Opened"),
            channel=Channel.WEB,
            product="p",
            description=Text("d"),
        )


def test_a_resolution_is_a_decision_or_a_holding_response() -> None:
    with pytest.raises(ConfigurationError):
        Resolution()
    with pytest.raises(ConfigurationError):
        Resolution(Outcome.UPHELD, holding=True)
    with pytest.raises(ConfigurationError, match="withdrawal"):
        Resolution(Outcome.WITHDRAWN)


def test_the_header_must_hold_every_required_column_under_one_of_its_names() -> None:
    mapping = ImportMapping(
        source="crm",
        row_id=Text(Column("Case", ("case_id",)), required=True),
        received_at=DateColumn("Opened"),
        channel=Channel.WEB,
        product="p",
        description=Text("d"),
    )
    mapping.check_header(["case_id", "Opened"])
    with pytest.raises(ValidationError) as caught:
        mapping.check_header(["Opened"])
    assert caught.value.errors == ("header: no column 'Case' (nor case_id)",)


def test_aliases_read_the_same_data_under_another_name() -> None:
    mapping = ImportMapping(
        source="crm",
        row_id=Text(Column("Case", ("case_id",)), required=True),
        received_at=DateColumn(Column("Opened", ("opened_on",))),
        channel=Channel.WEB,
        product="p",
        description=Text("d", fallback="case {row_id}"),
    )
    mapped = mapping.history({"case_id": 7, "opened_on": "2026-03-02"}, now=NOW)
    assert mapped.complaint_id == "crm-7"


@given(st.dates(min_value=datetime(1900, 1, 1).date(), max_value=NOW.date()))
def test_every_real_date_reads_back_as_itself_in_every_named_calendar_format(day) -> None:  # type: ignore[no-untyped-def]
    spellings = {
        "date": day.isoformat(),
        "us-date": f"{day.month:02d}/{day.day:02d}/{day.year:04d}",
        "uk-date": f"{day.day}/{day.month}/{day.year:04d}",
    }
    for form, text in spellings.items():
        column = DateColumn("d", formats=(form,), zone="America/New_York")
        instant = column.read({"d": text}, [])
        assert instant is not None
        assert column.local_date(instant) == day
        assert instant - column.day_start(day) == timedelta(0)
