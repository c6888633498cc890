"""What a check is: a plain function plus the principle, clause and sentence it stands for.

A *complaint check* takes ``(complaint, history, context)`` and returns the findings for one
complaint; a *process check* takes ``(profile, context)`` and returns findings on the
process as a whole. Both return an empty tuple when all is well, so a passing complaint
costs a function call and allocates nothing.

:func:`complaint_check` and :func:`process_check` turn such a function into a
:class:`ComplaintCheck` or :class:`ProcessCheck` (still callable like the function); its
:meth:`~Check.finding` builds findings that carry the check's id, principle and clause, so
they cannot drift from the registration. Register checks with
:class:`~iso10002.principles.registry.Registry`.

Examples:
    >>> from iso10002.principles.clauses import Principle
    >>> from iso10002.principles.findings import FindingSeverity
    >>> @complaint_check(
    ...     "acme.named_product", principle=Principle.INFORMATION_INTEGRITY, clause="7.2",
    ...     checks="The product complained about is one Acme sells.",
    ... )
    ... def named_product(complaint, history, context):
    ...     if complaint.classification.product in {"current account", "mortgage"}:
    ...         return ()
    ...     return (named_product.finding(
    ...         FindingSeverity.MINOR, "unknown product", complaint.id),)
    >>> named_product.clause, named_product.scope.value
    ('7.2', 'complaint')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from enum import Enum

import attrs

from iso10002 import _checks
from iso10002.errors import ConfigurationError
from iso10002.events import Event
from iso10002.model import Complaint
from iso10002.principles.clauses import PRINCIPLES, Principle
from iso10002.principles.context import CheckContext
from iso10002.principles.findings import EventRef, Finding, FindingSeverity
from iso10002.principles.profile import ProcessProfile

__all__ = [
    "Check",
    "CheckSpec",
    "ComplaintCheck",
    "ComplaintCheckFunction",
    "ProcessCheck",
    "ProcessCheckFunction",
    "Scope",
    "complaint_check",
    "process_check",
]

ComplaintCheckFunction = Callable[[Complaint, Sequence[Event], CheckContext], Iterable[Finding]]
"""``(complaint, history, context) -> findings``: one complaint, its events oldest first."""

ProcessCheckFunction = Callable[[ProcessProfile, CheckContext], Iterable[Finding]]
"""``(profile, context) -> findings``: the process as the host describes it."""


class Scope(str, Enum):
    """What a check looks at: one complaint at a time, or the process.

    Examples:
        >>> Scope("process") is Scope.PROCESS
        True
    """

    COMPLAINT = "complaint"
    PROCESS = "process"


def _check_name(_: object, attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not value or value != value.strip() or " " in value:
        raise ConfigurationError(
            f"{attribute.name}: {value!r} is not a check id such as 'charges.free_of_charge'"
        )


@attrs.frozen
class CheckSpec:
    """A check's description without its function: what reports and checklists show.

    ``name`` is the stable id, ``checks`` one sentence saying what it verifies.
    ``needs_policy``: the check reads an :class:`~iso10002.sla.SlaPolicy`'s targets, so a
    run whose context has none does not run it (its principle is then *not checked*, never
    passed by default).

    Examples:
        >>> from iso10002.principles.handling import free_of_charge
        >>> free_of_charge.spec.name, free_of_charge.spec.clause
        ('charges.free_of_charge', '4.8')
    """

    name: str = attrs.field(validator=_check_name)
    principle: Principle = attrs.field(validator=_checks.instance_of(Principle))
    clause: str = attrs.field(validator=_checks.required_text)
    checks: str = attrs.field(validator=_checks.required_text)
    scope: Scope = attrs.field(validator=_checks.instance_of(Scope))
    needs_policy: bool = attrs.field(default=False, validator=_checks.instance_of(bool))

    def runs_with(self, context: CheckContext) -> bool:
        """Whether a run with ``context`` has what this check needs.

        Examples:
            >>> from datetime import datetime, timezone
            >>> from iso10002.principles.timeliness import acknowledged_in_time
            >>> bare = CheckContext(at=datetime(2026, 1, 5, tzinfo=timezone.utc))
            >>> acknowledged_in_time.spec.runs_with(bare)
            False
        """
        return not self.needs_policy or context.sla_policy is not None


class Check:
    """Common to both kinds of check: the spec and the way findings are made.

    Examples:
        >>> from iso10002.principles.handling import free_of_charge
        >>> print(free_of_charge.finding(FindingSeverity.MAJOR, "charged GBP 5.00", "C-1"))
        [major] 4.8 C-1: charged GBP 5.00
    """

    __slots__ = ()
    spec: CheckSpec

    @property
    def name(self) -> str:
        """The stable id (``"objectivity.four_eyes_redress"``)."""
        return self.spec.name

    @property
    def principle(self) -> Principle:
        """The principle a failure falls under."""
        return self.spec.principle

    @property
    def clause(self) -> str:
        """The clause findings cite."""
        return self.spec.clause

    @property
    def checks(self) -> str:
        """What the check verifies, in one sentence."""
        return self.spec.checks

    @property
    def scope(self) -> Scope:
        """Complaint or process."""
        return self.spec.scope

    def finding(
        self,
        severity: FindingSeverity,
        message: str,
        complaint_id: str | None = None,
        evidence: tuple[EventRef, ...] = (),
    ) -> Finding:
        """A :class:`Finding` of this check: its id, principle and clause filled in."""
        return Finding(
            principle=self.spec.principle,
            clause=self.spec.clause,
            severity=severity,
            message=message,
            complaint_id=complaint_id,
            evidence=evidence,
            check=self.spec.name,
        )


@attrs.frozen
class ComplaintCheck(Check):
    """A registered-ready complaint check; call it like its function.

    Examples:
        >>> from iso10002.principles.handling import free_of_charge
        >>> isinstance(free_of_charge, ComplaintCheck), free_of_charge.principle.value
        (True, 'charges')
    """

    spec: CheckSpec
    function: ComplaintCheckFunction

    def __call__(
        self, complaint: Complaint, history: Sequence[Event], context: CheckContext
    ) -> Iterable[Finding]:
        return self.function(complaint, history, context)


@attrs.frozen
class ProcessCheck(Check):
    """A registered-ready process check; call it like its function.

    Examples:
        >>> from iso10002.principles.oversight import audit_schedule
        >>> isinstance(audit_schedule, ProcessCheck), audit_schedule.clause
        (True, '8.5')
    """

    spec: CheckSpec
    function: ProcessCheckFunction

    def __call__(self, profile: ProcessProfile, context: CheckContext) -> Iterable[Finding]:
        return self.function(profile, context)


def _spec(
    name: str,
    principle: Principle,
    clause: str | None,
    checks: str,
    scope: Scope,
    *,
    needs_policy: bool = False,
) -> CheckSpec:
    if not isinstance(principle, Principle):
        raise ConfigurationError(
            f"check {name!r}: principle must be a Principle, not {principle!r}"
        )
    # A check that names no clause cites its principle's, from the one table.
    number = clause if clause is not None else PRINCIPLES[principle].number
    try:
        return CheckSpec(name, principle, number, checks, scope, needs_policy)
    except (ValueError, TypeError) as exc:
        raise ConfigurationError(f"check {name!r}: {exc}") from None


def complaint_check(
    name: str,
    *,
    principle: Principle,
    checks: str,
    clause: str | None = None,
    needs_policy: bool = False,
) -> Callable[[ComplaintCheckFunction], ComplaintCheck]:
    """Make a :class:`ComplaintCheck` of a function (not registered: see ``Registry``).

    ``clause`` defaults to the principle's clause in :data:`~iso10002.principles.PRINCIPLES`;
    ``needs_policy=True`` runs it only when the context carries an SLA policy.

    Examples:
        >>> from iso10002.principles.clauses import Principle
        >>> @complaint_check("acme.nothing", principle=Principle.CHARGES, checks="Nothing.")
        ... def nothing(complaint, history, context):
        ...     return ()
        >>> nothing.clause
        '4.8'
    """

    spec = _spec(name, principle, clause, checks, Scope.COMPLAINT, needs_policy=needs_policy)

    def make(function: ComplaintCheckFunction) -> ComplaintCheck:
        return ComplaintCheck(spec, function)

    return make


def process_check(
    name: str, *, principle: Principle, checks: str, clause: str | None = None
) -> Callable[[ProcessCheckFunction], ProcessCheck]:
    """Make a :class:`ProcessCheck` of a function (not registered: see ``Registry``).

    Examples:
        >>> from iso10002.principles.clauses import Principle
        >>> @process_check("acme.owner", principle=Principle.COMMITMENT, clause="5.4",
        ...                checks="The process has an owner.")
        ... def owner(profile, context):
        ...     return ()
        >>> owner.scope.value
        'process'
    """

    spec = _spec(name, principle, clause, checks, Scope.PROCESS)

    def make(function: ProcessCheckFunction) -> ProcessCheck:
        return ProcessCheck(spec, function)

    return make
