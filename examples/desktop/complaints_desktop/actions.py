"""What each action button asks for, and the desk call it makes.

One :class:`ActionSpec` per lifecycle event (``"acknowledge"``, ``"decide"`` …): its button
label, the fields of its dialog (none: the button acts at once) and the
:class:`~iso10002.ComplaintsDesk` method it calls. Which buttons a complaint shows is not
decided here: the presenter asks ``desk.allowed_events`` (the lifecycle), and whether the
person may press them is the desk's access policy.

Examples:
    >>> ACTIONS["decide"].label, [f.name for f in ACTIONS["decide"].fields][:2]
    ('Decide…', ['outcome', 'reasons'])
    >>> ACTIONS["accept"].asks
    False
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import attrs

from complaints_desktop.forms import Field, FieldKind, Form, FormReader, choices_of
from iso10002 import ComplaintsDesk
from iso10002.model import (
    ActionKind,
    Channel,
    Classification,
    Complainant,
    Complaint,
    Complexity,
    ContactDetails,
    ContactMethod,
    Impact,
    Outcome,
    Redress,
    RedressKind,
    RemedyKind,
    RemedyRequest,
    RootCause,
    Severity,
)

__all__ = ["ACTIONS", "Act", "ActionSpec", "receive", "receive_form"]


@attrs.frozen
class Act:
    """One press of an action button: who, on which complaint, at which version, with what.

    Examples:
        >>> from iso10002 import InMemoryStore
        >>> from iso10002.testing.builders import history_to
        >>> desk = ComplaintsDesk(InMemoryStore())
        >>> c = desk.store.create(history_to("received"))
        >>> act = Act(desk, c.id, "agent:ana", c.version, FormReader({"method": "letter"}))
        >>> ACTIONS["acknowledge"].perform(act).state.value
        'acknowledged'
    """

    desk: ComplaintsDesk
    complaint_id: str
    actor: str
    version: int
    form: FormReader


@attrs.frozen
class ActionSpec:
    """A lifecycle event as the window offers it: label, dialog fields, desk call.

    Examples:
        >>> spec = ACTIONS["record_progress"]
        >>> spec.form().title, spec.form().submit, spec.asks
        ('Record progress', 'Record progress', True)
    """

    event: str
    label: str
    done: str
    perform: Callable[[Act], Complaint]
    fields: tuple[Field, ...] = ()
    intro: str = ""

    @property
    def asks(self) -> bool:
        """Whether the button opens a dialog (it acts at once when there is nothing to ask)."""
        return bool(self.fields)

    def form(self) -> Form:
        """The dialog's form."""
        return Form(self.label.rstrip("…"), self.fields, submit=self.done_button, intro=self.intro)

    @property
    def done_button(self) -> str:
        """The words on the dialog's submit button."""
        return self.label.rstrip("…")


_METHODS = choices_of(ContactMethod)


def _method(label: str = "How the complainant was told") -> Field:
    return Field("method", label, FieldKind.CHOICE, True, _METHODS, "email")


# --- one function per desk call; each reads every field, then checks, then calls -----------


def _acknowledge(a: Act) -> Complaint:
    method = a.form.choice("method", ContactMethod)
    message = a.form.text("message")
    a.form.check()
    return a.desk.acknowledge(
        a.complaint_id, actor=a.actor, method=method, message=message, expected_version=a.version
    )


def _assess(a: Act) -> Complaint:
    severity = a.form.choice("severity", Severity)
    complexity = a.form.choice("complexity", Complexity)
    impact = a.form.choice("impact", Impact)
    urgent = a.form.flag("urgent")
    category = a.form.optional("category")
    immediate_action = a.form.optional("immediate_action")
    a.form.check()
    return a.desk.assess(
        a.complaint_id,
        actor=a.actor,
        severity=severity,
        complexity=complexity,
        impact=impact,
        urgent=urgent,
        category=category,
        immediate_action=immediate_action,
        expected_version=a.version,
    )


