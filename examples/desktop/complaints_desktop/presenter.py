"""The desk's view-model: everything the window shows and does, without a toolkit.

:class:`DeskPresenter` turns the library's records into rows, lines and buttons made of plain
strings, and turns a dialog's values into one desk call. The Tk window
(:mod:`complaints_desktop.window`) only draws what the presenter gives it and passes back what
was typed, so everything but the drawing is tested without a display.

Examples:
    >>> import tempfile, pathlib
    >>> from datetime import datetime, timezone
    >>> from iso10002 import ManualClock
    >>> folder = tempfile.TemporaryDirectory()
    >>> desk = DeskPresenter(clock=ManualClock(datetime(2026, 1, 5, 9, tzinfo=timezone.utc)))
    >>> desk.open_database(pathlib.Path(folder.name) / "office.sqlite3").ok
    True
    >>> form = desk.receive_form()
    >>> values = form.defaults() | {"product": "broadband", "description": "No line for a week."}
    >>> reply = desk.receive(form, values)
    >>> reply.ok, desk.rows()[0].state
    (True, 'received')
    >>> desk.close(); folder.cleanup()
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import cast

import attrs

from complaints_desktop.actions import ACTIONS, Act, receive, receive_form
from complaints_desktop.forms import Form, FormReader, FormValue, choice_label
from complaints_desktop.office import CURRENCY, DEFAULT_PRESET, Office, StaffMember
from iso10002.clock import Clock, system_clock
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
from iso10002.events import Event
from iso10002.model import Complainant, Complaint, ComplaintState, Money
from iso10002.sla import SlaEvaluation, TargetState
from iso10002.storage import ComplaintQuery

__all__ = [
    "ActionButton",
    "ComplaintDetail",
    "ComplaintRow",
    "DeskPresenter",
    "Feedback",
    "HistoryLine",
    "Level",
    "SlaLine",
    "explain",
    "sla_summary",
]

_OPEN_STATES = frozenset(s for s in ComplaintState if s.is_open)
_NOT_SHOWN = frozenset({"at", "actor", "complaint_id"})
_LONG_TEXT = 240  # characters of a description shown in the detail pane
_PEOPLE = frozenset({"assignee", "investigator", "approved_by", "persons_complained_about"})


class Level(str, Enum):
    """How urgent a complaint's deadlines are: the colour of its row."""

    BREACHED = "breached"  # a deadline missed, or met late
    AT_RISK = "at_risk"  # most of a deadline's time used
    ON_TRACK = "on_track"  # deadlines pending, in time
    MET = "met"  # every deadline met
    NONE = "none"  # no deadline applies


@attrs.frozen
class ComplaintRow:
    """One line of the complaints list."""

    id: str
    received: str
    complainant: str
    about: str
    state: str
    owner: str
    sla: str
    level: Level


@attrs.frozen
class SlaLine:
    """One SLA target of the complaint shown."""

    target: str
    state: str
    due: str
    explanation: str
    level: Level


@attrs.frozen
class HistoryLine:
    """One event of the complaint's history."""

    when: str
    what: str
    who: str
    details: str


@attrs.frozen
class ActionButton:
    """A button for an event the lifecycle allows now.

    ``granted`` says whether the person's roles include it: a button that is not granted is
    still shown, and the desk refuses it (and records the refusal) if pressed.
    """

    event: str
    label: str
    asks: bool
    granted: bool


@attrs.frozen
class ComplaintDetail:
    """The detail pane: facts, SLA targets, history and the actions possible now."""

    id: str
    version: int
    state: str
    facts: tuple[tuple[str, str], ...]
    sla: tuple[SlaLine, ...]
    history: tuple[HistoryLine, ...]
    actions: tuple[ActionButton, ...]


@attrs.frozen
class Feedback:
    """What came of a request: shown in the status bar when ``ok``, in a message box if not.

    ``kind`` says what went wrong (``"invalid"``, ``"refused"``, ``"not_allowed"``,
    ``"conflict"``, ``"not_found"``, ``"file"``), and ``keep_form`` whether the dialog stays
    open for the person to correct it.

    Examples:
        >>> Feedback(False, "Please correct the form", "• product: required", "invalid").keep_form
        True
        >>> Feedback(False, "Not allowed", "...", "refused").keep_form
        False
    """

    ok: bool
    title: str
    message: str
    kind: str = "done"
    complaint_id: str | None = None

    @property
    def keep_form(self) -> bool:
        """Whether the dialog should stay open to be corrected."""
        return self.kind in ("invalid", "not_allowed")


