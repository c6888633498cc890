"""Forms without a toolkit: which fields a dialog asks for, and reading what was typed.

A :class:`Form` lists :class:`Field` s; the window draws one widget per field and hands back
the values as a mapping of field name to text (or ``True``/``False`` for a tick box). A
:class:`FormReader` turns those strings into the library's types and collects *every* bad
field before anything is sent to the desk, so a person sees all their mistakes at once, as
:class:`~iso10002.errors.ValidationError` lines ``"field: what is wrong"``.

Examples:
    >>> from iso10002.model import ContactMethod
    >>> reader = FormReader({"method": "phone", "message": ""})
    >>> reader.choice("method", ContactMethod), reader.text("message")
    (<ContactMethod.PHONE: 'phone'>, '')
    >>> reader.check()
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import TypeVar
from zoneinfo import ZoneInfo

import attrs

from iso10002.errors import ValidationError
from iso10002.model import Money

__all__ = [
    "Field",
    "FieldKind",
    "Form",
    "FormReader",
    "FormValue",
    "choice_label",
    "choices_of",
]

FormValue = str | bool
"""What a widget gives back: its text, or whether a tick box is ticked."""

E = TypeVar("E", bound=Enum)

_END_OF_DAY = time(17, 0)  # a promised date means close of business on that day


class FieldKind(str, Enum):
    """The widget a field needs."""

    TEXT = "text"  # one line
    LINES = "lines"  # several lines
    CHOICE = "choice"  # one of ``choices``
    PERSON = "person"  # a member of staff (the window fills in the choices)
    FLAG = "flag"  # a tick box
    DATE = "date"  # YYYY-MM-DD
    AMOUNT = "amount"  # a sum of money in the office's currency


@attrs.frozen
class Field:
    """One question of a form.

    Examples:
        >>> Field("reasons", "Reasons", FieldKind.LINES, required=True).required
        True
    """

    name: str
    label: str
    kind: FieldKind = FieldKind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    default: FormValue = ""
    hint: str = ""


@attrs.frozen
class Form:
    """A dialog's questions, its title and the words on its submit button.

    ``token`` identifies one filling-in of the form: the receipt form sends it as the
    idempotency key, so pressing *Receive* twice records one complaint.

    Examples:
        >>> form = Form("Note", (Field("text", "Note", FieldKind.LINES, required=True),))
        >>> form.defaults()
        {'text': ''}
    """

    title: str
    fields: tuple[Field, ...]
    submit: str = "OK"
    token: str = ""
    intro: str = ""

    def defaults(self) -> dict[str, FormValue]:
        """Every field's starting value."""
        return {f.name: f.default for f in self.fields}

    def field(self, name: str) -> Field:
        """The field called ``name``."""
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


def choice_label(value: str) -> str:
    """How an enumeration value reads in a list: ``"in_person"`` reads ``"in person"``.

    Examples:
        >>> choice_label("partially_upheld")
        'partially upheld'
    """
    return value.replace("_", " ")


def choices_of(kind: type[Enum], *, leave_out: Iterable[Enum] = ()) -> tuple[str, ...]:
    """The labels of an enumeration's members, for a :attr:`FieldKind.CHOICE` field.

    Examples:
        >>> from iso10002.model import Complexity
        >>> choices_of(Complexity)
        ('simple', 'moderate', 'complex')
    """
    skipped = set(leave_out)
    return tuple(choice_label(str(m.value)) for m in kind if m not in skipped)


