"""Field converters and validators shared by the records in ``model`` and ``events``.

Each validator raises :class:`~iso10002.errors.ValidationError` naming the field, so that a
record built directly in Python fails with the same kind of message as one structured from
JSON by :mod:`iso10002.serialization`.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

import attrs

from iso10002.errors import ValidationError

__all__ = ["MAX_TEXT", "UTC", "ValidationError", "instant", "to_utc", "to_utc_optional"]

UTC = timezone.utc
_CURRENCY = re.compile(r"[A-Z]{3}")
MAX_TEXT = 100_000
"""Longest free text a record accepts (characters); longer input is refused, not truncated."""


def to_utc(value: datetime) -> datetime:
    """Normalise an aware datetime to UTC; leave anything else for the validator to refuse.

    Examples:
        >>> from datetime import datetime, timedelta, timezone
        >>> to_utc(datetime(2026, 1, 5, 9, tzinfo=timezone(timedelta(hours=1)))).isoformat()
        '2026-01-05T08:00:00+00:00'
    """
    try:
        return value.astimezone(UTC) if value.utcoffset() is not None else value
    except (AttributeError, TypeError):  # not a datetime: the validator says so
        return value


def to_utc_optional(value: datetime | None) -> datetime | None:
    """:func:`to_utc` for fields that may be ``None``."""
    return None if value is None else to_utc(value)


def instant(value: object, name: str = "at") -> datetime:
    """``value`` as an aware UTC datetime, or :class:`ValidationError` naming ``name``.

    Examples:
        >>> instant("2026-01-05")
        Traceback (most recent call last):
        ...
        iso10002.errors.ValidationError: 1 invalid field:
          - at: expected a timezone-aware datetime, got str
    """
    if not isinstance(value, datetime):
        raise ValidationError(
            [f"{name}: expected a timezone-aware datetime, got {type(value).__name__}"]
        )
    if value.utcoffset() is None:
        raise ValidationError([f"{name}: naive datetime {value.isoformat()}; give a timezone"])
    return value.astimezone(UTC)


def aware(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """Refuse a naive or non-datetime value: every instant must say where it was."""
    if not isinstance(value, datetime):
        raise ValidationError(
            [f"{attribute.name}: expected a datetime, got {type(value).__name__}"]
        )
    if value.utcoffset() is None:
        raise ValidationError(
            [f"{attribute.name}: naive datetime {value.isoformat()}; give a timezone"]
        )


def aware_optional(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """:func:`aware`, allowing ``None``."""
    if value is not None:
        aware(instance, attribute, value)


# C0 control characters and DEL, but tab, line feed and carriage return, which text may hold.
# PostgreSQL cannot store NUL in text at all, and none of them belongs in a complaint.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _no_control(name: str, value: str) -> None:
    found = _CONTROL.search(value)
    if found is not None:
        raise ValidationError(
            [
                f"{name}: contains the control character {found.group()!r} at position "
                f"{found.start()}; only tabs and line breaks are allowed"
            ]
        )


def text(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A string of sensible length (empty allowed), without control characters.

    Examples:
        >>> from iso10002.model import Classification
        >>> Classification(product="card\\x00")
        Traceback (most recent call last):
        ...
        iso10002.errors.ValidationError: 1 invalid field:
          - product: contains the control character '\\x00' at position 4; ...
    """
    if not isinstance(value, str):
        raise ValidationError([f"{attribute.name}: expected text, got {type(value).__name__}"])
    if len(value) > MAX_TEXT:
        raise ValidationError(
            [f"{attribute.name}: {len(value):,} characters is longer than {MAX_TEXT:,}"]
        )
    _no_control(attribute.name, value)


def text_optional(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """:func:`text`, allowing ``None``."""
    if value is not None:
        text(instance, attribute, value)


def required_text(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A string with at least one non-blank character."""
    text(instance, attribute, value)
    if not value.strip():
        raise ValidationError([f"{attribute.name}: must not be empty"])


def required_text_optional(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """:func:`required_text`, allowing ``None``."""
    if value is not None:
        required_text(instance, attribute, value)


def texts(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A tuple of non-empty strings."""
    if not isinstance(value, tuple) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError([f"{attribute.name}: expected a tuple of non-empty strings"])
    for n, item in enumerate(value):
        _no_control(f"{attribute.name}[{n}]", item)


def currency(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An ISO 4217 alphabetic code such as ``GBP``."""
    if not isinstance(value, str) or not _CURRENCY.fullmatch(value):
        raise ValidationError([f"{attribute.name}: {value!r} is not an ISO 4217 code like 'GBP'"])


def finite_decimal(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A finite :class:`~decimal.Decimal` (floats are refused: money must be exact)."""
    if not isinstance(value, Decimal):
        raise ValidationError([f"{attribute.name}: expected a Decimal, got {type(value).__name__}"])
    if not value.is_finite():
        raise ValidationError([f"{attribute.name}: {value} is not a finite amount"])


def instance_of(kind: type[Any]) -> Any:
    """Like :func:`attrs.validators.instance_of`, raising :class:`ValidationError`."""

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, kind):
            raise ValidationError(
                [f"{attribute.name}: expected {kind.__name__}, got {type(value).__name__}"]
            )

    return check


def optional_instance_of(kind: type[Any]) -> Any:
    """:func:`instance_of`, allowing ``None``."""
    inner = instance_of(kind)

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None:
            inner(instance, attribute, value)

    return check


def tuple_of(kind: type[Any]) -> Any:
    """A tuple whose items are all instances of ``kind``."""

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, tuple):
            raise ValidationError(
                [f"{attribute.name}: expected a tuple, got {type(value).__name__}"]
            )
        bad = [i for i, item in enumerate(value) if not isinstance(item, kind)]
        if bad:
            raise ValidationError([f"{attribute.name}[{i}]: expected {kind.__name__}" for i in bad])

    return check
