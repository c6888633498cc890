"""The desk's access-control hook: a refused actor changes nothing, and the refusal is kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from iso10002.access import (
    ACTIONS,
    AccessRefusal,
    LoggingRefusalLog,
    MemoryRefusalLog,
    RefusalLog,
    RolePolicy,
)
from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.errors import AccessDenied, ConfigurationError
from iso10002.events import NoteAdded
from iso10002.lifecycle import TRANSITIONS
from iso10002.model import (
    Channel,
    Classification,
    Complexity,
    ContactMethod,
    Impact,
    Outcome,
    Severity,
)
from iso10002.storage import InMemoryStore
from iso10002.testing.builders import START, history_to

POLICY = RolePolicy(
    roles={"agent:ana": {"handler"}, "auditor:sam": {"auditor"}, "dpo:lee": {"dpo"}},
    grants={"handler": ACTIONS - {"redact"}, "auditor": {"view"}, "dpo": {"redact", "view"}},
)


@pytest.fixture
def log() -> MemoryRefusalLog:
    return MemoryRefusalLog()


@pytest.fixture
def desk(log: MemoryRefusalLog) -> ComplaintsDesk:
    store = InMemoryStore()
    store.create(history_to("investigating"))
    clock = ManualClock(START + timedelta(days=2))
    return ComplaintsDesk(store, clock=clock, access=POLICY, refusals=log)


CHANGES: dict[str, Callable[[ComplaintsDesk, str], object]] = {
    "decide": lambda d, actor: d.decide(
        "C-0001", actor=actor, outcome=Outcome.UPHELD, reasons="Fee charged twice."
    ),
    "record_progress": lambda d, actor: d.record_progress(
        "C-0001", actor=actor, method=ContactMethod.EMAIL, message="Still looking."
    ),
    "add_note": lambda d, actor: d.add_note("C-0001", actor=actor, text="Called back."),
    "redact": lambda d, actor: d.redact("C-0001", actor=actor, reason="erasure request"),
    "receive": lambda d, actor: d.receive(
        actor=actor,
        channel=Channel.WEB,
        complainant=None,
        description="Rude reply.",
        classification=Classification(product="branch"),
    ),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_refused_actor_changes_nothing_and_the_refusal_is_recorded(
    desk: ComplaintsDesk, log: MemoryRefusalLog, change: str
) -> None:  # ISO 10002 4.12
    before = (
        desk.store.count(),
        desk.get("C-0001"),
        desk.history("C-0001"),
        list(desk.store.feed()),
    )
    with pytest.raises(AccessDenied) as refused:
        CHANGES[change](desk, "auditor:sam")
    assert (refused.value.actor, refused.value.action) == ("auditor:sam", change)
    after = (
        desk.store.count(),
        desk.get("C-0001"),
        desk.history("C-0001"),
        list(desk.store.feed()),
    )
    assert after == before
    (refusal,) = log.refusals
    assert (refusal.actor, refusal.action) == ("auditor:sam", change)
    assert refusal.complaint_id == (None if change == "receive" else "C-0001")
    assert refusal.at == desk.clock()


def test_an_allowed_actor_proceeds(desk: ComplaintsDesk, log: MemoryRefusalLog) -> None:
    assert CHANGES["decide"](desk, "agent:ana")
    assert desk.get("C-0001").decision is not None
    assert log.refusals == ()


def test_every_event_of_a_combined_step_is_checked(log: MemoryRefusalLog) -> None:
    store = InMemoryStore()
    store.create(history_to("received"))
    only_assess = RolePolicy(roles={"agent:bo": {"r"}}, grants={"r": {"assess"}})
    desk = ComplaintsDesk(store, access=only_assess, refusals=log)
    with pytest.raises(AccessDenied):
        desk.assess(
            "C-0001",
            actor="agent:bo",
            severity=Severity.LOW,
            complexity=Complexity.SIMPLE,
            impact=Impact.LOW,
            acknowledge_by=ContactMethod.EMAIL,  # also an acknowledgement: not granted
        )
    assert store.get("C-0001").version == 1
    assert [r.action for r in log.refusals] == ["acknowledge"]


def test_reads_on_an_actors_behalf_are_checked(desk: ComplaintsDesk, log: MemoryRefusalLog) -> None:
    assert desk.get("C-0001", actor="auditor:sam").id == "C-0001"
    with pytest.raises(AccessDenied):
        desk.history("C-0001", actor="guest")
    assert [(r.actor, r.action) for r in log.refusals] == [("guest", "view")]


def test_the_generic_record_path_is_checked(desk: ComplaintsDesk, log: MemoryRefusalLog) -> None:
    note = NoteAdded(at=desk.clock(), actor="auditor:sam", text="sneaky")
    with pytest.raises(AccessDenied):
        desk.record("C-0001", note)
    assert desk.get("C-0001").notes == 0


def test_a_failing_refusal_log_does_not_hide_the_refusal(caplog: pytest.LogCaptureFixture) -> None:
    class Broken(RefusalLog):
        def record(self, refusal: AccessRefusal) -> None:
            raise OSError("disk full")

    store = InMemoryStore()
    store.create(history_to("received"))
    desk = ComplaintsDesk(store, access=lambda actor, action, complaint: False, refusals=Broken())
    with pytest.raises(AccessDenied):
        desk.add_note("C-0001", actor="x", text="y")
    assert "could not record an access refusal" in caplog.text


def test_refusals_are_logged_as_warnings_by_default(caplog: pytest.LogCaptureFixture) -> None:
    store = InMemoryStore()
    store.create(history_to("received"))
    desk = ComplaintsDesk(store, access=lambda actor, action, complaint: action != "close")
    assert isinstance(desk.refusals, LoggingRefusalLog)
    with caplog.at_level("WARNING", logger="iso10002.access"), pytest.raises(AccessDenied):
        desk.close("C-0001", actor="agent:bo")
    assert "agent:bo was refused close on complaint C-0001" in caplog.text


def test_policy_receives_the_current_snapshot() -> None:
    seen = []

    def policy(actor: str, action: str, complaint: object) -> bool:
        seen.append((action, getattr(complaint, "version", None)))
        return True

    store = InMemoryStore()
    store.create(history_to("received"))
    ComplaintsDesk(store, access=policy).acknowledge(
        "C-0001", actor="a", method=ContactMethod.EMAIL
    )
    assert seen == [("acknowledge", 1)]


def test_grants_must_name_real_actions() -> None:
    with pytest.raises(ConfigurationError, match="aknowledge"):
        RolePolicy(roles={}, grants={"r": {"aknowledge"}})


def test_actions_are_the_lifecycle_events_and_view() -> None:
    assert {*TRANSITIONS.events, "view"} == ACTIONS
