"""The outcome of a conformance run: :class:`ConformanceReport`.

Findings grouped by principle and clause, a pass or fail per principle (or *not checked*,
when no check of it ran), counts by severity, JSON through the library's converter and a
text rendering a person can read. Its :meth:`~ConformanceReport.checklist` is the audit
checklist of clause 8.5 with each line's result.

Examples:
    >>> from iso10002.principles.conformance import check_conformance
    >>> from iso10002.principles.context import CheckContext
    >>> from iso10002.replay import replay
    >>> from iso10002.testing.builders import history_to
    >>> events = history_to("closed")
    >>> report = check_conformance([(replay(events), events)],
    ...                            CheckContext(at=events[-1].at))
    >>> report.result(Principle.IMPROVEMENT).status.value, report.passed
    ('fail', False)
    >>> report.result(Principle.COMPETENCE).status.value  # a process check; no profile given
    'not_checked'
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from enum import Enum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import attrs

from iso10002.principles.checks import CheckSpec, Scope
from iso10002.principles.clauses import CLAUSES, PRINCIPLES, Principle, clause_sort_key
from iso10002.principles.findings import Finding, FindingSeverity
from iso10002.serialization import to_data

if TYPE_CHECKING:
    from iso10002.principles.checklist import AuditChecklist

__all__ = ["ConformanceReport", "PrincipleResult", "PrincipleStatus"]


class PrincipleStatus(str, Enum):
    """A principle's result: ``pass``, ``fail``, or ``not_checked`` (no check of it ran).

    Examples:
        >>> PrincipleStatus("not_checked") is PrincipleStatus.NOT_CHECKED
        True
    """

    PASS = "pass"
    FAIL = "fail"
    NOT_CHECKED = "not_checked"


@attrs.frozen(kw_only=True)
class PrincipleResult:
    """One principle's line in the report: its clause, result, checks and finding counts.

    Examples:
        >>> from datetime import datetime, timezone
        >>> from iso10002.principles.conformance import check_conformance
        >>> from iso10002.principles.context import CheckContext
        >>> at = datetime(2026, 1, 5, tzinfo=timezone.utc)
        >>> report = check_conformance([], CheckContext(at=at))
        >>> result = report.result(Principle.CHARGES)
        >>> result.clause, result.status.value, result.findings
        ('4.8', 'not_checked', 0)
    """

    principle: Principle
    clause: str
    status: PrincipleStatus
    checks: tuple[str, ...]
    critical: int = 0
    major: int = 0
    minor: int = 0
    info: int = 0

    @property
    def findings(self) -> int:
        """How many findings the principle has, of any severity."""
        return self.critical + self.major + self.minor + self.info


_STATUS_TEXT = {
    PrincipleStatus.PASS: "pass",
    PrincipleStatus.FAIL: "FAIL",
    PrincipleStatus.NOT_CHECKED: "not checked",
}


def _ran(spec: CheckSpec, complaints: int, profile: bool) -> bool:
    return profile if spec.scope is Scope.PROCESS else complaints > 0


def _results(report: ConformanceReport) -> tuple[PrincipleResult, ...]:
    counts = Counter((f.principle, f.severity) for f in report.findings)
    failing = {f.principle for f in report.findings if f.severity >= report.fail_at}
    results = []
    for principle in Principle:
        specs = [s for s in report.checks if s.principle is principle]
        ran = any(_ran(s, report.complaints_checked, report.profile_checked) for s in specs)
        if principle in failing:
            status = PrincipleStatus.FAIL
        elif ran:
            status = PrincipleStatus.PASS
        else:
            status = PrincipleStatus.NOT_CHECKED
        results.append(
            PrincipleResult(
                principle=principle,
                clause=PRINCIPLES[principle].number,
                status=status,
                checks=tuple(s.name for s in specs),
                critical=counts[(principle, FindingSeverity.CRITICAL)],
                major=counts[(principle, FindingSeverity.MAJOR)],
                minor=counts[(principle, FindingSeverity.MINOR)],
                info=counts[(principle, FindingSeverity.INFO)],
            )
        )
    return tuple(results)


@attrs.frozen(kw_only=True)
class ConformanceReport:
    """What a conformance run found, for ``complaints_checked`` complaints and the profile.

    A principle fails when one of its findings is at ``fail_at`` or above (``minor`` by
    default; ``info`` findings never fail). ``checks`` lists every check the run used.
    Build one with :func:`~iso10002.principles.check_conformance`.

    Examples:
        >>> from datetime import datetime, timezone
        >>> report = ConformanceReport(at=datetime(2026, 1, 5, tzinfo=timezone.utc),
        ...     complaints_checked=0, profile_checked=False, checks=(), findings=())
        >>> report.passed, len(report.results)
        (True, 14)
    """

    at: datetime
    complaints_checked: int
    profile_checked: bool
    fail_at: FindingSeverity = FindingSeverity.MINOR
    checks: tuple[CheckSpec, ...]
    findings: tuple[Finding, ...]
    results: tuple[PrincipleResult, ...] = attrs.field(init=False, eq=False)

    @results.default
    def _compute_results(self) -> tuple[PrincipleResult, ...]:
        return _results(self)

    # --- reading ---------------------------------------------------------------------------

    @property
    def passed(self) -> bool:
        """No principle failed (principles not checked do not count as failures)."""
        return all(r.status is not PrincipleStatus.FAIL for r in self.results)

    @property
    def failures(self) -> tuple[Finding, ...]:
        """The findings at ``fail_at`` or above: the ones that make principles fail."""
        return tuple(f for f in self.findings if f.severity >= self.fail_at)

    @property
    def counts(self) -> Mapping[FindingSeverity, int]:
        """How many findings there are of each severity."""
        counted = Counter(f.severity for f in self.findings)
        return MappingProxyType({s: counted[s] for s in FindingSeverity})

    def result(self, principle: Principle) -> PrincipleResult:
        """The line of ``principle``."""
        return next(r for r in self.results if r.principle is principle)

    def grouped(self) -> Mapping[Principle, Mapping[str, tuple[Finding, ...]]]:
        """Findings by principle, then by clause in the standard's order.

        Examples:
            >>> from datetime import datetime, timezone
            >>> empty = ConformanceReport(at=datetime(2026, 1, 1, tzinfo=timezone.utc),
            ...     complaints_checked=0, profile_checked=False, checks=(), findings=())
            >>> dict(empty.grouped())
            {}
        """
        grouped: dict[Principle, dict[str, list[Finding]]] = {}
        for finding in self.findings:
            grouped.setdefault(finding.principle, {}).setdefault(finding.clause, []).append(finding)
        return MappingProxyType(
            {
                principle: MappingProxyType(
                    {
                        number: tuple(by_clause[number])
                        for number in sorted(by_clause, key=clause_sort_key)
                    }
                )
                for principle in Principle
                if (by_clause := grouped.get(principle))
            }
        )

    def for_complaint(self, complaint_id: str) -> tuple[Finding, ...]:
        """The findings on one complaint."""
        return tuple(f for f in self.findings if f.complaint_id == complaint_id)

    def checklist(self) -> AuditChecklist:
        """The audit checklist (8.5) of the checks this run used, with each one's result."""
        from iso10002.principles.checklist import audit_checklist

        return audit_checklist(self.checks, report=self)

    # --- JSON ------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        """JSON-ready data: the summary, each principle's result, findings by clause.

        Examples:
            >>> from datetime import datetime, timezone
            >>> empty = ConformanceReport(at=datetime(2026, 1, 1, tzinfo=timezone.utc),
            ...     complaints_checked=0, profile_checked=False, checks=(), findings=())
            >>> sorted(empty.to_data())  # doctest: +NORMALIZE_WHITESPACE
            ['at', 'checks', 'complaints_checked', 'counts', 'fail_at', 'passed',
             'principles', 'profile_checked']
        """
        grouped = self.grouped()
        principles = []
        for result in self.results:
            row = to_data(result)
            row["title"] = PRINCIPLES[result.principle].title
            row["confirmation"] = PRINCIPLES[result.principle].confirmation.value
            row["clauses"] = [
                {"clause": number, "findings": [to_data(f) for f in findings]}
                for number, findings in grouped.get(result.principle, {}).items()
            ]
            principles.append(row)
        return {
            "at": to_data(self.at),
            "complaints_checked": self.complaints_checked,
            "profile_checked": self.profile_checked,
            "fail_at": self.fail_at.value,
            "passed": self.passed,
            "counts": {s.value: n for s, n in self.counts.items()},
            "checks": [to_data(spec) for spec in self.checks],
            "principles": principles,
        }

    def to_json(self, *, indent: int | None = None) -> str:
        """:meth:`to_data` as a JSON string.

        Examples:
            >>> from datetime import datetime, timezone
            >>> report = ConformanceReport(at=datetime(2026, 1, 5, tzinfo=timezone.utc),
            ...     complaints_checked=0, profile_checked=False, checks=(), findings=())
            >>> report.to_json()[:46]
            '{"at": "2026-01-05T00:00:00+00:00", "complaint'
        """
        return json.dumps(self.to_data(), ensure_ascii=False, indent=indent)

    # --- text ------------------------------------------------------------------------------

    def to_text(self, *, limit: int = 10) -> str:
        """A readable rendering: the summary, one line per principle, then the findings.

        At most ``limit`` findings are shown per clause of each principle; the rest are
        counted.

        Examples:
            >>> from datetime import datetime, timezone
            >>> report = ConformanceReport(at=datetime(2026, 1, 5, tzinfo=timezone.utc),
            ...     complaints_checked=0, profile_checked=False, checks=(), findings=())
            >>> print(report.to_text().splitlines()[0])
            ISO 10002 conformance at 05 Jan 2026 00:00 UTC: PASSED
        """
        lines = [
            f"ISO 10002 conformance at {self.at:%d %b %Y %H:%M} UTC: "
            f"{'PASSED' if self.passed else 'FAILED'}",
            f"{self.complaints_checked:,} complaint{'s' if self.complaints_checked != 1 else ''}"
            f"{' and the process profile' if self.profile_checked else ''}, "
            f"{len(self.checks)} checks; failing at {self.fail_at.value} and above",
            "Findings: "
            + ", ".join(f"{self.counts[s]:,} {s.value}" for s in reversed(FindingSeverity)),
            "",
        ]
        width = max(len(PRINCIPLES[p].title) for p in Principle) + 2
        lines.append(f"  {'Result':<12}{'Clause':<19}{'Principle':<{width}}Findings")
        for result in self.results:
            row = PRINCIPLES[result.principle]
            status = _STATUS_TEXT[result.status]
            number = f"{row.number} {row.mark}".strip()
            counts = ", ".join(
                f"{getattr(result, s.value):,} {s.value}"
                for s in reversed(FindingSeverity)
                if getattr(result, s.value)
            )
            lines.append(f"  {status:<12}{number:<19}{row.title:<{width}}{counts}".rstrip())
        grouped = self.grouped()
        if grouped:
            lines += ["", "Findings by principle and clause:"]
        for principle, by_clause in grouped.items():
            for number, findings in by_clause.items():
                known = CLAUSES.get(number)
                heading = f"{number} {known.title}" if known is not None else number
                if known is not None and known.mark:
                    heading += f" ({known.mark})"
                if known is None or known.title != principle.heading:
                    heading = f"{principle.heading}: {heading}"
                lines.append(heading)
                for finding in findings[:limit]:
                    lines.append(f"  {finding}  [{finding.check}]")
                if len(findings) > limit:
                    lines.append(f"  … and {len(findings) - limit:,} more")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()
