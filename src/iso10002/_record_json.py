"""JSON text of records and events written directly, for the hot paths of sealing and storing.

:func:`iso10002.serialization.to_json` and :func:`iso10002.integrity.canonical_json` first
unstructure a record through the cattrs converter (a dict per record, a call per field) and
then encode the dict. The writers here are compiled once per class from its ``attrs`` fields
into one Python function that builds the same text straight from the record: **the same
bytes**, key for key (property tests compare them on generated records, and every store
seals through them, so a chain never depends on which path wrote it).

A writer exists only for classes whose every field has a type this module knows (text,
numbers, booleans, instants, decimals, durations, enums, optionals, homogeneous tuples and
nested ``attrs`` records of the same kinds); :func:`writer` returns ``None`` for any other
class, and callers fall back to the converter. A writer that meets a value its field's type
does not promise (a record built around its validators) raises ``TypeError``,
``AttributeError`` or ``LookupError``; callers fall back then too, so the text is the
converter's whenever the writer is unsure.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from json.encoder import encode_basestring
from types import NoneType, UnionType
from typing import Any, Union, get_args, get_origin

import attrs

from iso10002.events import Event

__all__ = ["CANONICAL", "SNAPSHOT", "Style", "instant_text", "writer"]

Writer = Callable[[Any], str]


@attrs.frozen
class Style:
    """How a writer lays out an object: keys sorted or in field order, and the separators."""

    sort_keys: bool
    item_separator: str
    key_separator: str


CANONICAL = Style(sort_keys=True, item_separator=",", key_separator=":")
""":func:`iso10002.integrity.canonical_json`: sorted keys, no spaces."""

SNAPSHOT = Style(sort_keys=False, item_separator=", ", key_separator=": ")
""":func:`iso10002.serialization.to_json`: field order, ``json.dumps``' separators."""


