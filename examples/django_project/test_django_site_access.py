"""The desk's access policy follows Django's groups and permissions (ISO 10002 4.12).

``group_policy(actor, action, complaint)`` is asked directly here, with the groups ``migrate``
set up; the pages' tests show the same rules through the views.
"""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from complaints_site.access import GROUPS, WEB_FORM, actor_for, group_policy
from django.contrib.auth.models import AnonymousUser, Group

from iso10002.access import ACTIONS
from iso10002.testing.builders import complaint_in

pytestmark = pytest.mark.django_db

ANAS = attrs.evolve(complaint_in("acknowledged"), assignee="user:ana")
UNOWNED = complaint_in("received", "C-0002")
HANDLING = sorted(ACTIONS - {"receive", "view", "assign", "redact"})


def test_migrate_sets_up_the_groups_with_their_permissions() -> None:
    for name, permissions in GROUPS.items():
        group = Group.objects.get(name=name)
        found = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert found == set(permissions)


def test_the_web_form_may_receive_complaints_and_nothing_else() -> None:
    assert group_policy(WEB_FORM, "receive", None)
    assert not any(group_policy(WEB_FORM, action, ANAS) for action in ACTIONS - {"receive"})


def test_an_actor_who_is_no_active_user_may_do_nothing(people: dict[str, Any]) -> None:
    people["ana"].is_active = False
    people["ana"].save()
    for actor in ("user:ana", "user:nobody", "system:cron"):
        assert not any(group_policy(actor, action, ANAS) for action in ACTIONS)


def test_a_handler_handles_the_complaints_assigned_to_them_only(people: dict[str, Any]) -> None:
    for action in [*HANDLING, "view"]:
        assert group_policy("user:ana", action, ANAS), action
        assert not group_policy("user:bo", action, ANAS), action
        assert not group_policy("user:ana", action, UNOWNED), action


def test_a_handler_may_record_a_complaint_but_not_assign_or_erase(people: dict[str, Any]) -> None:
    assert group_policy("user:ana", "receive", None)
    assert not group_policy("user:ana", "assign", ANAS)
    assert not group_policy("user:ana", "redact", ANAS)


def test_a_lead_handles_and_assigns_any_complaint(people: dict[str, Any]) -> None:
    for action in [*HANDLING, "view", "assign"]:
        assert group_policy("user:kim", action, UNOWNED), action
    assert not group_policy("user:kim", "redact", UNOWNED)


def test_an_auditor_reads_every_complaint_and_changes_none(people: dict[str, Any]) -> None:
    assert group_policy("user:sam", "view", ANAS)
    assert group_policy("user:sam", "view", UNOWNED)
    assert not any(group_policy("user:sam", action, ANAS) for action in ACTIONS - {"view"})


def test_only_a_superuser_may_erase(people: dict[str, Any]) -> None:
    assert group_policy("user:lee", "redact", ANAS)


def test_the_desk_knows_a_signed_in_user_by_username_and_anyone_else_as_the_web_form(
    people: dict[str, Any],
) -> None:
    assert actor_for(people["ana"]) == "user:ana"
    assert actor_for(AnonymousUser()) == WEB_FORM
