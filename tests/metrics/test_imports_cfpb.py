"""The built-in mapping reads the public CFPB Consumer Complaint Database as documented."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from iso10002.events import (
    Acknowledged,
    Assessed,
    Closed,
    DecisionCommunicated,
    DecisionMade,
    HoldingResponseSent,
    InvestigationStarted,
    Received,
    ResponseRejected,
)
from iso10002.metrics.import_cfpb import CFPB, CFPB_COLUMNS, CFPB_NOTES, sample_rows
from iso10002.metrics.import_mapping import RowRefused
from iso10002.model import Channel, ComplaintState, Outcome, RedressKind
from iso10002.replay import replay
from iso10002.sla import presets
from iso10002.sla.policy import TargetState

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)
UTC = timezone.utc


def row(**cells: str) -> dict[str, str]:
    base = dict.fromkeys(CFPB_COLUMNS, "")
    base.update(
        {
            "Date received": "2026-03-02",
            "Product": "Debt collection",
            "Issue": "Attempts to collect debt not owed",
            "Company": "ACME BANK, N.A.",
            "Submitted via": "Web",
            "Date sent to company": "2026-03-03",
            "Company response to consumer": "Closed with explanation",
            "Timely response?": "Yes",
            "Consumer disputed?": "N/A",
            "Complaint ID": "9100001",
        }
    )
    for key, value in cells.items():
        base[key.replace("_", " ")] = value
    return base


def history(**cells: str) -> tuple:  # type: ignore[type-arg]
    return CFPB.history(row(**cells), now=NOW).events


def test_the_company_received_it_when_it_was_sent_and_the_cfpb_when_it_says() -> None:
    received = history()[0]
    assert isinstance(received, Received)
    # Calendar dates, placed at the start of the day in New York (EST in March: UTC-5).
    assert received.at == datetime(2026, 3, 3, 5, tzinfo=UTC)
    assert received.originally_received_at == datetime(2026, 3, 2, 5, tzinfo=UTC)


def test_the_complaint_id_the_reference_and_the_key_come_from_the_complaint_id() -> None:
    mapped = CFPB.history(row(), now=NOW)
    received = mapped.events[0]
    assert isinstance(received, Received)
    assert mapped.complaint_id == "cfpb-9100001"
    assert received.external_ref == "9100001"
    assert mapped.idempotency_key == "import:cfpb:9100001"
    assert received.actor == "import:cfpb"


def test_product_and_issue_become_the_classification() -> None:
    received = history(**{"Sub-product": "Medical debt", "Sub-issue": "Debt was paid"})[0]
    assert isinstance(received, Received)
    c = received.classification
    assert (c.product, c.sub_product, c.issue, c.sub_issue, c.category) == (
        "Debt collection",
        "Medical debt",
        "Attempts to collect debt not owed",
        "Debt was paid",
        "Attempts to collect debt not owed",
    )


def test_without_an_issue_the_category_is_unspecified_so_investigation_may_start() -> None:
    events = history(Issue="")
    received = events[0]
    assert isinstance(received, Received)
    assert received.classification.category == "unspecified"
    assert received.classification.issue is None
    assert replay(events).state is ComplaintState.CLOSED


@pytest.mark.parametrize(
    ("via", "channel"),
    [
        ("Web", Channel.WEB),
        ("Web Referral", Channel.REFERRAL),
        ("Referral", Channel.REFERRAL),
        ("Phone", Channel.PHONE),
        ("Email", Channel.EMAIL),
        ("Postal mail", Channel.LETTER),
        ("Fax", Channel.OTHER),
    ],
)
def test_submitted_via_becomes_the_channel(via: str, channel: Channel) -> None:
    received = history(Submitted_via=via)[0]
    assert isinstance(received, Received)
    assert received.channel is channel


def test_the_narrative_is_the_description_and_without_one_a_placeholder_says_so() -> None:
    told = history(**{"Consumer complaint narrative": "They never sent the letter."})[0]
    untold = history()[0]
    assert isinstance(told, Received)
    assert isinstance(untold, Received)
    assert told.description == "They never sent the letter."
    assert untold.description == (
        "CFPB complaint 9100001 (no narrative published): Debt collection; "
        "Attempts to collect debt not owed"
    )


@pytest.mark.parametrize(
    ("response", "outcome", "redress"),
    [
        ("Closed with explanation", Outcome.NOT_UPHELD, None),
        ("Closed with monetary relief", Outcome.UPHELD, None),
        ("Closed with non-monetary relief", Outcome.UPHELD, RedressKind.NON_MONETARY),
        ("Closed with relief", Outcome.UPHELD, None),
        ("Closed without relief", Outcome.NOT_UPHELD, None),
        ("Closed", Outcome.NOT_UPHELD, None),
    ],
)
def test_a_closing_response_is_a_decision_communicated_through_the_portal_then_closure(
    response: str, outcome: Outcome, redress: RedressKind | None
) -> None:
    events = history(Company_response_to_consumer=response)
    assert [type(e) for e in events] == [
        Received,
        Acknowledged,
        Assessed,  # placeholders: the lifecycle assesses before it decides (7.5)
        InvestigationStarted,
        DecisionMade,
        DecisionCommunicated,
        Closed,
    ]
    complaint = replay(events)
    assert complaint.state is ComplaintState.CLOSED
    assert complaint.outcome is outcome
    assert complaint.decision is not None
    assert complaint.decision.reasons == response  # the export reads it back
    if redress is None:
        assert complaint.redress is None  # an unknown amount of money is not invented
    else:
        assert complaint.redress is not None
        assert complaint.redress.kind is redress
        assert complaint.redress.amount.amount == Decimal(0)


def test_in_progress_is_a_holding_response_promising_the_end_of_the_60th_day() -> None:
    events = history(Company_response_to_consumer="In progress")
    assert [type(e) for e in events] == [Received, Acknowledged, HoldingResponseSent]
    holding = events[2]
    assert isinstance(holding, HoldingResponseSent)
    # Sent 3 March 2026; 60 days later is 2 May; the end of it is 3 May 00:00 in New York.
    assert holding.expected_by == datetime(2026, 5, 3, 4, tzinfo=UTC)
    assert replay(events).state is ComplaintState.ACKNOWLEDGED


@pytest.mark.parametrize("response", ["Untimely response", ""])
def test_no_response_leaves_the_complaint_received(response: str) -> None:
    events = history(Company_response_to_consumer=response, Timely_response_="No")
    assert [type(e) for e in events] == [Received]


def test_an_unknown_response_refuses_the_row() -> None:
    with pytest.raises(RowRefused) as caught:
        CFPB.history(row(**{"Company response to consumer": "Closed with a shrug"}), now=NOW)
    assert caught.value.problems[0].field == "Company response to consumer"


def test_a_timely_response_is_dated_at_receipt() -> None:
    events = history()
    assert {e.at for e in events} == {datetime(2026, 3, 3, 5, tzinfo=UTC)}


def test_an_untimely_response_is_dated_at_the_start_of_the_16th_day_after_receipt() -> None:
    events = history(**{"Timely response?": "No"})
    assert events[1].at == datetime(2026, 3, 19, 4, tzinfo=UTC)  # 19 March, EDT
    assert {e.at for e in events[1:]} == {events[1].at}


@pytest.mark.parametrize(
    ("timely", "state"), [("Yes", TargetState.MET), ("No", TargetState.BREACHED)]
)
def test_the_cfpb_preset_judges_the_imported_response_as_the_row_says(
    timely: str, state: TargetState
) -> None:
    complaint = replay(history(**{"Timely response?": timely}))
    evaluation = presets.get("cfpb.portal").evaluate(complaint, NOW)
    response = next(t for t in evaluation.targets if t.name == "response")
    assert response.state is state


def test_an_untimely_response_that_could_not_yet_be_late_is_refused() -> None:
    recent = (NOW - timedelta(days=3)).date().isoformat()
    cells = row(**{"Timely response?": "No", "Date sent to company": recent})
    cells["Date received"] = recent
    with pytest.raises(RowRefused) as caught:
        CFPB.history(cells, now=NOW)
    assert caught.value.problems[0].field == "Timely response?"


def test_a_disputed_response_is_rejected_and_the_complaint_still_closed() -> None:
    events = history(**{"Consumer disputed?": "Yes"})
    assert [type(e) for e in events][-2:] == [ResponseRejected, Closed]
    complaint = replay(events)
    assert complaint.state is ComplaintState.CLOSED
    assert complaint.decision is not None
    assert complaint.decision.rejected_at is not None


@pytest.mark.parametrize("disputed", ["No", "N/A", ""])
def test_an_undisputed_response_records_no_reply(disputed: str) -> None:
    events = history(**{"Consumer disputed?": disputed})
    assert not any(isinstance(e, ResponseRejected) for e in events)


def test_a_sent_date_before_the_cfpbs_receipt_refuses_the_row() -> None:
    with pytest.raises(RowRefused) as caught:
        CFPB.history(row(**{"Date sent to company": "2026-03-01"}), now=NOW)
    assert caught.value.problems[0].field == "Date received"


def test_older_exports_in_us_dates_and_api_names_and_numbers_are_read_too() -> None:
    api = {
        "date_received": "03/02/2026",
        "product": "Debt collection",
        "issue": "Attempts to collect debt not owed",
        "submitted_via": "Web",
        "date_sent_to_company": "2026-03-03T12:00:00-05:00",
        "company_response": "Closed with explanation",
        "timely": "Yes",
        "consumer_disputed": "N/A",
        "complaint_id": 9100001,
        "has_narrative": False,  # unknown keys are ignored
    }
    mapped = CFPB.history(api, now=NOW)
    assert mapped.complaint_id == "cfpb-9100001"
    assert mapped.events[0].at == datetime(2026, 3, 3, 17, tzinfo=UTC)
    assert replay(mapped.events).state is ComplaintState.CLOSED


def test_the_notes_cover_every_column_of_the_database() -> None:
    assert set(CFPB_NOTES) == set(CFPB_COLUMNS)
    assert set(CFPB.ignored) <= set(CFPB_COLUMNS)


def test_sample_rows_are_seeded_and_all_import() -> None:
    assert list(sample_rows(30, seed=9)) == list(sample_rows(30, seed=9))
    assert list(sample_rows(30, seed=9)) != list(sample_rows(30, seed=8))
    now = datetime(2026, 10, 1, tzinfo=UTC)
    for cells in sample_rows(2_000, seed=9):
        replay(CFPB.history(cells, now=now).events)