class FormReader:
    """Reads a form's values into typed values, noting every field that is wrong.

    Each getter returns a usable placeholder when the field is wrong, so that every field is
    read; :meth:`check` then raises one :class:`~iso10002.errors.ValidationError` naming
    them all. ``zone`` is the office's time zone (dates are close of business there);
    ``currency`` the currency of amounts; ``people`` maps the labels of the staff picker to
    their actor ids.

    Examples:
        >>> reader = FormReader({"reasons": " ", "amount": "12,5x"})
        >>> _ = reader.text("reasons", required=True), reader.amount("amount")
        >>> reader.check()
        Traceback (most recent call last):
        ...
        iso10002.errors.ValidationError: 2 invalid fields:
          - reasons: required
          - amount: '12,5x' is not an amount such as 25.00
    """

    def __init__(
        self,
        values: Mapping[str, FormValue],
        *,
        zone: ZoneInfo | None = None,
        currency: str = "GBP",
        people: Mapping[str, str] | None = None,
    ) -> None:
        self.values = values
        self.zone = zone if zone is not None else ZoneInfo("UTC")
        self.currency = currency
        self.people = dict(people or {})
        self.errors: list[str] = []

    def _raw(self, name: str) -> str:
        value = self.values.get(name, "")
        return value.strip() if isinstance(value, str) else ""

    def text(self, name: str, *, required: bool = False) -> str:
        """The field's text, stripped; ``required`` refuses a blank one."""
        value = self._raw(name)
        if required and not value:
            self.errors.append(f"{name}: required")
        return value

    def optional(self, name: str) -> str | None:
        """The field's text, or ``None`` when blank."""
        return self._raw(name) or None

    def flag(self, name: str) -> bool:
        """Whether the tick box is ticked."""
        return self.values.get(name) is True

    def choice(self, name: str, kind: type[E]) -> E:
        """The member of ``kind`` chosen (by its label or its value)."""
        found = self.optional_choice(name, kind)
        if found is None:
            if not any(e.startswith(f"{name}:") for e in self.errors):
                self.errors.append(f"{name}: required")
            return next(iter(kind))
        return found

    def optional_choice(self, name: str, kind: type[E]) -> E | None:
        """The member of ``kind`` chosen, or ``None`` when nothing is chosen."""
        raw = self._raw(name)
        if not raw:
            return None
        for member in kind:
            if raw in (str(member.value), choice_label(str(member.value))):
                return member
        labels = ", ".join(choices_of(kind))
        self.errors.append(f"{name}: {raw!r} is not one of {labels}")
        return None

    def person(self, name: str, *, required: bool = False) -> str | None:
        """The actor id of the member of staff chosen (by label or by actor id)."""
        raw = self._raw(name)
        if not raw:
            if required:
                self.errors.append(f"{name}: required")
            return None
        if raw in self.people.values():
            return raw
        if raw in self.people:
            return self.people[raw]
        self.errors.append(f"{name}: {raw!r} is not a member of staff")
        return None

    def date(self, name: str, *, required: bool = False) -> datetime | None:
        """Close of business (17:00, office time) on the date typed as ``YYYY-MM-DD``."""
        raw = self._raw(name)
        if not raw:
            if required:
                self.errors.append(f"{name}: required (a date such as 2026-03-31)")
            return None
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            self.errors.append(f"{name}: {raw!r} is not a date such as 2026-03-31")
            return None
        return datetime.combine(day, _END_OF_DAY, tzinfo=self.zone)

    def amount(self, name: str, *, required: bool = False) -> Money | None:
        """The sum typed, in the office's currency (``None`` when blank and not required)."""
        raw = self._raw(name)
        if not raw:
            if required:
                self.errors.append(f"{name}: required (an amount such as 25.00)")
            return None
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite():
            self.errors.append(f"{name}: {raw!r} is not an amount such as 25.00")
            return None
        if amount < 0:
            self.errors.append(f"{name}: {raw} is negative")
            return None
        return Money(amount, self.currency)

    def refuse(self, name: str, problem: str) -> None:
        """Note a problem found by a rule of the form itself."""
        self.errors.append(f"{name}: {problem}")

    def check(self) -> None:
        """Raise :class:`~iso10002.errors.ValidationError` naming every bad field, if any."""
        if self.errors:
            raise ValidationError(self.errors)
