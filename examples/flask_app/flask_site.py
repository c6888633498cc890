"""A small team's complaints site on Flask and iso10002, on an embedded SQLite file.

Pages: sign in as one of the team (:data:`STAFF`); the list of complaints with each one's
SLA status (from ``SlaPolicy.evaluate``); a complaint's page with the actions the lifecycle
allows now as buttons, its SLA targets, its full history and the refused attempts; and the
public intake form of the extension's blueprint (``/complaints/new``). Who may press which
button is the team's :class:`~iso10002.RolePolicy` (:data:`GRANTS`), handed to the desk as
its access policy: a refused press changes nothing and is recorded (ISO 10002 4.12).

Run it with ``flask --app flask_site run`` from this folder (the file is
``instance/complaints.sqlite3``), or build one with :func:`create_app`.

Examples:
    >>> import tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> app = create_app({"ISO10002_STORE": f"{folder.name}/site.sqlite3"})
    >>> app.test_client().get("/").status_code  # nobody is signed in: to the sign-in page
    302
    >>> close_app(app)
    >>> folder.cleanup()
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable, Collection, Mapping
from datetime import datetime

import attrs
from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from iso10002 import ComplaintQuery, ComplaintState, Event, MemoryRefusalLog, RolePolicy
from iso10002.access import VIEW
from iso10002.contrib.flask import (
    Iso10002,
    check_csrf,
    close_desk,
    current_actor,
    current_desk,
    perform_action,
    permitted_actions,
)
from iso10002.contrib.flask.actions import decode_cursor, encode_cursor
from iso10002.errors import ValidationError
from iso10002.model import Complexity, ContactMethod, Impact, Outcome, Severity
from iso10002.serialization import to_json
from iso10002.sla import SlaEvaluation, SlaPolicy, TargetState

__all__ = [
    "ACTION_FORMS",
    "GRANTS",
    "PRODUCTS",
    "STAFF",
    "ActionForm",
    "FormField",
    "StaffMember",
    "close_app",
    "create_app",
    "site",
    "sla_status",
]

PRODUCTS = ("broadband", "mobile", "TV", "billing")
"""What the team's customers can complain about (the intake form's choices)."""


@attrs.frozen
class StaffMember:
    """Someone who may sign in, as the actor the desk records, with their roles."""

    actor: str
    name: str
    roles: frozenset[str]


STAFF: tuple[StaffMember, ...] = (
    StaffMember("agent:ana", "Ana Silva (handler)", frozenset({"handler"})),
    StaffMember("lead:kim", "Kim Okafor (team lead)", frozenset({"lead"})),
    StaffMember("auditor:sam", "Sam Patel (auditor)", frozenset({"auditor"})),
)
"""The demo team."""

_HANDLING = frozenset(
    {
        VIEW,
        "receive",
        "acknowledge",
        "assess",
        "assign",
        "start_investigation",
        "record_progress",
        "communicate_decision",
        "accept",
        "reject",
        "refer_externally",
        "withdraw",
        "add_note",
    }
)
GRANTS: Mapping[str, Collection[str]] = {
    # Decisions, escalation and closing are the lead's (ISO 10002 6.4 authority).
    "handler": _HANDLING,
    "lead": _HANDLING | {"decide", "escalate", "close", "reopen"},
    "auditor": {VIEW},
    # The public intake form may only receive (4.3: anyone can complain).
    "public": {"receive"},
}
"""What each role may do: lifecycle events and ``"view"``."""


def access_policy() -> RolePolicy:
    """The desk's access policy: each member's roles, and the intake form's.

    Examples:
        >>> policy = access_policy()
        >>> policy("agent:ana", "decide", None), policy("lead:kim", "decide", None)
        (False, True)
    """
    roles: dict[str, Collection[str]] = {m.actor: m.roles for m in STAFF}
    roles["web-form"] = {"public"}
    return RolePolicy(roles=roles, grants=GRANTS)


# --- the action buttons ---------------------------------------------------------------------


@attrs.frozen
class FormField:
    """One input of an action's form, and how its text becomes the payload's value."""

    name: str
    label: str
    kind: str = "text"  # text, textarea, choice, checkbox
    choices: tuple[str, ...] = ()
    required: bool = True

    def value(self, form: Mapping[str, str]) -> object:
        """The payload value for what was typed; ``None`` for an empty optional field."""
        if self.kind == "checkbox":
            return self.name in form
        text = form.get(self.name, "").strip()
        return text if text or self.required else None


def _choices(
    enum: type[ContactMethod | Severity | Complexity | Impact | Outcome],
) -> tuple[str, ...]:
    return tuple(member.value for member in enum)


@attrs.frozen
class ActionForm:
    """A lifecycle event as a button with a small form."""

    label: str
    fields: tuple[FormField, ...] = ()

    def payload(self, form: Mapping[str, str]) -> dict[str, object]:
        """The action's payload from a posted form (empty optional fields left out).

        Examples:
            >>> ACTION_FORMS["acknowledge"].payload({"method": "email", "message": ""})
            {'method': 'email'}
        """
        values = {f.name: f.value(form) for f in self.fields}
        return {name: value for name, value in values.items() if value is not None}


_METHOD = FormField("method", "How", "choice", _choices(ContactMethod))
ACTION_FORMS: Mapping[str, ActionForm] = {
    "acknowledge": ActionForm(
        "Acknowledge", (_METHOD, FormField("message", "Message", "textarea", required=False))
    ),
    "assess": ActionForm(
        "Assess",
        (
            FormField("severity", "Severity", "choice", _choices(Severity)),
            FormField("complexity", "Complexity", "choice", _choices(Complexity)),
            FormField("impact", "Impact", "choice", _choices(Impact)),
            FormField("urgent", "Urgent", "checkbox"),
            FormField("category", "Category", required=False),
        ),
    ),
    "assign": ActionForm(
        "Assign", (FormField("assignee", "To", "choice", tuple(m.actor for m in STAFF)),)
    ),
    "start_investigation": ActionForm(
        "Start investigation",
        (FormField("investigator", "Investigator", "choice", tuple(m.actor for m in STAFF)),),
    ),
    "record_progress": ActionForm(
        "Record progress", (_METHOD, FormField("message", "Message", "textarea"))
    ),
    "decide": ActionForm(
        "Decide",
        (
            FormField("outcome", "Outcome", "choice", _choices(Outcome)),
            FormField("reasons", "Reasons", "textarea"),
        ),
    ),
    "communicate_decision": ActionForm(
        "Communicate decision",
        (
            _METHOD,
            FormField("recourse_explained", "Internal and external recourse explained", "checkbox"),
            FormField("message", "Message", "textarea", required=False),
        ),
    ),
    "accept": ActionForm("Record acceptance"),
    "reject": ActionForm("Record rejection", (FormField("reason", "Reason", required=False),)),
    "escalate": ActionForm(
        "Escalate", (FormField("reason", "Reason"), FormField("to", "To (team or level)"))
    ),
    "refer_externally": ActionForm(
        "Refer externally",
        (FormField("body", "To (ombudsman)"), FormField("reference", "Reference", required=False)),
    ),
    "close": ActionForm("Close", (FormField("summary", "Summary", required=False),)),
    "reopen": ActionForm("Reopen", (FormField("reason", "Reason"),)),
    "withdraw": ActionForm("Withdrawn", (FormField("reason", "Reason", required=False),)),
    "add_note": ActionForm("Add note", (FormField("text", "Note", "textarea"),)),
}
"""The actions the site offers as buttons, by lifecycle event."""


# --- SLA status for the list ------------------------------------------------------------------


def sla_status(evaluation: SlaEvaluation) -> tuple[str, str]:
    """A short SLA status and its CSS class, from an ``SlaPolicy.evaluate`` result.

    Examples:
        >>> from datetime import timedelta
        >>> from iso10002.sla import presets
        >>> from iso10002.testing.builders import complaint_in
        >>> c = complaint_in("received")
        >>> sla_status(presets.get("iso10002.default").evaluate(c, c.received_at))
        ('due 06 Jan 17:00', 'pending')
        >>> later = c.received_at + timedelta(days=40)
        >>> sla_status(presets.get("iso10002.default").evaluate(c, later))
        ('breached: acknowledge, final_response, update', 'breached')
    """
    if evaluation.breached:
        return "breached: " + ", ".join(s.name for s in evaluation.breached), "breached"
    if evaluation.at_risk:
        return "at risk: " + ", ".join(s.name for s in evaluation.at_risk), "at-risk"
    due = evaluation.next_due
    if due is None:
        met = any(s.state is TargetState.MET for s in evaluation.targets)
        return ("all met", "met") if met else ("nothing due", "met")
    return f"due {due:%d %b %H:%M}", "pending"


# --- the pages -----------------------------------------------------------------------------------

site = Blueprint("site", __name__)
"""The site's own pages (the intake form is the extension's blueprint)."""

_STAFF_BY_ACTOR = {m.actor: m for m in STAFF}


@site.before_app_request
def sign_in_from_session() -> None:
    """Who is signed in, from the session: the actor the desk records (``g.iso10002_actor``)."""
    member = _STAFF_BY_ACTOR.get(session.get("actor", ""))
    g.member = member
    g.iso10002_actor = member.actor if member else None


@site.app_context_processor
def team() -> dict[str, object]:
    """The team and the signed-in member, for every template."""
    return {"staff": STAFF, "member": g.get("member")}


def _signed_in(view: Callable[..., str | Response]) -> Callable[..., str | Response]:
    @functools.wraps(view)
    def guarded(**kwargs: str) -> str | Response:
        if g.member is None:
            return redirect(url_for(".login", next=request.path))
        return view(**kwargs)

    return guarded


@site.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Sign in as one of the team (a demo: no passwords)."""
    if request.method == "POST":
        check_csrf()
        if request.form.get("actor") not in _STAFF_BY_ACTOR:
            abort(400)
        session["actor"] = request.form["actor"]
        target = request.args.get("next", "")
        # Only back to a page of this site: never an open redirect.
        return redirect(target if target.startswith("/") and "//" not in target else "/")
    return render_template("login.html")