def _assign(a: Act) -> Complaint:
    assignee = a.form.person("assignee", required=True)
    a.form.check()
    assert assignee is not None  # check() refused a blank one
    return a.desk.assign(
        a.complaint_id, actor=a.actor, assignee=assignee, expected_version=a.version
    )


def _start_investigation(a: Act) -> Complaint:
    investigator = a.form.person("investigator")
    a.form.check()
    return a.desk.start_investigation(
        a.complaint_id, actor=a.actor, investigator=investigator, expected_version=a.version
    )


def _record_progress(a: Act) -> Complaint:
    method = a.form.choice("method", ContactMethod)
    message = a.form.text("message", required=True)
    a.form.check()
    return a.desk.record_progress(
        a.complaint_id, actor=a.actor, method=method, message=message, expected_version=a.version
    )


def _send_holding_response(a: Act) -> Complaint:
    method = a.form.choice("method", ContactMethod)
    reasons = a.form.text("reasons", required=True)
    expected_by = a.form.date("expected_by", required=True)
    a.form.check()
    assert expected_by is not None  # check() refused a missing date
    return a.desk.send_holding_response(
        a.complaint_id,
        actor=a.actor,
        method=method,
        reasons=reasons,
        expected_by=expected_by,
        expected_version=a.version,
    )


def _pause_clock(a: Act) -> Complaint:
    reason = a.form.text("reason", required=True)
    a.form.check()
    return a.desk.pause_clock(
        a.complaint_id, actor=a.actor, reason=reason, expected_version=a.version
    )


def _resume_clock(a: Act) -> Complaint:
    return a.desk.resume_clock(a.complaint_id, actor=a.actor, expected_version=a.version)


def _decide(a: Act) -> Complaint:
    outcome = a.form.choice("outcome", Outcome)
    reasons = a.form.text("reasons")  # the lifecycle itself refuses a decision without reasons
    amount = a.form.amount("redress")
    kind = a.form.choice("redress_kind", RedressKind)
    approved_by = a.form.person("approved_by")
    a.form.check()
    return a.desk.decide(
        a.complaint_id,
        actor=a.actor,
        outcome=outcome,
        reasons=reasons,
        redress=None if amount is None else Redress(amount, kind),
        approved_by=approved_by,
        expected_version=a.version,
    )


def _communicate_decision(a: Act) -> Complaint:
    method = a.form.choice("method", ContactMethod)
    recourse = a.form.flag("recourse_explained")
    message = a.form.text("message")
    a.form.check()
    return a.desk.communicate_decision(
        a.complaint_id,
        actor=a.actor,
        method=method,
        recourse_explained=recourse,
        message=message,
        expected_version=a.version,
    )


def _accept(a: Act) -> Complaint:
    return a.desk.record_acceptance(a.complaint_id, actor=a.actor, expected_version=a.version)


def _reject(a: Act) -> Complaint:
    reason = a.form.text("reason")
    a.form.check()
    return a.desk.record_rejection(
        a.complaint_id, actor=a.actor, reason=reason, expected_version=a.version
    )


def _escalate(a: Act) -> Complaint:
    to = a.form.text("to", required=True)
    reason = a.form.text("reason", required=True)
    internal = a.form.flag("internal")
    a.form.check()
    return a.desk.escalate(
        a.complaint_id,
        actor=a.actor,
        reason=reason,
        to=to,
        internal=internal,
        expected_version=a.version,
    )


def _refer_externally(a: Act) -> Complaint:
    body = a.form.text("body", required=True)
    reference = a.form.optional("reference")
    a.form.check()
    return a.desk.refer_externally(
        a.complaint_id, actor=a.actor, body=body, reference=reference, expected_version=a.version
    )


def _close(a: Act) -> Complaint:
    summary = a.form.text("summary")
    a.form.check()
    return a.desk.close(a.complaint_id, actor=a.actor, summary=summary, expected_version=a.version)


def _reopen(a: Act) -> Complaint:
    reason = a.form.text("reason", required=True)
    a.form.check()
    return a.desk.reopen(a.complaint_id, actor=a.actor, reason=reason, expected_version=a.version)


