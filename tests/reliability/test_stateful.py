"""A hypothesis state machine drives a ComplaintsDesk on every store with good and bad commands.

Each step is one use case of the desk (receive, every lifecycle event, erasure, the reads),
called by an allowed or a refused actor, with the current version or a stale one, with a
valid payload or a broken one, at a valid instant or an impossible one. The test predicts,
from the lifecycle's compiled table and the validators alone, which errors the command may
raise; the desk must raise one of them, or succeed when none applies. After every step:

* each snapshot equals the replay of its stored history under the desk's rules (the store
  did not drift from its events) and its version counts its events;
* a command that failed left the complaint exactly as it was (nothing half-written);
* a command that succeeded appended exactly the events it stands for, after the untouched
  earlier ones, and only for a transition the lifecycle allows (ISO 10002 clause 7);
* the hash chains verify (4.9), and the FCA DISP policy evaluates every complaint without
  raising.

``ISO10002_SOAK=1`` runs many more examples and steps.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)
from reliability_support import STORE_KINDS, StoreFactory, soak_int

from iso10002.access import MemoryRefusalLog
from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.errors import (
    AccessDenied,
    ConcurrencyConflict,
    Iso10002Error,
    NotFound,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.events import Event, Received, Redacted
from iso10002.lifecycle import TRANSITIONS
from iso10002.model import Channel, Classification, Complainant, Complaint, ContactMethod
from iso10002.replay import apply, replay
from iso10002.sla import presets
from iso10002.storage import ComplaintStore
from iso10002.testing.builders import START, event_for

INTRUDER = "intruder:eve"
"""The one actor the access policy refuses everything."""
ACTORS = ("agent:bo", "agent:zed", INTRUDER)
"""agent:zed is the person complained about (objectivity, 4.7); agent:bo is not."""

# The desk method for each lifecycle event, and how the event's fields become its arguments.
METHODS: dict[str, str] = {
    "accept": "record_acceptance",
    "reject": "record_rejection",
    "redact": "redact",
}
RENAMES: dict[str, dict[str, str]] = {"redact": {"forced": "force"}}
COMMANDS = tuple(e for e in TRANSITIONS.events if e != "receive")
"""Every lifecycle event a desk method records (receipt has its own rule)."""
TEXT_FIELDS = ("text", "reason", "reasons", "description", "body", "message", "summary", "to")


def desk_arguments(event: str, fields: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of the desk method for ``event``, from the event's fields."""
    arguments = {RENAMES.get(event, {}).get(k, k): v for k, v in fields.items()}
    if event == "record_satisfaction":
        satisfaction = arguments.pop("satisfaction")
        arguments |= {"score": satisfaction.score, "comment": satisfaction.comment}
    return arguments


def fields_of(event: Event) -> dict[str, Any]:
    """An event's own fields, without ``at`` and ``actor``."""
    return {
        f.name: getattr(event, f.name)
        for f in attrs.fields(type(event))
        if f.name not in ("at", "actor")
    }


