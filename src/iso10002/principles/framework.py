"""Process checks on the framework around complaints handling (clauses 5 and 6): commitment
(a published, approved policy; an owner and people with authority), capability (resources)
and competence (trained handlers).

Examples:
    >>> from datetime import datetime, timezone
    >>> from iso10002.principles.context import CheckContext
    >>> from iso10002.principles.profile import ProcessProfile
    >>> context = CheckContext(at=datetime(2026, 3, 31, tzinfo=timezone.utc))
    >>> [f.message for f in published_policy(ProcessProfile(organization="Acme"), context)]
    ['no complaints-handling policy is recorded as published']
"""

from __future__ import annotations

from datetime import datetime

from iso10002.principles._words import day, span
from iso10002.principles.checks import process_check
from iso10002.principles.clauses import Principle
from iso10002.principles.context import CheckContext
from iso10002.principles.findings import Finding, FindingSeverity
from iso10002.principles.profile import ProcessProfile

__all__ = ["handler_training", "owner_and_authority", "published_policy", "resources"]

_MAJOR = FindingSeverity.MAJOR
_MINOR = FindingSeverity.MINOR


@process_check(
    "commitment.published_policy",
    principle=Principle.COMMITMENT,
    clause="5.3",
    checks=(
        "A complaints-handling policy is published where complainants can find it, was "
        "approved by top management (5.2) and was reviewed within the review_interval."
    ),
)
def published_policy(profile: ProcessProfile, context: CheckContext) -> tuple[Finding, ...]:
    """ISO 10002 5.3: the organization commits to a policy it publishes and keeps current.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.testing.builders import START, conforming_profile
        >>> published_policy(conforming_profile(START), CheckContext(at=START))
        ()
    """
    policy = profile.policy
    if policy is None:
        return (
            published_policy.finding(
                _MAJOR, "no complaints-handling policy is recorded as published"
            ),
        )
    findings = []
    if policy.approved_by is None:
        findings.append(
            published_policy.finding(
                _MINOR, f"policy {policy.version} was not approved by top management (5.2)"
            )
        )
    reviewed = policy.reviewed_at or policy.published_at
    if context.at - reviewed > context.review_interval:
        findings.append(
            published_policy.finding(
                _MINOR,
                f"policy {policy.version} was last reviewed on {day(reviewed)}, more than "
                f"{span(context.review_interval)} ago",
            )
        )
    return tuple(findings)


@process_check(
    "commitment.owner_and_authority",
    principle=Principle.COMMITMENT,
    clause="5.4",
    checks=(
        "Someone is named as owner of the complaints-handling process, and someone is "
        "recorded as having authority to decide complaints and approve redress."
    ),
)
def owner_and_authority(profile: ProcessProfile, context: CheckContext) -> tuple[Finding, ...]:
    """ISO 10002 5.4: responsibility and authority are assigned, not assumed.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.testing.builders import START, conforming_profile
        >>> owner_and_authority(conforming_profile(START), CheckContext(at=START))
        ()
    """
    findings = []
    if profile.owner is None:
        findings.append(
            owner_and_authority.finding(
                _MAJOR, "nobody is named as owner of the complaints-handling process"
            )
        )
    if not profile.authorities:
        findings.append(
            owner_and_authority.finding(
                _MAJOR, "nobody is recorded as having authority to decide complaints or redress"
            )
        )
    return tuple(findings)


@process_check(
    "capability.resources",
    principle=Principle.CAPABILITY,
    clause="6.4",
    checks=(
        "A resource plan names at least one handler, its monthly capacity covers the "
        "expected volume, and it was made within the review_interval."
    ),
)
def resources(profile: ProcessProfile, context: CheckContext) -> tuple[Finding, ...]:
    """ISO 10002 6.4: enough people and capacity are set aside to handle complaints.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.testing.builders import START, conforming_profile
        >>> resources(conforming_profile(START), CheckContext(at=START))
        ()
    """
    plan = profile.resources
    if plan is None:
        return (resources.finding(_MAJOR, "no resource plan for complaints handling is recorded"),)
    findings = []
    if plan.handlers == 0:
        findings.append(resources.finding(_MAJOR, "the resource plan assigns no handlers"))
    if plan.monthly_capacity < plan.expected_monthly_volume:
        findings.append(
            resources.finding(
                _MAJOR,
                f"the plan's capacity of {plan.monthly_capacity:,} complaints a month is below "
                f"the {plan.expected_monthly_volume:,} expected",
            )
        )
    if context.at - plan.planned_at > context.review_interval:
        findings.append(
            resources.finding(
                _MINOR,
                f"the resource plan dates from {day(plan.planned_at)}, more than "
                f"{span(context.review_interval)} ago",
            )
        )
    return tuple(findings)


@process_check(
    "competence.handler_training",
    principle=Principle.COMPETENCE,
    checks=(
        "Handlers are listed, and each completed complaints-handling training within the "
        "context's training_valid_for."
    ),
)
def handler_training(profile: ProcessProfile, context: CheckContext) -> tuple[Finding, ...]:
    """ISO 10002 4.14: the people who handle complaints are trained to.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.testing.builders import START, conforming_profile
        >>> handler_training(conforming_profile(START), CheckContext(at=START))
        ()
    """
    if not profile.handlers:
        return (handler_training.finding(_MAJOR, "no complaint handlers are listed"),)
    latest: dict[str, datetime] = {}
    for record in profile.training:
        done = record.completed_at
        if done <= context.at and (record.handler not in latest or done > latest[record.handler]):
            latest[record.handler] = done
    untrained = [h for h in profile.handlers if h not in latest]
    lapsed = [
        h
        for h in profile.handlers
        if h in latest and context.at - latest[h] > context.training_valid_for
    ]
    findings = []
    if untrained:
        findings.append(
            handler_training.finding(
                _MAJOR, f"no complaints-handling training is recorded for {', '.join(untrained)}"
            )
        )
    if lapsed:
        findings.append(
            handler_training.finding(
                _MINOR,
                f"the training of {', '.join(lapsed)} is older than "
                f"{span(context.training_valid_for)}",
            )
        )
    return tuple(findings)
