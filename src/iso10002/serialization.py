"""JSON for every record and event, through one cattrs converter configured here.

Structuring is strict, because its input comes from outside (forms, APIs, imports, files):

* unknown keys are refused;
* no coercion of primitives (``"2"`` is not an int, ``"false"`` is not a bool);
* datetimes must be ISO 8601 strings *with* an offset; naive ones are refused;
* money amounts are strings (``"12.50"``), never floats;
* enums take their documented values only.

Every failure becomes one :class:`~iso10002.errors.ValidationError` listing each bad field by
path (``complainant.contact.email: expected text, got int``). Unstructuring gives plain JSON
types; events carry their tag under ``"type"``.

Examples:
    >>> from datetime import datetime, timezone
    >>> from iso10002.events import Assigned
    >>> at = datetime(2026, 3, 2, 9, tzinfo=timezone.utc)
    >>> event = Assigned(at=at, actor="lead:kim", assignee="agent:bo")
    >>> print(to_json(event))  # doctest: +NORMALIZE_WHITESPACE
    {"type": "assigned", "at": "2026-03-02T09:00:00+00:00",
     "actor": "lead:kim", "assignee": "agent:bo"}
    >>> from_json(to_json(event), Event) == event
    True
    >>> bad = '{"type": "assigned", "at": "2026-03-02T09:00", "actor": "", "extra": 1}'
    >>> from_json(bad, Event)
    Traceback (most recent call last):
    ...
    iso10002.errors.ValidationError: 4 invalid fields:
      - at: naive datetime '2026-03-02T09:00'; give an offset such as +00:00 or Z
      - actor: must not be empty
      - assignee: required field missing
      - extra fields found: extra
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.preconf.json import make_converter

from iso10002._record_json import instant_text
from iso10002.errors import ValidationError
from iso10002.events import EVENT_TYPES, AnyEvent, Event

__all__ = [
    "converter",
    "from_data",
    "from_json",
    "to_data",
    "to_json",
]

T = TypeVar("T")

converter = make_converter(forbid_extra_keys=True)
"""The library's one converter. Configure nothing on it at run time: hooks are set here."""

# json.dumps(data, ensure_ascii=False), built once rather than on every call.
_JSON = json.JSONEncoder(ensure_ascii=False)


class _Refusal(ValueError):
    """A hook's refusal, whose message is shown as it is."""


# --- Instants and money -------------------------------------------------------------------


@converter.register_unstructure_hook
def _unstructure_datetime(value: datetime) -> str:
    return instant_text(value)  # value.isoformat(), remembered for recent UTC instants


@converter.register_structure_hook
def _structure_datetime(value: Any, _: type[datetime]) -> datetime:
    if not isinstance(value, str):
        raise _Refusal(f"expected an ISO 8601 date-time string, got {type(value).__name__}")
    text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise _Refusal(f"{value!r} is not an ISO 8601 date-time") from None
    if parsed.utcoffset() is None:
        raise _Refusal(f"naive datetime {value!r}; give an offset such as +00:00 or Z")
    return parsed.astimezone(timezone.utc)


@converter.register_unstructure_hook
def _unstructure_timedelta(value: timedelta) -> float:
    # Seconds; exact to the microsecond for any span a complaint has (SLA remaining time).
    return value.total_seconds()


@converter.register_structure_hook
def _structure_timedelta(value: Any, _: type[timedelta]) -> timedelta:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _Refusal(f"expected a number of seconds, got {type(value).__name__}")
    if not math.isfinite(value):
        raise _Refusal(f"{value!r} is not a finite number of seconds")
    return timedelta(seconds=value)


@converter.register_unstructure_hook
def _unstructure_decimal(value: Decimal) -> str:
    return str(value)


@converter.register_structure_hook
def _structure_decimal(value: Any, _: type[Decimal]) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise _Refusal(
            f"expected an amount as a string such as '12.50', got {type(value).__name__}"
        )
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise _Refusal(f"{value!r} is not a decimal amount") from None
    if not amount.is_finite():
        raise _Refusal(f"{value!r} is not a finite amount")
    return amount


# --- Strict primitives (cattrs coerces by default) -----------------------------------------


def _structure_enum(value: Any, cls: type[Enum]) -> Enum:
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(str(member.value) for member in cls)
        raise _Refusal(f"{value!r} is not one of: {allowed}") from None