class DeskMachine(RuleBasedStateMachine):
    """The desk, its store and a model of what the store must hold."""

    make_store: Callable[[], ComplaintStore]
    outcomes: Counter[str]  # what the commands did, over every example (printed at the end)
    complaints = Bundle("complaints")

    def __init__(self) -> None:
        super().__init__()
        self.store = type(self).make_store()
        self.clock = ManualClock(START)
        self.policy = presets.get("fca.disp.standard")
        self.refusals = MemoryRefusalLog()
        self.desk = ComplaintsDesk(
            self.store,
            self.policy,
            self.clock,
            access=lambda actor, action, complaint: actor != INTRUDER,
            refusals=self.refusals,
            id_factory=lambda: f"C-{next(self.numbers):04d}",  # replayable, unlike uuid4
        )
        self.numbers = itertools.count(1)
        self.versions: dict[str, int] = {}  # what each complaint's version must be
        self.keys: dict[str, str] = {}  # idempotency key -> complaint id

    def teardown(self) -> None:
        self.store.close()

    # --- commands --------------------------------------------------------------------------

    @initialize(target=complaints)
    def first_complaint(self) -> str | MultipleResults[str]:
        """Every run starts with one complaint, so short runs test more than receipts."""
        return self.receive(
            anonymous=False, key=None, actor="agent:bo", description="Charged twice for the fee."
        )

    @rule(
        target=complaints,
        anonymous=st.booleans(),
        key=st.none() | st.sampled_from(["form-1", "form-2"]),
        actor=st.sampled_from(ACTORS),
        description=st.sampled_from(
            ["Charged twice for the fee.", "", "<b>rude</b>\x00 reply", "Line one.\r\n\tTwo."]
        ),
    )
    def receive(
        self, anonymous: bool, key: str | None, actor: str, description: str
    ) -> str | MultipleResults[str]:
        count = self.store.count()
        arguments: dict[str, Any] = {
            "actor": actor,
            "channel": Channel.EMAIL,
            "complainant": None if anonymous else Complainant(name="Jo Bloggs"),
            "description": description,
            "classification": Classification(product="current account", category="fees"),
            "persons_complained_about": ("agent:zed",),
            "idempotency_key": key,
        }
        possible: set[type[Exception]] = set()
        if not description.strip() or "\x00" in description:  # blank, or a control character
            possible.add(ValidationError)
        if actor == INTRUDER:
            possible.add(AccessDenied)
        if possible:
            with pytest.raises(tuple(possible)):
                self.desk.receive(**arguments)
            assert self.store.count() == count
            return multiple()
        complaint = self.desk.receive(**arguments)
        if key is not None and key in self.keys:  # a retry: the first complaint, nothing new
            assert complaint.id == self.keys[key]
            assert self.store.count() == count
        else:
            assert complaint.version == 1
            assert self.store.count() == count + 1
            self.versions[complaint.id] = 1
            if key is not None:
                self.keys[key] = complaint.id
        return complaint.id

    @rule(complaint_id=complaints, data=st.data())
    def progress(self, complaint_id: str, data: st.DataObject) -> None:
        """A good command: an event the lifecycle allows now, by an agent, on time."""
        if complaint_id not in self.versions:
            return
        allowed = self.desk.allowed_events(complaint_id)
        if not allowed:
            return
        self.command(
            complaint_id=complaint_id,
            event=data.draw(st.sampled_from(allowed)),
            actor="agent:bo",
            staleness=0,
            person="agent:bo",
            broken=False,
            force=data.draw(st.booleans()),
            together=False,
            wait=data.draw(st.sampled_from([timedelta(0), timedelta(hours=5)])),
        )

    @rule(
        complaint_id=complaints,
        event=st.sampled_from(COMMANDS),
        actor=st.sampled_from(ACTORS),
        staleness=st.sampled_from([0, 0, 0, 0, -1, 1]),
        person=st.sampled_from(["agent:bo", "agent:zed"]),
        broken=st.sampled_from([False, False, True]),
        force=st.booleans(),
        together=st.booleans(),
        wait=st.sampled_from([timedelta(0), timedelta(hours=5), timedelta(days=9)]),
    )
    def command(
        self,
        *,
        complaint_id: str,
        event: str,
        actor: str,
        staleness: int,
        person: str,
        broken: bool,
        force: bool,
        together: bool,
        wait: timedelta,
    ) -> None:
        if complaint_id not in self.versions:
            return
        self.clock.advance(wait)
        now = self.clock()
        before = self.store.get(complaint_id)
        history = self.store.history(complaint_id)
        fields = fields_of(event_for(before, event, at=now, actor=actor))
        for name in ("investigator", "assignee"):
            if name in fields:
                fields[name] = person
        if event == "redact":
            fields["forced"] = force
        if broken:  # a required text left blank, or a score out of range
            blank = next((f for f in TEXT_FIELDS if f in fields), None)
            if blank is not None:
                fields[blank] = " "
        acknowledge_first = event == "assess" and together
        expected_version = before.version + staleness
        possible = self.possible_errors(
            before=before,
            event=event,
            fields=fields,
            actor=actor,
            staleness=staleness,
            acknowledge_first=acknowledge_first,
        )
        bad_score = broken and event == "record_satisfaction"
        if bad_score:
            possible.add(ValidationError)

        method = getattr(self.desk, METHODS.get(event, event))
        arguments = desk_arguments(event, fields)
        if acknowledge_first:
            arguments["acknowledge_by"] = ContactMethod.PHONE
        if bad_score:
            arguments["score"] = 9
        refusals = len(self.refusals.refusals)
        failure: Iso10002Error | None = None
        try:
            after = method(
                complaint_id, actor=actor, expected_version=expected_version, **arguments
            )
        except Iso10002Error as error:
            failure = error
        if failure is not None:
            self.outcomes[f"{event}: {type(failure).__name__}"] += 1
            assert possible, f"{event} by {actor} failed unexpectedly: {failure!r}"
            assert isinstance(failure, tuple(possible)), (failure, possible)
            assert self.store.get(complaint_id) == before  # nothing half-written
            assert self.store.history(complaint_id) == history
            if isinstance(failure, AccessDenied):
                assert len(self.refusals.refusals) == refusals + 1
            return
        self.outcomes[f"{event}: done"] += 1
        assert not possible, f"{event} by {actor} succeeded, expected one of {possible}"
        appended = 2 if acknowledge_first else 1
        assert after.version == before.version + appended
        assert after == self.store.get(complaint_id)
        stored = self.store.history(complaint_id)
        assert len(stored) == after.version
        if event == "redact":  # erasure rewrites personal fields, never the chain's shape
            assert [(type(e), e.at, e.actor) for e in stored[: len(history)]] == [
                (type(e), e.at, e.actor) for e in history
            ]
        else:
            assert stored[: len(history)] == history
        assert [e.lifecycle_event for e in stored[len(history) :]][-1] == event
        self.versions[complaint_id] = after.version

    def possible_errors(
        self,
        *,
        before: Complaint,
        event: str,
        fields: dict[str, Any],
        actor: str,
        staleness: int,
        acknowledge_first: bool,
    ) -> set[type[Exception]]:
        """Every error the command deserves (the desk may report any one of them)."""
        possible: set[type[Exception]] = set()
        if staleness:
            possible.add(ConcurrencyConflict)
        if actor == INTRUDER:
            possible.add(AccessDenied)
        if event == "redact":
            retain_until = self.policy.retain_until(before)
            if retain_until is not None and self.clock() < retain_until and not fields["forced"]:
                possible.add(TransitionNotAllowed)
        cls = type(event_for(before, event))
        try:
            proposed = cls(at=self.clock(), actor=actor, **fields)
        except ValidationError:
            possible.add(ValidationError)
            return possible
        rules = self.desk.rules
        changes: list[Event] = [proposed]
        if acknowledge_first:
            changes.insert(0, event_for(before, "acknowledge", at=self.clock(), actor=actor))
        snapshot = before
        for change in changes:
            allowed = TRANSITIONS.allowed_events(snapshot, change.at, rules)
            try:
                TRANSITIONS.check(snapshot, change, rules)
            except TransitionNotAllowed:
                possible.add(TransitionNotAllowed)
                break
            # What the table lets through, its listed events must include (one source).
            assert change.lifecycle_event in allowed
            snapshot = apply(snapshot, [change], rules=rules)
        return possible

    @rule(
        complaint_id=complaints,
        kind=st.sampled_from(["naive", "future", "before-latest", "blank-actor", "unknown"]),
    )
    def impossible_command(self, complaint_id: str, kind: str) -> None:
        if complaint_id not in self.versions:
            return
        before = self.store.get(complaint_id)
        at: datetime | None = None
        actor, target = "agent:bo", complaint_id
        if kind == "naive":
            at = self.clock().replace(tzinfo=None)
        elif kind == "future":
            at = self.clock() + timedelta(minutes=1)
        elif kind == "before-latest":
            at = before.last_event_at - timedelta(seconds=1)
        elif kind == "blank-actor":
            actor = ""
        else:
            target = "C-DOES-NOT-EXIST"
        expected = NotFound if kind == "unknown" else ValidationError
        with pytest.raises(expected):
            self.desk.add_note(target, actor=actor, text="Called back.", at=at)
        assert self.store.get(complaint_id) == before

    @rule(complaint_id=complaints, event=st.sampled_from(["receive", "redact", "add_note"]))
    def record_ready_made_event(self, complaint_id: str, event: str) -> None:
        """The generic path refuses Received and Redacted (they have their own use cases)."""
        if complaint_id not in self.versions:
            return
        before = self.store.get(complaint_id)
        if event == "receive":
            ready: Event = attrs.evolve(
                self.store.history(complaint_id)[0], at=self.clock(), complaint_id="C-NEW"
            )
        else:
            ready = event_for(before, event, at=self.clock())
        if isinstance(ready, (Received, Redacted)):
            with pytest.raises(ValidationError):
                self.desk.record(complaint_id, ready, expected_version=before.version)
            assert self.store.get(complaint_id) == before
            return
        after = self.desk.record(complaint_id, ready, expected_version=before.version)
        assert after.version == before.version + 1
        self.versions[complaint_id] = after.version

    @rule(wait=st.sampled_from([timedelta(days=1), timedelta(days=40), timedelta(days=1200)]))
    def reads(self, wait: timedelta) -> None:
        """Overdue, past-retention and allowed-event listings agree with the snapshots."""
        self.clock.advance(wait)
        now = self.clock()
        for complaint_id in self.versions:
            snapshot = self.store.get(complaint_id)
            assert self.desk.allowed_events(complaint_id) == TRANSITIONS.allowed_events(
                snapshot, now, self.desk.rules
            )
        retained = {c.id for c in self.desk.past_retention()}
        for complaint_id in retained:
            until = self.policy.retain_until(self.store.get(complaint_id))
            assert until is not None
            assert until <= now
        for overdue in self.desk.overdue():
            assert overdue.evaluation is not None
            assert overdue.complaint.id in self.versions

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def snapshots_are_their_replayed_histories(self) -> None:
        assert self.store.count() == len(self.versions)
        for complaint_id, version in self.versions.items():
            snapshot = self.store.get(complaint_id)
            history = self.store.history(complaint_id)
            assert snapshot.version == version == len(history)
            assert snapshot == replay(history, rules=self.desk.rules)

    @invariant()
    def chains_verify(self) -> None:
        report = self.store.verify_integrity()
        assert report.ok, str(report)

    @invariant()
    def the_sla_policy_evaluates_every_complaint(self) -> None:
        for complaint_id in self.versions:
            self.policy.evaluate(self.store.get(complaint_id), self.clock())


