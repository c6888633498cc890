"""The management review (ISO 10002 8.6): a period's figures, charts and conformance, in one file.

:func:`management_review` reads a period's complaints once and gathers what top management
reviews: the period's :class:`~iso10002.metrics.summary.MetricSummary`, the headline
:class:`KeyFigure` list, the distribution of time to final response, and a summary of the
conformance checks (:func:`~iso10002.principles.check_conformance`) over the complaints the
period handled. :func:`review_store` does the same from a store (its complaints, their
histories and its integrity report). The :class:`ManagementReview` renders to:

- **HTML** (:meth:`ManagementReview.to_html`): one self-contained page, inline CSS and
  inline SVG charts (:mod:`iso10002.metrics.charts`), nothing fetched from the network,
  readable printed;
- **JSON** (:meth:`ManagementReview.to_json`) and **CSV** (:meth:`ManagementReview.to_csv`,
  through :mod:`iso10002.csvsafe`) of the same figures.

:func:`write_review` writes one of them, chosen by the file's suffix. No extra is needed:
the charts are drawn by the library itself.

Examples:
    >>> from datetime import datetime, timezone
    >>> from iso10002.metrics.period import Period
    >>> from iso10002.storage import InMemoryStore
    >>> from iso10002.demo import demo_policy, simulate
    >>> store = InMemoryStore()
    >>> _ = simulate(store, complaints=12, seed=4)
    >>> review = review_store(store, Period.parse("2026Q3"), policy=demo_policy(),
    ...                       generated_at=datetime(2026, 10, 1, tzinfo=timezone.utc))
    >>> review.figure("received").value, review.conformance.complaints_checked
    (12, 12)
    >>> review.to_html().startswith("<!DOCTYPE html>")
    True
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Literal

import attrs

from iso10002.csvsafe import Cell, write_csv
from iso10002.errors import ConfigurationError, ValidationError
from iso10002.events import Event
from iso10002.integrity import IntegrityReport
from iso10002.metrics.period import Period
from iso10002.metrics.summary import JsonValue, MetricSummary, summarize
from iso10002.model import Complaint
from iso10002.principles import (
    CheckContext,
    ConformanceReport,
    Finding,
    FindingSeverity,
    PrincipleResult,
    PrincipleStatus,
    ProcessProfile,
    check_conformance,
)
from iso10002.serialization import to_data
from iso10002.sla.policy import SlaPolicy
from iso10002.storage.protocol import ComplaintStore

__all__ = [
    "RESOLUTION_BANDS",
    "ConformanceSummary",
    "KeyFigure",
    "ManagementReview",
    "ReviewFormat",
    "management_review",
    "review_format",
    "review_store",
    "write_review",
]

ReviewFormat = Literal["html", "json", "csv"]
"""The formats :func:`write_review` writes."""

RESOLUTION_BANDS: tuple[tuple[str, int | None], ...] = (
    ("0-3 days", 3),
    ("4-7 days", 7),
    ("8-15 days", 15),
    ("16-28 days", 28),
    ("29-56 days", 56),
    ("over 8 weeks", None),
)
"""The histogram bands of time to final response: label and last whole day (``None``: no end).