def _strict(kind: type[Any]) -> Any:
    def structure(value: Any, cls: type[Any]) -> Any:
        # The str and int hooks also receive str- and int-mixin enums (singledispatch).
        if cls is not kind and issubclass(cls, Enum):
            return _structure_enum(value, cls)
        # bool is an int subclass: refuse True where a count is expected.
        if type(value) is not kind and not (kind is float and type(value) is int):
            raise _Refusal(f"expected {_NAMES[kind]}, got {type(value).__name__}")
        return value

    return structure


_NAMES = {str: "text", int: "an integer", bool: "true or false", float: "a number"}
for _kind in (str, int, bool, float):
    converter.register_structure_hook(_kind, _strict(_kind))
converter.register_structure_hook(Enum, _structure_enum)
converter.register_unstructure_hook(Enum, lambda member: member.value)


# --- Records: every field checked, every error reported -------------------------------------


def _is_record(cls: Any) -> bool:
    return isinstance(cls, type) and attrs.has(cls) and cls is not Event


def _noted(exc: Exception, name: str, kind: Any) -> Exception:
    note = AttributeValidationNote(f"Structuring class @ attribute {name}", name, kind)
    setattr(exc, "__notes__", [*getattr(exc, "__notes__", []), note])  # noqa: B010
    return exc


@converter.register_structure_hook_factory(_is_record)
def _record_hook(cls: type[Any]) -> Any:
    """Structure an attrs record, reporting every bad field, including its own validators.

    cattrs' generated hooks stop at ``__init__``, where attrs reports the first failing
    validator only; here each field is structured, converted and validated on its own.
    """
    attrs.resolve_types(cls)
    fields = [f for f in attrs.fields(cls) if f.init]
    plan = [(f, f.type, converter.get_structure_hook(f.type)) for f in fields]
    names = frozenset(f.name for f in fields)
    tag = cls.event_type if issubclass(cls, Event) else None
    if tag is not None:
        names |= {"type"}

    def structure(value: Any, _: Any) -> Any:
        if not isinstance(value, Mapping):
            raise _Refusal(f"expected an object, got {type(value).__name__}")
        errors: list[Exception] = []
        if tag is not None and value.get("type", tag) != tag:
            errors.append(_Refusal(f"type: {value['type']!r} is not {tag!r}"))
        extra = value.keys() - names
        if extra:
            errors.append(ForbiddenExtraKeysError("", cls, set(map(str, extra))))
        kwargs: dict[str, Any] = {}
        for field, kind, hook in plan:
            if field.name not in value:
                if field.default is attrs.NOTHING:
                    errors.append(_noted(KeyError(field.name), field.name, kind))
                continue
            try:
                item = hook(value[field.name], kind)
                if field.converter is not None:
                    item = field.converter(item)
                if field.validator is not None:
                    field.validator(None, field, item)
            except ValidationError as exc:  # a field validator: one message per problem
                prefix = f"{field.name}: "
                errors.extend(
                    _noted(_Refusal(message.removeprefix(prefix)), field.name, kind)
                    for message in exc.errors
                )
                continue
            except Exception as exc:
                errors.append(_noted(exc, field.name, kind))
                continue
            kwargs[field.name] = item
        if errors:
            raise ClassValidationError(f"While structuring {cls.__name__}", errors, cls)
        return cls(**kwargs)

    return structure


def _is_homogeneous_tuple(cls: Any) -> bool:
    args = get_args(cls)
    return get_origin(cls) is tuple and len(args) == 2 and args[1] is Ellipsis


@converter.register_structure_hook_factory(_is_homogeneous_tuple)
def _tuple_hook(cls: Any) -> Any:
    item_type = get_args(cls)[0]
    item_hook = converter.get_structure_hook(item_type)

    def structure(value: Any, _: Any) -> tuple[Any, ...]:
        # A string is iterable; a list of its characters is never what was meant.
        if not isinstance(value, (list, tuple)):
            raise _Refusal(f"expected a list, got {type(value).__name__}")
        items, errors = [], []
        for index, item in enumerate(value):
            try:
                items.append(item_hook(item, item_type))
            except Exception as exc:
                note = IterableValidationNote(f"Structuring item @ index {index}", index, item_type)
                setattr(exc, "__notes__", [*getattr(exc, "__notes__", []), note])  # noqa: B010
                errors.append(exc)
        if errors:
            raise IterableValidationError("invalid items", errors, cls)
        return tuple(items)

    return structure


# --- Events: a union tagged by "type" -----------------------------------------------------


def _is_event_class(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, Event) and cls is not Event


@converter.register_unstructure_hook_factory(_is_event_class)
def _event_unstructure_hook(cls: type[Event]) -> Any:
    fields = cattrs.gen.make_dict_unstructure_fn(cls, converter)
    tag = cls.event_type

    def unstructure(event: Event) -> dict[str, Any]:
        return {"type": tag, **fields(event)}

    return unstructure


