"""Checks against the SLA policy's targets: acknowledgement (7.4; responsiveness), deadlines
for responses (timeliness), and keeping the complainant informed at the policy's interval
(7.3; transparency).

The deadlines themselves live in :mod:`iso10002.sla`: these checks only ask the context's
:class:`~iso10002.sla.SlaPolicy` how each target stands at the context's instant, and turn a
breach into a finding whose message is the policy's own explanation ("received …; close of
business on the 3rd business day … -> due …"). A run whose context has no SLA policy does not
run them, so responsiveness, timeliness and transparency are then *not checked* rather than
passed by default.

Examples:
    >>> from datetime import timedelta
    >>> from iso10002.principles.context import CheckContext
    >>> from iso10002.replay import replay
    >>> from iso10002.sla import presets
    >>> from iso10002.testing.builders import history_to
    >>> events = history_to("received")
    >>> complaint = replay(events)
    >>> context = CheckContext(at=complaint.received_at + timedelta(days=10),
    ...                        policy=presets.get("fca.disp.standard"))
    >>> [f.check for f in acknowledged_in_time(complaint, events, context)]
    ['responsiveness.acknowledged_in_time']
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from iso10002.events import (
    Acknowledged,
    DecisionCommunicated,
    Event,
    HoldingResponseSent,
    ProgressUpdate,
)
from iso10002.model import Complaint
from iso10002.principles.checks import ComplaintCheck, complaint_check
from iso10002.principles.clauses import Principle
from iso10002.principles.context import CheckContext
from iso10002.principles.findings import Finding, FindingSeverity, refs
from iso10002.sla.policy import SlaEvaluation, Stage, TargetState, TargetStatus

__all__ = ["acknowledged_in_time", "kept_informed", "response_deadlines_met"]

_CHECKED_STAGES = frozenset(
    {Stage.ACKNOWLEDGE, Stage.HOLDING_RESPONSE, Stage.FINAL_RESPONSE, Stage.UPDATE}
)
_COMMUNICATIONS = (Acknowledged, ProgressUpdate, HoldingResponseSent, DecisionCommunicated)
# Enum members bound once: looking one up on its class costs about 0.4 µs on Python 3.11,
# and these run for every complaint.
_BREACHED, _AT_RISK = TargetState.BREACHED, TargetState.AT_RISK
_INFO, _MAJOR, _MINOR = FindingSeverity.INFO, FindingSeverity.MAJOR, FindingSeverity.MINOR
_ACKNOWLEDGE = (Stage.ACKNOWLEDGE,)
_RESPONSES = (Stage.HOLDING_RESPONSE, Stage.FINAL_RESPONSE)
_UPDATES = (Stage.UPDATE,)


def _evaluation(complaint: Complaint, context: CheckContext) -> SlaEvaluation | None:
    """The policy's judgement of ``complaint`` at ``context.at``, without words.

    The three checks run one after another on the same complaint, so the last evaluation is
    kept on the context and reused: one evaluation per complaint, not three.
    """
    policy = context.sla_policy
    if policy is None:
        return None
    memo = context.sla_memo
    if memo and memo[0][0] is complaint:
        return memo[0][1]
    evaluation = policy.evaluate(complaint, context.at, explain=False, stages=_CHECKED_STAGES)
    memo[:] = [(complaint, evaluation)]
    return evaluation


def _explained(complaint: Complaint, context: CheckContext, status: TargetStatus) -> str:
    """The policy's own explanation of one target, computed only for a finding."""
    policy = context.sla_policy
    assert policy is not None  # a status exists only when a policy evaluated it
    for explained in policy.evaluate(complaint, context.at, stages=[status.stage]).targets:
        if explained.name == status.name:
            return explained.explanation
    return status.explanation  # pragma: no cover - the same targets, evaluated again


def _indexes(history: Sequence[Event], kinds: tuple[type[Event], ...]) -> list[int]:
    return [i for i, event in enumerate(history) if isinstance(event, kinds)]