A response ``d`` after receipt falls in the first band whose last day is at least
``d.days`` (whole days elapsed, calendar time): 15 is the CFPB's 15 days, 56 the FCA's
8 weeks.
"""

_SUFFIXES: dict[str, ReviewFormat] = {
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".csv": "csv",
}


@attrs.frozen(kw_only=True)
class KeyFigure:
    """One headline figure of the review: its name, value, how it reads, and a note.

    ``value`` is JSON-safe (rates from 0 to 1, durations in days, money as text); ``text``
    is how the page shows it.

    Examples:
        >>> KeyFigure(key="received", label="Complaints received", value=12, text="12")
        KeyFigure(key='received', label='Complaints received', value=12, text='12', note='')
    """

    key: str
    label: str
    value: str | int | float | bool | None
    text: str
    note: str = ""


@attrs.frozen(kw_only=True)
class ConformanceSummary:
    """What the review says of conformance: the verdict, counts, each principle, examples.

    The full :class:`~iso10002.principles.ConformanceReport` can hold a finding per
    complaint per check; the review keeps its verdict, the counts by severity, every
    principle's line, and up to ``examples`` findings (the most severe first) of each
    failing principle, so the page stays readable for a year of complaints.

    Examples:
        >>> from datetime import datetime, timezone
        >>> report = ConformanceReport(at=datetime(2026, 1, 5, tzinfo=timezone.utc),
        ...     complaints_checked=0, profile_checked=False, checks=(), findings=())
        >>> summary = ConformanceSummary.of(report)
        >>> summary.passed, summary.counts["major"], len(summary.principles)
        (True, 0, 14)
    """

    at: datetime
    passed: bool
    complaints_checked: int
    profile_checked: bool
    fail_at: FindingSeverity
    checks: int
    counts: dict[str, int]
    principles: tuple[PrincipleResult, ...]
    examples: tuple[Finding, ...]
    integrity_checked: int | None = None
    integrity_problems: int = 0

    @classmethod
    def of(
        cls,
        report: ConformanceReport,
        *,
        examples: int = 3,
        integrity: IntegrityReport | None = None,
    ) -> ConformanceSummary:
        """Summarise ``report``, keeping ``examples`` findings per failing principle."""
        kept: list[Finding] = []
        for result in report.results:
            if result.status is not PrincipleStatus.FAIL:
                continue
            failing = [
                f
                for f in report.findings
                if f.principle is result.principle and f.severity >= report.fail_at
            ]
            failing.sort(key=lambda f: -f.severity.rank)  # stable: first found first
            kept.extend(failing[:examples])
        return cls(
            at=report.at,
            passed=report.passed,
            complaints_checked=report.complaints_checked,
            profile_checked=report.profile_checked,
            fail_at=report.fail_at,
            checks=len(report.checks),
            counts={s.value: n for s, n in report.counts.items()},
            principles=report.results,
            examples=tuple(kept),
            integrity_checked=None if integrity is None else integrity.checked,
            integrity_problems=0 if integrity is None else len(integrity.problems),
        )

    @property
    def failed(self) -> tuple[PrincipleResult, ...]:
        """The principles that failed."""
        return tuple(r for r in self.principles if r.status is PrincipleStatus.FAIL)

    def to_dict(self) -> dict[str, JsonValue]:
        """JSON-safe data: the verdict, counts, every principle and the example findings."""
        return {
            "at": self.at.isoformat(),
            "passed": self.passed,
            "complaints_checked": self.complaints_checked,
            "profile_checked": self.profile_checked,
            "fail_at": self.fail_at.value,
            "checks": self.checks,
            "counts": dict(self.counts),
            "integrity_checked": self.integrity_checked,
            "integrity_problems": self.integrity_problems,
            "principles": [_json(to_data(r)) for r in self.principles],
            "examples": [_json(to_data(f)) for f in self.examples],
        }


def _json(data: object) -> JsonValue:
    """What the library's converter gives, checked to be JSON's own types."""
    return json.loads(json.dumps(data))  # type: ignore[no-any-return]


@attrs.frozen(kw_only=True)
class ManagementReview:
    """A period's management review (ISO 10002 8.6), ready to render.

    Build it with :func:`management_review` or :func:`review_store`. ``at`` is the
    instant the SLA targets and the conformance checks were judged at; ``generated_at``
    when the review was made; ``resolution_days`` the histogram of time to final response
    (:data:`RESOLUTION_BANDS`; the same population as
    ``summary.time_to_final_response``).

    ``key_figures``, in the page's order, each from ``summary`` (``s``) unless said:

    - ``received``, ``closed``, ``open_at_end``: ``s.received``, ``s.closed``,
      ``s.open_at_end`` (notes: open at the start, withdrawn, open over 8 weeks);
    - ``median_days_to_final_response``: ``s.time_to_final_response.median`` in days
      (calendar), to 0.01; ``None`` without responses;
    - ``sla_met_rate``: every target of ``s.sla_compliance`` together, ``sum(met) /
      (sum(met) + sum(breached))``; ``None`` without a policy or with nothing decided;
    - ``upheld_rate``, ``reopen_rate``, ``escalation_rate``: the summary's rates;
    - ``redress_total``: ``s.redress_total`` as ``"GBP 1234.50"`` per currency, joined by
      ``"; "``, or ``None``;
    - ``satisfaction_mean``: ``s.satisfaction.mean_score`` (1 to 5);
    - ``conformance_passed``: ``conformance.passed``.
    """

    title: str
    organization: str | None
    period: Period
    at: datetime
    generated_at: datetime
    policy_name: str | None
    summary: MetricSummary
    key_figures: tuple[KeyFigure, ...]
    resolution_days: tuple[tuple[str, int], ...]
    conformance: ConformanceSummary

    def figure(self, key: str) -> KeyFigure:
        """The key figure named ``key`` (``"received"``, ``"upheld_rate"`` …)."""
        for figure in self.key_figures:
            if figure.key == key:
                return figure
        raise KeyError(key)

    def to_dict(self) -> dict[str, JsonValue]:
        """Every figure as JSON-safe data: the key figures, the histogram, conformance, the
        whole summary (:meth:`MetricSummary.to_dict`)."""
        return {
            "title": self.title,
            "organization": self.organization,
            "period": {
                "label": self.period.label,
                "start": self.period.start.isoformat(),
                "end": self.period.end.isoformat(),
            },
            "at": self.at.isoformat(),
            "generated_at": self.generated_at.isoformat(),
            "policy": self.policy_name,
            "key_figures": [
                {"key": f.key, "label": f.label, "value": f.value, "text": f.text, "note": f.note}
                for f in self.key_figures
            ],
            "resolution_days": [{"band": b, "count": n} for b, n in self.resolution_days],
            "conformance": self.conformance.to_dict(),
            "summary": self.summary.to_dict(),
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def csv_rows(self) -> list[tuple[str, str, Cell]]:
        """The CSV's rows: ``(section, figure, value)``; what :meth:`to_csv` writes."""
        rows: list[tuple[str, str, Cell]] = [
            ("review", "period", self.period.label),
            ("review", "at", self.at),
            ("review", "generated_at", self.generated_at),
            ("review", "policy", self.policy_name),
        ]
        rows += [("key figures", f.key, f.value) for f in self.key_figures]
        rows += [("time to final response", band, n) for band, n in self.resolution_days]
        c = self.conformance
        rows += [
            ("conformance", "passed", c.passed),
            ("conformance", "complaints_checked", c.complaints_checked),
            ("conformance", "fail_at", c.fail_at.value),
            *(("conformance", f"findings.{s}", n) for s, n in c.counts.items()),
            *(
                ("conformance", f"principle.{r.principle.value}", r.status.value)
                for r in c.principles
            ),
        ]
        rows += [("summary", name, value) for name, value in self.summary.rows()]
        return rows

    def to_csv(self) -> str:
        """The figures as CSV (``section,figure,value``), every cell formula-safe."""
        out = io.StringIO(newline="")
        write_csv(out, ["section", "figure", "value"], self.csv_rows())
        return out.getvalue()

    def to_html(self) -> str:
        """The review as one self-contained HTML page (inline CSS and SVG; no network)."""
        from iso10002.metrics.report_html import render_html

        return render_html(self)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.1f}%"


