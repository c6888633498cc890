"""``--at`` for the app's commands: an ISO 8601 instant with an offset, or the desk's now."""

from __future__ import annotations

from datetime import datetime

from django.core.management.base import CommandError

from iso10002._checks import instant
from iso10002.clock import Clock
from iso10002.errors import ValidationError


def parse_at(text: object, clock: Clock) -> datetime:
    """``--at`` as an aware UTC instant; ``None`` is ``clock()`` (the configured clock)."""
    if text is None:
        return clock()
    if not isinstance(text, str):
        raise CommandError(f"--at: expected text, got {text!r}")
    try:
        return instant(datetime.fromisoformat(text.replace("Z", "+00:00")), "--at")
    except (ValueError, ValidationError) as exc:  # malformed, or naive
        raise CommandError(
            f"--at: {text!r} is not an ISO 8601 instant with an offset ({exc})"
        ) from None
