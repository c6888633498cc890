"""Running the checks: over one complaint, the process profile, or a whole population.

:func:`check_conformance` streams ``(complaint, history)`` pairs once, calling every
complaint check of the registry on each; it keeps only the findings, so its cost is linear in
the number of complaints and a passing complaint allocates nothing. Reading the pairs from a
store is the caller's business (``((c, store.history(c.id)) for c in store.find())``); so is
gathering the store's integrity report (``store.verify_integrity()``) for the context.

Examples:
    >>> from iso10002.principles.context import CheckContext
    >>> from iso10002.replay import replay
    >>> from iso10002.testing.builders import history_to
    >>> events = history_to("closed")
    >>> complaint = replay(events)
    >>> [f.check for f in check_complaint(complaint, events, CheckContext(at=events[-1].at))]
    ['improvement.root_cause_before_closure']
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from iso10002.errors import ConfigurationError
from iso10002.events import Event
from iso10002.model import Complaint
from iso10002.principles.context import CheckContext
from iso10002.principles.findings import Finding, FindingSeverity
from iso10002.principles.profile import ProcessProfile
from iso10002.principles.registry import DEFAULT_REGISTRY, Registry
from iso10002.principles.report import ConformanceReport

__all__ = ["check_complaint", "check_conformance", "check_process"]


def _context(context: object) -> CheckContext:
    if not isinstance(context, CheckContext):
        raise ConfigurationError(f"context: expected a CheckContext, got {type(context).__name__}")
    return context


def check_complaint(
    complaint: Complaint,
    history: Sequence[Event],
    context: CheckContext,
    *,
    registry: Registry | None = None,
) -> tuple[Finding, ...]:
    """Every complaint check of ``registry`` on one complaint and its history.

    Examples:
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> check_complaint(replay(events), events, CheckContext(at=events[-1].at))
        ()
    """
    context = _context(context)
    found: list[Finding] = []
    for check in (registry or DEFAULT_REGISTRY).complaint_checks:
        if check.spec.runs_with(context):
            found.extend(check.function(complaint, history, context))
    return tuple(found)


def check_process(
    profile: ProcessProfile, context: CheckContext, *, registry: Registry | None = None
) -> tuple[Finding, ...]:
    """Every process check of ``registry`` on the host's process profile.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from iso10002.principles.profile import ProcessProfile
        >>> context = CheckContext(at=datetime(2026, 3, 31, tzinfo=timezone.utc))
        >>> len(check_process(ProcessProfile(organization="Acme"), context)) > 5
        True
    """
    if not isinstance(profile, ProcessProfile):
        raise ConfigurationError(
            f"profile: expected a ProcessProfile, got {type(profile).__name__}"
        )
    context = _context(context)
    found: list[Finding] = []
    for check in (registry or DEFAULT_REGISTRY).process_checks:
        found.extend(check.function(profile, context))
    return tuple(found)


def check_conformance(
    records: Iterable[tuple[Complaint, Sequence[Event]]],
    context: CheckContext,
    *,
    profile: ProcessProfile | None = None,
    registry: Registry | None = None,
    fail_at: FindingSeverity = FindingSeverity.MINOR,
) -> ConformanceReport:
    """Check every ``(complaint, history)`` pair, and the profile if given; report.

    The checks are those of ``registry`` (:data:`DEFAULT_REGISTRY` by default) when the run
    starts, less those the context lacks what they need (an SLA policy): the report lists
    the checks that ran. Principles with a finding at ``fail_at`` or above fail.

    Examples:
        >>> from iso10002.replay import replay
        >>> from iso10002.testing.builders import START, conforming_history, conforming_profile
        >>> events = conforming_history()
        >>> report = check_conformance([(replay(events), events)], CheckContext(at=events[-1].at),
        ...                            profile=conforming_profile(START))
        >>> report.passed, report.complaints_checked, report.profile_checked
        (True, 1, True)
    """
    chosen = registry or DEFAULT_REGISTRY
    context = _context(context)
    if not isinstance(fail_at, FindingSeverity):
        raise ConfigurationError(f"fail_at: expected a FindingSeverity, got {fail_at!r}")
    functions = tuple(
        check.function for check in chosen.complaint_checks if check.spec.runs_with(context)
    )
    found: list[Finding] = []
    extend = found.extend
    count = 0
    # The hot loop: a call per check per complaint, nothing else per complaint.
    for complaint, history in records:
        count += 1
        for function in functions:
            extend(function(complaint, history, context))
    if profile is not None:
        found.extend(check_process(profile, context, registry=chosen))
    return ConformanceReport(
        at=context.at,
        complaints_checked=count,
        profile_checked=profile is not None,
        fail_at=fail_at,
        checks=tuple(spec for spec in chosen.specs if spec.runs_with(context)),
        findings=tuple(found),
    )
