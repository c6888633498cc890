"""The management review as one self-contained HTML page: :func:`render_html`.

The page holds everything it shows: CSS in a ``<style>`` element, charts as inline SVG
(:mod:`iso10002.metrics.charts`), no script, no font, no image to fetch. A
Content-Security-Policy meta element (``default-src 'none'``) makes the browser refuse any
request the page might still make, and any script: every text from the records
(categories, finding messages) is escaped as well. Each chart is followed by its data as a
table (for screen readers and for print), and the CSS keeps charts and tables whole across
printed pages.

Examples:
    >>> from datetime import datetime, timezone
    >>> from iso10002.metrics.period import Period
    >>> from iso10002.metrics.report import management_review
    >>> review = management_review([], Period.parse("2026Q3"), policy=None,
    ...                            generated_at=datetime(2026, 10, 1, tzinfo=timezone.utc))
    >>> page = render_html(review)
    >>> page.count("<svg "), "<script" in page, "http://" in page.replace(
    ...     'xmlns="http://www.w3.org/2000/svg"', "")
    (4, False, False)
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from html import escape

from iso10002._version import __version__
from iso10002.metrics.charts import bar_chart, histogram, line_chart, pareto_chart
from iso10002.metrics.figures import TrendPoint
from iso10002.metrics.report import ManagementReview, _days_text
from iso10002.principles import PRINCIPLES, PrincipleStatus

__all__ = ["render_html"]

_WEEKLY_UP_TO = 16  # a longer period's trend is drawn per month

_CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 24px 32px 48px; color: #222;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #fff; }
h1 { font-size: 1.8rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 32px 0 12px; padding-bottom: 4px;
  border-bottom: 2px solid #0072B2; }
h3 { font-size: 1.05rem; margin: 20px 0 8px; }
.meta { color: #555; margin: 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr));
  gap: 12px; margin: 0; }
.figure { border: 1px solid #ccc; border-radius: 6px; padding: 10px 12px; margin: 0;
  break-inside: avoid; }
.figure dt { font-size: 0.85rem; color: #555; }
.figure .value { font-size: 1.6rem; font-weight: 600; margin: 2px 0 0; }
.figure .note { font-size: 0.8rem; color: #555; margin: 0; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 20px; }
figure { margin: 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #555; margin-top: 4px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 0.9rem; break-inside: avoid; }
th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
thead th { background: #f2f2f2; }
.fail { color: #b00020; font-weight: 600; }
.pass { color: #00693e; }
.verdict { font-size: 1.1rem; }
.findings li { margin-bottom: 4px; }
.note-box { border-left: 4px solid #E69F00; padding: 4px 12px; background: #fff8e6; }
details summary { cursor: pointer; color: #0072B2; }
footer { margin-top: 40px; color: #555; font-size: 0.85rem; border-top: 1px solid #ccc;
  padding-top: 8px; }
@media print {
  body { padding: 0; max-width: none; font-size: 11pt; }
  .charts { display: block; }
  figure { margin-bottom: 16px; }
  /* Printed, every data table is shown: a closed <details> hides its content otherwise. */
  details::details-content { content-visibility: visible; display: block; }
  details > summary { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  a { color: inherit; text-decoration: none; }
}
@page { margin: 15mm; }
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _utc(instant: datetime) -> str:
    """``01 Oct 2026 09:00 UTC``, whatever the instant's own offset."""
    return f"{instant.astimezone(timezone.utc):%d %b %Y %H:%M} UTC"


def _date(instant: datetime) -> str:
    return f"{instant.day} {instant:%b %Y}"


