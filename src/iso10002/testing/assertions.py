"""``assert_conforms``: a test assertion that fails with the findings listed.

Needs only the core library (no pytest), so it works in any test runner.

Examples:
    >>> from iso10002.testing.builders import conforming_history
    >>> report = assert_conforms(conforming_history())
    >>> report.passed
    True
    >>> from iso10002.testing.builders import history_to
    >>> assert_conforms(history_to("closed"))
    Traceback (most recent call last):
    ...
    AssertionError: 1 finding at minor or above (1 complaint checked):
      [major] 8.2 C-0001: the complaint was closed without a root cause being recorded (event 8 closed)  [improvement.root_cause_before_closure]
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast

from iso10002.desk import ComplaintsDesk
from iso10002.errors import ConfigurationError
from iso10002.events import Event
from iso10002.model import Complaint
from iso10002.principles import (
    DEFAULT_REGISTRY,
    CheckContext,
    ConformanceReport,
    FindingSeverity,
    ProcessProfile,
    Registry,
    check_conformance,
)
from iso10002.replay import replay
from iso10002.storage.protocol import ComplaintQuery, ComplaintStore

__all__ = ["assert_conforms"]

_SHOWN = 50


def _is_store(subject: object) -> bool:
    return all(callable(getattr(subject, name, None)) for name in ("find", "history"))


def _records(
    store: ComplaintStore, query: ComplaintQuery
) -> list[tuple[Complaint, Sequence[Event]]]:
    return [(c, store.history(c.id)) for c in store.find(query)]


def _report(
    subject: ComplaintsDesk | ComplaintStore | ConformanceReport | Sequence[Event],
    *,
    context: CheckContext | None,
    profile: ProcessProfile | None,
    registry: Registry | None,
    query: ComplaintQuery,
    fail_at: FindingSeverity,
) -> ConformanceReport:
    if isinstance(subject, ConformanceReport):
        return subject
    if isinstance(subject, (list, tuple)):
        history = tuple(subject)
        complaint = replay(history)
        if context is None:  # judged as of its latest event
            context = CheckContext(at=complaint.last_event_at)
        return check_conformance(
            [(complaint, history)], context, profile=profile, registry=registry, fail_at=fail_at
        )
    store: ComplaintStore
    if isinstance(subject, ComplaintsDesk):
        store, policy, now = subject.store, subject.policy, subject.clock()
    elif _is_store(subject):
        store, policy, now = cast(ComplaintStore, subject), None, None
    else:
        raise ConfigurationError(
            "assert_conforms() takes a ComplaintsDesk, a ComplaintStore, a ConformanceReport "
            f"or a history of events, not {type(subject).__name__}"
        )
    records = _records(store, query)
    if context is None:
        if now is None:  # a bare store has no clock: judge as of its latest event
            latest = [c.last_event_at for c, _ in records]
            now = max(latest) if latest else None
        if now is None:
            raise ConfigurationError("the store holds no complaints; give a context")
        integrity = store.verify_integrity([c.id for c, _ in records])
        context = CheckContext(at=now, policy=policy, integrity=integrity)
    return check_conformance(records, context, profile=profile, registry=registry, fail_at=fail_at)


def assert_conforms(
    subject: ComplaintsDesk | ComplaintStore | ConformanceReport | Sequence[Event],
    *,
    context: CheckContext | None = None,
    profile: ProcessProfile | None = None,
    registry: Registry | None = None,
    query: ComplaintQuery = ComplaintQuery(),
    fail_at: FindingSeverity = FindingSeverity.MINOR,
    ignore: Iterable[str] = (),
) -> ConformanceReport:
    """Check ``subject`` and fail, listing the findings, unless it conforms; return the report.

    ``subject`` is a desk (its store's complaints matching ``query``, judged at the desk's
    clock with its policy and the store's integrity report), a store (judged as of its latest
    event), a history of one complaint (judged as of its latest event) or a report already
    made. ``context`` replaces the context built for you. Findings below ``fail_at``, and
    those of the checks named in ``ignore``, do not fail the assertion.

    Examples:
        >>> from iso10002.testing.builders import conforming_history
        >>> assert_conforms(conforming_history()).complaints_checked
        1
    """
    report = _report(
        subject,
        context=context,
        profile=profile,
        registry=registry,
        query=query,
        fail_at=fail_at,
    )
    ignored = frozenset(ignore)
    known = {spec.name for spec in report.checks} | {c.name for c in (registry or DEFAULT_REGISTRY)}
    unknown = sorted(ignored - known)
    if unknown:
        raise ConfigurationError(f"ignore names no such check: {', '.join(unknown)}")
    failing = [f for f in report.findings if f.severity >= fail_at and f.check not in ignored]
    if failing:
        checked = report.complaints_checked
        scope = f"{checked:,} complaint{'s' if checked != 1 else ''} checked"
        if report.profile_checked:
            scope += ", and the process profile"
        lines = [
            f"{len(failing):,} finding{'s' if len(failing) != 1 else ''} at {fail_at.value} "
            f"or above ({scope}):"
        ]
        lines += [f"  {finding}  [{finding.check}]" for finding in failing[:_SHOWN]]
        if len(failing) > _SHOWN:
            lines.append(f"  … and {len(failing) - _SHOWN:,} more")
        raise AssertionError("\n".join(lines))
    return report
