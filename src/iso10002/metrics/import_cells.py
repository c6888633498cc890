"""The cells of an import: columns, text, dates and value maps, and the problems they find.

Each reader (:class:`Text`, :class:`DateColumn`, :class:`Choice`) takes a row (column name to
cell) and a list it adds a :class:`FieldProblem` to for each bad cell, and returns the value
or ``None``. :class:`~iso10002.metrics.import_mapping.ImportMapping` puts them together.

Examples:
    >>> problems = []
    >>> DateColumn("Opened", formats=("uk-date",)).read({"Opened": "31/02/2026"}, problems)
    >>> print(problems[0])
    Opened: is not a real date (day is out of range for month) (value '31/02/2026')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timezone
from typing import Generic, TypeVar

import attrs

from iso10002.errors import ConfigurationError, ValidationError
from iso10002.sla.calendar import _zone as zone_named

__all__ = [
    "BAD",
    "DATE_FORMATS",
    "SHORT_TEXT",
    "Choice",
    "Column",
    "DateColumn",
    "FieldProblem",
    "RowRefused",
    "Text",
    "add_problem",
    "as_column",
    "known_values",
    "matching",
    "read_cell",
    "shown",
]

T = TypeVar("T")

DATE_FORMATS: Mapping[str, str] = {
    "date": "a calendar date, YYYY-MM-DD (2026-03-31)",
    "us-date": "a calendar date, MM/DD/YYYY (03/31/2026; one-digit month and day allowed)",
    "uk-date": "a calendar date, DD/MM/YYYY (31/03/2026; one-digit day and month allowed)",
    "datetime": "an ISO 8601 date and time with its offset (2026-03-31T09:30:00-04:00 or …Z)",
    "local-datetime": "an ISO 8601 date and time; one without an offset is read in the zone",
}
"""The named date formats a :class:`DateColumn` can read, with what each accepts.

A calendar date names no instant: the column's ``zone`` and ``time_of_day`` place it (by
default at the start of the day). ``datetime`` refuses a date-time without an offset (a naive
one), because guessing its zone would misdate it; ``local-datetime`` is the explicit choice
to read such values in the column's zone.
"""

# C0 controls other than tab, newline and carriage return; DEL; lone surrogates (which JSON
# escapes can produce and no UTF-8 database accepts).
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SHOWN = 60
SHORT_TEXT = 1_000
"""Longest label (product, issue, name) a :class:`Text` accepts unless told otherwise."""


def shown(value: str) -> str:
    """``value`` cut to a length a report line can show.

    Examples:
        >>> shown("x" * 100)[-5:], len(shown("x" * 100))
        ('xxxx…', 60)
    """
    return value if len(value) <= _SHOWN else value[: _SHOWN - 1] + "…"


@attrs.frozen
class FieldProblem:
    """One bad cell of a row: the column, the value as read (cut short), and what is wrong."""

    field: str | None
    value: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.field}: " if self.field else ""
        value = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}{self.message}{value}"


class RowRefused(ValidationError):
    """A row that cannot become a complaint; ``problems`` names every bad cell.

    Examples:
        >>> err = RowRefused([FieldProblem("Date received", "2026-02-30", "is not a real date")])
        >>> print(err)
        1 invalid field:
          - Date received: is not a real date (value '2026-02-30')
    """

    def __init__(self, problems: Iterable[FieldProblem]) -> None:
        self.problems: tuple[FieldProblem, ...] = tuple(problems)
        super().__init__([str(p) for p in self.problems])

    def __reduce__(self) -> tuple[type[RowRefused], tuple[tuple[FieldProblem, ...]]]:  # type: ignore[override]
        return (type(self), (self.problems,))


def as_column(value: Column | str) -> Column:
    """``value`` as a :class:`Column` (a plain name is a column of that name)."""
    return value if isinstance(value, Column) else Column(value)


@attrs.frozen
class Column:
    """A column of the source, by its header name; ``aliases`` are its names in other exports
    of the same data (the CFPB's CSV says ``Date received``, its API ``date_received``).

    Examples:
        >>> Column("Date received", ("date_received",)).names
        ('Date received', 'date_received')
    """

    name: str
    aliases: tuple[str, ...] = ()
    names: tuple[str, ...] = attrs.field(init=False, eq=False, repr=False)
    """Every name the column may have, the main one first."""

    @names.default
    def _names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def add_problem(
    problems: list[FieldProblem], field: str | None, value: str | None, message: str
) -> None:
    problems.append(FieldProblem(field, None if value is None else shown(value), message))


class Bad(str):
    """The empty text of a cell already refused (its problem is recorded)."""


BAD = Bad()


def read_cell(
    row: Mapping[str, object], column: Column, problems: list[FieldProblem]
) -> tuple[str, str]:
    """``(name found, text)`` of a column; an absent or null cell is empty text, a refused
    one :data:`BAD` (empty too, so callers add no second problem for it)."""
    for name in column.names:
        value = row.get(name)
        if value is None:
            continue
        if isinstance(value, str):
            text = value.strip()
        elif isinstance(value, int) and not isinstance(value, bool):
            text = str(value)  # JSON exports give ids as numbers
        else:
            add_problem(problems, name, None, f"expected text, got {type(value).__name__}")
            return name, BAD
        if _FORBIDDEN.search(text):
            add_problem(problems, name, text, "contains control characters or unpaired surrogates")
            return name, BAD
        return name, text
    return column.name, ""


@attrs.frozen
class Text:
    """Text from a column. ``required``: an empty cell refuses the row. ``default``: the text
    an empty cell stands for. ``fallback``: a template over the row's mapped fields
    (``{row_id}``, ``{source}``, ``{product}``, ``{sub_product}``, ``{issue}``,
    ``{sub_issue}``, ``{category}``) used when the cell is empty. ``max_length``: longer is
    refused, never cut (default 1,000 characters; 100,000 for a description).

    Examples:
        >>> Text("Sub-product").read({"Sub-product": " Checking account "}, [])
        'Checking account'
    """

    column: Column = attrs.field(converter=as_column)
    required: bool = False
    default: str | None = None
    fallback: str | None = None
    max_length: int | None = None

    def read(
        self, row: Mapping[str, object], problems: list[FieldProblem], limit: int = SHORT_TEXT
    ) -> str | None:
        """The cell's text, its default, or ``None``; bad cells are added to ``problems``."""
        name, text = read_cell(row, self.column, problems)
        longest = self.max_length if self.max_length is not None else limit
        if len(text) > longest:
            add_problem(
                problems, name, text, f"{len(text):,} characters is longer than {longest:,}"
            )
            return None
        if text:
            return text
        if text is BAD:
            return None
        if self.default is not None:
            return self.default
        if self.required and self.fallback is None:
            add_problem(problems, name, None, "is empty; a value is required")
        return None


def _placed(day: date, moment: time, zone_name: str) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone_named(zone_name)).astimezone(timezone.utc)


