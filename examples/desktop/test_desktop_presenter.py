"""The desk's view-model, without a display: what the window shows and what its buttons do.

Each test reads as one behaviour of the desk a small office uses; the Tk window only draws
what these return (see test_desktop_window.py for the window itself).
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from complaints_desktop.actions import ACTIONS
from complaints_desktop.forms import FieldKind, FormReader
from complaints_desktop.office import GRANTS, STAFF
from complaints_desktop.presenter import DeskPresenter, Feedback, Level, explain
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from iso10002 import ManualClock
from iso10002.access import ACTIONS as POLICY_ACTIONS
from iso10002.errors import (
    AccessDenied,
    ConcurrencyConflict,
    ConfigurationError,
    IntegrityViolation,
    Iso10002Error,
    NotFound,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.events import HoldingResponseSent
from iso10002.lifecycle import TRANSITIONS
from iso10002.sla import presets

LONDON = ZoneInfo("Europe/London")
START = datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc)  # as the clock fixture: Monday 09:00


def receive(desk: DeskPresenter, **values: str) -> str:
    """Receive a complaint through the receipt form; its id."""
    form = desk.receive_form()
    filled = form.defaults() | {"product": "broadband", "description": "No line for a week."}
    reply = desk.receive(form, filled | values)
    assert reply.ok, reply.message
    assert reply.complaint_id is not None
    return reply.complaint_id


def act(desk: DeskPresenter, complaint_id: str, event: str, **values: str | bool) -> Feedback:
    """Press ``event``'s button on the complaint as shown now, with the dialog's defaults."""
    form = desk.action_form(event)
    filled = ({} if form is None else form.defaults()) | values
    return desk.perform(complaint_id, event, filled, version=desk.detail(complaint_id).version)


# --- the file ----------------------------------------------------------------------------


def test_a_new_file_is_created_and_is_refused_as_new_once_it_exists(
    clock: ManualClock, tmp_path: Path
) -> None:
    desk = DeskPresenter(clock=clock)
    path = tmp_path / "new.sqlite3"
    assert desk.open_database(path, create=True).ok
    assert path.exists()
    again = desk.open_database(path, create=True)
    assert (again.ok, again.kind) == (False, "file")
    assert "already exists" in again.message
    desk.close()


def test_opening_a_missing_file_is_refused_without_creating_it(
    clock: ManualClock, tmp_path: Path
) -> None:
    desk = DeskPresenter(clock=clock)
    reply = desk.open_database(tmp_path / "missing.sqlite3", create=False)
    assert not reply.ok
    assert "no complaints file" in reply.message
    assert not (tmp_path / "missing.sqlite3").exists()


def test_a_file_that_is_not_a_complaints_database_is_refused_and_the_open_one_stays(
    presenter: DeskPresenter, database: Path, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping: milk, bread\n")
    reply = presenter.open_database(notes, create=False)
    assert (reply.ok, reply.title) == (False, "Cannot use this file")
    assert presenter.database == database
    assert notes.read_text() == "shopping: milk, bread\n"


def test_complaints_are_still_there_when_the_file_is_opened_again(
    presenter: DeskPresenter, database: Path, clock: ManualClock
) -> None:
    complaint_id = receive(presenter)
    presenter.close()
    again = DeskPresenter(clock=clock)
    assert again.open_database(database, create=False).ok
    assert [row.id for row in again.rows()] == [complaint_id]
    again.close()


# --- receiving (ISO 10002 7.2) -----------------------------------------------------------


def test_a_received_complaint_is_listed_with_its_state_and_sla(
    presenter: DeskPresenter,
) -> None:
    complaint_id = receive(presenter, name="Jo Bloggs", category="outage")
    (row,) = presenter.rows()
    assert (row.id, row.complainant, row.about, row.state) == (
        complaint_id,
        "Jo Bloggs",
        "broadband / outage",
        "received",
    )
    assert row.received == "05 Jan 2026 09:00"
    assert row.level is Level.ON_TRACK
    assert row.sla == "on track, next due Tue 06 Jan 17:00"  # acknowledge by close of day 1


def test_the_receipt_form_names_every_bad_field_and_writes_nothing(
    presenter: DeskPresenter,
) -> None:
    form = presenter.receive_form()
    reply = presenter.receive(
        form, form.defaults() | {"channel": "pigeon", "product": " ", "description": ""}
    )
    assert (reply.ok, reply.kind, reply.keep_form) == (False, "invalid", True)
    assert reply.message.splitlines() == [
        "• channel: 'pigeon' is not one of web, email, phone, letter, in person, chat, "
        "social media, app, referral, other",
        "• product: required",
        "• description: required",
    ]
    assert presenter.rows() == ()


def test_contact_details_without_a_name_are_refused(presenter: DeskPresenter) -> None:
    form = presenter.receive_form()
    values = form.defaults() | {"product": "tv", "description": "x", "email": "jo@example.org"}
    reply = presenter.receive(form, values)
    assert reply.message == "• name: needed when contact details are given"


def test_a_blank_name_records_an_anonymous_complaint(presenter: DeskPresenter) -> None:
    receive(presenter, name="")
    assert presenter.rows()[0].complainant == "anonymous"


def test_submitting_the_same_receipt_form_twice_records_one_complaint(
    presenter: DeskPresenter,
) -> None:
    form = presenter.receive_form()
    values = form.defaults() | {"product": "broadband", "description": "Double click."}
    first, second = presenter.receive(form, values), presenter.receive(form, values)
    assert first.complaint_id == second.complaint_id
    assert len(presenter.rows()) == 1
    assert presenter.receive_form().token != form.token  # a new form is a new complaint


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    values=st.fixed_dictionaries(
        {
            "name": st.sampled_from(["", "Jo Bloggs", " "]),
            "email": st.sampled_from(["", "jo@example.org"]),
            "channel": st.sampled_from(["", "phone", "in person", "pigeon"]),
            "product": st.text(max_size=12),
            "description": st.text(max_size=40),
            "remedy": st.sampled_from(["", "refund", "a pony"]),
            "about": st.sampled_from(["", "agent:bo", "Bo Chen (agent:bo)", "nobody"]),
        }
    )
)
def test_any_receipt_form_records_one_complaint_or_names_its_bad_fields_and_writes_nothing(
    values: dict[str, str],
) -> None:
    desk = DeskPresenter(clock=ManualClock(START))
    folder = tempfile.TemporaryDirectory()
    assert desk.open_database(Path(folder.name) / "office.sqlite3").ok
    try:
        reply = desk.receive(desk.receive_form(), values)
        count = len(desk.rows())
        if reply.ok:
            assert count == 1
        else:
            assert (reply.kind, count) == ("invalid", 0)
            assert all(line.startswith("• ") and ": " in line for line in reply.message.split("\n"))
        assert desk.office is not None
        assert desk.office.store.verify_integrity().ok
    finally:
        desk.close()
        folder.cleanup()


# --- the list: SLA colours ---------------------------------------------------------------


def test_rows_turn_at_risk_then_breached_as_deadlines_near_and_pass(
    presenter: DeskPresenter, clock: ManualClock
) -> None:
    complaint_id = receive(presenter)
    act(presenter, complaint_id, "acknowledge")
    clock.advance(timedelta(days=11, hours=3))  # Fri 16 Jan 12:00: 9 of 10 days to an update
    assert (presenter.rows()[0].level, presenter.rows()[0].sla) == (
        Level.AT_RISK,
        "at risk: update",
    )
    clock.advance(timedelta(days=4))  # Tue 20 Jan: the update was due Mon 19 Jan 17:00
    assert (presenter.rows()[0].level, presenter.rows()[0].sla) == (
        Level.BREACHED,
        "breached: update",
    )


def test_newest_complaints_come_first_and_open_only_hides_closed_ones(
    presenter: DeskPresenter, clock: ManualClock
) -> None:
    first = receive(presenter)
    clock.advance(timedelta(minutes=5))
    second = receive(presenter)
    presenter.select_user("lead:kim")
    act(presenter, first, "withdraw", reason="sorted out on the phone")
    assert [r.id for r in presenter.rows()] == [second, first]
    assert [r.id for r in presenter.rows(open_only=True)] == [second]


# --- the detail pane ---------------------------------------------------------------------


def test_the_buttons_are_the_events_the_lifecycle_allows_now(presenter: DeskPresenter) -> None:
    complaint_id = receive(presenter)
    assert presenter.office is not None
    desk = presenter.office.desk
    for event in ("acknowledge", "assess"):
        detail = presenter.detail(complaint_id)
        assert [b.event for b in detail.actions] == list(desk.allowed_events(complaint_id))
        act(presenter, complaint_id, event, category="billing")
    assert "start_investigation" in [b.event for b in presenter.detail(complaint_id).actions]


def test_every_lifecycle_event_but_receipt_has_a_button() -> None:
    assert set(ACTIONS) == set(TRANSITIONS.events) - {"receive"}


def test_the_roles_grant_only_actions_the_lifecycle_knows() -> None:
    assert set().union(*GRANTS.values()) <= POLICY_ACTIONS
    assert {role for member in STAFF for role in member.roles} <= set(GRANTS)


def test_buttons_not_granted_to_the_person_signed_in_are_marked(presenter: DeskPresenter) -> None:
    complaint_id = receive(presenter)
    granted = {b.event: b.granted for b in presenter.detail(complaint_id).actions}
    assert granted["acknowledge"]
    assert not granted["redact"]  # a handler does not erase personal data
    presenter.select_user("dpo:lee")
    granted = {b.event: b.granted for b in presenter.detail(complaint_id).actions}
    assert not granted["acknowledge"]
    assert granted["redact"]


def test_the_history_names_people_and_leaves_defaults_out(presenter: DeskPresenter) -> None:
    complaint_id = receive(presenter, name="Jo Bloggs", email="jo@example.org", about="agent:bo")
    act(presenter, complaint_id, "acknowledge", method="phone", message="Got it.")
    received, acknowledged = presenter.detail(complaint_id).history
    assert (received.what, received.who) == ("Received", "Ana Silva")
    assert "complainant: Jo Bloggs, jo@example.org" in received.details
    assert "persons complained about: Bo Chen" in received.details
    assert "complaint type" not in received.details  # left at "standard"
    assert (acknowledged.what, acknowledged.details) == (
        "Acknowledged",
        "method: phone; message: Got it.",
    )


def test_the_detail_shows_each_sla_target_with_its_state(presenter: DeskPresenter) -> None:
    complaint_id = receive(presenter)
    sla = {line.target: line for line in presenter.detail(complaint_id).sla}
    assert set(sla) == {"acknowledge", "final response", "update"}
    assert sla["acknowledge"].due == "Tue 06 Jan 2026 17:00"
    assert "close of business on the 1st business day" in sla["acknowledge"].explanation


# --- actions and the lifecycle -----------------------------------------------------------


def test_a_complaint_goes_from_receipt_to_closure_through_the_dialogs(
    presenter: DeskPresenter, clock: ManualClock
) -> None:
    complaint_id = receive(presenter, name="Jo Bloggs", category="billing")
    steps: list[tuple[str, str, dict[str, str | bool]]] = [
        ("agent:ana", "acknowledge", {}),
        ("agent:ana", "assess", {"severity": "high"}),
        ("agent:ana", "assign", {"assignee": "Bo Chen (agent:bo)"}),
        ("agent:bo", "start_investigation", {}),
        ("agent:bo", "record_progress", {"message": "Checking the bills."}),
        ("lead:kim", "decide", {"reasons": "Billed twice.", "redress": "25.00"}),
        ("agent:bo", "communicate_decision", {}),
        ("agent:bo", "accept", {}),
        ("lead:kim", "close", {"summary": "Refunded."}),
        ("agent:bo", "offer_survey", {}),
        ("agent:bo", "record_satisfaction", {"score": "4"}),
    ]
    for actor, event, values in steps:
        clock.advance(timedelta(hours=1))
        presenter.select_user(actor)
        reply = act(presenter, complaint_id, event, **values)
        assert reply.ok, (event, reply.message)
    detail = presenter.detail(complaint_id)
    assert detail.state == "closed"
    assert dict(detail.facts)["Decision"] == "upheld: Billed twice."
    assert dict(detail.facts)["Handled by"] == "owner Bo Chen, investigator Bo Chen"
    assert dict(detail.facts)["About"] == "broadband / billing — severity high"
    assert len(detail.history) == 1 + len(steps)
    assert "redress: 25.00 GBP, compensation" in detail.history[6].details
    assert presenter.office is not None
    assert presenter.office.store.verify_integrity().ok


def test_an_action_the_lifecycle_refuses_is_explained_and_the_form_stays_open(
    presenter: DeskPresenter,
) -> None:
    complaint_id = receive(presenter, about="agent:bo")
    act(presenter, complaint_id, "acknowledge")
    act(presenter, complaint_id, "assess", category="billing")
    reply = act(presenter, complaint_id, "start_investigation", investigator="agent:bo")
    assert (reply.title, reply.keep_form) == ("Not possible now", True)
    assert "'agent:bo' is named in the complaint" in reply.message  # objectivity, 4.7
    assert presenter.detail(complaint_id).state == "assessed"


def test_a_decision_without_reasons_is_refused_by_the_lifecycle(
    presenter: DeskPresenter,
) -> None:
    complaint_id = receive(presenter, category="billing")
    for event in ("acknowledge", "assess", "start_investigation"):
        act(presenter, complaint_id, event)
    presenter.select_user("lead:kim")
    reply = act(presenter, complaint_id, "decide", reasons="  ")
    assert reply.message.endswith("a decision needs its reasons (ISO 10002 7.8)")


def test_a_bad_amount_and_an_unknown_approver_are_both_named(presenter: DeskPresenter) -> None:
    complaint_id = receive(presenter, category="billing")
    for event in ("acknowledge", "assess", "start_investigation"):
        act(presenter, complaint_id, event)
    presenter.select_user("lead:kim")
    reply = act(
        presenter, complaint_id, "decide", reasons="ok", redress="12,50", approved_by="the boss"
    )
    assert reply.message.splitlines() == [
        "• redress: '12,50' is not an amount such as 25.00",
        "• approved_by: 'the boss' is not a member of staff",
    ]
    assert presenter.detail(complaint_id).version == 4


def test_a_holding_response_promises_close_of_business_in_london(
    presenter: DeskPresenter,
) -> None:
    complaint_id = receive(presenter)
    act(presenter, complaint_id, "acknowledge")
    reply = act(
        presenter,
        complaint_id,
        "send_holding_response",
        reasons="Waiting for the engineer's report.",
        expected_by="2026-07-01",
    )
    assert reply.ok, reply.message
    assert presenter.office is not None
    event = presenter.office.desk.history(complaint_id)[-1]
    assert isinstance(event, HoldingResponseSent)
    assert event.expected_by == datetime(2026, 7, 1, 17, 0, tzinfo=LONDON)  # BST: 16:00 UTC
    assert event.expected_by.tzinfo == timezone.utc


def test_a_satisfaction_score_must_be_one_to_five(presenter: DeskPresenter) -> None:
    complaint_id = receive(presenter)
    presenter.select_user("lead:kim")
    act(presenter, complaint_id, "withdraw")
    reply = act(presenter, complaint_id, "record_satisfaction", score="7")
    assert reply.message == "• score: '7' is not a score from 1 to 5"


def test_a_button_without_questions_acts_at_once(presenter: DeskPresenter) -> None:
    complaint_id = receive(presenter)
    act(presenter, complaint_id, "pause_clock", reason="awaiting documents")
    assert presenter.action_form("resume_clock") is None
    assert act(presenter, complaint_id, "resume_clock").ok
    assert presenter.detail(complaint_id).history[-1].what == "Clock resumed"


def test_the_investigator_defaults_to_the_person_signed_in(presenter: DeskPresenter) -> None:
    presenter.select_user("agent:bo")
    form = presenter.action_form("start_investigation")
    assert form is not None
    assert form.field("investigator").default == "Bo Chen (agent:bo)"
    assert form.field("investigator").kind is FieldKind.PERSON


def test_a_complaint_changed_since_it_was_shown_is_a_conflict_and_nothing_is_written(
    presenter: DeskPresenter,
) -> None:
    complaint_id = receive(presenter)
    shown = presenter.detail(complaint_id).version
    assert act(presenter, complaint_id, "add_note", text="Called back.").ok  # someone else
    reply = presenter.perform(complaint_id, "acknowledge", {"method": "email"}, version=shown)
    assert (reply.title, reply.kind) == ("Changed by someone else", "conflict")
    assert presenter.detail(complaint_id).state == "received"


def test_erasing_personal_data_shows_the_complainant_as_erased(presenter: DeskPresenter) -> None:
    complaint_id = receive(presenter, name="Jo Bloggs")
    presenter.select_user("dpo:lee")
    assert act(presenter, complaint_id, "redact").ok
    assert presenter.rows()[0].complainant == "[erased]"
    assert dict(presenter.detail(complaint_id).facts)["What went wrong"] == "[redacted]"


# --- access control (issue 8: the example wires the desk's hook to its roles) -------------


def test_a_refused_action_changes_nothing_and_the_refusal_is_recorded(
    presenter: DeskPresenter, database: Path
) -> None:
    complaint_id = receive(presenter)
    before = presenter.detail(complaint_id)
    presenter.select_user("auditor:sam")
    reply = act(presenter, complaint_id, "acknowledge")
    assert (reply.ok, reply.title, reply.kind) == (False, "Not allowed", "refused")
    assert f"'auditor:sam' may not acknowledge complaint '{complaint_id}'" in reply.message
    after = presenter.detail(complaint_id)
    assert (after.version, after.history) == (before.version, before.history)
    assert presenter.refusals() == (
        f"Mon 05 Jan 2026 09:00: Sam Patel was refused acknowledge on {complaint_id}",
    )
    journal = database.with_name("office.sqlite3.refusals.txt").read_text().splitlines()
    assert journal == [
        f"2026-01-05T09:00:00+00:00 auditor:sam was refused acknowledge on complaint {complaint_id}"
    ]


def test_a_refused_receipt_writes_nothing(presenter: DeskPresenter) -> None:
    presenter.select_user("auditor:sam")
    form = presenter.receive_form()
    reply = presenter.receive(form, form.defaults() | {"product": "tv", "description": "x"})
    assert reply.message.startswith("'auditor:sam' may not receive a new complaint")
    assert presenter.rows() == ()
    assert presenter.refusals() == (
        "Mon 05 Jan 2026 09:00: Sam Patel was refused receive (a new complaint)",
    )


def test_only_the_team_lead_decides_and_closes(presenter: DeskPresenter) -> None:
    complaint_id = receive(presenter, category="billing")
    for event in ("acknowledge", "assess", "start_investigation"):
        act(presenter, complaint_id, event)
    assert act(presenter, complaint_id, "decide", reasons="Billed twice.").kind == "refused"
    presenter.select_user("lead:kim")
    assert act(presenter, complaint_id, "decide", reasons="Billed twice.").ok


def test_signing_in_someone_not_on_the_staff_list_is_refused(presenter: DeskPresenter) -> None:
    with pytest.raises(ConfigurationError, match="not on the office's staff list"):
        presenter.select_user("intruder")
    assert presenter.user is not None
    assert presenter.user.actor == "agent:ana"


# --- messages for the library's errors ---------------------------------------------------


@pytest.mark.parametrize(
    ("error", "title", "kind"),
    [
        (ValidationError(["product: required"]), "Please correct the form", "invalid"),
        (AccessDenied("guest", "close", "C-1"), "Not allowed", "refused"),
        (
            TransitionNotAllowed("received", "close", "no decision"),
            "Not possible now",
            "not_allowed",
        ),
        (ConcurrencyConflict("C-1", 2, 3), "Changed by someone else", "conflict"),
        (NotFound("C-404"), "Not found", "not_found"),
        (ConfigurationError("not our file"), "Cannot use this file", "file"),
        (IntegrityViolation("chain broken"), "Cannot use this file", "file"),
        (Iso10002Error("odd"), "Something went wrong", "failure"),
    ],
)
def test_each_library_error_becomes_a_readable_message(
    error: Iso10002Error, title: str, kind: str
) -> None:
    feedback = explain(error)
    assert (feedback.ok, feedback.title, feedback.kind) == (False, title, kind)
    assert str(error).splitlines()[-1].lstrip(" -") in feedback.message


# --- reading forms -----------------------------------------------------------------------


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_an_amount_reads_back_as_the_decimal_typed(amount: Decimal) -> None:
    money = FormReader({"amount": str(amount)}, currency="EUR").amount("amount")
    assert money is not None
    assert (money.amount, money.currency) == (amount, "EUR")


@given(st.dates())
def test_a_date_reads_as_close_of_business_that_day_in_the_office_zone(day: object) -> None:
    reader = FormReader({"due": str(day)}, zone=LONDON)
    due = reader.date("due")
    assert due is not None
    assert (due.date(), due.hour, due.tzinfo) == (day, 17, LONDON)
    reader.check()


def test_a_long_description_is_cut_in_the_detail_pane_and_whole_in_the_history(
    presenter: DeskPresenter,
) -> None:
    words = "The engineer did not come. " * 20
    complaint_id = receive(presenter, description=words)
    detail = presenter.detail(complaint_id)
    shown = dict(detail.facts)["What went wrong"]
    assert shown.endswith("… (all of it in the history)")
    assert len(shown) < len(words)
    assert words.strip() in detail.history[0].details


@pytest.mark.parametrize("preset", presets.ids())
def test_the_office_can_work_to_every_sla_preset(
    preset: str, clock: ManualClock, tmp_path: Path
) -> None:
    desk = DeskPresenter(clock=clock, preset=preset)
    assert desk.open_database(tmp_path / "office.sqlite3").ok
    complaint_id = receive(desk)
    assert desk.office is not None
    assert desk.office.policy.name.startswith(preset)
    assert desk.detail(complaint_id).sla  # the preset's targets, on the office's calendar
    desk.close()