@site.post("/logout")
def logout() -> Response:
    """Sign out."""
    check_csrf()
    session.pop("actor", None)
    return redirect(url_for(".login"))


@site.get("/")
@_signed_in
def complaints() -> str:
    """The list: each complaint with its SLA status, filtered by state, 20 a page."""
    desk = current_desk()
    state = request.args.get("state") or None
    fields: dict[str, object] = {"limit": 20}
    if state is not None:
        try:
            fields["states"] = frozenset({ComplaintState(state)})
        except ValueError:
            abort(400)
    if "after" in request.args:
        fields["after"] = decode_cursor(request.args["after"])
    query = ComplaintQuery(**fields)  # type: ignore[arg-type]
    page = list(desk.store.find(attrs.evolve(query, limit=21)))
    now = desk.clock()
    rows = []
    for complaint in page[:20]:
        if not desk.access(current_actor(), VIEW, complaint):
            continue
        status = ("no SLA policy", "met")
        if isinstance(desk.policy, SlaPolicy):
            status = sla_status(desk.policy.evaluate(complaint, now, explain=False))
        rows.append((complaint, *status))
    more = encode_cursor(page[19]) if len(page) > 20 else None
    return render_template(
        "list.html",
        rows=rows,
        state=state,
        states=[s.value for s in ComplaintState if s is not ComplaintState.NEW],
        more=more,
    )


