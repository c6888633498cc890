"""URLs of the Django test project: the admin, where the app's pages are.

``urlpatterns`` is built when Django first asks for it (PEP 562), not at import: pytest
imports every module under tests/ to look for doctests, and the admin cannot be imported
before Django is configured.
"""

from __future__ import annotations


def __getattr__(name: str) -> object:
    if name != "urlpatterns":
        raise AttributeError(name)
    from django.contrib import admin
    from django.urls import path

    return [path("admin/", admin.site.urls)]
