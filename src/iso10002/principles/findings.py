"""What a check reports: a :class:`Finding`, its severity and the events it rests on.

A finding names the principle and the clause, says in plain words what is wrong, which
complaint it concerns (``None`` for the process as a whole), the events it looked at, and
the check that made it, so a report, a checklist and a failing test all say the same thing.

Examples:
    >>> from datetime import datetime, timezone
    >>> from iso10002.principles.clauses import Principle
    >>> finding = Finding(
    ...     principle=Principle.OBJECTIVITY, clause="4.7", severity=FindingSeverity.MAJOR,
    ...     message="agent:zed is named in the complaint and closed it",
    ...     complaint_id="C-0001", check="objectivity.handler_not_complained_about",
    ...     evidence=(EventRef(8, "closed", datetime(2026, 1, 5, 16, tzinfo=timezone.utc)),),
    ... )
    >>> print(finding)
    [major] 4.7 C-0001: agent:zed is named in the complaint and closed it (event 8 closed)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum

import attrs

from iso10002 import _checks
from iso10002.events import Event
from iso10002.principles.clauses import Principle

__all__ = ["EventRef", "Finding", "FindingSeverity", "refs"]


class FindingSeverity(str, Enum):
    """How much a finding matters, from ``info`` (no failure) to ``critical``.

    ``minor``: a gap in good practice; ``major``: the principle is not met for this
    complaint or process; ``critical``: the record cannot be trusted, or a regulatory rule
    is broken outright.

    Examples:
        >>> FindingSeverity.MAJOR >= FindingSeverity.MINOR
        True
    """

    INFO = "info"
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        """0 for ``info`` up to 3 for ``critical``."""
        return _RANK[self]

    # Ordered by rank, not alphabetically as their text would be; comparing with anything
    # else (a plain string such as "minor") is a mistake, refused rather than answered.
    def __ge__(self, other: object) -> bool:
        return _RANK[self] >= _rank_of(other)

    def __gt__(self, other: object) -> bool:
        return _RANK[self] > _rank_of(other)

    def __le__(self, other: object) -> bool:
        return _RANK[self] <= _rank_of(other)

    def __lt__(self, other: object) -> bool:
        return _RANK[self] < _rank_of(other)


_RANK = {severity: rank for rank, severity in enumerate(FindingSeverity)}


def _rank_of(other: object) -> int:
    if not isinstance(other, FindingSeverity):
        raise TypeError(f"a FindingSeverity compares only with another, not {other!r}")
    return _RANK[other]


@attrs.frozen
class EventRef:
    """One event a finding rests on: its place in the history, its type and its instant.

    Examples:
        >>> from iso10002.testing.builders import history_to
        >>> refs(history_to("acknowledged"), 1)
        (EventRef(version=2, event_type='acknowledged', at=datetime.datetime(2026, 1, 5, 10, 0, tzinfo=datetime.timezone.utc)),)
    """  # noqa: E501

    version: int = attrs.field(validator=_checks.instance_of(int))
    event_type: str = attrs.field(validator=_checks.required_text)
    at: datetime = attrs.field(converter=_checks.to_utc, validator=_checks.aware)

    def __str__(self) -> str:
        return f"event {self.version} {self.event_type}"


def refs(history: Sequence[Event], *indexes: int) -> tuple[EventRef, ...]:
    """References to ``history[i]`` for each index ``i`` (version ``i + 1``).

    Examples:
        >>> from iso10002.testing.builders import history_to
        >>> [str(ref) for ref in refs(history_to("assessed"), 0, 2)]
        ['event 1 received', 'event 3 assessed']
    """
    return tuple(EventRef(i + 1, history[i].event_type, history[i].at) for i in indexes)


@attrs.frozen(kw_only=True)
class Finding:
    """One way a complaint, or the process, falls short of a principle.

    ``check`` is the stable id of the check that made it (``"charges.free_of_charge"``),
    ``clause`` the clause it cites (``"7.8"``), ``complaint_id`` ``None`` for findings on the
    process as a whole, ``evidence`` the events it looked at.

    Examples:
        >>> from iso10002.principles.learning import survey_offered
        >>> finding = survey_offered.finding(FindingSeverity.MINOR, "no survey offered", "C-7")
        >>> finding.principle.value, finding.clause, finding.check
        ('customer_focused_approach', '8.3', 'satisfaction.survey_offered')
    """

    principle: Principle = attrs.field(validator=_checks.instance_of(Principle))
    clause: str = attrs.field(validator=_checks.required_text)
    severity: FindingSeverity = attrs.field(validator=_checks.instance_of(FindingSeverity))
    message: str = attrs.field(validator=_checks.required_text)
    complaint_id: str | None = attrs.field(default=None, validator=_checks.required_text_optional)
    evidence: tuple[EventRef, ...] = attrs.field(default=(), validator=_checks.tuple_of(EventRef))
    check: str = attrs.field(validator=_checks.required_text)

    def __str__(self) -> str:
        where = self.complaint_id if self.complaint_id is not None else "process"
        seen = f" ({', '.join(map(str, self.evidence))})" if self.evidence else ""
        return f"[{self.severity.value}] {self.clause} {where}: {self.message}{seen}"