def _withdraw(a: Act) -> Complaint:
    reason = a.form.text("reason")
    a.form.check()
    return a.desk.withdraw(a.complaint_id, actor=a.actor, reason=reason, expected_version=a.version)


def _record_root_cause(a: Act) -> Complaint:
    category = a.form.text("category", required=True)
    description = a.form.text("description")
    a.form.check()
    return a.desk.record_root_cause(
        a.complaint_id,
        actor=a.actor,
        root_cause=RootCause(category, description),
        expected_version=a.version,
    )


def _complete_action(a: Act) -> Complaint:
    description = a.form.text("description", required=True)
    kind = a.form.choice("kind", ActionKind)
    a.form.check()
    return a.desk.complete_action(
        a.complaint_id,
        actor=a.actor,
        description=description,
        kind=kind,
        expected_version=a.version,
    )


def _offer_survey(a: Act) -> Complaint:
    method = a.form.choice("method", ContactMethod)
    a.form.check()
    return a.desk.offer_survey(
        a.complaint_id, actor=a.actor, method=method, expected_version=a.version
    )


def _record_satisfaction(a: Act) -> Complaint:
    score = a.form.text("score", required=True)
    comment = a.form.optional("comment")
    if score and score not in _SCORES:
        a.form.refuse("score", f"{score!r} is not a score from 1 to 5")
    a.form.check()
    return a.desk.record_satisfaction(
        a.complaint_id,
        actor=a.actor,
        score=int(score),
        comment=comment,
        expected_version=a.version,
    )


def _add_note(a: Act) -> Complaint:
    text = a.form.text("text", required=True)
    internal = a.form.flag("internal")
    a.form.check()
    return a.desk.add_note(
        a.complaint_id, actor=a.actor, text=text, internal=internal, expected_version=a.version
    )


def _redact(a: Act) -> Complaint:
    reason = a.form.text("reason", required=True)
    force = a.form.flag("force")
    a.form.check()
    return a.desk.redact(
        a.complaint_id, actor=a.actor, reason=reason, force=force, expected_version=a.version
    )


def _record_charge(a: Act) -> Complaint:
    amount = a.form.amount("amount", required=True)
    reason = a.form.text("reason", required=True)
    a.form.check()
    assert amount is not None  # check() refused a missing amount
    return a.desk.record_charge(
        a.complaint_id, actor=a.actor, amount=amount, reason=reason, expected_version=a.version
    )


_SCORES = ("1", "2", "3", "4", "5")
_LINES, _TEXT, _CHOICE, _PERSON, _FLAG = (
    FieldKind.LINES,
    FieldKind.TEXT,
    FieldKind.CHOICE,
    FieldKind.PERSON,
    FieldKind.FLAG,
)