# Examples per store in the bounded CI run: a server round trip costs more than a dict.
CI_EXAMPLES = {
    "memory": 20,
    "sqlite": 10,
    "sqlalchemy-sqlite": 6,
    "sqlalchemy-postgres": 4,
    "django-postgres": 4,
}


@pytest.mark.parametrize("store_factory", STORE_KINDS, indirect=True)
def test_the_desk_keeps_its_invariants_under_random_commands(
    store_factory: StoreFactory, request: pytest.FixtureRequest
) -> None:
    kind = request.node.callspec.params["store_factory"]
    outcomes: Counter[str] = Counter()
    machine = type(
        "Machine", (DeskMachine,), {"make_store": staticmethod(store_factory), "outcomes": outcomes}
    )
    machine.TestCase.settings = settings(
        max_examples=soak_int("ISO10002_STATEFUL_EXAMPLES", CI_EXAMPLES[kind], 300),
        stateful_step_count=soak_int("ISO10002_STATEFUL_STEPS", 25, 80),
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    run_state_machine_as_test(machine, settings=machine.TestCase.settings)
    print("\n".join(f"{n:5d}  {what}" for what, n in sorted(outcomes.items())))
    succeeded = sum(n for what, n in outcomes.items() if what.endswith(": done"))
    if sum(outcomes.values()) >= 40:  # a few short runs may happen to do one kind only
        assert succeeded, "no command succeeded: the machine tested nothing"
        assert sum(outcomes.values()) > succeeded, "no command was refused: nothing bad was tried"
