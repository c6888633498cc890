"""Conformance with the guiding principles of ISO 10002:2018, checked in code.

*Complaint checks* look at one complaint (its snapshot and history); *process checks* at the
:class:`ProcessProfile` the host describes. Each returns :class:`Finding` objects naming the
principle, the clause, a severity and a message a person understands.
:func:`check_conformance` runs them all and returns a :class:`ConformanceReport`;
:func:`audit_checklist` lists them as the audit checklist of clause 8.5. Hosts register their
own checks in a :class:`Registry`.

The clause numbers are in one table, :data:`PRINCIPLES` / :data:`CLAUSES`; all but 4.2 are
UNCONFIRMED for the 2018 edition.

Examples:
    >>> from iso10002.replay import replay
    >>> from iso10002.testing.builders import history_to
    >>> events = history_to("closed")
    >>> report = check_conformance([(replay(events), events)], CheckContext(at=events[-1].at))
    >>> [f.check for f in report.findings]
    ['improvement.root_cause_before_closure']
"""

from iso10002.principles.access import UK_PREMIUM_RATE_PREFIXES, uk_premium_rate_prefix
from iso10002.principles.checklist import (
    AuditChecklist,
    ChecklistItem,
    ItemResult,
    audit_checklist,
    clauses_table,
)
from iso10002.principles.checks import (
    CheckSpec,
    ComplaintCheck,
    ComplaintCheckFunction,
    ProcessCheck,
    ProcessCheckFunction,
    Scope,
    complaint_check,
    process_check,
)
from iso10002.principles.clause_map import CLAUSE_MAP, ApiRef, ClauseMapping, clause_map_table
from iso10002.principles.clauses import (
    CLAUSES,
    PRINCIPLES,
    Clause,
    Confirmation,
    Principle,
    clause,
)
from iso10002.principles.conformance import check_complaint, check_conformance, check_process
from iso10002.principles.context import (
    DEFAULT_RECEIPT_FIELDS,
    UNACCOUNTABLE_ACTORS,
    CheckContext,
    ReceiptField,
)
from iso10002.principles.findings import EventRef, Finding, FindingSeverity, refs
from iso10002.principles.profile import (
    AuditRecord,
    Authority,
    ChannelOffer,
    CorrectiveAction,
    ManagementReview,
    ProcessProfile,
    PublishedPolicy,
    ResourcePlan,
    TrainingRecord,
)
from iso10002.principles.registry import BUILTIN_CHECKS, DEFAULT_REGISTRY, AnyCheck, Registry
from iso10002.principles.report import ConformanceReport, PrincipleResult, PrincipleStatus

__all__ = [
    "BUILTIN_CHECKS",
    "CLAUSES",
    "CLAUSE_MAP",
    "DEFAULT_RECEIPT_FIELDS",
    "DEFAULT_REGISTRY",
    "PRINCIPLES",
    "UK_PREMIUM_RATE_PREFIXES",
    "UNACCOUNTABLE_ACTORS",
    "AnyCheck",
    "ApiRef",
    "AuditChecklist",
    "AuditRecord",
    "Authority",
    "ChannelOffer",
    "CheckContext",
    "CheckSpec",
    "ChecklistItem",
    "Clause",
    "ClauseMapping",
    "ComplaintCheck",
    "ComplaintCheckFunction",
    "Confirmation",
    "ConformanceReport",
    "CorrectiveAction",
    "EventRef",
    "Finding",
    "FindingSeverity",
    "ItemResult",
    "ManagementReview",
    "Principle",
    "PrincipleResult",
    "PrincipleStatus",
    "ProcessCheck",
    "ProcessCheckFunction",
    "ProcessProfile",
    "PublishedPolicy",
    "ReceiptField",
    "Registry",
    "ResourcePlan",
    "Scope",
    "TrainingRecord",
    "audit_checklist",
    "check_complaint",
    "check_conformance",
    "check_process",
    "clause",
    "clause_map_table",
    "clauses_table",
    "complaint_check",
    "process_check",
    "refs",
    "uk_premium_rate_prefix",
]
