"""The reusable Django app: models, migrations, admin, settings, signals, commands, the store.

Add ``"iso10002.contrib.django"`` to ``INSTALLED_APPS`` (its label is ``iso10002``), run
``manage.py migrate iso10002``, describe the desk in ``settings.ISO10002`` (see
:mod:`~iso10002.contrib.django.conf`) and call :func:`get_desk` in your views. Needs the
``[django]`` extra.

This package imports nothing from Django until one of its names is used, so Django can load
it from ``INSTALLED_APPS`` before the app registry is ready: ``get_desk``, ``get_settings``
and ``complaint_event`` are re-exported lazily, from
:mod:`~iso10002.contrib.django.conf` and :mod:`~iso10002.contrib.django.signals`. Import
the store from ``iso10002.contrib.django.store`` once Django is set up.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from iso10002.contrib.django.conf import get_desk, get_settings
    from iso10002.contrib.django.signals import complaint_event

__all__ = ["complaint_event", "get_desk", "get_settings"]

_LAZY = {
    "complaint_event": "iso10002.contrib.django.signals",
    "get_desk": "iso10002.contrib.django.conf",
    "get_settings": "iso10002.contrib.django.conf",
}


def __getattr__(name: str) -> object:
    # PEP 562: the names above are imported on first use, once Django is configured.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
