"""Shared test configuration.

Tests that need a server (PostgreSQL) call :func:`require_service`: on a machine without
the server they skip with the reason, but when ``CI=true`` or
``ISO10002_REQUIRE_SERVICES=1`` (which ``.ci/run`` sets) the same condition fails the test,
so CI never passes without them.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("soak", max_examples=2_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


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