_SPECS = (
    ActionSpec(
        "acknowledge",
        "Acknowledge…",
        "acknowledged",
        _acknowledge,
        (_method("Acknowledged by"), Field("message", "Message", _LINES)),
        intro="Tell the complainant the complaint has arrived (ISO 10002 7.4).",
    ),
    ActionSpec(
        "assess",
        "Assess…",
        "assessed",
        _assess,
        (
            Field("severity", "Severity", _CHOICE, True, choices_of(Severity), "medium"),
            Field("complexity", "Complexity", _CHOICE, True, choices_of(Complexity), "simple"),
            Field("impact", "Impact", _CHOICE, True, choices_of(Impact), "medium"),
            Field("urgent", "Urgent", _FLAG, default=False),
            Field("category", "Category", hint="needed before investigation, if not given"),
            Field("immediate_action", "Immediate action taken"),
        ),
        intro="Initial assessment: severity, complexity, impact (ISO 10002 7.5).",
    ),
    ActionSpec(
        "assign",
        "Assign…",
        "assigned",
        _assign,
        (Field("assignee", "Owner", _PERSON, True),),
        intro="Give the complaint an owner who is not complained about (4.7, 4.12).",
    ),
    ActionSpec(
        "start_investigation",
        "Start investigation…",
        "investigation started",
        _start_investigation,
        (Field("investigator", "Investigator", _PERSON, hint="you, if left blank"),),
        intro="The investigator must not be a person the complaint is about (4.7).",
    ),
    ActionSpec(
        "record_progress",
        "Record progress…",
        "progress recorded",
        _record_progress,
        (_method("Told by"), Field("message", "What the complainant was told", _LINES, True)),
    ),
    ActionSpec(
        "send_holding_response",
        "Send holding response…",
        "holding response sent",
        _send_holding_response,
        (
            _method("Sent by"),
            Field("reasons", "Why there is no decision yet", _LINES, True),
            Field("expected_by", "Decision expected by", FieldKind.DATE, True, hint="YYYY-MM-DD"),
        ),
    ),
    ActionSpec(
        "pause_clock",
        "Pause SLA clock…",
        "SLA clock paused",
        _pause_clock,
        (Field("reason", "Reason", _TEXT, True),),
    ),
    ActionSpec("resume_clock", "Resume SLA clock", "SLA clock resumed", _resume_clock),
    ActionSpec(
        "decide",
        "Decide…",
        "decided",
        _decide,
        (
            Field(
                "outcome",
                "Outcome",
                _CHOICE,
                True,
                choices_of(Outcome, leave_out=(Outcome.WITHDRAWN,)),
                "upheld",
            ),
            Field("reasons", "Reasons", _LINES, True),
            Field("redress", "Redress", FieldKind.AMOUNT, hint="amount, blank for none"),
            Field(
                "redress_kind",
                "Kind of redress",
                _CHOICE,
                True,
                choices_of(RedressKind),
                "compensation",
            ),
            Field("approved_by", "Approved by", _PERSON),
        ),
        intro="A decision with its reasons (ISO 10002 7.7, 7.8).",
    ),
    ActionSpec(
        "communicate_decision",
        "Communicate decision…",
        "decision communicated",
        _communicate_decision,
        (
            _method("Sent by"),
            Field(
                "recourse_explained",
                "Internal and external recourse explained",
                _FLAG,
                default=True,
            ),
            Field("message", "Message", _LINES),
        ),
        intro="Tell the complainant the decision (7.8) and where they can go next (7.9).",
    ),
    ActionSpec("accept", "Record acceptance", "acceptance recorded", _accept),
    ActionSpec(
        "reject",
        "Record rejection…",
        "rejection recorded",
        _reject,
        (Field("reason", "Why the complainant rejects it", _LINES),),
    ),
    ActionSpec(
        "escalate",
        "Escalate…",
        "escalated",
        _escalate,
        (
            Field("to", "Escalate to", _TEXT, True, default="complaints manager"),
            Field("reason", "Reason", _LINES, True),
            Field("internal", "Internal escalation", _FLAG, default=False),
        ),
    ),
    ActionSpec(
        "refer_externally",
        "Refer externally…",
        "referred",
        _refer_externally,
        (
            Field("body", "Referred to", _TEXT, True, default="Financial Ombudsman Service"),
            Field("reference", "Their reference"),
        ),
        intro="External dispute resolution (ISO 10003).",
    ),
    ActionSpec(
        "close",
        "Close…",
        "closed",
        _close,
        (Field("summary", "Summary", _LINES),),
        intro="Needs acceptance, or internal and external recourse explained (7.9).",
    ),
    ActionSpec(
        "reopen",
        "Reopen…",
        "reopened",
        _reopen,
        (Field("reason", "Reason", _LINES, True),),
    ),
    ActionSpec(
        "withdraw",
        "Withdraw…",
        "withdrawn",
        _withdraw,
        (Field("reason", "Reason", _LINES),),
    ),
    ActionSpec(
        "record_root_cause",
        "Record root cause…",
        "root cause recorded",
        _record_root_cause,
        (
            Field("category", "Cause", _TEXT, True, hint="e.g. scheduling, billing system"),
            Field("description", "Description", _LINES),
        ),
        intro="Why the complaint arose, for analysis and improvement (8.2, 8.7).",
    ),
    ActionSpec(
        "complete_action",
        "Complete action…",
        "action recorded",
        _complete_action,
        (
            Field("description", "What was done", _LINES, True),
            Field("kind", "Kind", _CHOICE, True, choices_of(ActionKind), "remedy"),
        ),
    ),
    ActionSpec(
        "offer_survey",
        "Offer survey…",
        "survey offered",
        _offer_survey,
        (_method("Offered by"),),
    ),
    ActionSpec(
        "record_satisfaction",
        "Record satisfaction…",
        "satisfaction recorded",
        _record_satisfaction,
        (
            Field("score", "Score (1 to 5)", _CHOICE, True, _SCORES),
            Field("comment", "Comment", _LINES),
        ),
        intro="Satisfaction with the complaints-handling process (8.3).",
    ),
    ActionSpec(
        "add_note",
        "Add note…",
        "note added",
        _add_note,
        (
            Field("text", "Note", _LINES, True),
            Field("internal", "Internal (not for the complainant)", _FLAG, default=True),
        ),
    ),
    ActionSpec(
        "redact",
        "Erase personal data…",
        "personal data erased",
        _redact,
        (
            Field("reason", "Reason", _TEXT, True, default="erasure request"),
            Field("force", "Before the retention date (recorded as forced)", _FLAG, default=False),
        ),
        intro="Erases the complainant's personal data; the record stays verifiable (4.10).",
    ),
    ActionSpec(
        "record_charge",
        "Record charge…",
        "charge recorded",
        _record_charge,
        (
            Field("amount", "Amount charged", FieldKind.AMOUNT, True),
            Field("reason", "What for", _TEXT, True),
        ),
        intro="Handling should be free to the complainant (4.8); record any charge made.",
    ),
)