@site.get("/c/<complaint_id>")
@_signed_in
def complaint_page(complaint_id: str) -> str:
    """A complaint: its details, the allowed actions as buttons, deadlines, history, refusals."""
    desk, actor = current_desk(), current_actor()
    complaint = desk.get(complaint_id, actor=actor)
    allowed = [e for e in desk.allowed_events(complaint.id) if e in ACTION_FORMS]
    permitted = set(permitted_actions(desk, complaint, actor))
    evaluation = None
    if isinstance(desk.policy, SlaPolicy):
        evaluation = desk.policy.evaluate(complaint, desk.clock())
    refusals = getattr(desk.refusals, "refusals", ())
    return render_template(
        "complaint.html",
        complaint=complaint,
        actions=[(e, ACTION_FORMS[e], e in permitted) for e in allowed],
        evaluation=evaluation,
        history=[_event_row(e) for e in desk.history(complaint.id)],
        refusals=[r for r in refusals if r.complaint_id == complaint.id],
    )


@site.post("/c/<complaint_id>/act/<action>")
@_signed_in
def act(complaint_id: str, action: str) -> Response:
    """Press an action's button: the desk decides, the access policy first."""
    check_csrf()
    form = ACTION_FORMS.get(action)
    version = request.form.get("version", "")
    if form is None or not version.isdigit():
        abort(400)
    try:
        perform_action(
            current_desk(),
            complaint_id,
            action,
            form.payload(request.form),
            actor=current_actor(),
            expected_version=int(version),
        )
    except ValidationError as invalid:  # a typing slip: say what, keep the page
        for message in invalid.errors:
            flash(message, "error")
    else:
        flash(f"{form.label}: done.", "done")
    # AccessDenied, TransitionNotAllowed, ConcurrencyConflict: the extension's problem page.
    return redirect(url_for(".complaint_page", complaint_id=complaint_id), code=303)


# --- the app ------------------------------------------------------------------------------------


def create_app(config: Mapping[str, object] | None = None) -> Flask:
    """The site; ``config`` overrides its settings (a test's store path, a ManualClock …).

    Examples:
        >>> app = create_app({"ISO10002_STORE": "memory"})
        >>> app.extensions["iso10002"].policy.name
        'iso10002.default'
    """
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secrets.token_hex(32),
        ISO10002_STORE="complaints.sqlite3",  # in the instance folder
        ISO10002_POLICY="iso10002.default",
        ISO10002_ACCESS=access_policy(),
        ISO10002_REFUSALS=MemoryRefusalLog(),
        ISO10002_INTAKE_PRODUCTS=list(PRODUCTS),
        ISO10002_BLUEPRINT_PREFIX="/complaints",
    )
    app.config.update(config or {})
    Iso10002(app)  # the default actor: g.iso10002_actor, which the site sets from the session
    app.register_blueprint(site)
    return app


def _event_row(event: Event) -> tuple[str, datetime, str, list[tuple[str, str]]]:
    """An event as the history table shows it: type, when, who, and its other fields."""
    data = json.loads(to_json(event))  # plain JSON values: enums as their values
    shown = ((key, _shown(value)) for key, value in data.items())
    details = [
        (key, value)
        for key, value in shown
        if key not in {"type", "at", "actor", "complaint_id"} and value not in ("", "None")
    ]
    return str(data["type"]).replace("_", " "), event.at, event.actor, details


def _shown(value: object) -> str:
    if isinstance(value, dict):
        shown = ((k, _shown(v)) for k, v in value.items())
        return ", ".join(f"{k}: {v}" for k, v in shown if v not in ("", "None"))
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def close_app(app: Flask) -> None:
    """Close the complaints file the site opened (see the module's example)."""
    close_desk(app)