def explain(error: Iso10002Error) -> Feedback:
    """A library error as a message a person can act on.

    Examples:
        >>> print(explain(TransitionNotAllowed("received", "close", "no decision yet")).message)
        cannot close while the complaint is 'received': no decision yet
        >>> explain(ValidationError(["reasons: required"])).title
        'Please correct the form'
    """
    if isinstance(error, ValidationError):
        lines = "\n".join(f"• {line}" for line in error.errors)
        return Feedback(False, "Please correct the form", lines, "invalid")
    if isinstance(error, AccessDenied):
        message = (
            f"{error}.\n\nYour roles are not granted this action; "
            "the refused attempt has been recorded."
        )
        return Feedback(False, "Not allowed", message, "refused", error.complaint_id)
    if isinstance(error, TransitionNotAllowed):
        return Feedback(False, "Not possible now", str(error), "not_allowed")
    if isinstance(error, ConcurrencyConflict):
        message = f"{error}.\n\nThe complaint has been reloaded: check it and try again."
        return Feedback(False, "Changed by someone else", message, "conflict", error.complaint_id)
    if isinstance(error, NotFound):
        return Feedback(False, "Not found", str(error), "not_found", error.complaint_id)
    if isinstance(error, (ConfigurationError, IntegrityViolation)):
        return Feedback(False, "Cannot use this file", str(error), "file")
    return Feedback(False, "Something went wrong", str(error), "failure")


_SEVERITY = {
    TargetState.BREACHED: Level.BREACHED,
    TargetState.AT_RISK: Level.AT_RISK,
    TargetState.PENDING: Level.ON_TRACK,
    TargetState.MET: Level.MET,
    TargetState.NOT_APPLICABLE: Level.NONE,
}
_ORDER = (Level.BREACHED, Level.AT_RISK, Level.ON_TRACK, Level.MET, Level.NONE)


def sla_summary(evaluation: SlaEvaluation, *, is_open: bool = True) -> tuple[Level, str]:
    """The worst state of the complaint's deadlines, and the words for its list row.

    Only deadlines count (acknowledgement, responses, updates); windows such as the referral
    window or retention do not colour a row. A closed complaint's deadlines no longer run,
    but one met late still shows as breached.

    Examples:
        >>> from datetime import timedelta
        >>> from iso10002.sla import presets
        >>> from iso10002.testing.builders import complaint_in
        >>> c = complaint_in("received")
        >>> policy = presets.get("fca.disp.standard")
        >>> sla_summary(policy.evaluate(c, c.received_at + timedelta(days=60)))[1]
        'breached: acknowledge, final response'
        >>> sla_summary(policy.evaluate(c, c.received_at + timedelta(days=45)))[1]
        'breached: acknowledge; at risk: final response'
    """
    by_level: dict[Level, list[str]] = {}
    for status in evaluation.targets:
        if status.deadline:
            name = choice_label(status.name)
            by_level.setdefault(_SEVERITY[status.state], []).append(name)
    worst = next((level for level in _ORDER if level in by_level), Level.NONE)
    if worst in (Level.BREACHED, Level.AT_RISK):
        parts = [
            f"{'breached' if level is Level.BREACHED else 'at risk'}: {', '.join(by_level[level])}"
            for level in (Level.BREACHED, Level.AT_RISK)
            if level in by_level
        ]
        return worst, "; ".join(parts)
    if worst is Level.ON_TRACK and is_open and evaluation.next_due is not None:
        return worst, f"on track, next due {evaluation.next_due:%a %d %b %H:%M}"
    if worst in (Level.ON_TRACK, Level.MET):
        return Level.MET, "met"
    return Level.NONE, "—"


def _title(event: Event) -> str:
    name = type(event).__name__
    words = "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()
    return words[:1].upper() + words[1:]


