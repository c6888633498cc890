"""The site's pages: the intake form, a handler's complaints, and a complaint's own page.

Every read and change goes through the desk of ``settings.ISO10002`` (``get_desk()``), whose
access policy (:func:`complaints_site.access.group_policy`) decides; a refusal is a 403 page,
and the desk has recorded it before the view hears of it.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from complaints_site.access import actor_for
from complaints_site.forms import ActionForm, ComplaintForm, StaffComplaintForm
from iso10002.access import VIEW
from iso10002.contrib.django import get_desk
from iso10002.contrib.django.status import NOTHING_DUE, evaluation_status
from iso10002.desk import ComplaintsDesk
from iso10002.errors import (
    AccessDenied,
    ConcurrencyConflict,
    NotFound,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complaint,
    ComplaintState,
    ContactDetails,
    ContactMethod,
)
from iso10002.sla import SlaPolicy
from iso10002.storage import ComplaintQuery

OPEN = frozenset(state for state in ComplaintState if state.is_open)


def _refused(request: HttpRequest, refusal: AccessDenied) -> HttpResponse:
    return render(request, "complaints_site/refused.html", {"refusal": refusal}, status=403)


def _status(desk: ComplaintsDesk, complaint: Complaint) -> str:
    """The complaint's most pressing deadline, as the admin words it."""
    if not isinstance(desk.policy, SlaPolicy):
        return NOTHING_DUE
    evaluation = desk.policy.evaluate(complaint, desk.clock())
    zone = timezone.get_current_timezone()
    return evaluation_status(evaluation, is_open=complaint.is_open, zone=zone)


@require_http_methods(["GET", "POST"])
def intake(request: HttpRequest) -> HttpResponse:
    """The complaint form: the public's (the web form) or, signed in, a member of staff's."""
    staff = request.user.is_authenticated
    form_class = StaffComplaintForm if staff else ComplaintForm
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = get_desk().receive(
                actor=actor_for(request.user),
                channel=Channel(data["channel"]) if staff else Channel.WEB,
                complainant=Complainant(
                    name=data["name"], contact=ContactDetails(email=data["email"] or None)
                ),
                description=data["description"],
                classification=Classification(product=data["product"]),
                idempotency_key=f"intake-{data['submission']}",
            )
        except AccessDenied as refusal:
            return _refused(request, refusal)
        except ValidationError as invalid:
            form.add_error(None, str(invalid))
        else:
            request.session["received"] = complaint.id
            return redirect("thanks")
    return render(request, "complaints_site/intake.html", {"form": form}, status=200)


def thanks(request: HttpRequest) -> HttpResponse:
    """After the form: the complaint's reference."""
    return render(
        request, "complaints_site/thanks.html", {"reference": request.session.get("received")}
    )


@login_required
def my_complaints(request: HttpRequest) -> HttpResponse:
    """A handler's open complaints, with their deadlines; for leads, those without an owner."""
    desk = get_desk()
    actor = actor_for(request.user)
    mine = [
        (c, _status(desk, c))
        for c in desk.store.find(ComplaintQuery(assignee=actor, states=OPEN))
        if desk.access(actor, VIEW, c)
    ]
    unowned = []
    if request.user.has_perm("complaints_site.assign_complaint"):
        unowned = [
            (c, _status(desk, c))
            for c in desk.store.find(ComplaintQuery(states=OPEN))
            if c.assignee is None
        ]
    return render(request, "complaints_site/my_complaints.html", {"mine": mine, "unowned": unowned})


@login_required
@require_http_methods(["GET", "POST"])
def complaint_page(request: HttpRequest, complaint_id: str) -> HttpResponse:
    """One complaint: its facts, deadlines and history, and the steps the user may take."""
    desk = get_desk()
    actor = actor_for(request.user)
    problem = None
    status = 200
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            try:
                _act(desk, complaint_id, actor, form.cleaned_data)
            except AccessDenied as refusal:
                return _refused(request, refusal)
            except NotFound:
                return render(request, "complaints_site/missing.html", status=404)
            except ConcurrencyConflict:
                problem = "Someone changed this complaint after you opened it: look again."
                status = 409
            except (TransitionNotAllowed, ValidationError) as refused:
                problem, status = str(refused), 400
            else:
                return redirect("complaint", complaint_id=complaint_id)
        else:
            problem, status = "Choose a step, and fill in what it needs.", 400
    try:
        complaint = desk.get(complaint_id, actor=actor)
        history = desk.history(complaint_id, actor=actor)
    except AccessDenied as refusal:
        return _refused(request, refusal)
    except NotFound:
        return render(request, "complaints_site/missing.html", status=404)
    targets = ()
    if isinstance(desk.policy, SlaPolicy):
        targets = desk.policy.evaluate(complaint, desk.clock()).targets
    context = {
        "complaint": complaint,
        "history": history,
        "targets": targets,
        "status": _status(desk, complaint),
        "allowed": desk.allowed_events(complaint_id),
        "form": ActionForm(initial={"version": complaint.version}),
        "problem": problem,
    }
    return render(request, "complaints_site/complaint.html", context, status=status)


def _act(desk: ComplaintsDesk, complaint_id: str, actor: str, data: dict[str, object]) -> None:
    """Take one step; the desk asks the access policy and the lifecycle first."""
    version = data["version"]
    if not isinstance(version, int):  # the form's IntegerField gives one
        raise ValidationError([f"version: {version!r} is not a version"])
    text = str(data.get("text") or "")
    action = data["action"]
    if action == "acknowledge":
        desk.acknowledge(
            complaint_id,
            actor=actor,
            method=ContactMethod.EMAIL,
            message=text,
            expected_version=version,
        )
    elif action == "assign":
        assignee = str(data.get("assignee") or "").strip()
        if not assignee:
            raise ValidationError(["assignee: whom to assign the complaint to"])
        desk.assign(
            complaint_id, actor=actor, assignee=f"user:{assignee}", expected_version=version
        )
    elif action == "record_progress":
        desk.record_progress(
            complaint_id,
            actor=actor,
            method=ContactMethod.EMAIL,
            message=text,
            expected_version=version,
        )
    elif action == "add_note":
        desk.add_note(complaint_id, actor=actor, text=text, expected_version=version)
    else:  # the form's choices allow nothing else
        raise ValidationError([f"action: {action!r} is not a step this page offers"])
