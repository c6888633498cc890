"""The app's configuration, found by Django from ``INSTALLED_APPS``."""

from __future__ import annotations

from django.apps import AppConfig

__all__ = ["Iso10002Config"]


class Iso10002Config(AppConfig):
    """``iso10002.contrib.django``, installed under the label ``iso10002``.

    The label names the tables (``iso10002_complaint``, ``iso10002_event``…), the migrations
    (``manage.py migrate iso10002``) and the admin's URLs (``/admin/iso10002/…``). When
    Django starts, :meth:`ready` checks ``settings.ISO10002``.

    Examples:
        >>> from django.apps import apps
        >>> apps.get_app_config("iso10002").verbose_name
        'Complaints (ISO 10002)'
    """

    name = "iso10002.contrib.django"
    label = "iso10002"
    verbose_name = "Complaints (ISO 10002)"
    # Every model names its primary key; this only keeps the host's setting out of them.
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """Check ``settings.ISO10002`` now, so a bad one stops the project from starting.

        Raises :class:`~django.core.exceptions.ImproperlyConfigured` naming every bad key
        (see :mod:`iso10002.contrib.django.conf`).
        """
        from iso10002.contrib.django.conf import get_settings

        get_settings()