def _structure_event(value: Any, _: Any) -> Event:
    if not isinstance(value, Mapping):
        raise _Refusal(f"expected an event object, got {type(value).__name__}")
    tag = value.get("type")
    cls = EVENT_TYPES.get(tag) if isinstance(tag, str) else None
    if cls is None:
        known = ", ".join(sorted(EVENT_TYPES))
        raise _Refusal(f"type: {tag!r} is not an event type; expected one of: {known}")
    payload = {key: item for key, item in value.items() if key != "type"}
    result: Event = converter.structure(payload, cls)
    return result


# Predicates, not singledispatch: a hook registered for Event would also catch its subclasses.
converter.register_structure_hook_func(
    lambda cls: cls is Event or cls is AnyEvent, _structure_event
)
converter.register_unstructure_hook_func(
    lambda cls: cls is Event, lambda event: converter.unstructure(event, type(event))
)


# --- Errors in plain words ----------------------------------------------------------------


def _describe(exc: BaseException, expected: type | None) -> str:
    if isinstance(exc, _Refusal):
        return str(exc)
    if isinstance(exc, ValidationError):
        return "; ".join(exc.errors)
    if isinstance(exc, ForbiddenExtraKeysError):
        return "extra fields found: " + ", ".join(sorted(exc.extra_fields))
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, AttributeError) and "has no attribute 'items'" in str(exc):
        return "expected an object"
    name = getattr(expected, "__name__", None)
    return f"invalid value, expected {name}" if name else f"invalid value ({exc})"


def _plain(message: str) -> str:
    """``"what @ $.a.b"`` -> ``"a.b: what"``."""
    text, _, path = message.rpartition(" @ ")
    path = path.removeprefix("$").removeprefix(".")
    return f"{path}: {text}" if path else text


def _errors_of(exc: BaseException) -> list[str]:
    if isinstance(exc, ValidationError):
        return list(exc.errors)
    if isinstance(exc, ForbiddenExtraKeysError):
        return ["extra fields found: " + ", ".join(sorted(exc.extra_fields))]
    if isinstance(exc, (ClassValidationError, IterableValidationError)):
        return [_plain(m) for m in cattrs.transform_error(exc, "$", _describe)]
    return [_plain(f"{_describe(exc, None)} @ $")]


# --- The public API -----------------------------------------------------------------------


def to_data(value: Any) -> Any:
    """Unstructure a record or event into JSON-ready Python data (dicts, lists, str…).

    Examples:
        >>> from decimal import Decimal
        >>> from iso10002.model import Money
        >>> to_data(Money(Decimal("9.99"), "GBP"))
        {'amount': '9.99', 'currency': 'GBP'}
    """
    return converter.unstructure(value)


def from_data(data: Any, cls: type[T]) -> T:
    """Structure untrusted data into ``cls``; raise :class:`ValidationError` naming every bad field.

    Examples:
        >>> from iso10002.model import Money
        >>> from_data({"amount": 12.5, "currency": "gbp"}, Money)
        Traceback (most recent call last):
        ...
        iso10002.errors.ValidationError: 2 invalid fields:
          - amount: expected an amount as a string such as '12.50', got float
          - currency: 'gbp' is not an ISO 4217 code like 'GBP'
    """
    try:
        result: T = converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError, ValidationError, _Refusal) as exc:
        raise ValidationError(_errors_of(exc)) from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ValidationError(_errors_of(exc)) from None
    return result


def to_json(value: Any) -> str:
    """Serialize a record or event to a JSON string.

    Examples:
        >>> from iso10002.model import RootCause
        >>> to_json(RootCause("process", "form lost in the post room"))
        '{"category": "process", "description": "form lost in the post room"}'
    """
    return _JSON.encode(converter.unstructure(value))


def from_json(text: str | bytes, cls: type[T]) -> T:
    """Parse JSON and structure it strictly into ``cls``; ``Event`` accepts any event.

    Examples:
        >>> from iso10002.model import RootCause
        >>> from_json('{"category": "training"}', RootCause)
        RootCause(category='training', description='')
    """
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError([f"not valid JSON: {exc}"]) from None
    return from_data(data, cls)


def _prewarm() -> None:
    """Generate the hooks now, at import, never concurrently at first use."""
    from iso10002.model import Complaint

    for cls in (*EVENT_TYPES.values(), Complaint):
        converter.get_structure_hook(cls)
        converter.get_unstructure_hook(cls)


_prewarm()