def _days(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 86_400, 2)


def _days_text(value: timedelta | None) -> str:
    days = _days(value)
    return "n/a" if days is None else f"{days:.1f} days"


def _key_figures(s: MetricSummary, conformance: ConformanceSummary) -> tuple[KeyFigure, ...]:
    met = sum(c.met for c in s.sla_compliance.values())
    breached = sum(c.breached for c in s.sla_compliance.values())
    sla_rate = met / (met + breached) if met + breached else None
    over = s.backlog_age_buckets.get("over 8 weeks", 0)
    paid = sorted(s.redress_total.items())
    money = "; ".join(f"{currency} {amount:.2f}" for currency, amount in paid)
    money_text = ", ".join(f"{currency} {amount:,.2f}" for currency, amount in paid)
    response = s.time_to_final_response
    satisfaction = s.satisfaction
    worst = [sev for sev in ("critical", "major") if conformance.counts.get(sev)]
    return (
        KeyFigure(key="received", label="Complaints received", value=s.received,
                  text=f"{s.received:,}", note=f"{s.open_at_start:,} open at the start"),
        KeyFigure(key="closed", label="Complaints closed", value=s.closed, text=f"{s.closed:,}",
                  note=f"{s.withdrawn:,} withdrawn"),
        KeyFigure(key="open_at_end", label="Open at the end (backlog)", value=s.open_at_end,
                  text=f"{s.open_at_end:,}", note=f"{over:,} open over 8 weeks"),
        KeyFigure(key="median_days_to_final_response", label="Median time to final response",
                  value=_days(response.median), text=_days_text(response.median),
                  note=f"90th percentile {_days_text(response.p90)}; {response.count:,} responses"),
        KeyFigure(key="sla_met_rate", label="SLA targets met", value=sla_rate,
                  text=_percent(sla_rate),
                  note=f"{breached:,} breached" if s.sla_compliance else "no SLA policy given"),
        KeyFigure(key="upheld_rate", label="Upheld (in full or in part)", value=s.upheld_rate,
                  text=_percent(s.upheld_rate), note=f"{s.upheld:,} of {s.closed:,} closed"),
        KeyFigure(key="redress_total", label="Redress paid", value=money or None,
                  text=money_text or "none"),
        KeyFigure(key="satisfaction_mean", label="Satisfaction with handling (of 5)",
                  value=satisfaction.mean_score,
                  text="n/a" if satisfaction.mean_score is None
                  else f"{satisfaction.mean_score:.2f}",
                  note=f"{satisfaction.responses:,} responses, "
                  f"{_percent(satisfaction.satisfied_share)} satisfied"),
        KeyFigure(key="reopen_rate", label="Reopened", value=s.reopen_rate,
                  text=_percent(s.reopen_rate),
                  note=f"{s.reopened:,} complaint{'' if s.reopened == 1 else 's'}"),
        KeyFigure(key="escalation_rate", label="Escalated", value=s.escalation_rate,
                  text=_percent(s.escalation_rate),
                  note=f"{s.referred:,} referred externally ({_percent(s.referral_rate)})"),
        KeyFigure(key="conformance_passed", label="ISO 10002 conformance",
                  value=conformance.passed, text="passed" if conformance.passed else "failed",
                  note=", ".join(f"{conformance.counts[sev]:,} {sev}" for sev in worst)
                  or f"{sum(conformance.counts.values()):,} findings"),
    )  # fmt: skip


