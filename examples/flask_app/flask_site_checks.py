"""Helpers of the Flask site's tests: when the browser tests may skip, and CSRF tokens.

Kept apart from conftest.py so test modules can import them.

Examples:
    >>> csrf_of('<input type="hidden" name="csrf_token" value="abc">')
    'abc'
    >>> require(True, "nothing is missing")
"""

from __future__ import annotations

import os
import re

import pytest

__all__ = ["csrf_of", "require", "services_required"]


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
    """Skip (locally) or fail (in CI) when something the browser tests need is missing."""
    if available:
        return
    if services_required():
        pytest.fail(f"required for the browser tests in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def csrf_of(page: str) -> str:
    """The CSRF token in a page's forms."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the page has no CSRF token"
    return match.group(1)