class DeskPresenter:
    """The window's view-model on one complaints file at a time.

    ``clock`` says what time it is (tests pass a :class:`~iso10002.ManualClock`);
    ``preset`` is the SLA preset the office works to. Open a file with
    :meth:`open_database`; sign a person in with :meth:`select_user` (the first member of
    staff is signed in to start with).

    Examples:
        >>> desk = DeskPresenter()
        >>> desk.rows()
        Traceback (most recent call last):
        ...
        iso10002.errors.ConfigurationError: no complaints file is open: ...
    """

    def __init__(self, *, clock: Clock = system_clock, preset: str = DEFAULT_PRESET) -> None:
        self.clock = clock
        self.preset = preset
        self.office: Office | None = None
        self.user: StaffMember | None = None

    # --- the file ------------------------------------------------------------------------

    def open_database(
        self, path: str | os.PathLike[str], *, create: bool | None = None
    ) -> Feedback:
        """Open (or, with ``create``, make) the complaints file at ``path``.

        The file open before stays open when the new one cannot be opened.
        """
        try:
            office = Office.open(path, create=create, preset=self.preset, clock=self.clock)
        except Iso10002Error as error:
            return explain(error)
        self.close()
        self.office = office
        if self.user is None or self.user not in office.staff:
            self.user = office.staff[0]
        count = office.store.count()
        return Feedback(True, "Opened", f"{Path(path)}: {count} complaint(s)")

    @property
    def database(self) -> Path | None:
        """The open complaints file, if any."""
        return None if self.office is None else self.office.path

    def close(self) -> None:
        """Close the open file, if any."""
        if self.office is not None:
            self.office.close()
            self.office = None

    def _office(self) -> Office:
        if self.office is None:
            raise ConfigurationError("no complaints file is open: use File › Open or File › New")
        return self.office

    def _actor(self) -> str:
        if self.user is None:
            raise ConfigurationError("nobody is signed in: choose a user")
        return self.user.actor

    # --- who is at the desk --------------------------------------------------------------

    @property
    def staff(self) -> tuple[StaffMember, ...]:
        """Everyone the user picker offers."""
        return self._office().staff

    def select_user(self, actor: str) -> None:
        """Sign ``actor`` in: the desk's access policy now asks about their roles."""
        self.user = self._office().member(actor)

    def people(self) -> dict[str, str]:
        """The staff picker's labels, each with its actor id."""
        return {f"{m.name} ({m.actor})": m.actor for m in self.staff}

    # --- the list ------------------------------------------------------------------------

    def rows(self, *, open_only: bool = False) -> tuple[ComplaintRow, ...]:
        """Every complaint (or every open one), newest first, with its SLA status."""
        office = self._office()
        query = ComplaintQuery(states=_OPEN_STATES) if open_only else ComplaintQuery()
        now = self.clock()
        rows = [self._row(office, c, now) for c in office.store.find(query)]
        return tuple(reversed(rows))

    def _row(self, office: Office, complaint: Complaint, now: datetime) -> ComplaintRow:
        level, sla = sla_summary(
            office.policy.evaluate(complaint, now, explain=False), is_open=complaint.is_open
        )
        return ComplaintRow(
            id=complaint.id,
            received=self._when(complaint.received_at, short=True),
            complainant=self._complainant(complaint),
            about=self._about(complaint),
            state=complaint.state.value,
            owner=complaint.assignee or "—",
            sla=sla,
            level=level,
        )

    # --- the detail pane -----------------------------------------------------------------

    def detail(self, complaint_id: str) -> ComplaintDetail:
        """The complaint's facts, SLA targets, history and the buttons for what may happen now.

        Reading it asks the access policy whether the person may ``view`` it.
        """
        office = self._office()
        actor = self._actor()
        desk = office.desk
        complaint = desk.get(complaint_id, actor=actor)
        now = self.clock()
        evaluation = office.policy.evaluate(complaint, now)
        sla = tuple(
            SlaLine(
                target=choice_label(s.name),
                state=choice_label(s.state.value),
                due="—" if s.due is None else self._when(s.due),
                explanation=s.explanation,
                level=_SEVERITY[s.state] if s.deadline else Level.NONE,
            )
            for s in evaluation.targets
        )
        history = tuple(
            HistoryLine(self._when(e.at), _title(e), self._who(e.actor), self._details(e))
            for e in desk.history(complaint_id, actor=actor)
        )
        actions = tuple(
            ActionButton(
                event,
                ACTIONS[event].label,
                ACTIONS[event].asks,
                desk.access(actor, event, complaint),
            )
            for event in desk.allowed_events(complaint_id, now)
        )
        return ComplaintDetail(
            id=complaint.id,
            version=complaint.version,
            state=complaint.state.value,
            facts=self._facts(complaint),
            sla=sla,
            history=history,
            actions=actions,
        )

    def _facts(self, c: Complaint) -> tuple[tuple[str, str], ...]:
        about = self._about(c) + ("" if c.severity is None else f" — severity {c.severity.value}")
        handlers = [
            f"{role} {self._who(actor)}"
            for role, actor in (("owner", c.assignee), ("investigator", c.investigator))
            if actor
        ]
        description = c.description
        if len(description) > _LONG_TEXT:  # the history pane has all of it
            description = description[: _LONG_TEXT - 1] + "… (all of it in the history)"
        facts = [
            ("Complaint", f"{c.id} (version {c.version})"),
            ("State", choice_label(c.state.value)),
            ("Received", f"{self._when(c.received_at)} by {choice_label(c.channel.value)}"),
            ("Complainant", self._complainant(c)),
            ("About", about),
            ("What went wrong", description),
            ("Handled by", ", ".join(handlers) or "—"),
        ]
        decision = c.decision
        if decision is not None:
            facts.append(
                ("Decision", f"{choice_label(decision.outcome.value)}: {decision.reasons}")
            )
        return tuple(facts)

    # --- forms and actions ---------------------------------------------------------------

    def receive_form(self) -> Form:
        """A fresh receipt form, with its own idempotency token."""
        return receive_form(f"desk-{uuid.uuid4().hex}")

    def receive(self, form: Form, values: Mapping[str, FormValue]) -> Feedback:
        """Receive the complaint the receipt form describes; the same form twice records one."""
        try:
            office = self._office()
            complaint = receive(
                office.desk, self._actor(), self._reader(office, values), form.token
            )
        except Iso10002Error as error:
            return explain(error)
        return Feedback(
            True, "Received", f"complaint {complaint.id} recorded", complaint_id=complaint.id
        )

    def action_form(self, event: str) -> Form | None:
        """The dialog for ``event`` (``None``: the button acts at once)."""
        spec = ACTIONS[event]
        if not spec.asks:
            return None
        form = spec.form()
        if self.user is not None:
            me = next(label for label, actor in self.people().items() if actor == self.user.actor)
            fields = tuple(
                attrs.evolve(f, default=me) if f.name == "investigator" else f for f in form.fields
            )
            form = attrs.evolve(form, fields=fields)
        return form

    def perform(
        self,
        complaint_id: str,
        event: str,
        values: Mapping[str, FormValue] | None = None,
        *,
        version: int,
    ) -> Feedback:
        """Record ``event`` on the complaint as shown at ``version``, with the dialog's values.

        A complaint changed by someone else since it was shown is refused with a
        ``"conflict"`` and nothing is written.
        """
        spec = ACTIONS[event]
        try:
            office = self._office()
            act = Act(
                office.desk,
                complaint_id,
                self._actor(),
                version,
                self._reader(office, values or {}),
            )
            complaint = spec.perform(act)
        except Iso10002Error as error:
            return explain(error)
        state = choice_label(complaint.state.value)
        return Feedback(
            True,
            spec.done_button,
            f"complaint {complaint.id} {spec.done}; now {state} (version {complaint.version})",
            complaint_id=complaint.id,
        )

    def _reader(self, office: Office, values: Mapping[str, FormValue]) -> FormReader:
        return FormReader(values, zone=office.zone, currency=CURRENCY, people=self.people())

    # --- refusals ------------------------------------------------------------------------

    def refusals(self) -> tuple[str, ...]:
        """The refused attempts since the file was opened, as sentences, oldest first."""
        office = self._office()
        return tuple(
            f"{self._when(r.at)}: {self._who(r.actor)} was refused {choice_label(r.action)}"
            + (f" on {r.complaint_id}" if r.complaint_id else " (a new complaint)")
            for r in office.refusals.refusals
        )

    # --- words ---------------------------------------------------------------------------

    def _when(self, at: datetime, *, short: bool = False) -> str:
        zone = self.office.zone if self.office is not None else None
        shape = "%d %b %Y %H:%M" if short else "%a %d %b %Y %H:%M"
        return at.astimezone(zone).strftime(shape)

    def _who(self, actor: str) -> str:
        office = self.office
        if office is not None:
            for member in office.staff:
                if member.actor == actor:
                    return member.name
        return actor

    @staticmethod
    def _complainant(c: Complaint) -> str:
        if c.redacted_at is not None:
            return "[erased]"
        return "anonymous" if c.complainant is None else c.complainant.name

    @staticmethod
    def _about(c: Complaint) -> str:
        k = c.classification
        return " / ".join(p for p in (k.product, k.category, k.issue) if p)

    def _details(self, event: Event) -> str:
        """The event's payload in words: fields left at their defaults are not mentioned."""
        parts = []
        for field in attrs.fields(type(event)):
            value = getattr(event, field.name)
            if field.name in _NOT_SHOWN or (
                not isinstance(field.default, attrs.Factory)  # type: ignore[arg-type]
                and field.default is not attrs.NOTHING
                and value == field.default
            ):
                continue
            if field.name in _PEOPLE:
                people = value if isinstance(value, tuple) else (value,)
                shown = ", ".join(self._who(p) for p in people if p)
            else:
                shown = self._show(value)
            if shown:
                parts.append(f"{choice_label(field.name)}: {shown}")
        return "; ".join(parts)

    def _show(self, value: object) -> str:
        if value is None or value is False or value in ("", ()):
            return ""
        if isinstance(value, Complainant):
            contact = value.contact
            return ", ".join(filter(None, (value.name, contact.email, contact.phone)))
        if value is True:
            return "yes"
        if isinstance(value, Enum):
            return choice_label(str(value.value))
        if isinstance(value, datetime):
            return self._when(value)
        if isinstance(value, Money):
            return f"{value.amount} {value.currency}"
        if isinstance(value, (str, int, Decimal)):
            return str(value)
        if isinstance(value, tuple):
            return ", ".join(filter(None, (self._show(v) for v in value)))
        if attrs.has(type(value)):
            record = cast("type[attrs.AttrsInstance]", type(value))
            inner = (self._show(getattr(value, f.name)) for f in attrs.fields(record))
            return ", ".join(filter(None, inner))
        return str(value)
