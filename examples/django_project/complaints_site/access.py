"""Who may do what: the desk's access policy, on Django's users, groups and permissions.

The desk asks :func:`group_policy` before every change and every read made on someone's
behalf. An actor is ``"user:<username>"`` for a signed-in person, or :data:`WEB_FORM` for
the public intake form, which may only receive complaints. A person may act when they hold
the permission the action needs (through one of their groups) and, for a handler, when the
complaint is theirs:

======================  =====================================================================
group                   permissions
======================  =====================================================================
Complaint handlers      receive_complaint, handle_complaint (the complaints assigned to them)
Complaint leads         the handlers', handle_any_complaint, assign_complaint, the admin's view
Complaint auditors      audit_complaints (read everything, change nothing), the admin's view
======================  =====================================================================
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from complaints_site.models import Refusal
from iso10002.access import VIEW, AccessRefusal, RefusalLog
from iso10002.model import Complaint

WEB_FORM = "web-form"
"""The actor of complaints received through the public form."""

GROUPS: dict[str, tuple[str, ...]] = {
    "Complaint handlers": (
        "complaints_site.receive_complaint",
        "complaints_site.handle_complaint",
    ),
    "Complaint leads": (
        "complaints_site.receive_complaint",
        "complaints_site.handle_complaint",
        "complaints_site.handle_any_complaint",
        "complaints_site.assign_complaint",
        "iso10002.view_complaintrecord",
    ),
    "Complaint auditors": (
        "complaints_site.audit_complaints",
        "iso10002.view_complaintrecord",
        "complaints_site.view_refusal",
    ),
}
"""The groups the site sets up (after ``migrate``), and their permissions."""


def actor_for(user: AbstractBaseUser | AnonymousUser) -> str:
    """The desk's name for a signed-in user (anyone else is the web form)."""
    if not user.is_authenticated:
        return WEB_FORM
    return f"user:{user.get_username()}"


def user_for(actor: str) -> AbstractBaseUser | None:
    """The active user an actor names, if any."""
    if not actor.startswith("user:"):
        return None
    model = get_user_model()
    found = model._default_manager.filter(
        **{model.USERNAME_FIELD: actor.removeprefix("user:"), "is_active": True}
    ).first()
    return found


def group_policy(actor: str, action: str, complaint: Complaint | None) -> bool:
    """The desk's access policy: ``(actor, action, complaint) -> allowed``."""
    if actor == WEB_FORM:
        return action == "receive"
    user = user_for(actor)
    if user is None:
        return False
    if action == "receive":
        return user.has_perm("complaints_site.receive_complaint")
    if action == VIEW and user.has_perm("complaints_site.audit_complaints"):
        return True
    if action == "assign":
        return user.has_perm("complaints_site.assign_complaint")
    if action == "redact":
        return user.is_superuser  # erasure: the data protection officer's, not a handler's
    if user.has_perm("complaints_site.handle_any_complaint"):
        return True
    # A handler acts on the complaints assigned to them (ISO 10002 4.12, accountability).
    return (
        user.has_perm("complaints_site.handle_complaint")
        and complaint is not None
        and complaint.assignee == actor
    )


class DatabaseRefusalLog(RefusalLog):
    """Keeps each refusal as a :class:`~complaints_site.models.Refusal` row."""

    def record(self, refusal: AccessRefusal) -> None:
        """Store the refusal (the caller is refused all the same if this fails)."""
        Refusal.objects.create(
            at=refusal.at,
            actor=refusal.actor,
            action=refusal.action,
            complaint_id=refusal.complaint_id,
        )