def _calendar_date(text: str, form: str) -> date | None:
    """The date ``text`` spells in ``form``; ``None`` if it has another shape."""
    if form == "date":
        if len(text) != 10 or text[4] != "-" or text[7] != "-":
            return None
        year, month, day = text[:4], text[5:7], text[8:]
    else:
        parts = text.split("/")
        if len(parts) != 3 or len(parts[2]) != 4 or not all(1 <= len(p) <= 4 for p in parts):
            return None
        if form == "us-date":
            month, day, year = parts
        else:
            day, month, year = parts
    if not (year.isdigit() and month.isdigit() and day.isdigit()):
        return None
    if not (len(month) <= 2 and len(day) <= 2 and year.isascii()):
        return None
    return date(int(year), int(month), int(day))  # ValueError: an impossible date


def _instant(text: str, form: str, zone_name: str) -> datetime | None:
    if "T" not in text and " " not in text:
        return None
    try:
        parsed = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        return None
    if parsed.utcoffset() is None:
        if form == "datetime":
            raise _Naive
        parsed = parsed.replace(tzinfo=zone_named(zone_name))
    return parsed.astimezone(timezone.utc)


class _Naive(Exception):
    """A date-time without an offset where one is required."""


@attrs.frozen
class DateColumn:
    """A date or instant from a column, read in the first of ``formats`` that fits.

    ``formats`` are names from :data:`DATE_FORMATS`. A calendar date is placed at
    ``time_of_day`` (default midnight: the start of the day) in ``zone`` (an IANA name);
    date-times with an offset are taken as they are. ``required``: an empty cell refuses the
    row; otherwise it means "no date".

    Examples:
        >>> dates = DateColumn("Opened", formats=("date", "us-date"), zone="America/New_York")
        >>> dates.read({"Opened": "03/31/2026"}, []).isoformat()
        '2026-03-31T04:00:00+00:00'
    """

    column: Column = attrs.field(converter=as_column)
    formats: tuple[str, ...] = ("date",)
    zone: str = "UTC"
    time_of_day: time = time(0)
    required: bool = True
    _cache: dict[str, datetime | str] = attrs.field(
        init=False, factory=dict, eq=False, hash=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        unknown = [f for f in self.formats if f not in DATE_FORMATS]
        if unknown or not self.formats:
            known = ", ".join(DATE_FORMATS)
            raise ConfigurationError(
                f"{self.column.name}: unknown date formats {unknown or '(none given)'}; "
                f"choose from {known}"
            )
        zone_named(self.zone)
        if self.time_of_day.tzinfo is not None:
            raise ConfigurationError(
                f"{self.column.name}: time_of_day is a wall time in zone; give it no tzinfo"
            )

    def read(self, row: Mapping[str, object], problems: list[FieldProblem]) -> datetime | None:
        """The instant in the cell, or ``None`` when it is empty (and not required)."""
        name, text = read_cell(row, self.column, problems)
        if not text:
            if self.required and text is not BAD:
                add_problem(problems, name, None, "is empty; a date is required")
            return None
        known = self._cache.get(text)
        if known is None:
            known = self._parse(text)
            if len(self._cache) >= 50_000:  # many distinct values: keep memory bounded
                self._cache.clear()
            self._cache[text] = known
        if isinstance(known, str):
            add_problem(problems, name, text, known)
            return None
        return known

    def _parse(self, text: str) -> datetime | str:
        for form in self.formats:
            try:
                if form in ("datetime", "local-datetime"):
                    found = _instant(text, form, self.zone)
                    if found is not None:
                        return found
                    continue
                day = _calendar_date(text, form)
            except _Naive:
                return "is a date and time without an offset; give one such as -05:00 or Z"
            except ValueError as exc:  # the right shape, an impossible day
                return f"is not a real date ({exc})"
            if day is not None:
                return _placed(day, self.time_of_day, self.zone)
        return (
            "is not "
            + " or ".join(DATE_FORMATS[f].split(",")[0] for f in self.formats)
            + (f" ({', '.join(self.formats)})")
        )

    def local_date(self, instant: datetime) -> date:
        """The calendar date ``instant`` falls on in the column's zone.

        Examples:
            >>> from datetime import datetime, timezone
            >>> DateColumn("d", zone="America/New_York").local_date(
            ...     datetime(2026, 4, 1, 3, tzinfo=timezone.utc)).isoformat()
            '2026-03-31'
        """
        return instant.astimezone(zone_named(self.zone)).date()

    def day_start(self, day: date) -> datetime:
        """The instant ``day`` starts in the column's zone (its ``time_of_day`` ignored)."""
        return _placed(day, time(0), self.zone)


def matching(values: Mapping[str, T | None]) -> dict[str, T | None]:
    """Cell values by their matching key: case and surrounding space do not count."""
    return {key.strip().casefold(): value for key, value in values.items()}


def _copy(values: Mapping[str, T | None]) -> dict[str, T | None]:
    return dict(values)


def known_values(values: Mapping[str, object]) -> str:
    return ", ".join(repr(key) for key in values if key)


@attrs.frozen
class Choice(Generic[T]):
    """A value map: which cell values stand for which value (matched ignoring case and
    surrounding space). A value mapped to ``None`` means "unknown" or "not applicable".
    ``empty`` is what an empty cell stands for; ``required``: an empty cell refuses the row.
    Any other value refuses the row, naming the values it knows.

    Examples:
        >>> from iso10002.model import Channel
        >>> via = Choice("Submitted via", {"Web": Channel.WEB, "Phone": Channel.PHONE})
        >>> via.read({"Submitted via": " web "}, [])
        <Channel.WEB: 'web'>
    """

    column: Column = attrs.field(converter=as_column)
    values: Mapping[str, T | None] = attrs.field(converter=_copy, eq=False, hash=False)
    empty: T | None = None
    required: bool = False
    _lookup: dict[str, T | None] = attrs.field(init=False, eq=False, hash=False, repr=False)

    @_lookup.default
    def _matching(self) -> dict[str, T | None]:
        return matching(self.values)

    def read(self, row: Mapping[str, object], problems: list[FieldProblem]) -> T | None:
        """The value the cell stands for (``empty`` for an empty cell)."""
        name, text = read_cell(row, self.column, problems)
        if not text:
            if self.required and text is not BAD:
                add_problem(problems, name, None, "is empty; a value is required")
            return None if text is BAD else self.empty
        key = text.casefold()
        if key in self._lookup:
            return self._lookup[key]
        known = known_values(self.values)
        add_problem(problems, name, text, f"is not a known value; expected one of {known}")
        return None
