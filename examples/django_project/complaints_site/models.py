"""The site's own tables: the permissions of complaint handling, and refused attempts.

``ComplaintHandling`` has no table; it only carries the permissions the groups are given
(``complaints_site.handle_complaint`` …), which :mod:`complaints_site.access` maps to the
desk's actions. ``Refusal`` keeps every attempt the access policy refused (ISO 10002 4.12:
attempts are evidence too).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class ComplaintHandling(models.Model):
    """The permissions of complaint handling (no table)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions: ClassVar[list[tuple[str, str]]] = [
            ("receive_complaint", "Can record a complaint received by phone, letter or in person"),
            ("handle_complaint", "Can handle the complaints assigned to them"),
            ("handle_any_complaint", "Can handle any complaint"),
            ("assign_complaint", "Can give a complaint an owner"),
            ("audit_complaints", "Can read every complaint"),
        ]


class Refusal(models.Model):
    """One attempt the desk's access policy refused: who tried what, on which complaint, when."""

    at = models.DateTimeField()
    actor = models.TextField()
    action = models.TextField()
    complaint_id = models.TextField(null=True, blank=True)

    objects: ClassVar[models.Manager[Refusal]]

    class Meta:
        ordering: ClassVar[list[str]] = ["-at", "-id"]

    def __str__(self) -> str:
        target = self.complaint_id or "a new complaint"
        return f"{self.actor} refused {self.action} on {target}"
