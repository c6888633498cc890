"""The admin: complaints with their state, SLA status and full history, read-only.

The record is append-only (ISO 10002 4.9, information integrity): the admin shows
complaints and their events but adds, changes and deletes nothing. Complaints move through
their lifecycle only by the desk (:class:`~iso10002.desk.ComplaintsDesk`), which a host's
own views call.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from iso10002.clock import Clock
from iso10002.contrib.django.conf import get_settings
from iso10002.contrib.django.models import ComplaintRecord, EventRecord
from iso10002.contrib.django.status import evaluation_status, sla_status
from iso10002.contrib.django.store import DjangoStore
from iso10002.errors import Iso10002Error
from iso10002.integrity import unseal
from iso10002.serialization import to_data
from iso10002.sla import SlaPolicy
from iso10002.storage.common import from_micros, snapshot_from_json

if TYPE_CHECKING:
    from django.db.models import QuerySet

    _ComplaintAdminBase = admin.ModelAdmin[ComplaintRecord]
else:
    _ComplaintAdminBase = admin.ModelAdmin

__all__ = ["ComplaintAdmin"]

_FACTS = (
    "id",
    "state",
    "version",
    "received",
    "product",
    "category",
    "complaint_type",
    "assignee",
    "sla_status",
    "integrity",
)


@admin.register(ComplaintRecord)
class ComplaintAdmin(_ComplaintAdminBase):
    """Complaints listed with id, receipt, state, product, category, assignee and SLA status.

    Filters by state, category and product; search by id. A complaint's page shows its
    facts, whether its record verifies, its snapshot and every event, oldest first.
    Nothing is editable, addable or deletable.

    ``using`` is the database alias the store writes to (a subclass registered in this one's
    place may set another); the instance's ``clock`` says what "now" is for the SLA column
    (``None``, the default: the clock of ``settings.ISO10002``).

    Examples:
        >>> from django.contrib import admin
        >>> type(admin.site._registry[ComplaintRecord]).__name__
        'ComplaintAdmin'
        >>> ComplaintAdmin.list_filter
        ('state', 'category', 'product')
    """

    list_display = (
        "id",
        "received",
        "state",
        "product",
        "category",
        "assignee",
        "sla_status",
    )
    list_filter = ("state", "category", "product")
    search_fields = ("id",)
    ordering = ("-received_at", "id")
    list_per_page = 50
    fieldsets = (
        (None, {"fields": _FACTS}),
        ("History", {"fields": ("history",)}),
        ("Snapshot", {"fields": ("snapshot_json",), "classes": ("collapse",)}),
    )
    readonly_fields = (*_FACTS, "history", "snapshot_json")
    using = "default"

    def __init__(self, model: type[ComplaintRecord], admin_site: admin.AdminSite) -> None:
        super().__init__(model, admin_site)
        self.clock: Clock | None = None

    # --- what may be done: look, never touch --------------------------------------------------

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Complaints are received through the desk, never typed into the admin."""
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: ComplaintRecord | None = None
    ) -> bool:
        """The record is append-only: a complaint changes only by new events, from the desk."""
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: ComplaintRecord | None = None
    ) -> bool:
        """Nothing is deleted; personal data is erased by ``desk.redact`` (ISO 10002 4.10)."""
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ComplaintRecord]:
        """The complaints in the store's database."""
        return super().get_queryset(request).using(self.using)

    # --- columns and fields -------------------------------------------------------------------

    @admin.display(description="received", ordering="received_at")
    def received(self, record: ComplaintRecord) -> str:
        """When it was received, in the site's time zone."""
        return _local(record.received)

    @admin.display(description="SLA status", ordering="next_due")
    def sla_status(self, record: ComplaintRecord) -> str:
        """The complaint's most pressing deadline: "overdue since …", "due …" or "—".

        With an :class:`~iso10002.sla.SlaPolicy` in ``settings.ISO10002["POLICY"]``, the
        policy evaluates the complaint now (:meth:`~iso10002.sla.SlaPolicy.evaluate`) and the
        column names the target too, and says when one is at risk; without one, it reads the
        next deadline the desk stored. Override this method to show something else; the
        column stays where it is.
        """
        now = self.now()
        policy = get_settings().policy
        if isinstance(policy, SlaPolicy):
            try:
                evaluation = policy.evaluate(snapshot_from_json(record.snapshot), now)
            except Iso10002Error as exc:  # a snapshot the policy cannot judge: say so
                return f"cannot evaluate: {exc}"
            zone = timezone.get_current_timezone()
            return evaluation_status(evaluation, is_open=record.is_open, zone=zone)
        due = record.due
        shown = None if due is None else timezone.localtime(due)
        return sla_status(shown, is_open=record.is_open, now=now)

    def now(self) -> datetime:
        """What "now" is for the SLA column: ``clock``, or the configured one."""
        clock = self.clock if self.clock is not None else get_settings().clock
        return clock()

    @admin.display(description="integrity")
    def integrity(self, record: ComplaintRecord) -> str:
        """Whether the complaint's chain, head and snapshot verify (ISO 10002 4.9)."""
        report = DjangoStore(self.using).verify_integrity([record.id])
        if report.ok:
            return f"verified: {record.version} events, chain intact"
        return "BROKEN: " + "; ".join(str(problem) for problem in report.problems)

    @admin.display(description="snapshot")
    def snapshot_json(self, record: ComplaintRecord) -> SafeString:
        """The current snapshot, as indented JSON."""
        try:
            text = json.dumps(json.loads(record.snapshot), indent=2, ensure_ascii=False)
        except ValueError:
            text = record.snapshot
        return format_html("<pre>{}</pre>", text)

    @admin.display(description="history")
    def history(self, record: ComplaintRecord) -> SafeString:
        """Every event, oldest first: version, type, when, who, what, and its digest."""
        events = (
            EventRecord.objects.using(self.using)
            .filter(complaint_id=record.id)
            .order_by("version", "position")
        )
        rows = format_html_join(
            "\n",
            "<tr><td>{}</td><td>{}</td><td style='white-space: nowrap'>{}</td><td>{}</td>"
            "<td><pre style='white-space: pre-wrap'>{}</pre></td><td title='{}'>{}…</td></tr>",
            (
                (
                    event.version,
                    event.event_type,
                    _local(from_micros(event.at)),
                    event.actor,
                    _details(event),
                    event.digest,
                    event.digest[:12],
                )
                for event in events
            ),
        )
        return format_html(
            "<table><thead><tr><th>#</th><th>event</th><th>at</th><th>actor</th>"
            "<th>details</th><th>digest</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )


def _local(at: datetime) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M %Z}"


def _details(event: EventRecord) -> str:
    """The event's own facts (besides type, time and actor), personal ones included."""
    try:
        data = to_data(unseal(event.public, event.personal))
    except Exception as exc:  # a tampered row: show what is there, and why it is unreadable
        return f"unreadable ({exc}): {event.public}"
    if isinstance(data, dict):
        for shown_elsewhere in ("type", "at", "actor"):
            data.pop(shown_elsewhere, None)
    return json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True)