ACTIONS: Mapping[str, ActionSpec] = {spec.event: spec for spec in _SPECS}
"""Every lifecycle event but ``receive``, by name."""


def receive_form(token: str) -> Form:
    """The form of a new complaint (ISO 10002 7.2); ``token`` becomes its idempotency key.

    Examples:
        >>> [f.name for f in receive_form("t-1").fields if f.required]
        ['channel', 'product', 'description']
    """
    return Form(
        "Receive a complaint",
        (
            Field("name", "Complainant", hint="blank for an anonymous complaint"),
            Field("email", "E-mail"),
            Field("phone", "Telephone"),
            Field("preferred_contact", "Prefers", _CHOICE, False, _METHODS, "email"),
            Field("channel", "Received by", _CHOICE, True, choices_of(Channel), "phone"),
            Field("product", "Product or service", _TEXT, True),
            Field("category", "Category"),
            Field("description", "What went wrong", _LINES, True),
            Field("remedy", "Remedy wanted", _CHOICE, False, ("", *choices_of(RemedyKind))),
            Field("about", "Member of staff complained about", _PERSON),
        ),
        submit="Receive",
        token=token,
        intro="Record the complaint as the complainant put it (ISO 10002 7.2).",
    )


def receive(desk: ComplaintsDesk, actor: str, form: FormReader, token: str) -> Complaint:
    """Receive the complaint the form describes (``token``: the idempotency key)."""
    name = form.text("name")
    contact = ContactDetails(email=form.optional("email"), phone=form.optional("phone"))
    preferred = form.optional_choice("preferred_contact", ContactMethod)
    channel = form.choice("channel", Channel)
    product = form.text("product", required=True)
    category = form.optional("category")
    description = form.text("description", required=True)
    remedy = form.optional_choice("remedy", RemedyKind)
    about = form.person("about")
    if not name and (contact.email or contact.phone):
        form.refuse("name", "needed when contact details are given")
    form.check()
    complainant = (
        Complainant(name=name, contact=contact, preferred_contact=preferred or ContactMethod.EMAIL)
        if name
        else None
    )
    return desk.receive(
        actor=actor,
        channel=channel,
        complainant=complainant,
        description=description,
        classification=Classification(product=product, category=category),
        remedy_requested=RemedyRequest(kinds=() if remedy is None else (remedy,)),
        persons_complained_about=() if about is None else (about,),
        idempotency_key=token,
    )
