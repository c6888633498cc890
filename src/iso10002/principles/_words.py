"""How findings write amounts, dates and durations, the same way in every message."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

__all__ = ["day", "money", "span"]


def money(amount: Decimal, currency: str) -> str:
    """``GBP 1,250.00``.

    Examples:
        >>> money(Decimal("1250"), "GBP")
        'GBP 1,250.00'
    """
    return f"{currency} {amount:,.2f}"


def day(at: datetime) -> str:
    """``05 Jan 2026``.

    Examples:
        >>> from datetime import timezone
        >>> day(datetime(2026, 1, 5, 9, tzinfo=timezone.utc))
        '05 Jan 2026'
    """
    return f"{at:%d %b %Y}"


def span(duration: timedelta) -> str:
    """A duration in whole days, or hours when shorter than two days.

    Examples:
        >>> span(timedelta(days=14)), span(timedelta(hours=36)), span(timedelta(days=1))
        ('14 days', '36 hours', '24 hours')
    """
    if duration >= timedelta(days=2):
        return f"{duration.days} days"
    hours = int(duration.total_seconds() // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"
