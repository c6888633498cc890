"""The standard mapped to the API: for each clause of ISO 10002:2018, what implements it.

:data:`CLAUSE_MAP` says, per clause of :data:`~iso10002.principles.clauses.CLAUSES`, which
lifecycle events carry it out and which other classes and functions serve it. Everything
else in :func:`clause_map_table` is derived, so the table cannot drift from the code: the
clause numbers, headings and UNCONFIRMED marks come from the clause table; each lifecycle
event's record (its event class), desk method and guards come from
:class:`~iso10002.lifecycle.ComplaintLifecycle`; the checks from the check registry.

An entry may be *planned*: named before its module exists (another part of the library is
still building it). A planned entry appears in the table only once its name resolves.

Examples:
    >>> CLAUSE_MAP["7.4"].events
    ('acknowledge',)
    >>> row = [r for r in clause_map_table().splitlines() if r.startswith("| 7.4 ")][0]
    >>> "`ComplaintsDesk.acknowledge`" in row and "`Acknowledged`" in row
    True
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import MappingProxyType

import attrs

from iso10002.events import EVENT_TYPES
from iso10002.lifecycle import TRANSITIONS
from iso10002.model import ComplaintState
from iso10002.principles.checklist import checks_by_clause
from iso10002.principles.clauses import CLAUSES, clause_sort_key
from iso10002.principles.registry import Registry

__all__ = ["CLAUSE_MAP", "ApiRef", "ClauseMapping", "clause_map_table", "desk_method", "resolve"]


@attrs.frozen
class ApiRef:
    """A class, function, method or constant of the library that serves a clause.

    ``target`` is its dotted name (``iso10002.sla.SlaPolicy.evaluate``); ``note`` says how it
    serves the clause, in a few words; ``planned`` marks a name not yet in the library.

    Examples:
        >>> ApiRef("iso10002.sla.SlaPolicy.evaluate", "per-target SLA state").label
        '`SlaPolicy.evaluate`'
    """

    target: str
    note: str = ""
    planned: bool = False

    @property
    def label(self) -> str:
        """The short name shown in the table: ``Class.method``, or the last part.

        Examples:
            >>> ApiRef("iso10002.principles.audit_checklist").label
            '`audit_checklist`'
        """
        parts = self.target.split(".")
        if len(parts) > 2 and parts[-2][:1].isupper():
            return f"`{parts[-2]}.{parts[-1]}`"
        return f"`{parts[-1]}`"


@attrs.frozen
class ClauseMapping:
    """What implements one clause: lifecycle ``events`` and other ``api`` references.

    Examples:
        >>> CLAUSE_MAP["7.9"].events[:2]
        ('accept', 'reject')
    """

    events: tuple[str, ...] = ()
    api: tuple[ApiRef, ...] = ()


def _refs(*pairs: tuple[str, str]) -> tuple[ApiRef, ...]:
    return tuple(ApiRef(f"iso10002.{target}", note) for target, note in pairs)


_M = ClauseMapping
_PROFILE = ("principles.ProcessProfile", "the host's description of its process")

CLAUSE_MAP: Mapping[str, ClauseMapping] = MappingProxyType(
    {
        # Clause 4: guiding principles.
        "4.2": _M(api=_refs(_PROFILE, ("principles.ManagementReview", "top management's review"))),
        "4.3": _M(api=_refs(("principles.ResourcePlan", "people and capacity set aside"))),
        "4.4": _M(
            events=("record_progress",),
            api=_refs(
                ("desk.ComplaintsDesk.history", "every step, on request"),
                ("desk.ComplaintsDesk.allowed_events", "what may happen next"),
                ("principles.PublishedPolicy", "where complainants find the process"),
            ),
        ),
        "4.5": _M(
            api=_refs(
                ("model.Channel", "how a complaint came in"),
                ("principles.ChannelOffer", "the ways in the host offers"),
            )
        ),
        "4.6": _M(
            events=("acknowledge", "send_holding_response"),
            api=_refs(
                ("sla.SlaPolicy", "targets per stage"),
                ("desk.ComplaintsDesk.overdue", "open complaints past a deadline"),
            ),
        ),
        "4.7": _M(
            events=("start_investigation", "assign", "decide"),
            api=_refs(
                ("lifecycle.objective_investigator", "nobody investigates a complaint about them"),
                ("lifecycle.objective_assignee", "nor owns one"),
            ),
        ),
        "4.8": _M(events=("record_charge",)),
        "4.9": _M(
            api=_refs(
                ("storage.ComplaintStore.verify_integrity", "hash chains and snapshots re-checked"),
                ("integrity.verify_chain", "one complaint's chain"),
                ("integrity.IntegrityReport", "what was found"),
                ("replay.replay", "a snapshot is the fold of its events"),
            )
        ),
        "4.10": _M(
            events=("redact",),
            api=_refs(
                ("storage.ComplaintStore.redact", "personal data erased, chain kept verifiable"),
                ("desk.ComplaintsDesk.past_retention", "complaints kept past retention"),
                ("sla.SlaPolicy.retain_until", "the retention date"),
                ("access.RolePolicy", "who may see and do what"),
            ),
        ),
        "4.11": _M(
            api=_refs(
                ("model.Complainant", "contact preferences, representative, consent"),
                ("model.Vulnerability", "vulnerability flags"),
                ("model.RemedyRequest", "the remedy the complainant wants"),
            )
        ),
        "4.12": _M(
            events=("assign",),
            api=_refs(
                ("events.Event", "every event names its actor and instant"),
                ("access.AccessPolicy", "who may take each action"),
                ("access.RefusalLog", "refused actions recorded"),
            ),
        ),
        "4.13": _M(events=("record_root_cause", "complete_action")),
        "4.14": _M(api=_refs(("principles.TrainingRecord", "handlers' training"))),
        "4.15": _M(
            events=("pause_clock", "resume_clock"),
            api=_refs(
                ("sla.SlaPolicy.evaluate", "each target met, at risk, breached or pending"),
                ("sla.BusinessCalendar", "business hours, time zone, public holidays"),
                ("sla.presets", "regulators' deadlines (FCA, ASIC, CFPB, CBI, EU)"),
            ),
        ),
        # Clause 5: the complaints-handling framework.
        "5.1": _M(api=_refs(_PROFILE)),
        "5.2": _M(api=_refs(("principles.ManagementReview", "evidence of top management's part"))),
        "5.3": _M(api=_refs(("principles.PublishedPolicy", "the policy, versioned and published"))),
        "5.4": _M(
            api=_refs(
                ("principles.Authority", "who may decide what, up to which redress"),
                ("access.RolePolicy", "roles granted actions"),
            )
        ),
        # Clause 6: planning and design.
        "6.1": _M(api=_refs(_PROFILE)),
        "6.2": _M(
            api=_refs(
                ("sla.SlaPolicy", "objectives as measurable targets"),
                ("sla.Target", "one target: a stage, a duration, a clock"),
            )
        ),
        "6.3": _M(
            api=_refs(
                ("lifecycle.ComplaintLifecycle", "the process's steps, declared once"),
                ("desk.ComplaintsDesk", "one method per step"),
            )
        ),
        "6.4": _M(api=_refs(("principles.ResourcePlan", "people and capacity"))),
        # Clause 7: operation of the complaints-handling process.
        "7.1": _M(
            api=_refs(
                ("model.ContactMethod", "how the complainant is told"),
                ("principles.PublishedPolicy", "information about the process"),
            )
        ),
        "7.2": _M(
            events=("receive",),
            api=_refs(
                ("principles.DEFAULT_RECEIPT_FIELDS", "what a record holds from receipt"),
                ("model.Classification", "product, category, issue"),
                ("storage.ComplaintStore.create", "a unique id; idempotent receipt"),
            ),
        ),
        "7.3": _M(
            events=("assign", "record_progress", "add_note"),
            api=_refs(
                ("desk.ComplaintsDesk.get", "the status now"),
                ("desk.ComplaintsDesk.history", "every step"),
                ("storage.ComplaintQuery", "find complaints by state, owner, due date"),
                ("sla.SlaPolicy.next_due", "the next deadline"),
            ),
        ),
        "7.4": _M(events=("acknowledge",), api=_refs(("sla.Stage", "the `acknowledge` target"))),
        "7.5": _M(
            events=("assess",),
            api=_refs(
                ("model.Severity", "severity"),
                ("model.Complexity", "complexity"),
                ("model.Impact", "impact"),
                ("lifecycle.severity_assessed", "required before investigation"),
            ),
        ),
        "7.6": _M(
            events=("start_investigation", "send_holding_response", "pause_clock", "resume_clock")
        ),
        "7.7": _M(
            events=("decide",),
            api=_refs(
                ("model.Decision", "outcome, reasons, redress"),
                ("model.Outcome", "upheld, partially upheld, not upheld …"),
                ("model.Redress", "money with a currency, or another remedy"),
            ),
        ),
        "7.8": _M(events=("communicate_decision",)),
        "7.9": _M(
            events=(
                "accept",
                "reject",
                "escalate",
                "refer_externally",
                "close",
                "reopen",
                "withdraw",
            )
        ),
        # Clause 8: maintenance and improvement.
        "8.1": _M(
            api=(
                *_refs(
                    ("storage.ComplaintStore.find", "complaints, streamed"),
                    ("storage.ComplaintStore.feed", "every event, in order"),
                    ("metrics.import_complaints", "records from another system"),
                    ("metrics.export_cfpb", "records out, as CSV"),
                ),
                ApiRef("iso10002.metrics.summarize", "counts and times", planned=True),
            )
        ),
        "8.2": _M(
            events=("record_root_cause",),
            api=(
                *_refs(("model.RootCause", "the cause found")),
                ApiRef("iso10002.metrics.summarize", "by category, product, cause", planned=True),
            ),
        ),
        "8.3": _M(
            events=("offer_survey", "record_satisfaction"),
            api=_refs(("model.Satisfaction", "the complainant's rating")),
        ),
        "8.4": _M(
            api=(
                *_refs(
                    ("desk.ComplaintsDesk.overdue", "what is late now"),
                    ("sla.SlaPolicy.evaluate", "each target's state"),
                ),
                ApiRef("iso10002.metrics.summarize", "the process's indicators", planned=True),
            )
        ),
        "8.5": _M(
            api=_refs(
                ("principles.check_conformance", "every check over every complaint"),
                ("principles.ConformanceReport", "by principle and clause"),
                ("principles.audit_checklist", "the audit checklist"),
                ("principles.AuditRecord", "audits carried out"),
            )
        ),
        "8.6": _M(
            api=(
                *_refs(("principles.ManagementReview", "reviews held")),
                ApiRef("iso10002.metrics.management_review", "the review's figures", planned=True),
            )
        ),
        "8.7": _M(
            events=("complete_action",),
            api=_refs(("principles.CorrectiveAction", "linked to the root cause it treats")),
        ),
    }
)
"""Per clause number, the lifecycle events and the API that implement it."""

# Desk methods whose name differs from the lifecycle event they send.
_DESK_ALIASES = {"accept": "record_acceptance", "reject": "record_rejection"}


def desk_method(event: str) -> str:
    """The :class:`~iso10002.desk.ComplaintsDesk` method that sends lifecycle ``event``.

    Examples:
        >>> desk_method("acknowledge"), desk_method("accept")
        ('acknowledge', 'record_acceptance')
    """
    return _DESK_ALIASES.get(event, event)


def resolve(target: str) -> object:
    """The object a dotted name refers to; ``LookupError`` if there is none.

    Examples:
        >>> resolve("iso10002.sla.SlaPolicy.evaluate").__name__
        'evaluate'
    """
    parts = target.split(".")
    for split in range(len(parts), 0, -1):
        try:
            found: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for attribute in parts[split:]:
                found = getattr(found, attribute)
        except AttributeError:
            break
        return found
    raise LookupError(f"{target} is not a name in the library")


def _exists(ref: ApiRef) -> bool:
    try:
        resolve(ref.target)
    except LookupError:
        return False
    return True


def _guards(event: str) -> list[str]:
    """The condition and validator names on every transition of ``event``."""
    names: dict[str, None] = {}
    for state in ComplaintState:
        if event in TRANSITIONS.events_from(state):
            rule = TRANSITIONS.rule(state, event)
            names.update(dict.fromkeys(g.__name__ for g in (*rule.conditions, *rule.validators)))
    return list(names)


_RECORDS = {cls.lifecycle_event: cls.__name__ for cls in EVENT_TYPES.values()}


def _lifecycle_cell(events: tuple[str, ...]) -> str:
    lines = []
    for event in events:
        line = f"`{event}` → `{_RECORDS[event]}`, `ComplaintsDesk.{desk_method(event)}`"
        guards = _guards(event)
        if guards:
            line += "; guards " + ", ".join(f"`{g}`" for g in guards)
        lines.append(line)
    return "<br>".join(lines) or "—"


def clause_map_table(checks: Registry | None = None) -> str:
    """The Markdown table of every clause with what implements it (the docs include it).

    Columns: clause, heading (with its UNCONFIRMED mark), the lifecycle events (each with
    its event record, desk method and guards), the rest of the API, and the checks.

    Examples:
        >>> clause_map_table().splitlines()[0]
        '| Clause | Heading | Lifecycle event → record, desk method; guards | API | Checks |'
    """
    citing = checks_by_clause(checks)
    rows = [
        "| Clause | Heading | Lifecycle event → record, desk method; guards | API | Checks |",
        "|---|---|---|---|---|",
    ]
    for number in sorted(CLAUSES, key=clause_sort_key):
        row = CLAUSES[number]
        mapping = CLAUSE_MAP.get(number, ClauseMapping())
        heading = f"{row.title} ({row.mark})" if row.mark else row.title
        api = "<br>".join(
            f"{ref.label}: {ref.note}" if ref.note else ref.label
            for ref in mapping.api
            if not ref.planned or _exists(ref)
        )
        rows.append(
            f"| {number} | {heading} | {_lifecycle_cell(mapping.events)} | {api or '—'} | "
            f"{', '.join(citing.get(number, [])) or '—'} |"
        )
    return "\n".join(rows)
