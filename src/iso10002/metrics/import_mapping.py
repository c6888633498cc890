"""Declarative column mappings: how a row of someone else's export becomes a complaint.

An :class:`ImportMapping` is a frozen record that says, for one kind of export, which column
feeds which field of the :class:`~iso10002.events.Received` event, how dates are read
(:data:`DATE_FORMATS`, a zone, a time of day), which cell values stand for which
:class:`~iso10002.model.Channel` or outcome (:class:`Choice`), which values are constants,
and how the row's response columns become the rest of the history (:class:`Response`).
:meth:`ImportMapping.history` turns one row into the events of one complaint, or refuses the
row with a :class:`RowRefused` naming every bad field. It does no I/O; the importer
(:mod:`iso10002.metrics.imports`) reads the rows and writes the histories.

The built-in mapping for the public CFPB database lives in
:mod:`iso10002.metrics.import_cfpb`.

Examples:
    >>> from datetime import datetime, timezone
    >>> mapping = ImportMapping(
    ...     source="crm",
    ...     row_id=Text("Case"),
    ...     received_at=DateColumn("Opened", formats=("uk-date",), zone="Europe/London"),
    ...     channel=Choice("Via", {"Web form": Channel.WEB, "Call": Channel.PHONE}),
    ...     product=Text("Product"),
    ...     description=Text("Summary"),
    ... )
    >>> row = {"Case": "81", "Opened": "05/01/2026", "Via": "call", "Product": "loan",
    ...        "Summary": "Rude reply on the phone."}
    >>> mapped = mapping.history(row, now=datetime(2026, 2, 1, tzinfo=timezone.utc))
    >>> mapped.complaint_id, mapped.events[0].at.isoformat(), mapped.events[0].channel.value
    ('crm-81', '2026-01-05T00:00:00+00:00', 'phone')
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

import attrs

from iso10002._checks import MAX_TEXT
from iso10002.errors import ConfigurationError, ValidationError
from iso10002.events import (
    Acknowledged,
    Assessed,
    Closed,
    DecisionCommunicated,
    DecisionMade,
    Event,
    HoldingResponseSent,
    InvestigationStarted,
    Received,
    ResponseRejected,
)
from iso10002.metrics.import_cells import (
    BAD,
    DATE_FORMATS,
    Choice,
    Column,
    DateColumn,
    FieldProblem,
    RowRefused,
    Text,
    add_problem,
    as_column,
    known_values,
    matching,
    read_cell,
)
from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complexity,
    ContactDetails,
    ContactMethod,
    Impact,
    Money,
    Outcome,
    Redress,
    RedressKind,
    Severity,
)

__all__ = [
    "DATE_FORMATS",
    "Assessment",
    "Choice",
    "Column",
    "ComplainantColumns",
    "DateColumn",
    "FieldProblem",
    "ImportMapping",
    "MappedRow",
    "Resolution",
    "Response",
    "RowRefused",
    "Text",
]

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")
_SOURCE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,39}")
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _copy_resolutions(values: Mapping[str, Resolution | None]) -> dict[str, Resolution | None]:
    return dict(values)


@attrs.frozen
class Assessment:
    """The initial assessment (ISO 10002 7.5) recorded before an imported decision.

    The lifecycle only lets a decision follow an assessment and an investigation; an export
    that records decisions without assessing them (the CFPB database does) gets these
    placeholder values. Do not read severity, complexity or impact from such imports.
    """

    severity: Severity = Severity.MEDIUM
    complexity: Complexity = Complexity.MODERATE
    impact: Impact = Impact.MEDIUM


@attrs.frozen
class Resolution:
    """What one value of the response column means.

    ``outcome``: a decision with that outcome, communicated (7.7, 7.8), then closed when
    ``close``. ``holding``: no decision yet, a holding response sent (the CFPB's "In
    progress"). ``redress``: a redress of that kind and of zero amount (for non-monetary
    relief; an unknown amount of money is not invented, so monetary relief records none).
    """

    outcome: Outcome | None = None
    holding: bool = False
    redress: RedressKind | None = None
    close: bool = True

    def __attrs_post_init__(self) -> None:
        if (self.outcome is None) == (not self.holding):
            raise ConfigurationError("a Resolution is either an outcome or holding=True")
        if self.outcome is Outcome.WITHDRAWN:
            raise ConfigurationError("a withdrawal is not a decision; map it to no Resolution")


@attrs.frozen(kw_only=True)
class Response:
    """How the row's response columns become the rest of its history.

    ``values`` maps each value of ``column`` to a :class:`Resolution` (or ``None``: nothing
    answered yet). The response is dated by ``at`` when the row has that date; else by
    ``timely``: a timely (or unknown) response at the receipt instant, an untimely one at the
    start of the day after ``window_days`` calendar days from the receipt date — the earliest
    instants the row allows, so "responded within the window" stays true to the data while
    durations are lower bounds. ``disputed`` records the complainant's rejection after the
    decision. A holding response promises the end of ``final_days`` calendar days from receipt.
    Decisions are sent by ``method`` with ``recourse_explained`` as given.
    """

    column: Column = attrs.field(converter=as_column)
    values: Mapping[str, Resolution | None] = attrs.field(
        converter=_copy_resolutions, eq=False, hash=False
    )
    at: DateColumn | None = None
    timely: Choice[bool] | None = None
    disputed: Choice[bool] | None = None
    window_days: int = 15
    final_days: int = 60
    assessment: Assessment = Assessment()
    method: ContactMethod = ContactMethod.PORTAL
    recourse_explained: bool = True
    currency: str = "USD"
    disputed_reason: str = "the complainant disputed the response"
    lookup: dict[str, Resolution | None] = attrs.field(init=False, eq=False, hash=False, repr=False)
    """``values`` by their matching key (case and surrounding space do not count)."""

    @lookup.default
    def _matching(self) -> dict[str, Resolution | None]:
        return matching(self.values)

    def __attrs_post_init__(self) -> None:
        if not 0 <= self.window_days < self.final_days:
            raise ConfigurationError("Response: need 0 <= window_days < final_days")


@attrs.frozen(kw_only=True)
class ComplainantColumns:
    """Columns naming the complainant (personal data, 4.10). A row without a name is an
    anonymous complaint."""

    name: Text
    email: Text | None = None
    phone: Text | None = None
    postal_address: Text | None = None
    customer_ref: Text | None = None


@attrs.frozen
class MappedRow:
    """One row as a complaint: its id, the idempotency key, and the events of its history."""

    row_id: str
    complaint_id: str
    idempotency_key: str
    events: tuple[Event, ...]


def _check_source(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not _SOURCE.fullmatch(value):
        raise ConfigurationError(
            f"{attribute.name}: {value!r} is not a source name (lower-case letters, digits, "
            "'.', '_' or '-', at most 40, such as 'cfpb')"
        )


@attrs.frozen(kw_only=True)
class ImportMapping:
    """Everything about one kind of export: which column feeds which field of a complaint.

    ``source`` names the export; with the row's own id (``row_id``) it makes the complaint id
    ``<source>-<row id>`` and the idempotency key ``import:<source>:<row id>``, so importing
    a row twice never makes two complaints. ``received_at`` is the organisation's receipt,
    the origin of every SLA clock (7.2); ``originally_received_at`` when a third party
    received it first. ``channel``, ``complaint_type`` and ``actor`` may be constants.
    ``description`` is the complainant's account (personal data). ``acknowledged_at`` dates an
    acknowledgement when the row has one; ``response`` adds the decision, its communication
    and closure as :class:`Response` says. ``ignored`` lists columns known and deliberately
    not kept (for the reference docs; unknown columns are ignored too).
    """

    source: str = attrs.field(validator=_check_source)
    row_id: Text
    received_at: DateColumn
    channel: Choice[Channel] | Channel
    product: Text | str
    description: Text
    originally_received_at: DateColumn | None = None
    sub_product: Text | None = None
    category: Text | None = None
    issue: Text | None = None
    sub_issue: Text | None = None
    complainant: ComplainantColumns | None = None
    external_ref: Text | None = None
    complaint_type: str = "standard"
    actor: str = "import"
    acknowledged_at: DateColumn | None = None
    response: Response | None = None
    ignored: tuple[str, ...] = ()
    # Records many rows share, made once (they are immutable): the history's tail by
    # (instant, response), the classification by its labels.
    _tails: dict[tuple[object, ...], tuple[Event, ...]] = attrs.field(
        init=False, factory=dict, eq=False, hash=False, repr=False
    )
    _classifications: dict[tuple[str | None, ...], Classification] = attrs.field(
        init=False, factory=dict, eq=False, hash=False, repr=False
    )

    def columns(self) -> tuple[Column, ...]:
        """Every column the mapping reads, in field order, each once.

        Examples:
            >>> from iso10002.metrics.import_cfpb import CFPB
            >>> [c.name for c in CFPB.columns()][:3]
            ['Complaint ID', 'Date sent to company', 'Submitted via']
        """
        found: dict[str, Column] = {}
        for spec in self._specs():
            found.setdefault(spec.column.name, spec.column)
        return tuple(found.values())

    def required_columns(self) -> tuple[Column, ...]:
        """The columns a file must have for any row to be imported."""
        found: dict[str, Column] = {}
        for spec in self._specs():
            if getattr(spec, "required", False):
                found.setdefault(spec.column.name, spec.column)
        return tuple(found.values())

    def check_header(self, header: Sequence[str]) -> None:
        """Refuse a header that lacks a required column (under any of its names).

        Examples:
            >>> from iso10002.metrics.import_cfpb import CFPB
            >>> CFPB.check_header(["Product", "Issue"])
            Traceback (most recent call last):
            ...
            iso10002.errors.ValidationError: 4 invalid fields:
              - header: no column 'Complaint ID' (nor complaint_id)
              - header: no column 'Date sent to company' (nor date_sent_to_company)
              - header: no column 'Submitted via' (nor submitted_via)
              - header: no column 'Date received' (nor date_received)
        """
        present = set(header)
        missing = [c for c in self.required_columns() if not present.intersection(c.names)]
        if missing:
            raise ValidationError(
                [
                    f"header: no column {c.name!r}"
                    + (f" (nor {', '.join(c.aliases)})" if c.aliases else "")
                    for c in missing
                ]
            )

    def complaint_id(self, row: Mapping[str, object]) -> str | None:
        """The id of the complaint ``row`` describes (``<source>-<row id>``), or ``None`` when
        its id cell is missing or not an id; reads that one cell only.

        Examples:
            >>> from iso10002.metrics.import_cfpb import CFPB
            >>> CFPB.complaint_id({"Complaint ID": " 5000042 "}), CFPB.complaint_id({})
            ('cfpb-5000042', None)
        """
        row_id = self.row_id.read(row, [])
        if row_id is None or not _ID.fullmatch(row_id):
            return None
        return f"{self.source}-{row_id}"

    def history(self, row: Mapping[str, object], *, now: datetime) -> MappedRow:
        """The complaint a row describes, as its id and events; :class:`RowRefused` if not.

        ``row`` maps column names to cells (text; JSON may give numbers or ``null``).
        ``now`` is the import's instant: no event may lie after it. Every bad cell is named
        in the refusal, with its value cut short.
        """
        problems: list[FieldProblem] = []
        row_id = self.row_id.read(row, problems)
        if row_id is not None and not _ID.fullmatch(row_id):
            add_problem(
                problems,
                self.row_id.column.name,
                row_id,
                "is not an id (letters, digits and . _ : -, at most 64, no spaces)",
            )
            row_id = None
        received_at = self.received_at.read(row, problems)
        original = (
            None
            if self.originally_received_at is None
            else self.originally_received_at.read(row, problems)
        )
        channel = (
            self.channel if isinstance(self.channel, Channel) else self.channel.read(row, problems)
        )
        labels = {
            "source": self.source,
            "row_id": row_id or "",
            "product": self.product
            if isinstance(self.product, str)
            else self.product.read(row, problems),
        }
        for name in ("sub_product", "category", "issue", "sub_issue"):
            spec: Text | None = getattr(self, name)
            labels[name] = None if spec is None else spec.read(row, problems)
        description = self._text(self.description, row, labels, problems)
        complainant = self._complainant(row, problems)
        external_ref = None if self.external_ref is None else self.external_ref.read(row, problems)
        acknowledged = (
            None if self.acknowledged_at is None else self.acknowledged_at.read(row, problems)
        )
        answer = None if self.response is None else self._answer(row, problems)
        if not problems:  # a value mapped to None, or an optional column left empty
            needed: tuple[tuple[object, Text | DateColumn], ...] = (
                (row_id, self.row_id),
                (received_at, self.received_at),
            )
            for value, column in needed:
                if value is None:
                    add_problem(problems, column.column.name, None, "is empty; a value is required")
            if channel is None and isinstance(self.channel, Choice):
                add_problem(problems, self.channel.column.name, None, "names no channel")
        if problems or row_id is None or received_at is None or channel is None:
            raise RowRefused(problems)
        self._check_times(received_at, original, acknowledged, now, problems)
        if problems:
            raise RowRefused(problems)
        try:
            received = Received(
                at=received_at,
                actor=self.actor,
                complaint_id=f"{self.source}-{row_id}",
                channel=channel,
                complainant=complainant,
                description=description or "",
                classification=self._classification(labels),
                complaint_type=self.complaint_type,
                external_ref=external_ref,
                originally_received_at=original,
            )
            events: list[Event] = [received]
            if acknowledged is not None:
                events.append(Acknowledged(at=acknowledged, actor=self.actor, method=self._method))
            if answer is not None:
                self._respond(events, received_at, acknowledged, answer, now)
        except RowRefused:
            raise
        except ValidationError as exc:
            raise RowRefused(_field_problems(exc, self)) from None
        return MappedRow(
            row_id, received.complaint_id, f"import:{self.source}:{row_id}", tuple(events)
        )

    # --- internals -----------------------------------------------------------------------

    @property
    def _method(self) -> ContactMethod:
        return self.response.method if self.response is not None else ContactMethod.PORTAL

    def _specs(self) -> list[Text | DateColumn | Choice[Channel] | Choice[bool]]:
        specs: list[Text | DateColumn | Choice[Channel] | Choice[bool]] = [
            self.row_id,
            self.received_at,
        ]
        if not isinstance(self.channel, Channel):
            specs.append(self.channel)
        optional: list[Text | DateColumn | None] = [
            self.originally_received_at,
            None if isinstance(self.product, str) else self.product,
            self.sub_product,
            self.category,
            self.issue,
            self.sub_issue,
            self.description,
            self.external_ref,
            self.acknowledged_at,
        ]
        if self.complainant is not None:
            c = self.complainant
            optional += [c.name, c.email, c.phone, c.postal_address, c.customer_ref]
        specs += [s for s in optional if s is not None]
        if self.response is not None:
            r = self.response
            specs.append(Text(r.column))
            specs += [s for s in (r.at, r.timely, r.disputed) if s is not None]
        return specs

    def _text(
        self,
        spec: Text,
        row: Mapping[str, object],
        labels: Mapping[str, str | None],
        problems: list[FieldProblem],
    ) -> str | None:
        text = spec.read(row, problems, MAX_TEXT)
        if text is None and spec.fallback is not None:
            text = _PLACEHOLDER.sub(lambda m: labels.get(m.group(1)) or "", spec.fallback).strip()
            if not text and spec.required:
                add_problem(problems, spec.column.name, None, "is empty; a value is required")
        return text

    def _complainant(
        self, row: Mapping[str, object], problems: list[FieldProblem]
    ) -> Complainant | None:
        spec = self.complainant
        if spec is None:
            return None
        name = spec.name.read(row, problems)

        def read(field: Text | None) -> str | None:
            return None if field is None else field.read(row, problems)

        contact = ContactDetails(
            email=read(spec.email), phone=read(spec.phone), postal_address=read(spec.postal_address)
        )
        ref = read(spec.customer_ref)
        if name is None:
            return None  # an anonymous complaint: contact details without a name are not kept
        return Complainant(name=name, contact=contact, customer_ref=ref)

    def _answer(self, row: Mapping[str, object], problems: list[FieldProblem]) -> _Answer | None:
        spec = self.response
        assert spec is not None
        name, text = read_cell(row, spec.column, problems)
        if text is BAD:
            return None
        key = text.casefold()
        if key not in spec.lookup:
            known = known_values(spec.values)
            add_problem(problems, name, text, f"is not a known response; expected one of {known}")
            return None
        resolution = spec.lookup[key]
        at = None if spec.at is None else spec.at.read(row, problems)
        timely = None if spec.timely is None else spec.timely.read(row, problems)
        disputed = None if spec.disputed is None else spec.disputed.read(row, problems)
        if resolution is None:
            return None
        return _Answer(text, resolution, at, timely, bool(disputed))

    def _check_times(
        self,
        received_at: datetime,
        original: datetime | None,
        acknowledged: datetime | None,
        now: datetime,
        problems: list[FieldProblem],
    ) -> None:
        def late(spec: DateColumn, at: datetime) -> None:
            add_problem(
                problems, spec.column.name, at.isoformat(), f"is after now ({now.isoformat()})"
            )

        if received_at > now:
            late(self.received_at, received_at)
        if original is not None and original > received_at:
            assert self.originally_received_at is not None
            add_problem(
                problems,
                self.originally_received_at.column.name,
                original.isoformat(),
                f"is after the receipt ({self.received_at.column.name}, {received_at.isoformat()})",
            )
        if acknowledged is not None and self.acknowledged_at is not None:
            if acknowledged < received_at:
                add_problem(
                    problems,
                    self.acknowledged_at.column.name,
                    acknowledged.isoformat(),
                    "is before receipt",
                )
            elif acknowledged > now:
                late(self.acknowledged_at, acknowledged)

    def _respond(
        self,
        events: list[Event],
        received_at: datetime,
        acknowledged: datetime | None,
        answer: _Answer,
        now: datetime,
    ) -> None:
        spec = self.response
        assert spec is not None
        received_day = self.received_at.local_date(received_at)
        if answer.at is not None:
            at = answer.at
            where = spec.at.column.name if spec.at is not None else spec.column.name
        elif answer.timely is False:
            # Untimely: after the window, and no earlier than the data proves.
            at = self.received_at.day_start(received_day + timedelta(days=spec.window_days + 1))
            where = spec.timely.column.name if spec.timely is not None else spec.column.name
        else:
            at, where = received_at, spec.column.name
        if acknowledged is not None and at < acknowledged:
            raise RowRefused([FieldProblem(where, at.isoformat(), "is before the acknowledgement")])
        if at < received_at:
            raise RowRefused([FieldProblem(where, at.isoformat(), "is before receipt")])
        if at > now:
            raise RowRefused(
                [
                    FieldProblem(
                        where, at.isoformat(), f"dates the response after now ({now.isoformat()})"
                    )
                ]
            )
        key = (
            at,
            received_day,
            acknowledged is None,
            answer.text,
            answer.resolution,
            answer.disputed,
        )
        tail = self._tails.get(key)
        if tail is None:
            tail = self._tail(at, received_day, acknowledged is None, answer)
            if len(self._tails) >= 10_000:  # keep memory bounded
                self._tails.clear()
            self._tails[key] = tail
        events += tail

    def _tail(
        self, at: datetime, received_day: date, acknowledge: bool, answer: _Answer
    ) -> tuple[Event, ...]:
        """The events after receipt, which many rows share: made once, reused (immutable)."""
        spec = self.response
        assert spec is not None
        actor = self.actor
        events: list[Event] = []
        if acknowledge:
            events.append(Acknowledged(at=at, actor=actor, method=spec.method))
        resolution = answer.resolution
        if resolution.holding:
            promised = self.received_at.day_start(
                received_day + timedelta(days=spec.final_days + 1)
            )
            events.append(
                HoldingResponseSent(
                    at=at,
                    actor=actor,
                    method=spec.method,
                    reasons=answer.text,
                    expected_by=max(promised, at + timedelta(days=1)),
                )
            )
            return tuple(events)
        assert resolution.outcome is not None
        a = spec.assessment
        redress = (
            None
            if resolution.redress is None
            else Redress(Money(Decimal(0), spec.currency), resolution.redress)
        )
        events += [
            Assessed(
                at=at, actor=actor, severity=a.severity, complexity=a.complexity, impact=a.impact
            ),
            InvestigationStarted(at=at, actor=actor, investigator=actor),
            DecisionMade(
                at=at, actor=actor, outcome=resolution.outcome, reasons=answer.text, redress=redress
            ),
            DecisionCommunicated(
                at=at, actor=actor, method=spec.method, recourse_explained=spec.recourse_explained
            ),
        ]
        if answer.disputed:
            events.append(ResponseRejected(at=at, actor=actor, reason=spec.disputed_reason))
        if resolution.close:
            events.append(Closed(at=at, actor=actor))
        return tuple(events)

    def _classification(self, labels: Mapping[str, str | None]) -> Classification:
        key = (
            labels["product"] or "",
            labels["category"],
            labels["issue"],
            labels["sub_product"],
            labels["sub_issue"],
        )
        found = self._classifications.get(key)
        if found is None:
            found = Classification(
                product=key[0],
                category=key[1],
                issue=key[2],
                sub_product=key[3],
                sub_issue=key[4],
            )
            if len(self._classifications) >= 10_000:
                self._classifications.clear()
            self._classifications[key] = found
        return found


@attrs.frozen
class _Answer:
    text: str
    resolution: Resolution
    at: datetime | None
    timely: bool | None
    disputed: bool


def _field_problems(exc: ValidationError, mapping: ImportMapping) -> list[FieldProblem]:
    """A record's own validator refused a value: name the column it came from where known."""
    columns = {
        "product": mapping.product,
        "description": mapping.description,
        "category": mapping.category,
        "issue": mapping.issue,
        "sub_product": mapping.sub_product,
        "sub_issue": mapping.sub_issue,
    }
    problems = []
    for message in exc.errors:
        field, _, what = message.partition(": ")
        spec = columns.get(field)
        column = spec.column.name if isinstance(spec, Text) else None
        problems.append(FieldProblem(column, None, what if column else message))
    return problems