def _float(value: float) -> str:
    # json.encoder's floatstr with allow_nan=True.
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def _scalar(value: object) -> str:
    """A number or boolean as ``json`` writes it; anything else is not promised here."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    if type(value) is float:
        return _float(value)
    raise TypeError(f"not a number: {value!r}")


def _written_value(value: object) -> str:
    return encode_basestring(value) if type(value) is str else _scalar(value)


# ISO 8601 text of recent UTC instants. ``isoformat`` of an aware datetime costs microseconds
# (it asks the zone for its offset), and imported histories repeat the same instants (the
# start of a day) many times. Only UTC instants are kept: two equal datetimes in UTC have the
# same fields, so the same text, which equality in another zone does not promise (fold).
_ISO: dict[datetime, str] = {}
_ISO_LIMIT = 1 << 16
_UTC = timezone.utc


def instant_text(value: datetime) -> str:
    """``value.isoformat()``, remembered for UTC instants.

    Examples:
        >>> instant_text(datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc))
        '2026-03-02T09:30:00+00:00'
    """
    if value.tzinfo is not _UTC or type(value) is not datetime:
        return value.isoformat()
    text = _ISO.get(value)
    if text is None:
        if len(_ISO) >= _ISO_LIMIT:
            _ISO.clear()
        text = _ISO[value] = value.isoformat()
    return text


_WRITERS: dict[tuple[type[Any], Style, frozenset[str]], Writer | None] = {}


def writer(cls: type[Any], style: Style, leave_out: frozenset[str] = frozenset()) -> Writer | None:
    """The compiled writer of ``cls`` in ``style`` without the fields ``leave_out``; ``None``
    when a field has a type this module does not write (use the converter then).

    Event classes get their ``"type"`` tag, first in field order as the converter puts it
    (``"type"`` in ``leave_out`` leaves it out too).

    Examples:
        >>> from decimal import Decimal
        >>> from iso10002.model import Money
        >>> writer(Money, CANONICAL)(Money(Decimal("9.50"), "GBP"))
        '{"amount":"9.50","currency":"GBP"}'
    """
    key = (cls, style, leave_out)
    if key not in _WRITERS:
        _WRITERS[key] = None  # a record that contains itself is not written here
        _WRITERS[key] = _compile(cls, style, leave_out)
    return _WRITERS[key]


class _Source:
    """The source of one compiled writer: expressions, and the names they use."""

    def __init__(self, style: Style) -> None:
        self.style = style
        self.namespace: dict[str, Any] = {
            "_text": encode_basestring,
            "_instant": instant_text,
            "_scalar": _scalar,
            "_float": _float,
            "_TypeError": TypeError,
        }
        self._count = itertools.count()

    def name(self, value: object) -> str:
        """A fresh name bound to ``value`` in the writer's namespace."""
        name = f"_n{next(self._count)}"
        self.namespace[name] = value
        return name

    def expression(self, kind: Any, value: str) -> str | None:
        """Python source writing the JSON of ``value`` (source text) of type ``kind``.

        Each kind is written as the converter's hook for the *declared* type unstructures it
        and ``json`` then encodes the result, so a value of another type either comes out
        the same or raises (``encode_basestring`` of a non-string, ``.isoformat`` of a
        non-date …).
        """
        if kind is str:
            return f"_text({value})"
        if kind in (int, float, bool):
            return f"_scalar({value})"
        if kind is datetime:
            return f"'\"' + _instant({value}) + '\"'"
        if kind is Decimal:
            return f"_text(str({value}))"  # the converter's hook is str()
        if kind is timedelta:
            return f"_float({value}.total_seconds())"
        origin = get_origin(kind)
        if origin in (Union, UnionType):
            inner = [arg for arg in get_args(kind) if arg is not NoneType]
            if len(inner) != 1 or len(get_args(kind)) != 2:
                return None
            held = f"_v{next(self._count)}"
            some = self.expression(inner[0], held)
            return None if some is None else f"('null' if ({held} := {value}) is None else {some})"
        if origin is tuple:
            args = get_args(kind)
            if len(args) != 2 or args[1] is not Ellipsis:
                return None
            item = f"_i{next(self._count)}"
            each = self.expression(args[0], item)
            if each is None:
                return None
            between = self.name(self.style.item_separator)
            return f"'[' + {between}.join([{each} for {item} in {value}]) + ']'"
        if isinstance(kind, type) and issubclass(kind, Enum):
            # The converter writes a member's value. A member is a singleton: its text is
            # looked up by identity, so an equal plain value (a str-mixin enum equals its
            # text) is not mistaken for it and goes, as anything unknown, to the converter.
            try:
                texts = {id(member): _written_value(member.value) for member in kind}
            except TypeError:
                return None
            return f"{self.name(texts)}[id({value})]"
        if isinstance(kind, type) and attrs.has(kind) and kind is not Event:
            nested = writer(kind, self.style)
            return None if nested is None else f"{self.name(nested)}({value})"
        return None


def _compile(cls: type[Any], style: Style, leave_out: frozenset[str]) -> Writer | None:
    attrs.resolve_types(cls)
    source = _Source(style)
    members: list[tuple[str, str | None]] = []  # key, expression (None: the event's tag)
    if issubclass(cls, Event) and "type" not in leave_out:
        members.append(("type", None))
    for field in attrs.fields(cls):
        if field.name in leave_out or not field.init:  # the converter leaves init=False out
            continue
        expression = source.expression(field.type, f"o.{field.name}")
        if expression is None:
            return None
        members.append((field.name, expression))
    if style.sort_keys:
        members.sort(key=lambda member: member[0])
    parts: list[str] = []
    opened = "{"
    for key, expression in members:
        prefix = opened + encode_basestring(key) + style.key_separator
        opened = style.item_separator
        if expression is None:
            parts.append(repr(prefix + encode_basestring(cls.event_type)))
        else:
            parts += [repr(prefix), expression]
    body = '"".join((' + ", ".join([*parts, '"}"']) + "))" if parts else '"{}"'
    source.namespace["_type"] = cls
    text = (
        "def write(o):\n"
        "    if type(o) is not _type:\n"
        "        raise _TypeError(f'not a {_type.__name__}: {o!r}')\n"
        f"    return {body}\n"
    )
    exec(compile(text, f"<record_json {cls.__name__}>", "exec"), source.namespace)
    compiled: Writer = source.namespace["write"]
    return compiled
