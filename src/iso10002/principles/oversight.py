"""Process checks on keeping the process under review: corrective actions (8.7), audits
(8.5) and management reviews (8.6).

Examples:
    >>> from datetime import datetime, timezone
    >>> from iso10002.principles.context import CheckContext
    >>> from iso10002.principles.profile import AuditRecord, ProcessProfile
    >>> context = CheckContext(at=datetime(2026, 3, 31, tzinfo=timezone.utc))
    >>> profile = ProcessProfile(organization="Acme", owner="kim", audits=(
    ...     AuditRecord(datetime(2025, 11, 3, tzinfo=timezone.utc), auditor="kim"),))
    >>> [f.message for f in audit_schedule(profile, context)]  # doctest: +ELLIPSIS
    ['the latest audit (03 Nov 2025) was carried out by kim, who owns ...']
"""

from __future__ import annotations

from iso10002.principles._words import day, span
from iso10002.principles.checks import process_check
from iso10002.principles.clauses import Principle
from iso10002.principles.context import CheckContext
from iso10002.principles.findings import Finding, FindingSeverity
from iso10002.principles.profile import ProcessProfile

__all__ = ["audit_schedule", "corrective_actions", "management_review"]

_MAJOR = FindingSeverity.MAJOR
_MINOR = FindingSeverity.MINOR


@process_check(
    "improvement.corrective_actions",
    principle=Principle.IMPROVEMENT,
    clause="8.7",
    checks=(
        "Every corrective action names the root cause it treats, is completed by its due "
        "date, and has its effect verified once completed."
    ),
)
def corrective_actions(profile: ProcessProfile, context: CheckContext) -> tuple[Finding, ...]:
    """ISO 10002 8.7: causes found in complaints are removed, and the removal is checked.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.testing.builders import START, conforming_profile
        >>> corrective_actions(conforming_profile(START), CheckContext(at=START))
        ()
    """
    actions = profile.corrective_actions
    if not actions:
        return (
            corrective_actions.finding(
                FindingSeverity.INFO, "no corrective actions are recorded in the profile"
            ),
        )
    findings = []
    for action in actions:
        name = f"corrective action {action.reference}"
        if action.root_cause is None:
            findings.append(
                corrective_actions.finding(_MINOR, f"{name} is not linked to a root cause")
            )
        if action.completed_at is None and action.due is not None and context.at > action.due:
            findings.append(
                corrective_actions.finding(_MINOR, f"{name} was due on {day(action.due)}")
            )
        if action.completed_at is not None and action.verified_at is None:
            findings.append(
                corrective_actions.finding(
                    _MINOR, f"{name} was completed but its effect was never verified"
                )
            )
    return tuple(findings)


@process_check(
    "auditing.audit_schedule",
    principle=Principle.IMPROVEMENT,
    clause="8.5",
    checks=(
        "The process was audited within the audit_interval, and the latest audit was carried "
        "out by someone who neither owns the process nor handles complaints."
    ),
)
def audit_schedule(profile: ProcessProfile, context: CheckContext) -> tuple[Finding, ...]:
    """ISO 10002 8.5: the process is audited regularly, and independently.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.testing.builders import START, conforming_profile
        >>> audit_schedule(conforming_profile(START), CheckContext(at=START))
        ()
    """
    done = [a for a in profile.audits if a.at <= context.at]
    if not done:
        return (audit_schedule.finding(_MAJOR, "the process has never been audited"),)
    latest = max(done, key=lambda a: a.at)
    findings = []
    if context.at - latest.at > context.audit_interval:
        findings.append(
            audit_schedule.finding(
                _MAJOR,
                f"the latest audit was on {day(latest.at)}, more than "
                f"{span(context.audit_interval)} ago",
            )
        )
    if latest.auditor == profile.owner or latest.auditor in profile.handlers:
        role = "owns the process" if latest.auditor == profile.owner else "handles complaints"
        findings.append(
            audit_schedule.finding(
                _MINOR,
                f"the latest audit ({day(latest.at)}) was carried out by {latest.auditor}, "
                f"who {role}; audits should be independent of the activity audited",
            )
        )
    return tuple(findings)


@process_check(
    "review.management_review",
    principle=Principle.COMMITMENT,
    clause="8.6",
    checks="Top management reviewed the process within the review_interval.",
)
def management_review(profile: ProcessProfile, context: CheckContext) -> tuple[Finding, ...]:
    """ISO 10002 8.6: top management reviews the process regularly.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.testing.builders import START, conforming_profile
        >>> management_review(conforming_profile(START), CheckContext(at=START))
        ()
    """
    held = [r for r in profile.reviews if r.at <= context.at]
    if not held:
        return (
            management_review.finding(
                _MAJOR, "top management has never reviewed the complaints-handling process"
            ),
        )
    latest = max(held, key=lambda r: r.at)
    if context.at - latest.at <= context.review_interval:
        return ()
    return (
        management_review.finding(
            _MAJOR,
            f"the latest management review was on {day(latest.at)}, more than "
            f"{span(context.review_interval)} ago",
        ),
    )
