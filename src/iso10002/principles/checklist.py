"""The audit checklist of ISO 10002 8.5, generated from the registered checks.

One line per check: the clause it cites (with its heading and UNCONFIRMED mark from the
clause table), the principle, the check's id and what it verifies, and, given a
:class:`~iso10002.principles.report.ConformanceReport`, whether it passed. A host's own
checks appear like the built-in ones, because the checklist is read from the registry.

Examples:
    >>> checklist = audit_checklist()
    >>> line = checklist.item("charges.uk_basic_rate_numbers")
    >>> line.clause, line.principle.value, line.scope.value
    ('4.8', 'charges', 'process')
    >>> print(checklist.to_markdown().splitlines()[0])
    | Clause | Heading | Principle | Check | What it checks | Scope |
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import TYPE_CHECKING

import attrs

from iso10002.principles.checks import CheckSpec, Scope
from iso10002.principles.clauses import (
    CLAUSES,
    PRINCIPLES,
    Confirmation,
    Principle,
    clause_sort_key,
)
from iso10002.principles.registry import DEFAULT_REGISTRY, Registry

if TYPE_CHECKING:
    from iso10002.principles.report import ConformanceReport

__all__ = [
    "AuditChecklist",
    "ChecklistItem",
    "ItemResult",
    "audit_checklist",
    "checks_by_clause",
    "clauses_table",
]


class ItemResult(str, Enum):
    """How a checklist line came out in a run.

    Examples:
        >>> ItemResult("not_run").name
        'NOT_RUN'
    """

    PASS = "pass"
    FAIL = "fail"
    NOT_RUN = "not_run"


@attrs.frozen(kw_only=True)
class ChecklistItem:
    """One line of the audit checklist.

    ``heading`` and ``confirmation`` come from the clause table (``None`` for a clause it
    does not know, such as a host's own reference); ``result`` and ``findings`` are set when
    the checklist was made from a report.

    Examples:
        >>> line = audit_checklist().item("decision.recourse_explained")
        >>> line.clause_label, line.heading
        ('7.9 (UNCONFIRMED)', 'Closing the complaint')
    """

    clause: str
    heading: str | None
    confirmation: Confirmation | None
    principle: Principle
    check: str
    checks: str
    scope: Scope
    result: ItemResult | None = None
    findings: int = 0

    @property
    def clause_label(self) -> str:
        """The clause with its UNCONFIRMED mark where it has one (``"4.7 (UNCONFIRMED)"``)."""
        if self.confirmation is Confirmation.UNCONFIRMED:
            return f"{self.clause} (UNCONFIRMED)"
        return self.clause


@attrs.frozen
class AuditChecklist:
    """The checklist lines, in the standard's clause order.

    Examples:
        >>> checklist = audit_checklist()
        >>> len(checklist.items) == len(DEFAULT_REGISTRY), checklist.has_results
        (True, False)
    """

    items: tuple[ChecklistItem, ...]

    def item(self, check: str) -> ChecklistItem:
        """The line of the check called ``check``."""
        try:
            return next(i for i in self.items if i.check == check)
        except StopIteration:
            raise KeyError(check) from None

    @property
    def has_results(self) -> bool:
        """Whether the checklist was made from a report."""
        return any(i.result is not None for i in self.items)

    def to_markdown(self) -> str:
        """A Markdown table, one row per check (with a Result column when there are results)."""
        header = ["Clause", "Heading", "Principle", "Check", "What it checks", "Scope"]
        if self.has_results:
            header.append("Result")
        rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for item in self.items:
            cells = [
                item.clause_label,
                item.heading or "",
                item.principle.heading,
                f"`{item.check}`",
                item.checks.replace("|", "\\|"),
                item.scope.value,
            ]
            if self.has_results:
                cells.append(_result_text(item))
            rows.append("| " + " | ".join(cells) + " |")
        return "\n".join(rows)

    def __str__(self) -> str:
        lines = []
        for item in self.items:
            result = f"[{_result_text(item)}] " if item.result is not None else "[ ] "
            lines.append(f"{result}{item.clause_label} {item.check}: {item.checks}")
        return "\n".join(lines)


def _result_text(item: ChecklistItem) -> str:
    if item.result is None:
        return ""
    if item.result is ItemResult.FAIL:
        return f"fail ({item.findings:,})"
    return str(item.result.value).replace("_", " ")


def audit_checklist(
    checks: Registry | Iterable[CheckSpec] | None = None,
    *,
    report: ConformanceReport | None = None,
) -> AuditChecklist:
    """The checklist of ``checks`` (a registry or specs; the default registry if ``None``).

    With ``report``, each line says whether its check passed, failed (with how many
    findings at the report's ``fail_at`` or above) or did not run.

    Examples:
        >>> audit_checklist().items[0].clause
        '4.5'
    """
    if checks is None:
        checks = DEFAULT_REGISTRY
    specs = checks.specs if isinstance(checks, Registry) else tuple(checks)
    failing: dict[str, int] = {}
    ran: set[str] = set()
    if report is not None:
        for finding in report.failures:
            failing[finding.check] = failing.get(finding.check, 0) + 1
        ran = {
            s.name
            for s in report.checks
            if (report.profile_checked if s.scope is Scope.PROCESS else report.complaints_checked)
        }
    items = []
    for spec in specs:
        known = CLAUSES.get(spec.clause)
        result = None
        if report is not None:
            if spec.name in failing:
                result = ItemResult.FAIL
            elif spec.name in ran:
                result = ItemResult.PASS
            else:
                result = ItemResult.NOT_RUN
        items.append(
            ChecklistItem(
                clause=spec.clause,
                heading=known.title if known is not None else None,
                confirmation=known.confirmation if known is not None else None,
                principle=spec.principle,
                check=spec.name,
                checks=spec.checks,
                scope=spec.scope,
                result=result,
                findings=failing.get(spec.name, 0),
            )
        )
    items.sort(key=lambda i: (clause_sort_key(i.clause), i.check))
    return AuditChecklist(tuple(items))


def checks_by_clause(checks: Registry | Iterable[CheckSpec] | None = None) -> dict[str, list[str]]:
    """Per clause number, the checks (Markdown code) that belong to it or cite it.

    A principle's clause lists all its checks, with the clause each cites when another; a
    clause 5-8 lists the checks citing it. ``checks`` defaults to the default registry.

    Examples:
        >>> checks_by_clause()["7.9"]
        ['`decision.recourse_explained`']
    """
    if checks is None:
        checks = DEFAULT_REGISTRY
    specs = checks.specs if isinstance(checks, Registry) else tuple(checks)
    citing: dict[str, list[str]] = {}
    for spec in specs:
        own = PRINCIPLES[spec.principle].number
        label = f"`{spec.name}`" if spec.clause == own else f"`{spec.name}` ({spec.clause})"
        citing.setdefault(own, []).append(label)
        if spec.clause != own:
            citing.setdefault(spec.clause, []).append(f"`{spec.name}`")
    return citing


def clauses_table(checks: Registry | Iterable[CheckSpec] | None = None) -> str:
    """A Markdown table of every clause in the table, its status, and the checks citing it.

    Generated into the docs, so the page cannot drift from :data:`CLAUSES`.

    Examples:
        >>> print(clauses_table().splitlines()[2])  # doctest: +ELLIPSIS
        | 4.2 | Commitment | confirmed | — | 2018 table of contents (whittingtonassociates) | ...
    """
    citing = checks_by_clause(checks)
    rows = [
        "| Clause (2018) | Heading | Status | 2004/2014 | Where the number comes from | Checks |",
        "|---|---|---|---|---|---|",
    ]
    for number in sorted(CLAUSES, key=clause_sort_key):
        row = CLAUSES[number]
        status = "confirmed" if row.confirmation is Confirmation.CONFIRMED else "**UNCONFIRMED**"
        rows.append(
            f"| {number} | {row.title} | {status} | {row.edition_2014 or '—'} | {row.source} | "
            f"{', '.join(citing.get(number, [])) or '—'} |"
        )
    return "\n".join(rows)
