"""What every check is evaluated against: :class:`CheckContext`.

One context serves a whole run (a hundred thousand complaints and the process profile): the
instant of evaluation, the host's thresholds, and optional evidence gathered elsewhere (the
store's :class:`~iso10002.integrity.IntegrityReport`, the SLA policy). Lookups the checks make
per complaint are prepared once, when the context is built.

Examples:
    >>> from datetime import datetime, timezone
    >>> from decimal import Decimal
    >>> from iso10002.model import Money
    >>> context = CheckContext(
    ...     at=datetime(2026, 3, 31, tzinfo=timezone.utc),
    ...     four_eyes_above=(Money(Decimal("500"), "GBP"),),
    ... )
    >>> context.four_eyes_limit("GBP"), context.four_eyes_limit("EUR")
    (Decimal('500'), None)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from enum import Enum
from types import MappingProxyType
from typing import Any

import attrs

from iso10002 import _checks
from iso10002.desk import DeskPolicy
from iso10002.errors import ValidationError
from iso10002.integrity import IntegrityProblem, IntegrityReport
from iso10002.lifecycle import LifecycleRules
from iso10002.model import Complaint, Money
from iso10002.sla.policy import SlaEvaluation, SlaPolicy

__all__ = [
    "DEFAULT_RECEIPT_FIELDS",
    "UNACCOUNTABLE_ACTORS",
    "ActorProblem",
    "CheckContext",
    "ReceiptField",
]


class ReceiptField(str, Enum):
    """What the record of a complaint must hold from receipt (ISO 10002 7.2).

    ``complainant``: who complains (an anonymous complaint fails it); ``contact``: a way to
    reach them or their representative; ``remedy``: the remedy sought (7.2 b); ``category``
    and ``issue``: the classification beyond the product (7.2 c); ``response_due``: the
    acknowledgement states when the response is due (7.2 d; DISP 1.6.1R(1)(b)).

    Examples:
        >>> sorted(field.value for field in DEFAULT_RECEIPT_FIELDS)
        ['contact', 'remedy']
    """

    COMPLAINANT = "complainant"
    CONTACT = "contact"
    REMEDY = "remedy"
    CATEGORY = "category"
    ISSUE = "issue"
    RESPONSE_DUE = "response_due"


class ActorProblem(str, Enum):
    """What is wrong with an event's actor (ISO 10002 4.12): a placeholder, or unknown.

    Examples:
        >>> from datetime import datetime, timezone
        >>> CheckContext(at=datetime(2026, 1, 1, tzinfo=timezone.utc)).actor_problem("tbc").value
        'placeholder'
    """

    PLACEHOLDER = "placeholder"
    UNKNOWN = "unknown"


DEFAULT_RECEIPT_FIELDS: frozenset[ReceiptField] = frozenset(
    {ReceiptField.CONTACT, ReceiptField.REMEDY}
)
"""Required unless the context says otherwise: a way to reach the complainant, the remedy."""

UNACCOUNTABLE_ACTORS: frozenset[str] = frozenset(
    {"unknown", "anonymous", "anon", "n/a", "na", "none", "null", "-", "?", "tbc", "todo"}
)
"""Actor names that identify nobody (compared case-insensitively, ISO 10002 4.12)."""


def _durations(_: object, attribute: attrs.Attribute[timedelta], value: object) -> None:
    if not isinstance(value, timedelta) or value <= timedelta(0):
        raise ValidationError([f"{attribute.name}: {value!r} is not a positive timedelta"])


def _names(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, frozenset) or not all(isinstance(v, str) for v in value):
        raise ValidationError([f"{attribute.name}: expected a frozenset of names"])


def _one_limit_per_currency(
    _: object, attribute: attrs.Attribute[tuple[Money, ...]], value: tuple[Money, ...]
) -> None:
    currencies = [money.currency for money in value]
    repeated = sorted({c for c in currencies if currencies.count(c) > 1})
    if repeated:
        raise ValidationError([f"{attribute.name}: more than one limit for {', '.join(repeated)}"])


def _receipt_fields(_: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, frozenset) or not all(isinstance(v, ReceiptField) for v in value):
        raise ValidationError([f"{attribute.name}: expected a frozenset of ReceiptField"])


def _positive_count(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError([f"{attribute.name}: {value!r} is not a whole number of 1 or more"])


@attrs.frozen(kw_only=True)
class CheckContext:
    """The instant, thresholds and outside evidence a conformance run is evaluated with.

    * ``at``: the instant of evaluation (aware). Windows such as ``survey_within`` are
      measured up to it.
    * ``policy``: the desk's policy (an ``iso10002.sla.SlaPolicy`` in practice): its
      retention rule and lifecycle rules are read here, and the SLA checks read its targets.
    * ``integrity``: a store's :meth:`~iso10002.storage.ComplaintStore.verify_integrity`
      report. With it, the integrity check reports the chain problems it lists; without it
      (and ``verify_replay``), the check replays each history against its snapshot.
    * ``four_eyes_above``: per currency, the redress above which a second person must
      approve the decision (objectivity); none by default.
    * ``receipt_fields``: what the 7.2 check requires (:data:`DEFAULT_RECEIPT_FIELDS`).
    * ``known_actors``: the host's directory of accountable people and systems; when given,
      every event's actor must be in it. ``unaccountable_actors``: names that identify nobody.
    * ``recourse_in_every_response``: every communicated decision must explain recourse,
      as DISP 1.6.2R requires of a final response; by default only a decision that does
      not fully uphold the complaint, or that the complainant rejected (7.9).
    * ``survey_within``: how soon after closure a satisfaction survey is due (8.3).
    * ``training_valid_for``, ``audit_interval``, ``review_interval``: how old training,
      the latest audit (8.5) and the latest management review (8.6) may be.
    * ``min_channels``: how many ways to complain the process must offer (4.5).

    Examples:
        >>> from datetime import datetime, timezone
        >>> context = CheckContext(at=datetime(2026, 3, 31, tzinfo=timezone.utc))
        >>> context.survey_within.days, context.min_channels, context.integrity is None
        (14, 2, True)
    """

    at: datetime = attrs.field(converter=_checks.to_utc, validator=_checks.aware)
    policy: DeskPolicy | None = None
    integrity: IntegrityReport | None = attrs.field(
        default=None, validator=_checks.optional_instance_of(IntegrityReport)
    )
    verify_replay: bool = attrs.field(default=True, validator=_checks.instance_of(bool))
    four_eyes_above: tuple[Money, ...] = attrs.field(
        default=(), validator=[_checks.tuple_of(Money), _one_limit_per_currency]
    )
    receipt_fields: frozenset[ReceiptField] = attrs.field(
        default=DEFAULT_RECEIPT_FIELDS, validator=_receipt_fields
    )
    known_actors: frozenset[str] | None = attrs.field(default=None, validator=_names)
    unaccountable_actors: frozenset[str] = attrs.field(
        default=UNACCOUNTABLE_ACTORS, validator=_names
    )
    recourse_in_every_response: bool = attrs.field(
        default=False, validator=_checks.instance_of(bool)
    )
    survey_within: timedelta = attrs.field(default=timedelta(days=14), validator=_durations)
    training_valid_for: timedelta = attrs.field(default=timedelta(days=365), validator=_durations)
    audit_interval: timedelta = attrs.field(default=timedelta(days=365), validator=_durations)
    review_interval: timedelta = attrs.field(default=timedelta(days=365), validator=_durations)
    min_channels: int = attrs.field(default=2, validator=_positive_count)

    # Prepared once per run, so checks do dictionary lookups, not scans, per complaint.
    _limits: Mapping[str, Decimal] = attrs.field(init=False, eq=False, repr=False)
    _problems: Mapping[str, tuple[IntegrityProblem, ...]] = attrs.field(
        init=False, eq=False, repr=False
    )
    _placeholders: frozenset[str] = attrs.field(init=False, eq=False, repr=False)
    # Filled as a run meets actors: a staff of dozens, judged once each, not once per event.
    _verdicts: dict[str, ActorProblem | None] = attrs.field(
        init=False, eq=False, repr=False, factory=dict
    )
    # The SLA checks run one after another on the same complaint: the latest evaluation.
    _sla_memo: list[tuple[Complaint, SlaEvaluation]] = attrs.field(
        init=False, eq=False, repr=False, factory=list
    )

    @_limits.default
    def _prepare_limits(self) -> Mapping[str, Decimal]:
        return MappingProxyType({m.currency: m.amount for m in self.four_eyes_above})

    @_problems.default
    def _prepare_problems(self) -> Mapping[str, tuple[IntegrityProblem, ...]]:
        found: dict[str, list[IntegrityProblem]] = {}
        if self.integrity is not None:
            for problem in self.integrity.problems:
                found.setdefault(problem.complaint_id, []).append(problem)
        return MappingProxyType({cid: tuple(problems) for cid, problems in found.items()})

    @_placeholders.default
    def _prepare_placeholders(self) -> frozenset[str]:
        return frozenset(name.strip().casefold() for name in self.unaccountable_actors)

    @property
    def sla_policy(self) -> SlaPolicy | None:
        """``policy`` when it is an :class:`~iso10002.sla.SlaPolicy` (the SLA checks read it).

        Examples:
            >>> from datetime import datetime, timezone
            >>> from iso10002.sla import presets
            >>> at = datetime(2026, 1, 5, tzinfo=timezone.utc)
            >>> CheckContext(at=at, policy=presets.get("cfpb.portal")).sla_policy.name
            'cfpb.portal'
        """
        return self.policy if isinstance(self.policy, SlaPolicy) else None

    @property
    def sla_memo(self) -> list[tuple[Complaint, SlaEvaluation]]:
        """Scratch space the SLA checks share: the latest ``(complaint, evaluation)``."""
        return self._sla_memo

    @property
    def lifecycle_rules(self) -> LifecycleRules:
        """The policy's lifecycle rules, or the defaults, for replaying histories.

        Examples:
            >>> from datetime import datetime, timezone
            >>> CheckContext(at=datetime(2026, 1, 1, tzinfo=timezone.utc)).lifecycle_rules
            LifecycleRules(reopen_window=None, clock_pausable=True)
        """
        return self.policy.lifecycle_rules if self.policy is not None else LifecycleRules()

    def four_eyes_limit(self, currency: str) -> Decimal | None:
        """The redress amount in ``currency`` above which a second approver is needed."""
        return self._limits.get(currency)

    def integrity_problems(self, complaint_id: str) -> tuple[IntegrityProblem, ...]:
        """What the integrity report found wrong with one complaint (``()``: nothing).

        Examples:
            >>> from datetime import datetime, timezone
            >>> from iso10002.integrity import IntegrityProblem, IntegrityReport
            >>> report = IntegrityReport(
            ...     checked=2, problems=(IntegrityProblem("C-2", 3, "edited", "hash"),))
            >>> context = CheckContext(at=datetime(2026, 1, 1, tzinfo=timezone.utc),
            ...                        integrity=report)
            >>> context.integrity_problems("C-1"), len(context.integrity_problems("C-2"))
            ((), 1)
        """
        return self._problems.get(complaint_id, ())

    def is_placeholder_actor(self, actor: str) -> bool:
        """Whether ``actor`` names nobody in particular (``"unknown"``, ``"n/a"``…)."""
        return actor.strip().casefold() in self._placeholders

    def actor_problem(self, actor: str) -> ActorProblem | None:
        """What is wrong with ``actor`` as the accountable actor of an event, if anything.

        Examples:
            >>> from datetime import datetime, timezone
            >>> context = CheckContext(at=datetime(2026, 1, 1, tzinfo=timezone.utc),
            ...                        known_actors=frozenset({"agent:ana"}))
            >>> [context.actor_problem(a) for a in ("agent:ana", "N/A", "agent:bo")]
            [None, <ActorProblem.PLACEHOLDER: 'placeholder'>, <ActorProblem.UNKNOWN: 'unknown'>]
        """
        try:
            return self._verdicts[actor]
        except KeyError:
            pass
        problem = None
        if self.is_placeholder_actor(actor):
            problem = ActorProblem.PLACEHOLDER
        elif self.known_actors is not None and actor not in self.known_actors:
            problem = ActorProblem.UNKNOWN
        self._verdicts[actor] = problem
        return problem