def _findings(
    check: ComplaintCheck,
    complaint: Complaint,
    history: Sequence[Event],
    context: CheckContext,
    *,
    stages: Collection[Stage],
    severity: FindingSeverity,
    evidence: tuple[type[Event], ...],
    latest: bool = False,
) -> tuple[Finding, ...]:
    """Findings for the ``stages`` deadlines breached (``severity``) or at risk (info).

    Evidence: the receipt, and the first event of ``evidence``'s kinds that met the target
    (or, with ``latest``, the latest such event: the last time the complainant heard).
    """
    evaluation = _evaluation(complaint, context)
    if evaluation is None:
        return ()
    found = []
    for status in evaluation.targets:
        if status.stage not in stages or not status.deadline:
            continue
        if status.state is _BREACHED:
            level, what = severity, f"{status.name} target missed"
        elif status.state is _AT_RISK:
            level, what = _INFO, f"{status.name} target at risk"
        else:
            continue
        matching = _indexes(history, evidence)
        shown = matching[-1:] if latest else matching[:1] if status.met_at is not None else []
        found.append(
            check.finding(
                level,
                f"{what}: {_explained(complaint, context, status)}",
                complaint.id,
                refs(history, 0, *shown),
            )
        )
    return tuple(found)


@complaint_check(
    "responsiveness.acknowledged_in_time",
    principle=Principle.RESPONSIVENESS,
    clause="7.4",
    needs_policy=True,
    checks=(
        "Receipt was acknowledged to the complainant within the SLA policy's acknowledgement "
        "target; an acknowledgement still awaited after its due date counts as missed."
    ),
)
def acknowledged_in_time(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 7.4: each complaint is acknowledged promptly, as the policy defines it.

    A breached target is a *major* finding; one at risk (most of its budget used, still
    pending) an *info* finding that never fails the principle.

    Examples:
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.sla import presets
        >>> from iso10002.testing.builders import conforming_history
        >>> events = conforming_history()
        >>> context = CheckContext(at=events[-1].at, policy=presets.get("fca.disp.standard"))
        >>> acknowledged_in_time(replay(events), events, context)
        ()
    """
    return _findings(
        acknowledged_in_time,
        complaint,
        history,
        context,
        stages=_ACKNOWLEDGE,
        severity=_MAJOR,
        evidence=(Acknowledged,),
    )


@complaint_check(
    "timeliness.response_deadlines_met",
    principle=Principle.TIMELINESS,
    needs_policy=True,
    checks=(
        "The holding and final responses the SLA policy requires were sent by their "
        "deadlines (for example 8 weeks under DISP 1.6.2R, 15 business days under PSD2)."
    ),
)
def response_deadlines_met(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """Timeliness: responses reach the complainant by the policy's deadlines.

    Examples:
        >>> from datetime import timedelta
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.sla import presets
        >>> from iso10002.testing.builders import history_to
        >>> events = history_to("investigating")
        >>> context = CheckContext(at=events[0].at + timedelta(weeks=9),
        ...                        policy=presets.get("fca.disp.standard"))
        >>> [f.message[:30] for f in response_deadlines_met(replay(events), events, context)]
        ['final_response target missed: ']
    """
    return _findings(
        response_deadlines_met,
        complaint,
        history,
        context,
        stages=_RESPONSES,
        severity=_MAJOR,
        evidence=(HoldingResponseSent, DecisionCommunicated),
    )


@complaint_check(
    "transparency.kept_informed",
    principle=Principle.TRANSPARENCY,
    clause="7.3",
    needs_policy=True,
    checks=(
        "While the complaint was open the complainant heard from the organization at least "
        "as often as the SLA policy's update interval asks (for example every 20 business "
        "days under the Central Bank of Ireland's CPC)."
    ),
)
def kept_informed(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    """ISO 10002 7.3: the complainant is told how things stand, at the policy's interval.

    A policy without an update target asks for nothing here, so nothing is found.

    Examples:
        >>> from datetime import timedelta
        >>> from iso10002.principles import CheckContext
        >>> from iso10002.replay import replay
        >>> from iso10002.sla import presets
        >>> from iso10002.testing.builders import history_to
        >>> events = history_to("investigating")
        >>> context = CheckContext(at=events[0].at + timedelta(weeks=6),
        ...                        policy=presets.get("ie.cbi.cpc"))
        >>> [f.severity.value for f in kept_informed(replay(events), events, context)]
        ['minor']
    """
    return _findings(
        kept_informed,
        complaint,
        history,
        context,
        stages=_UPDATES,
        severity=_MINOR,
        evidence=_COMMUNICATIONS,
        latest=True,
    )