def _period_text(review: ManagementReview) -> str:
    period = review.period
    zone = period.tz
    first = period.start.astimezone(zone)
    last = (period.end - timedelta(microseconds=1)).astimezone(zone)
    return f"{_date(first)} to {_date(last)} ({period.label})"


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], numeric: int = 1) -> str:
    """A small table; the last ``numeric`` columns are right-aligned numbers."""
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h in header)
    body = []
    for row in rows:
        cells = []
        for index, cell in enumerate(row):
            if index == 0:
                cells.append(f'<th scope="row">{_e(cell)}</th>')
            elif index >= len(row) - numeric:
                cells.append(f'<td class="n">{_e(cell)}</td>')
            else:
                cells.append(f"<td>{_e(cell)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figure(ident: str, svg: str, caption: str, table: str) -> str:
    return (
        f'<figure id="{ident}">{svg}<figcaption>{_e(caption)}</figcaption>'
        f"<details><summary>Data</summary>{table}</details></figure>"
    )


def _trend_label(point: TrendPoint, weekly: bool) -> str:
    start = point.period.start.astimezone(point.period.tz)
    return f"{start.day} {start:%b}" if weekly else f"{start:%b %Y}"


def _volume(review: ManagementReview) -> str:
    s = review.summary
    weekly = len(s.weekly) <= _WEEKLY_UP_TO
    points = s.weekly if weekly else s.monthly
    labels = [_trend_label(p, weekly) for p in points]
    unit = "week" if weekly else "month"
    svg = line_chart(
        labels,
        [
            ("received", [float(p.received) for p in points]),
            ("closed", [float(p.closed) for p in points]),
        ],
        title="Volume trend",
        description=f"Complaints received and closed per {unit} of {review.period.label}.",
        x_label="Week starting" if weekly else "Month",
        y_label="Complaints",
        chart_id="chart-volume-svg",
    )
    table = _table(
        [f"{unit.capitalize()} ({'starting' if weekly else 'of'})", "Received", "Closed"],
        [(p.period.label, p.received, p.closed) for p in points],
        numeric=2,
    )
    return _figure(
        "chart-volume",
        svg,
        f"Received and closed per {unit}; weeks are ISO weeks (Monday to Sunday), clipped "
        "to the period."
        if weekly
        else "Received and closed per calendar month.",
        table,
    )


def _sla(review: ManagementReview) -> str:
    s = review.summary
    if not s.sla_compliance:
        return (
            '<figure id="chart-sla"><p class="note-box">No SLA policy was given, so '
            "compliance with deadlines was not measured. Give one (a preset such as "
            "<code>fca.disp.standard</code>) to see it.</p></figure>"
        )
    bars = [
        (name, None if c.rate is None else c.rate * 100) for name, c in s.sla_compliance.items()
    ]
    svg = bar_chart(
        bars,
        title="SLA compliance per target",
        description=f"Share of deadlines met per target of {review.policy_name}, for "
        f"complaints received in {review.period.label}; n/a where none was met or breached.",
        x_label="Target",
        y_label="Met (%)",
        chart_id="chart-sla-svg",
        decimals=1,
        suffix="%",
        max_value=100,
    )
    table = _table(
        ["Target", "Met", "Breached", "Pending", "Met (%)"],
        [
            (name, c.met, c.breached, c.pending, "n/a" if c.rate is None else f"{c.rate:.1%}")
            for name, c in s.sla_compliance.items()
        ],
        numeric=4,
    )
    return _figure(
        "chart-sla",
        svg,
        "Met divided by met plus breached; pending targets (deadline not reached) wait.",
        table,
    )


def _resolution(review: ManagementReview) -> str:
    svg = histogram(
        list(review.resolution_days),
        title="Time to final response",
        description="Final responses given in the period, by calendar days from receipt.",
        x_label="Days from receipt to final response (calendar)",
        chart_id="chart-resolution-svg",
    )
    stats = review.summary.time_to_final_response
    caption = "Whole calendar days elapsed; 15 days is the CFPB's limit, 8 weeks the FCA's."
    if stats.count:
        caption += (
            f" Median {_days_text(stats.median)}, 90th percentile {_days_text(stats.p90)}, "
            f"longest {_days_text(stats.max)} ({stats.count:,} responses)."
        )
    return _figure(
        "chart-resolution",
        svg,
        caption,
        _table(["Days to final response", "Complaints"], review.resolution_days),
    )


def _pareto(review: ManagementReview) -> str:
    s = review.summary
    svg = pareto_chart(
        [(r.category, r.count) for r in s.root_causes],
        title="Root causes",
        description="Complaints closed in the period by root cause, most frequent first, "
        "with the cumulative share.",
        chart_id="chart-pareto-svg",
    )
    caption = "The few causes left of the 80% line explain most complaints (ISO 10002 8.2)."
    if s.root_cause_missing:
        caption += f" {s.root_cause_missing:,} closed complaints have no root cause recorded."
    return _figure(
        "chart-pareto",
        svg,
        caption,
        _table(
            ["Root cause", "Complaints", "Cumulative share"],
            [(r.category, r.count, f"{r.cumulative_share:.0%}") for r in s.root_causes],
            numeric=2,
        ),
    )


def _backlog(review: ManagementReview) -> str:
    s = review.summary
    buckets = list(s.backlog_age_buckets.items())
    svg = bar_chart(
        [(label, float(n)) for label, n in buckets],
        title="Backlog ageing",
        description=f"Complaints open at the end of {review.period.label} by age in days "
        "since receipt.",
        x_label="Age at the period end",
        y_label="Open complaints",
        chart_id="chart-backlog-svg",
    )
    return _figure(
        "chart-backlog",
        svg,
        f"{s.open_at_end:,} complaints open at the end of the period.",
        _table(["Age", "Open complaints"], buckets),
    )


def _key_figures(review: ManagementReview) -> str:
    cards = []
    for f in review.key_figures:
        note = f'<dd class="note">{_e(f.note)}</dd>' if f.note else ""
        cards.append(
            f'<div class="figure" id="figure-{_e(f.key)}"><dt>{_e(f.label)}</dt>'
            f'<dd class="value">{_e(f.text)}</dd>{note}</div>'
        )
    return f'<dl class="figures">{"".join(cards)}</dl>'


def _conformance(review: ManagementReview) -> str:
    c = review.conformance
    verdict = "PASSED" if c.passed else "FAILED"
    css = "pass" if c.passed else "fail"
    scope = f"{c.complaints_checked:,} complaints handled in the period"
    if c.profile_checked:
        scope += " and the process profile"
    parts = [
        f'<p class="verdict">Conformance at {_e(_utc(c.at))}: '
        f'<span class="{css}">{verdict}</span></p>',
        f"<p>{_e(scope)}; {c.checks} checks; a finding at {_e(c.fail_at.value)} or above "
        "fails its principle. Findings: "
        + _e(", ".join(f"{c.counts[s]:,} {s}" for s in ("critical", "major", "minor", "info")))
        + ".</p>",
    ]
    if c.integrity_checked is not None:
        integrity = f"{c.integrity_checked:,} complaints' records verified, " + (
            "all intact." if not c.integrity_problems else f"{c.integrity_problems:,} broken."
        )
        parts.append(f"<p>Information integrity (4.9): {_e(integrity)}</p>")
    if c.complaints_checked == 0 and review.summary.handled:
        parts.append(
            '<p class="note-box">The complaints\' histories were not given, so only the '
            "process checks ran.</p>"
        )
    rows = []
    for r in c.principles:
        row = PRINCIPLES[r.principle]
        status = {"pass": "pass", "fail": "FAIL", "not_checked": "not checked"}[r.status.value]
        css = ' class="fail"' if r.status is PrincipleStatus.FAIL else ""
        rows.append(
            f'<tr><th scope="row">{_e(f"{row.number} {row.mark}".strip())}</th>'
            f"<td>{_e(row.title)}</td><td{css}>{_e(status)}</td>"
            + "".join(f'<td class="n">{n:,}</td>' for n in (r.critical, r.major, r.minor, r.info))
            + "</tr>"
        )
    parts.append(
        "<table><thead><tr>"
        + "".join(
            f'<th scope="col">{h}</th>'
            for h in ("Clause", "Principle", "Result", "Critical", "Major", "Minor", "Info")
        )
        + f"</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )
    if c.examples:
        items = "".join(
            f"<li><strong>{_e(f.severity.value)}</strong> {_e(f.clause)} "
            f"{_e(f.complaint_id or 'process')}: {_e(f.message)} "
            f"<small>[{_e(f.check)}]</small></li>"
            for f in c.examples
        )
        parts.append(
            "<h3>Examples of findings of the failing principles</h3>"
            f'<ul class="findings">{items}</ul>'
            "<p>The full list: <code>iso10002 check</code> (or <code>--json</code>).</p>"
        )
    return "".join(parts)


def _all_figures(review: ManagementReview) -> str:
    rows = [(name, "" if value is None else value) for name, value in review.summary.rows()]
    return (
        f"<details><summary>Every figure of the summary ({len(rows):,})</summary>"
        f"{_table(['Figure', 'Value'], rows)}</details>"
    )


def render_html(review: ManagementReview) -> str:
    """The page of ``review``: header, key figures, five charts, conformance, every figure."""
    heading = review.title
    if review.organization:
        heading = f"{review.organization}: {heading}"
    policy = review.policy_name or "none (no SLA figures)"
    meta = (
        f"{_period_text(review)} · figures judged at {_utc(review.at)} · "
        f"SLA policy: {policy} · generated {_utc(review.generated_at)}"
    )
    charts = "".join(
        (_volume(review), _sla(review), _resolution(review), _pareto(review), _backlog(review))
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="generator" content="iso10002 {_e(__version__)}">
<title>{_e(heading)} — {_e(review.period.label)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>{_e(heading)}</h1>
<p class="meta">{_e(meta)}</p>
</header>
<main>
<section id="key-figures" aria-labelledby="key-figures-h"><h2 id="key-figures-h">Key figures</h2>
{_key_figures(review)}
</section>
<section id="charts" aria-labelledby="charts-h"><h2 id="charts-h">Charts</h2>
<div class="charts">{charts}</div>
</section>
<section id="conformance" aria-labelledby="conformance-h">
<h2 id="conformance-h">Conformance with the ISO 10002 principles</h2>
{_conformance(review)}
</section>
<section id="all-figures" aria-labelledby="all-figures-h"><h2 id="all-figures-h">All figures</h2>
{_all_figures(review)}
</section>
</main>
<footer>
<p>Management review of the complaints-handling process (ISO 10002 clause 8.6; the 2018
clause numbers are unconfirmed). Rates are over the denominators documented with
<code>iso10002.metrics.summarize</code>; n/a means there was nothing to divide by. The same
figures are available as JSON and CSV. Made by iso10002 {_e(__version__)}; this page
loads nothing from the network.</p>
</footer>
</body>
</html>
"""
