"""Skip locally, fail in CI: the rule for tests that need a server or a system program.

Tests that need PostgreSQL, a browser or a virtual screen call :func:`require_service`. On a
machine without it they skip with the reason; when ``CI=true`` or
``ISO10002_REQUIRE_SERVICES=1`` (which ``.ci/run`` sets) the same condition fails the test, so
CI never passes without them.

Import it as ``from service_checks import require_service`` (the ``tests`` folder is on the
path); not from ``conftest``, a name several test folders use.
"""

from __future__ import annotations

import os

import pytest

__all__ = ["require_service", "services_required"]


def services_required() -> bool:
    """Whether a missing server must fail tests rather than skip them."""
    return (
        os.environ.get("ISO10002_REQUIRE_SERVICES") == "1"
        or os.environ.get("CI", "").lower() == "true"
    )


def require_service(available: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) when a server the test needs is not there."""
    if available:
        return
    if services_required():
        pytest.fail(f"required service unavailable in CI: {reason}", pytrace=False)
    pytest.skip(reason)
