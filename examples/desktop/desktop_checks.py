"""When the desktop tests may skip: locally, yes; in CI, never.

The same rule as ``require_service`` in the library's own test suite: a missing X server,
Tk, Pillow or xdotool **skips** a test on a developer's machine and **fails** it when
``CI=true`` or ``ISO10002_REQUIRE_SERVICES=1``, so CI cannot pass without having driven the
window. Kept in a module of its own (not in conftest.py) so test modules can import it.

Examples:
    >>> require(True, "nothing is missing")
"""

from __future__ import annotations

import os

import pytest

__all__ = ["require", "services_required"]


def services_required() -> bool:
    """Whether something missing must fail the tests rather than skip them (CI).

    Examples:
        >>> isinstance(services_required(), bool)
        True
    """
    return (
        os.environ.get("ISO10002_REQUIRE_SERVICES") == "1"
        or os.environ.get("CI", "").lower() == "true"
    )


def require(available: bool, reason: str) -> None:
    """Skip (locally) or fail (in CI) when something the GUI tests need is missing.

    Works in a fixture, a test, or at the top of a test module.
    """
    if available:
        return
    if services_required():
        pytest.fail(f"required for the desktop tests in CI: {reason}", pytrace=False)
    pytest.skip(reason, allow_module_level=True)
