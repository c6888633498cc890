"""What the host tells the process-level checks about its complaints-handling process.

Complaint records cannot show whether a policy is published, who owns the process, whether
handlers are trained or the process was audited: the host describes that in a
:class:`ProcessProfile`, typically kept as a JSON file beside its configuration and read with
:func:`iso10002.serialization.from_json` (which names every bad field).

Examples:
    >>> from datetime import datetime, timezone
    >>> from iso10002.model import Channel
    >>> profile = ProcessProfile(
    ...     organization="Acme Bank",
    ...     channels=(ChannelOffer(Channel.PHONE, "0800 123 4567", country="GB"),),
    ...     owner="head-of-complaints:kim",
    ... )
    >>> profile.channels[0].free_of_charge
    True
"""

from __future__ import annotations

from datetime import datetime

import attrs

from iso10002 import _checks
from iso10002.errors import ValidationError
from iso10002.model import Channel, Money

__all__ = [
    "AuditRecord",
    "Authority",
    "ChannelOffer",
    "CorrectiveAction",
    "ManagementReview",
    "ProcessProfile",
    "PublishedPolicy",
    "ResourcePlan",
    "TrainingRecord",
]


def _count(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError([f"{attribute.name}: {value!r} is not a whole number of 0 or more"])


def _country(_: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and not (isinstance(value, str) and len(value) == 2 and value.isupper()):
        raise ValidationError(
            [f"{attribute.name}: {value!r} is not an ISO 3166 country code like 'GB'"]
        )


@attrs.frozen
class ChannelOffer:
    """One way complainants can reach the organization (ISO 10002 4.5 accessibility).

    ``contact`` is the number, address or web page; ``free_of_charge`` whether using it
    costs the complainant nothing beyond a basic-rate call or a stamp (4.8 charges);
    ``country`` the ISO 3166 code of a telephone number's country (``"GB"`` brings in the
    UK basic-rate rule, DISP 1.3.1ADR); ``accessibility`` what the channel offers people
    who need it (``"text relay"``, ``"large print"``, ``"BSL video"``, ``"Welsh"``…).

    Examples:
        >>> offer = ChannelOffer(Channel.LETTER, "PO Box 1", accessibility=("large print",))
        >>> offer.free_of_charge
        True
    """

    channel: Channel = attrs.field(validator=_checks.instance_of(Channel))
    contact: str = attrs.field(validator=_checks.required_text)
    free_of_charge: bool = attrs.field(default=True, validator=_checks.instance_of(bool))
    country: str | None = attrs.field(default=None, validator=_country)
    accessibility: tuple[str, ...] = attrs.field(default=(), validator=_checks.texts)


@attrs.frozen
class PublishedPolicy:
    """The complaints-handling policy (5.3): which version, where complainants find it.

    ``approved_by`` is the member of top management who approved it (5.2 commitment);
    ``reviewed_at`` when it was last reviewed (``None``: not since publication).

    Examples:
        >>> from datetime import datetime, timezone
        >>> PublishedPolicy("3.2", datetime(2026, 1, 5, tzinfo=timezone.utc),
        ...                 "https://example.org/complaints").approved_by is None
        True
    """

    version: str = attrs.field(validator=_checks.required_text)
    published_at: datetime = attrs.field(converter=_checks.to_utc, validator=_checks.aware)
    location: str = attrs.field(validator=_checks.required_text)
    approved_by: str | None = attrs.field(default=None, validator=_checks.required_text_optional)
    reviewed_at: datetime | None = attrs.field(
        default=None, converter=_checks.to_utc_optional, validator=_checks.aware_optional
    )


@attrs.frozen
class Authority:
    """Who may decide what (5.4): ``holder`` may ``scope``, up to ``redress_limit`` if set.

    Examples:
        >>> from decimal import Decimal
        >>> limit = Money(Decimal("500"), "GBP")
        >>> Authority("agent:bo", "decide complaints", limit).redress_limit.amount
        Decimal('500')
    """

    holder: str = attrs.field(validator=_checks.required_text)
    scope: str = attrs.field(validator=_checks.required_text)
    redress_limit: Money | None = attrs.field(
        default=None, validator=_checks.optional_instance_of(Money)
    )


@attrs.frozen
class TrainingRecord:
    """A handler completed training on complaints handling (4.14 competence).

    Examples:
        >>> from datetime import datetime, timezone
        >>> at = datetime(2026, 1, 5, tzinfo=timezone.utc)
        >>> TrainingRecord("agent:ana", "ISO 10002", at).handler
        'agent:ana'
    """

    handler: str = attrs.field(validator=_checks.required_text)
    course: str = attrs.field(validator=_checks.required_text)
    completed_at: datetime = attrs.field(converter=_checks.to_utc, validator=_checks.aware)


@attrs.frozen
class ResourcePlan:
    """The people and capacity set aside for complaints (6.4 resources; 4.3 capability).

    ``handlers``: people handling complaints; ``monthly_capacity``: complaints they can
    handle in a month; ``expected_monthly_volume``: complaints expected in a month.

    Examples:
        >>> from datetime import datetime, timezone
        >>> ResourcePlan(handlers=-1, monthly_capacity=10, expected_monthly_volume=5,
        ...              planned_at=datetime(2026, 1, 5, tzinfo=timezone.utc))
        Traceback (most recent call last):
        ...
        iso10002.errors.ValidationError: 1 invalid field:
          - handlers: -1 is not a whole number of 0 or more
    """

    handlers: int = attrs.field(validator=_count)
    monthly_capacity: int = attrs.field(validator=_count)
    expected_monthly_volume: int = attrs.field(validator=_count)
    planned_at: datetime = attrs.field(converter=_checks.to_utc, validator=_checks.aware)


@attrs.frozen
class AuditRecord:
    """An audit of the complaints-handling process (8.5) and who carried it out.

    Examples:
        >>> from datetime import datetime, timezone
        >>> at = datetime(2026, 1, 5, tzinfo=timezone.utc)
        >>> AuditRecord(at, auditor="internal-audit:lee").scope
        ''
    """

    at: datetime = attrs.field(converter=_checks.to_utc, validator=_checks.aware)
    auditor: str = attrs.field(validator=_checks.required_text)
    scope: str = attrs.field(default="", validator=_checks.text)


@attrs.frozen
class ManagementReview:
    """A management review of the complaints-handling process (8.6).

    Examples:
        >>> from datetime import datetime, timezone
        >>> at = datetime(2026, 1, 5, tzinfo=timezone.utc)
        >>> ManagementReview(at, chaired_by="board:chair").decisions
        ()
    """

    at: datetime = attrs.field(converter=_checks.to_utc, validator=_checks.aware)
    chaired_by: str = attrs.field(validator=_checks.required_text)
    decisions: tuple[str, ...] = attrs.field(default=(), validator=_checks.texts)


@attrs.frozen
class CorrectiveAction:
    """An action to remove the cause of complaints (8.7), linked to the root cause it treats.

    ``root_cause`` is the :class:`~iso10002.model.RootCause` category it answers (``None``:
    not linked); ``due``, ``completed_at`` and ``verified_at`` track it to a checked end.

    Examples:
        >>> from datetime import datetime, timezone
        >>> CorrectiveAction(reference="CA-1", description="Fix the batch job",
        ...                  opened_at=datetime(2026, 1, 5, tzinfo=timezone.utc)).root_cause is None
        True
    """

    reference: str = attrs.field(validator=_checks.required_text)
    description: str = attrs.field(validator=_checks.required_text)
    opened_at: datetime = attrs.field(converter=_checks.to_utc, validator=_checks.aware)
    root_cause: str | None = attrs.field(default=None, validator=_checks.required_text_optional)
    due: datetime | None = attrs.field(
        default=None, converter=_checks.to_utc_optional, validator=_checks.aware_optional
    )
    completed_at: datetime | None = attrs.field(
        default=None, converter=_checks.to_utc_optional, validator=_checks.aware_optional
    )
    verified_at: datetime | None = attrs.field(
        default=None, converter=_checks.to_utc_optional, validator=_checks.aware_optional
    )


@attrs.frozen(kw_only=True)
class ProcessProfile:
    """The complaints-handling process as the host describes it, for the process checks.

    Everything but ``organization`` is optional; what is missing is reported by the check
    that needs it. ``country`` (ISO 3166) applies to channels that do not give their own.

    Examples:
        >>> from iso10002.serialization import from_json
        >>> from_json('{"organization": "Acme", "country": "GB"}', ProcessProfile).channels
        ()
    """

    organization: str = attrs.field(validator=_checks.required_text)
    country: str | None = attrs.field(default=None, validator=_country)
    channels: tuple[ChannelOffer, ...] = attrs.field(
        default=(), validator=_checks.tuple_of(ChannelOffer)
    )
    policy: PublishedPolicy | None = attrs.field(
        default=None, validator=_checks.optional_instance_of(PublishedPolicy)
    )
    owner: str | None = attrs.field(default=None, validator=_checks.required_text_optional)
    authorities: tuple[Authority, ...] = attrs.field(
        default=(), validator=_checks.tuple_of(Authority)
    )
    handlers: tuple[str, ...] = attrs.field(default=(), validator=_checks.texts)
    training: tuple[TrainingRecord, ...] = attrs.field(
        default=(), validator=_checks.tuple_of(TrainingRecord)
    )
    resources: ResourcePlan | None = attrs.field(
        default=None, validator=_checks.optional_instance_of(ResourcePlan)
    )
    audits: tuple[AuditRecord, ...] = attrs.field(
        default=(), validator=_checks.tuple_of(AuditRecord)
    )
    reviews: tuple[ManagementReview, ...] = attrs.field(
        default=(), validator=_checks.tuple_of(ManagementReview)
    )
    corrective_actions: tuple[CorrectiveAction, ...] = attrs.field(
        default=(), validator=_checks.tuple_of(CorrectiveAction)
    )
