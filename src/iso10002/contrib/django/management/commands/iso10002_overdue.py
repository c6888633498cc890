"""``manage.py iso10002_overdue``: open complaints past an SLA deadline, with their status.

A complaint is overdue when the next deadline the desk stored for it has passed (what
``ComplaintQuery(overdue_at=...)`` finds). With an :class:`~iso10002.sla.SlaPolicy` in
``settings.ISO10002``, each one is evaluated at ``--at`` and every breached target is
explained; without one, the stored deadline is shown. ``--json`` prints a list for scripts;
``--fail-if-any`` exits with status 1 when any complaint is overdue.

Examples:
    >>> from django.core.management import call_command
    >>> call_command("iso10002_overdue", at="2026-03-31T12:00:00+00:00")
    0 overdue at 2026-03-31T12:00:00+00:00
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from datetime import datetime, tzinfo

import attrs
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from iso10002.contrib.django.conf import get_desk
from iso10002.contrib.django.management.commands._instant import parse_at
from iso10002.contrib.django.models import ComplaintRecord
from iso10002.contrib.django.status import evaluation_status, sla_status
from iso10002.desk import Overdue
from iso10002.model import Complaint
from iso10002.sla import SlaPolicy
from iso10002.storage.common import from_micros

__all__ = ["Command"]


@attrs.frozen
class _Breach:
    target: str
    due: datetime | None
    explanation: str


@attrs.frozen
class _Overdue:
    complaint: Complaint
    status: str
    breached: tuple[_Breach, ...]

    def to_data(self) -> dict[str, object]:
        c = self.complaint
        return {
            "id": c.id,
            "received_at": c.received_at.isoformat(),
            "state": c.state.value,
            "assignee": c.assignee,
            "investigator": c.investigator,
            "status": self.status,
            "breached": [
                {
                    "target": b.target,
                    "due": None if b.due is None else b.due.isoformat(),
                    "explanation": b.explanation,
                }
                for b in self.breached
            ],
        }


class Command(BaseCommand):
    """List overdue complaints with their SLA status (``--json`` for scripts)."""

    help = (
        "List open complaints past an SLA deadline, with their SLA status; with an SLA "
        "policy in settings.ISO10002, every breached target is explained. "
        "Example: manage.py iso10002_overdue --json"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        """``--at``, ``--json``, ``--fail-if-any``."""
        parser.add_argument(
            "--at", help="the instant to judge at, ISO 8601 with an offset (default: now)"
        )
        parser.add_argument("--json", action="store_true", help="print JSON, for scripts")
        parser.add_argument(
            "--fail-if-any", action="store_true", help="exit with status 1 when any is overdue"
        )

    def handle(self, *args: object, **options: object) -> None:
        """Find, evaluate and print the overdue complaints."""
        desk = get_desk()
        at = parse_at(options.get("at"), desk.clock)
        zone = timezone.get_current_timezone()
        found = list(desk.overdue(at))
        if isinstance(desk.policy, SlaPolicy):
            rows = [_evaluated(o, zone) for o in found]
        else:
            using = getattr(desk.store, "using", "default")
            rows = _stored([o.complaint for o in found], using, at, zone)
        if options.get("json"):
            self.stdout.write(json.dumps([r.to_data() for r in rows], indent=2, ensure_ascii=False))
        else:
            self.stdout.write(f"{len(rows)} overdue at {at.isoformat()}")
            for row in rows:
                c = row.complaint
                owner = c.assignee or c.investigator or "no owner"
                self.stdout.write(f"  {c.id}  {c.state.value:<13} {row.status}  {owner}")
                for breach in row.breached:
                    self.stdout.write(f"      {breach.target}: {breach.explanation}")
        if rows and options.get("fail_if_any"):
            raise CommandError(f"{len(rows)} overdue complaints", returncode=1)


def _evaluated(overdue: Overdue, zone: tzinfo) -> _Overdue:
    """What the policy says of the complaint: the status and each unmet breach."""
    complaint, evaluation = overdue.complaint, overdue.evaluation
    assert evaluation is not None  # the desk's policy is an SlaPolicy
    return _Overdue(
        complaint,
        evaluation_status(evaluation, is_open=complaint.is_open, zone=zone),
        tuple(_Breach(s.name, s.due, s.explanation) for s in overdue.breached),
    )


def _stored(complaints: list[Complaint], using: str, at: datetime, zone: tzinfo) -> list[_Overdue]:
    """Without a policy to ask: the deadline the desk stored for each complaint."""
    dues = dict(
        ComplaintRecord.objects.using(using)
        .filter(pk__in=[c.id for c in complaints])
        .values_list("id", "next_due")
    )
    rows = []
    for c in complaints:
        stored = dues.get(c.id)
        shown = None if stored is None else from_micros(stored).astimezone(zone)
        rows.append(_Overdue(c, sla_status(shown, is_open=c.is_open, now=at), ()))
    return rows
