"""Which checks a conformance run uses: :class:`Registry`, and the built-in checks.

:data:`DEFAULT_REGISTRY` holds the built-in checks and is what every function uses unless
given another registry. A host adds its own check to it (or to a copy) with a decorator or
with :meth:`Registry.add`; from then on it runs, is reported and appears in the audit
checklist exactly like the built-in ones.

Examples:
    >>> from iso10002.principles.clauses import Principle
    >>> registry = Registry.builtin()
    >>> @registry.complaint_check(
    ...     "acme.product_named", principle=Principle.INFORMATION_INTEGRITY, clause="7.2",
    ...     checks="The product complained about is one Acme sells.")
    ... def product_named(complaint, history, context):
    ...     return ()
    >>> "acme.product_named" in registry, "acme.product_named" in DEFAULT_REGISTRY
    (True, False)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from iso10002.errors import ConfigurationError
from iso10002.principles import (
    access,
    decisions,
    framework,
    handling,
    learning,
    oversight,
    privacy,
    record,
    timeliness,
)
from iso10002.principles.checks import (
    CheckSpec,
    ComplaintCheck,
    ComplaintCheckFunction,
    ProcessCheck,
    ProcessCheckFunction,
    complaint_check,
    process_check,
)
from iso10002.principles.clauses import Principle

__all__ = ["BUILTIN_CHECKS", "DEFAULT_REGISTRY", "AnyCheck", "Registry"]

AnyCheck = ComplaintCheck | ProcessCheck
"""A complaint check or a process check."""

BUILTIN_CHECKS: tuple[AnyCheck, ...] = (
    # Complaint checks, roughly in the order of a complaint's life.
    record.receipt_fields,
    record.record_complete,
    record.accountable_actors,
    record.named_owner,
    handling.handler_not_complained_about,
    handling.four_eyes_redress,
    handling.free_of_charge,
    privacy.personal_data_minimised,
    privacy.redaction_respected,
    decisions.communicated_with_reasons,
    decisions.recourse_explained,
    learning.root_cause_before_closure,
    learning.survey_offered,
    timeliness.acknowledged_in_time,
    timeliness.response_deadlines_met,
    timeliness.kept_informed,
    # Process checks.
    framework.published_policy,
    framework.owner_and_authority,
    framework.resources,
    framework.handler_training,
    access.channels_offered,
    access.free_channels,
    access.uk_basic_rate_numbers,
    oversight.corrective_actions,
    oversight.audit_schedule,
    oversight.management_review,
)
"""Every check the library ships, complaint checks first."""


class Registry:
    """The checks to run, by name, in the order they were added.

    Names are unique: adding a second check under a name already taken raises
    :class:`~iso10002.errors.ConfigurationError` unless ``replace=True``.

    Examples:
        >>> registry = Registry.builtin().without("satisfaction.survey_offered")
        >>> len(registry) == len(BUILTIN_CHECKS) - 1
        True
    """

    def __init__(self, checks: Iterable[AnyCheck] = ()) -> None:
        self._checks: dict[str, AnyCheck] = {}
        for check in checks:
            self.add(check)

    @classmethod
    def builtin(cls) -> Registry:
        """A new registry holding the built-in checks only.

        Examples:
            >>> len(Registry.builtin()) == len(BUILTIN_CHECKS)
            True
        """
        return cls(BUILTIN_CHECKS)

    def add(self, check: AnyCheck, *, replace: bool = False) -> AnyCheck:
        """Register ``check`` (made with ``complaint_check`` or ``process_check``); return it.

        Examples:
            >>> from iso10002.principles.handling import free_of_charge
            >>> Registry().add(free_of_charge).name
            'charges.free_of_charge'
        """
        if not isinstance(check, (ComplaintCheck, ProcessCheck)):
            raise ConfigurationError(
                f"{check!r} is not a check; make one with complaint_check() or process_check()"
            )
        if check.name in self._checks and not replace:
            raise ConfigurationError(
                f"a check named {check.name!r} is already registered; pass replace=True to "
                "replace it"
            )
        self._checks[check.name] = check
        return check

    def complaint_check(
        self, name: str, *, principle: Principle, checks: str, clause: str | None = None
    ) -> Callable[[ComplaintCheckFunction], ComplaintCheck]:
        """Decorator: make a complaint check of the function and register it here.

        Examples:
            >>> registry = Registry()
            >>> @registry.complaint_check(
            ...     "acme.nothing", principle=Principle.CHARGES, checks="Nothing.")
            ... def nothing(complaint, history, context):
            ...     return ()
            >>> [c.name for c in registry.complaint_checks]
            ['acme.nothing']
        """
        make = complaint_check(name, principle=principle, checks=checks, clause=clause)

        def register(function: ComplaintCheckFunction) -> ComplaintCheck:
            made = make(function)
            self.add(made)
            return made

        return register

    def process_check(
        self, name: str, *, principle: Principle, checks: str, clause: str | None = None
    ) -> Callable[[ProcessCheckFunction], ProcessCheck]:
        """Decorator: make a process check of the function and register it here.

        Examples:
            >>> registry = Registry()
            >>> @registry.process_check("acme.owner", principle=Principle.COMMITMENT, clause="5.4",
            ...                         checks="An owner is named.")
            ... def owner(profile, context):
            ...     return ()
            >>> [c.scope.value for c in registry.process_checks]
            ['process']
        """
        make = process_check(name, principle=principle, checks=checks, clause=clause)

        def register(function: ProcessCheckFunction) -> ProcessCheck:
            made = make(function)
            self.add(made)
            return made

        return register

    def remove(self, name: str) -> None:
        """Unregister the check called ``name``.

        Examples:
            >>> registry = Registry.builtin()
            >>> registry.remove("satisfaction.survey_offered")
            >>> "satisfaction.survey_offered" in registry
            False
        """
        if name not in self._checks:
            raise ConfigurationError(f"no check named {name!r} is registered")
        del self._checks[name]

    def without(self, *names: str) -> Registry:
        """A copy without the named checks (each must be registered).

        Examples:
            >>> Registry.builtin().without("no.such.check")
            Traceback (most recent call last):
            ...
            iso10002.errors.ConfigurationError: no check named 'no.such.check' is registered
        """
        copy = self.copy()
        for name in names:
            copy.remove(name)
        return copy

    def copy(self) -> Registry:
        """A registry with the same checks, changed independently of this one.

        Examples:
            >>> copy = DEFAULT_REGISTRY.copy()
            >>> copy is DEFAULT_REGISTRY, len(copy) == len(DEFAULT_REGISTRY)
            (False, True)
        """
        return Registry(self._checks.values())

    def get(self, name: str) -> AnyCheck:
        """The check called ``name``.

        Examples:
            >>> DEFAULT_REGISTRY.get("objectivity.four_eyes_redress").clause
            '4.7'
        """
        try:
            return self._checks[name]
        except KeyError:
            raise ConfigurationError(f"no check named {name!r} is registered") from None

    @property
    def complaint_checks(self) -> tuple[ComplaintCheck, ...]:
        """The complaint checks, in registration order."""
        return tuple(c for c in self._checks.values() if isinstance(c, ComplaintCheck))

    @property
    def process_checks(self) -> tuple[ProcessCheck, ...]:
        """The process checks, in registration order."""
        return tuple(c for c in self._checks.values() if isinstance(c, ProcessCheck))

    @property
    def specs(self) -> tuple[CheckSpec, ...]:
        """What every registered check is, without its function (for reports, checklists)."""
        return tuple(c.spec for c in self._checks.values())

    def __contains__(self, name: object) -> bool:
        return name in self._checks

    def __iter__(self) -> Iterator[AnyCheck]:
        return iter(tuple(self._checks.values()))

    def __len__(self) -> int:
        return len(self._checks)

    def __repr__(self) -> str:
        return f"Registry({len(self)} checks)"


DEFAULT_REGISTRY = Registry.builtin()
"""The registry every conformance function uses unless given another; hosts may add to it."""