def _band(days: int) -> int:
    for index, (_, last) in enumerate(RESOLUTION_BANDS):
        if last is None or days <= last:
            return index
    raise AssertionError("the last band has no end")  # pragma: no cover


class _Pass:
    """One pass over the complaints: each goes on to the summary; the pass keeps those the
    period handled (for the conformance checks) and counts final responses per band."""

    def __init__(self, complaints: Iterable[Complaint], period: Period) -> None:
        self.source = complaints
        self.period = period
        self.handled: list[Complaint] = []
        self.bands = [0] * len(RESOLUTION_BANDS)

    def __iter__(self) -> Iterator[Complaint]:
        start, end = self.period.start, self.period.end
        for complaint in self.source:
            yield complaint
            if complaint.received_at >= end:
                continue
            # Handled in P: received in P, or open at its start (summarize's open_at_start).
            gone = complaint.closed_at or complaint.withdrawn_at
            if gone is None or gone >= start or complaint.received_at >= start:
                self.handled.append(complaint)
            answered = complaint.final_response_at
            if answered is not None and start <= answered < end:
                self.bands[_band((answered - complaint.received_at).days)] += 1


def _check(period: object, policy: object, **instants: object) -> None:
    """Refuse arguments of the wrong kind, naming every one (they come from host code)."""
    problems = []
    if not isinstance(period, Period):
        problems.append("period: expected a Period (Period.parse('2026Q3'))")
    if policy is not None and not isinstance(policy, SlaPolicy):
        problems.append(f"policy: expected an SlaPolicy or None, got {type(policy).__name__}")
    for name, instant in instants.items():
        if instant is not None and (
            not isinstance(instant, datetime) or instant.utcoffset() is None
        ):
            problems.append(f"{name}: expected a timezone-aware datetime")
    if problems:
        raise ValidationError(problems)


