"""What the reliability tests share: the soak switch, the store kinds, sizes from the environment.

``ISO10002_SOAK=1`` (what ``nox -s soak`` sets) makes every test here work longer: more
hypothesis examples and steps, more commands per load worker. Single sizes can be set with
their own variables (``ISO10002_LOAD_COMMANDS`` …). Imported by name (``reliability_support``)
because ``conftest`` is a name several test folders use.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest

from iso10002.storage import ComplaintStore

__all__ = ["SOAK", "STORE_KINDS", "StoreFactory", "soak_int"]

SOAK = os.environ.get("ISO10002_SOAK") == "1"
"""Whether this is a soak run (longer, bigger), not the bounded CI run."""

STORE_KINDS = (
    "memory",
    "sqlite",
    "sqlalchemy-sqlite",
    pytest.param("sqlalchemy-postgres", marks=pytest.mark.postgres),
    pytest.param("django-postgres", marks=pytest.mark.postgres),
)
"""Every store the project ships, as ``store_factory`` parameters."""

StoreFactory = Callable[[], ComplaintStore]


def soak_int(name: str, ci: int, soak: int) -> int:
    """A size from the environment variable ``name``, else ``soak`` in a soak run, else ``ci``."""
    value = os.environ.get(name)
    if value is not None:
        return int(value)
    return soak if SOAK else ci
