"""The complaint domain: value records and the :class:`Complaint` snapshot.

Every record is an immutable ``attrs`` class. A :class:`Complaint` is never edited: it is the
fold of its events (:mod:`iso10002.events`), rebuilt by :func:`iso10002.replay.replay` and
extended one event at a time by the desk. Instants are timezone-aware and kept in UTC; money
is a :class:`~decimal.Decimal` with its currency.

Fields that hold personal data are marked with :func:`personal`; the stores keep them apart
from the hash-chained event record so that erasure (``redact``) leaves the chain intact.

Examples:
    >>> from decimal import Decimal
    >>> Money(Decimal("25.00"), "GBP")
    Money(amount=Decimal('25.00'), currency='GBP')
    >>> Complainant(name="Ada Lovelace", contact=ContactDetails(email="ada@example.org")).name
    'Ada Lovelace'
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import attrs

from iso10002 import _checks as check

__all__ = [
    "REDACTED",
    "ActionKind",
    "Channel",
    "Classification",
    "Complainant",
    "Complaint",
    "ComplaintFacts",
    "ComplaintState",
    "Complexity",
    "Consent",
    "ContactDetails",
    "ContactMethod",
    "Decision",
    "Impact",
    "Money",
    "Outcome",
    "Pause",
    "Redress",
    "RedressKind",
    "RemedyKind",
    "RemedyRequest",
    "Representative",
    "RootCause",
    "Satisfaction",
    "Severity",
    "Vulnerability",
    "VulnerabilityDriver",
    "is_personal",
    "personal",
]

REDACTED = "[redacted]"
"""What personal free text reads as once it has been erased."""

_PERSONAL = "iso10002.personal"
_ERASED = "iso10002.erased"


def personal(*, erased: Any, **kwargs: Any) -> Any:
    """Declare an ``attrs`` field that holds personal data (ISO 10002 4.10, confidentiality).

    ``erased`` is the value the field takes once the data has been redacted. Stores keep such
    fields outside the hash chain; metrics never read them.

    Examples:
        >>> @attrs.frozen
        ... class Note:
        ...     text: str = personal(erased=REDACTED)
        >>> is_personal(attrs.fields(Note).text)
        True
    """
    metadata = dict(kwargs.pop("metadata", {}))
    metadata[_PERSONAL] = True
    metadata[_ERASED] = erased
    return attrs.field(metadata=metadata, **kwargs)


def is_personal(field: attrs.Attribute[Any]) -> bool:
    """Whether ``field`` was declared with :func:`personal`."""
    return bool(field.metadata.get(_PERSONAL, False))


def erased_value(field: attrs.Attribute[Any]) -> Any:
    """The value a :func:`personal` field holds after erasure."""
    return field.metadata[_ERASED]


class ComplaintState(str, Enum):
    """Where a complaint stands in the clause 7 process.

    ``new`` exists only before receipt (the lifecycle's initial state); a stored complaint is
    never ``new``.
    """

    NEW = "new"
    RECEIVED = "received"  # 7.2
    ACKNOWLEDGED = "acknowledged"  # 7.4
    ASSESSED = "assessed"  # 7.5
    INVESTIGATING = "investigating"  # 7.6
    RESPONDED = "responded"  # 7.7, 7.8: the decision has been communicated
    ESCALATED = "escalated"  # 7.9: the complainant rejected the decision, or internal escalation
    REFERRED = "referred"  # referred to external dispute resolution (ISO 10003)
    CLOSED = "closed"  # 7.9
    WITHDRAWN = "withdrawn"

    @property
    def is_open(self) -> bool:
        """Whether the complaint still awaits handling (not closed, withdrawn or new)."""
        return self not in _NOT_OPEN


_NOT_OPEN = frozenset({ComplaintState.NEW, ComplaintState.CLOSED, ComplaintState.WITHDRAWN})


class Channel(str, Enum):
    """How the complaint reached the organization (7.2; 4.5 accessibility)."""

    WEB = "web"
    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    IN_PERSON = "in_person"
    CHAT = "chat"
    SOCIAL_MEDIA = "social_media"
    APP = "app"
    REFERRAL = "referral"
    OTHER = "other"


class ContactMethod(str, Enum):
    """How the complainant is, or prefers to be, contacted."""

    EMAIL = "email"
    PHONE = "phone"
    LETTER = "letter"
    SMS = "sms"
    IN_PERSON = "in_person"
    PORTAL = "portal"


class Severity(str, Enum):
    """Initial assessment of seriousness (ISO 10002 7.5)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


class Complexity(str, Enum):
    """Initial assessment of complexity (ISO 10002 7.5)."""

    SIMPLE = "simple"
    MODERATE = "moderate"
    COMPLEX = "complex"


class Impact(str, Enum):
    """Initial assessment of impact on the complainant or others (ISO 10002 7.5)."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class Outcome(str, Enum):
    """The decision on a complaint (7.7). The FCA counts ``partially_upheld`` as upheld."""

    UPHELD = "upheld"
    PARTIALLY_UPHELD = "partially_upheld"
    NOT_UPHELD = "not_upheld"
    RESOLVED_INFORMALLY = "resolved_informally"
    WITHDRAWN = "withdrawn"

    @property
    def is_upheld(self) -> bool:
        """Upheld in whole or in part, as the FCA complaints return counts it."""
        return self in (Outcome.UPHELD, Outcome.PARTIALLY_UPHELD)


class RemedyKind(str, Enum):
    """What the complainant asks for (7.2 b)."""

    APOLOGY = "apology"
    EXPLANATION = "explanation"
    REFUND = "refund"
    COMPENSATION = "compensation"
    REPAIR_OR_REPLACEMENT = "repair_or_replacement"
    CORRECTION = "correction"
    CHANGE_OF_PRACTICE = "change_of_practice"
    OTHER = "other"


class RedressKind(str, Enum):
    """What the organization paid or gave (FCA redress includes goodwill and interest)."""

    COMPENSATION = "compensation"
    REFUND = "refund"
    GOODWILL = "goodwill"
    INTEREST = "interest"
    FEE_WAIVED = "fee_waived"
    NON_MONETARY = "non_monetary"


class ActionKind(str, Enum):
    """What an action taken on a complaint was for (7.9; 8.7 continual improvement)."""

    REMEDY = "remedy"  # carrying out the decision for this complainant
    CORRECTIVE = "corrective"  # removing the cause found (8.7)
    PREVENTIVE = "preventive"  # stopping it happening to others


class VulnerabilityDriver(str, Enum):
    """The FCA's four drivers of vulnerability (FG21/1)."""

    HEALTH = "health"
    LIFE_EVENTS = "life_events"
    RESILIENCE = "resilience"
    CAPABILITY = "capability"


@attrs.frozen
class Money:
    """An exact amount in one currency.

    Examples:
        >>> Money(Decimal("10.5"), "EUR") == Money(Decimal("10.50"), "EUR")
        True
    """

    amount: Decimal = attrs.field(validator=check.finite_decimal)
    currency: str = attrs.field(validator=check.currency)


@attrs.frozen
class ContactDetails:
    """Ways to reach a person. All optional: an anonymous complaint has none."""

    email: str | None = attrs.field(default=None, validator=check.text_optional)
    phone: str | None = attrs.field(default=None, validator=check.text_optional)
    postal_address: str | None = attrs.field(default=None, validator=check.text_optional)


@attrs.frozen
class Representative:
    """Someone acting for the complainant (a relative, a claims firm, an advocate)."""

    name: str = attrs.field(validator=check.required_text)
    relationship: str = attrs.field(validator=check.required_text)
    authority_confirmed: bool = attrs.field(default=False, validator=check.instance_of(bool))
    contact: ContactDetails = attrs.field(
        factory=ContactDetails, validator=check.instance_of(ContactDetails)
    )


@attrs.frozen
class Vulnerability:
    """Vulnerability flags, as the FCA's PS25/19 return asks for them.

    ``identified``: the complainant was identified as having characteristics of vulnerability;
    ``caused_by_failure``: the complaint arose from a failure to meet such a customer's needs.
    """

    identified: bool = attrs.field(default=False, validator=check.instance_of(bool))
    caused_by_failure: bool = attrs.field(default=False, validator=check.instance_of(bool))
    drivers: tuple[VulnerabilityDriver, ...] = attrs.field(
        default=(), validator=check.tuple_of(VulnerabilityDriver)
    )


@attrs.frozen
class Consent:
    """What the complainant agreed to (4.10 confidentiality)."""

    contact: bool = attrs.field(default=True, validator=check.instance_of(bool))
    data_processing: bool = attrs.field(default=True, validator=check.instance_of(bool))
    share_with_third_parties: bool = attrs.field(default=False, validator=check.instance_of(bool))


@attrs.frozen
class Complainant:
    """The person or organization making the complaint (personal data as a whole).

    Examples:
        >>> Complainant(name="Sam", preferred_contact=ContactMethod.PHONE).preferred_contact.value
        'phone'
    """

    name: str = attrs.field(validator=check.required_text)
    contact: ContactDetails = attrs.field(
        factory=ContactDetails, validator=check.instance_of(ContactDetails)
    )
    preferred_contact: ContactMethod = attrs.field(
        default=ContactMethod.EMAIL, validator=check.instance_of(ContactMethod)
    )
    representative: Representative | None = attrs.field(
        default=None, validator=check.optional_instance_of(Representative)
    )
    vulnerability: Vulnerability = attrs.field(
        factory=Vulnerability, validator=check.instance_of(Vulnerability)
    )
    consent: Consent = attrs.field(factory=Consent, validator=check.instance_of(Consent))
    customer_ref: str | None = attrs.field(default=None, validator=check.text_optional)
    is_consumer: bool = attrs.field(default=True, validator=check.instance_of(bool))


@attrs.frozen
class Classification:
    """What the complaint is about: a product, a category and an issue (7.2 c).

    The taxonomy is the host's (the FCA product groups, ASIC codes, the CFPB list…).
    """

    product: str = attrs.field(validator=check.required_text)
    category: str | None = attrs.field(default=None, validator=check.required_text_optional)
    issue: str | None = attrs.field(default=None, validator=check.required_text_optional)
    sub_product: str | None = attrs.field(default=None, validator=check.required_text_optional)
    sub_issue: str | None = attrs.field(default=None, validator=check.required_text_optional)


@attrs.frozen
class RemedyRequest:
    """The remedy the complainant seeks (ISO 10002 7.2 b)."""

    kinds: tuple[RemedyKind, ...] = attrs.field(default=(), validator=check.tuple_of(RemedyKind))
    details: str = attrs.field(default="", validator=check.text)
    amount: Money | None = attrs.field(default=None, validator=check.optional_instance_of(Money))


@attrs.frozen
class Redress:
    """What the organization gives the complainant.

    Examples:
        >>> Redress(Money(Decimal("50"), "GBP"), RedressKind.GOODWILL).kind.value
        'goodwill'
    """

    amount: Money = attrs.field(validator=check.instance_of(Money))
    kind: RedressKind = attrs.field(
        default=RedressKind.COMPENSATION, validator=check.instance_of(RedressKind)
    )
    description: str = attrs.field(default="", validator=check.text)


@attrs.frozen
class RootCause:
    """Why the complaint arose, for analysis and improvement (8.2, 8.7; DISP 1.3.3R)."""

    category: str = attrs.field(validator=check.required_text)
    description: str = attrs.field(default="", validator=check.text)


@attrs.frozen
class Satisfaction:
    """The complainant's satisfaction with the complaints-handling process (8.3), 1 to 5."""

    score: int = attrs.field(validator=check.instance_of(int))
    comment: str | None = personal(erased=None, default=None, validator=check.text_optional)

    @score.validator
    def _score_in_range(self, attribute: attrs.Attribute[int], value: int) -> None:
        if isinstance(value, bool) or not 1 <= value <= 5:
            raise check.ValidationError([f"{attribute.name}: {value!r} is not a score from 1 to 5"])


@attrs.frozen
class Decision:
    """A decision on the complaint and what became of it (7.7, 7.8, 7.9).

    Its instants are kept in UTC, as events' are, so equal instants compare equal whatever
    zone they were given in (an aware datetime on a DST fold compares unequal across zones).
    """

    outcome: Outcome
    reasons: str
    decided_at: datetime = attrs.field(converter=check.to_utc)
    decided_by: str
    redress: Redress | None = None
    approved_by: str | None = None
    communicated_at: datetime | None = attrs.field(default=None, converter=check.to_utc_optional)
    recourse_explained: bool = False
    accepted_at: datetime | None = attrs.field(default=None, converter=check.to_utc_optional)
    rejected_at: datetime | None = attrs.field(default=None, converter=check.to_utc_optional)

    @property
    def awaiting_reply(self) -> bool:
        """Communicated, and the complainant has neither accepted nor rejected it yet."""
        return (
            self.communicated_at is not None
            and self.accepted_at is None
            and self.rejected_at is None
        )


@attrs.frozen
class Pause:
    """An interval during which the SLA clock was stopped (internal policies only)."""

    start: datetime = attrs.field(converter=check.to_utc)
    reason: str
    end: datetime | None = attrs.field(default=None, converter=check.to_utc_optional)


class ComplaintFacts:
    """What can be derived from a complaint's fields, shared by snapshots and drafts.

    :class:`Complaint` and the fold's working copy both inherit these properties, so the
    lifecycle's guards read either one the same way.
    """

    __slots__ = ()

    state: ComplaintState
    classification: Classification
    severity: Severity | None
    persons_complained_about: tuple[str, ...]
    decisions: tuple[Decision, ...]
    pauses: tuple[Pause, ...]
    closed_at: datetime | None
    withdrawn_at: datetime | None
    redacted_at: datetime | None

    @property
    def decision(self) -> Decision | None:
        """The latest decision, if any."""
        return self.decisions[-1] if self.decisions else None

    @property
    def outcome(self) -> Outcome | None:
        """The outcome of the latest decision, or ``withdrawn`` for a withdrawn complaint."""
        if self.state is ComplaintState.WITHDRAWN:
            return Outcome.WITHDRAWN
        return self.decisions[-1].outcome if self.decisions else None

    @property
    def final_response_at(self) -> datetime | None:
        """When a decision was first communicated: the regulators' "final response"."""
        for decision in self.decisions:
            if decision.communicated_at is not None:
                return decision.communicated_at
        return None

    @property
    def redress(self) -> Redress | None:
        """The redress of the latest decision, if any."""
        return self.decisions[-1].redress if self.decisions else None

    @property
    def is_open(self) -> bool:
        """Whether handling continues (neither closed nor withdrawn)."""
        return self.state.is_open

    @property
    def clock_paused(self) -> bool:
        """Whether an internal SLA pause is running now."""
        return bool(self.pauses) and self.pauses[-1].end is None


@attrs.frozen(kw_only=True)
class Complaint(ComplaintFacts):
    """Everything known about a complaint now: the fold of its events.

    Built by :func:`iso10002.replay.replay`; host code never constructs one by hand. Its
    ``version`` is the number of events folded into it: the ``expected_version`` of the next
    append. Derived facts (``decision``, ``outcome``, ``final_response_at``, ``is_open``,
    ``clock_paused``, ``redress``) are properties.

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> c = complaint_in("responded")
        >>> c.state.value, c.outcome.value, c.final_response_at is not None
        ('responded', 'upheld', True)
    """

    id: str
    version: int
    state: ComplaintState
    received_at: datetime
    received_by: str
    channel: Channel
    complainant: Complainant | None
    description: str
    classification: Classification
    remedy_requested: RemedyRequest
    complaint_type: str
    persons_complained_about: tuple[str, ...] = ()
    external_ref: str | None = None
    originally_received_at: datetime | None = None
    last_event_at: datetime
    acknowledged_at: datetime | None = None
    assessed_at: datetime | None = None
    severity: Severity | None = None
    complexity: Complexity | None = None
    impact: Impact | None = None
    urgent: bool = False
    assignee: str | None = None
    investigator: str | None = None
    investigation_started_at: datetime | None = None
    communications: tuple[datetime, ...] = ()
    holding_response_at: datetime | None = None
    decisions: tuple[Decision, ...] = ()
    escalations: tuple[datetime, ...] = ()
    referred_to: str | None = None
    referred_at: datetime | None = None
    closed_at: datetime | None = None
    reopenings: tuple[datetime, ...] = ()
    withdrawn_at: datetime | None = None
    pauses: tuple[Pause, ...] = ()
    root_cause: RootCause | None = None
    actions_completed: int = 0
    notes: int = 0
    survey_offered_at: datetime | None = None
    satisfaction: Satisfaction | None = None
    charges: tuple[Money, ...] = ()
    redacted_at: datetime | None = None