def management_review(
    complaints: Iterable[Complaint],
    period: Period,
    *,
    policy: SlaPolicy | None,
    profile: ProcessProfile | None = None,
    at: datetime | None = None,
    history: Callable[[str], Sequence[Event]] | None = None,
    integrity: IntegrityReport | None = None,
    customers: int | None = None,
    fail_at: FindingSeverity = FindingSeverity.MINOR,
    title: str = "Complaints management review",
    generated_at: datetime | None = None,
) -> ManagementReview:
    """The management review of ``period`` over ``complaints`` (read once).

    - The summary is :func:`~iso10002.metrics.summary.summarize` of every complaint, with
      ``policy`` (``None``: no SLA figures) and ``customers``.
    - The conformance checks run over the complaints the period *handled* (received in it,
      or open at its start: the summary's ``handled``), with ``history(id)`` giving each
      one's events (``store.history``; without it only the process checks of ``profile``
      run), ``integrity`` the store's integrity report, and ``fail_at`` the severity that
      fails a principle. Those complaints are held in memory until the checks have run;
      their histories are read one at a time.
    - ``at``, the instant targets and checks are judged at, defaults to the period end,
      or ``generated_at`` (default: now) if that is earlier (a period still running).
    - ``resolution_days``: final responses in the period by whole days from receipt
      (:data:`RESOLUTION_BANDS`).

    The title of the page is ``title``, with ``profile.organization`` when a profile is
    given.

    Edge cases: the snapshots are the records as they are now, so for a past period the
    checks see what happened since (a complaint answered after the period end is judged
    answered); the summary itself counts only what happened in the period. A complaint
    without a final response is in no band of ``resolution_days``.

    Examples:
        >>> from iso10002.testing.builders import complaint_in
        >>> review = management_review([complaint_in("closed")], Period.parse("2026Q1"),
        ...     policy=None, generated_at=datetime(2026, 4, 1, tzinfo=timezone.utc))
        >>> review.figure("closed").text, review.resolution_days[0]
        ('1', ('0-3 days', 1))
        >>> review.conformance.complaints_checked  # no history: complaint checks not run
        0
    """
    _check(period, policy, at=at, generated_at=generated_at)
    made = generated_at if generated_at is not None else datetime.now(timezone.utc)
    judged = at if at is not None else min(period.end, made)
    one_pass = _Pass(complaints, period)
    summary = summarize(one_pass, period, policy=policy, at=judged, customers=customers)
    records: Iterable[tuple[Complaint, Sequence[Event]]] = ()
    if history is not None:
        records = ((c, history(c.id)) for c in one_pass.handled)
    report = check_conformance(
        records,
        CheckContext(at=judged, policy=policy, integrity=integrity),
        profile=profile,
        fail_at=fail_at,
    )
    conformance = ConformanceSummary.of(report, integrity=integrity)
    return ManagementReview(
        title=title,
        organization=None if profile is None else profile.organization,
        period=period,
        at=judged,
        generated_at=made,
        policy_name=None if policy is None else policy.name,
        summary=summary,
        key_figures=_key_figures(summary, conformance),
        resolution_days=tuple(
            (label, n) for (label, _), n in zip(RESOLUTION_BANDS, one_pass.bands, strict=True)
        ),
        conformance=conformance,
    )


