"""The site's own admin page: refused attempts, read-only (the complaints are iso10002's)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from complaints_site.models import Refusal


@admin.register(Refusal)
class RefusalAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Every refused attempt, newest first; evidence, so nothing here can be changed."""

    list_display = ("at", "actor", "action", "complaint_id")
    list_filter = ("action",)
    search_fields = ("actor", "complaint_id")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
