"""The site's app: the groups of :data:`complaints_site.access.GROUPS`, and its receivers."""

from __future__ import annotations

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def set_up_groups(using: str = "default", **_: object) -> None:
    """Create the groups and give them their permissions (again after every ``migrate``)."""
    from django.contrib.auth.models import Group, Permission

    from complaints_site.access import GROUPS

    for name, permissions in GROUPS.items():
        group, _created = Group.objects.using(using).get_or_create(name=name)
        wanted = []
        for dotted in permissions:
            app_label, codename = dotted.split(".")
            wanted.append(
                Permission.objects.using(using).get(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.set(wanted)


class ComplaintsSiteConfig(AppConfig):
    """The example site (label ``complaints_site``)."""

    name = "complaints_site"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Set up the groups after ``migrate``; e-mail a receipt for each complaint received."""
        from complaints_site.receivers import email_receipt
        from iso10002.contrib.django import complaint_event
        from iso10002.events import Received

        post_migrate.connect(set_up_groups, sender=self, dispatch_uid="complaints_site.groups")
        complaint_event.connect(
            email_receipt, sender=Received, dispatch_uid="complaints_site.email_receipt"
        )


__all__ = ["ComplaintsSiteConfig", "set_up_groups"]