def review_store(
    store: ComplaintStore,
    period: Period,
    *,
    policy: SlaPolicy | None,
    profile: ProcessProfile | None = None,
    at: datetime | None = None,
    customers: int | None = None,
    fail_at: FindingSeverity = FindingSeverity.MINOR,
    title: str = "Complaints management review",
    generated_at: datetime | None = None,
) -> ManagementReview:
    """:func:`management_review` of a store: its complaints, their histories, its integrity.

    The store's chains are verified first (``store.verify_integrity()``), so a broken
    record shows in the conformance summary (information integrity, 4.9).

    Examples:
        >>> from iso10002.storage import InMemoryStore
        >>> review = review_store(InMemoryStore(), Period.parse("2026-07"), policy=None,
        ...                       generated_at=datetime(2026, 8, 1, tzinfo=timezone.utc))
        >>> review.summary.received, review.conformance.integrity_checked
        (0, 0)
    """
    return management_review(
        store.find(),
        period,
        policy=policy,
        profile=profile,
        at=at,
        history=store.history,
        integrity=store.verify_integrity(),
        customers=customers,
        fail_at=fail_at,
        title=title,
        generated_at=generated_at,
    )


def review_format(out: Path, format: ReviewFormat | str | None = None) -> ReviewFormat:
    """The format to write ``out`` in: ``format`` if given, else by the file's suffix.

    Examples:
        >>> review_format(Path("q3.HTML")), review_format(Path("q3.txt"), "json")
        ('html', 'json')
    """
    if format is not None:
        if format not in ("html", "json", "csv"):
            raise ConfigurationError(f"format: {format!r} is not one of html, json, csv")
        return format  # type: ignore[return-value]
    chosen = _SUFFIXES.get(out.suffix.lower())
    if chosen is None:
        raise ConfigurationError(
            f"{out}: cannot tell the format from {out.suffix or 'no suffix'!r}; "
            "name it .html, .json or .csv, or give the format"
        )
    return chosen


def write_review(
    review: ManagementReview, out: Path | str, *, format: ReviewFormat | str | None = None
) -> Path:
    """Write ``review`` to ``out`` as HTML, JSON or CSV (by ``format``, else the suffix).

    The file is written whole (UTF-8), replacing any file of that name; returns its path.

    Examples:
        >>> import tempfile
        >>> from iso10002.storage import InMemoryStore
        >>> review = review_store(InMemoryStore(), Period.parse("2026Q3"), policy=None,
        ...                       generated_at=datetime(2026, 10, 1, tzinfo=timezone.utc))
        >>> with tempfile.TemporaryDirectory() as folder:
        ...     path = write_review(review, Path(folder) / "q3.json")
        ...     json.loads(path.read_text())["period"]["label"]
        '2026Q3'
    """
    path = Path(out)
    chosen = review_format(path, format)
    if chosen == "html":
        text, newline = review.to_html(), None
    elif chosen == "json":
        text, newline = review.to_json() + "\n", None
    else:
        text, newline = review.to_csv(), ""  # the CSV's own CRLF line ends, kept as they are
    with path.open("w", encoding="utf-8", newline=newline) as handle:
        handle.write(text)
    return path
