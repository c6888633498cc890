"""The management review (ISO 10002 8.6): its figures, its page, its JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.demo import demo_policy, simulate
from iso10002.errors import ConfigurationError, ValidationError
from iso10002.events import Event, RootCauseRecorded
from iso10002.metrics.period import Period
from iso10002.metrics.report import (
    RESOLUTION_BANDS,
    ManagementReview,
    management_review,
    review_store,
    write_review,
)
from iso10002.model import RootCause
from iso10002.replay import replay
from iso10002.storage import InMemoryStore
from iso10002.testing.builders import START, conforming_history, conforming_profile, history_to
from iso10002.testing.strategies import histories, instants

Q3 = Period.parse("2026Q3")
AFTER_Q3 = datetime(2026, 10, 1, 9, tzinfo=timezone.utc)
HOSTILE = '<img src=x onerror="alert(1)">'
FORMULA = '=HYPERLINK("http://evil.example","x")'
SVG_BLOCK = re.compile(r"<svg .*?</svg>", re.DOTALL)


@pytest.fixture(scope="module")
def quarter() -> InMemoryStore:
    """A simulated quarter of 80 complaints (the demo's UK bank)."""
    store = InMemoryStore()
    simulate(store, complaints=80, seed=11)
    return store


@pytest.fixture(scope="module")
def review(quarter: InMemoryStore) -> ManagementReview:
    return review_store(quarter, Q3, policy=demo_policy(), generated_at=AFTER_Q3)


def with_root_cause(category: str, complaint_id: str) -> tuple[Event, ...]:
    """A conforming history whose root cause is ``category`` (text from outside)."""
    return tuple(
        attrs.evolve(e, root_cause=RootCause(category, "as reported"))
        if isinstance(e, RootCauseRecorded)
        else e
        for e in conforming_history(complaint_id)
    )


# --- the figures ---------------------------------------------------------------------------


def test_the_conformance_checks_cover_the_complaints_the_period_handled(
    review: ManagementReview,
) -> None:
    assert review.conformance.complaints_checked == review.summary.handled == 80


def test_the_histogram_counts_the_final_responses_the_summary_measures(
    review: ManagementReview,
) -> None:
    assert [band for band, _ in review.resolution_days] == [b for b, _ in RESOLUTION_BANDS]
    counted = sum(n for _, n in review.resolution_days)
    assert counted == review.summary.time_to_final_response.count > 0


def test_a_response_falls_in_the_band_of_its_whole_days_elapsed() -> None:
    events = conforming_history()  # decided and communicated within hours of receipt
    late = tuple(
        attrs.evolve(e, at=e.at + timedelta(days=15)) if i > 0 else e
        for i, e in enumerate(history_to("responded", "C-LATE"))
    )
    store = InMemoryStore()
    store.create(events)
    store.create(late)
    review = review_store(store, Period.parse("2026Q1"), policy=None, generated_at=AFTER_Q3)
    assert dict(review.resolution_days) == {
        "0-3 days": 1,
        "4-7 days": 0,
        "8-15 days": 1,  # 15 whole days: the CFPB's 15 days
        "16-28 days": 0,
        "29-56 days": 0,
        "over 8 weeks": 0,
    }


def test_key_figures_are_the_summarys(review: ManagementReview) -> None:
    s = review.summary
    assert review.figure("received").value == s.received
    assert review.figure("closed").value == s.closed
    assert review.figure("open_at_end").value == s.open_at_end
    assert review.figure("upheld_rate").value == s.upheld_rate
    assert review.figure("conformance_passed").value is review.conformance.passed
    met = sum(c.met for c in s.sla_compliance.values())
    breached = sum(c.breached for c in s.sla_compliance.values())
    assert review.figure("sla_met_rate").value == pytest.approx(met / (met + breached))
    with pytest.raises(KeyError):
        review.figure("no such figure")


def test_a_finished_period_is_judged_at_its_end_and_a_running_one_now() -> None:
    store = InMemoryStore()
    ended = review_store(store, Q3, policy=None, generated_at=AFTER_Q3)
    running = review_store(
        store, Q3, policy=None, generated_at=datetime(2026, 8, 1, tzinfo=timezone.utc)
    )
    assert ended.at == Q3.end
    assert running.at == datetime(2026, 8, 1, tzinfo=timezone.utc)
    assert running.conformance.at == running.at


def test_without_histories_only_the_process_checks_run() -> None:
    events = conforming_history()
    review = management_review(
        [replay(events)],
        Period.parse("2026Q1"),
        policy=None,
        profile=conforming_profile(START),
        generated_at=AFTER_Q3,
    )
    assert review.conformance.complaints_checked == 0
    assert review.conformance.profile_checked
    assert review.organization == conforming_profile(START).organization
    assert "only the process checks ran" in review.to_html()


def test_bad_arguments_are_refused_naming_each() -> None:
    with pytest.raises(ValidationError) as refused:
        management_review(
            [],
            "2026Q3",  # type: ignore[arg-type]
            policy="fca",  # type: ignore[arg-type]
            at=datetime(2026, 9, 1),  # naive
        )
    assert [e.split(":")[0] for e in refused.value.errors] == ["period", "policy", "at"]


def test_failing_principles_keep_a_few_example_findings_most_severe_first(
    review: ManagementReview,
) -> None:
    c = review.conformance
    assert not c.passed
    failed = {r.principle for r in c.failed}
    assert {f.principle for f in c.examples} == failed
    for principle in failed:
        examples = [f for f in c.examples if f.principle is principle]
        assert 1 <= len(examples) <= 3
        ranks = [f.severity.rank for f in examples]
        assert ranks == sorted(ranks, reverse=True)


WINTER = instants(
    datetime(2025, 12, 1, tzinfo=timezone.utc), datetime(2026, 3, 31, tzinfo=timezone.utc)
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.one_of(
            histories(max_events=14, start=WINTER),
            # Random histories seldom reach a final response; these always do.
            st.builds(lambda n, at: conforming_history(f"C-K{n}", at), st.integers(0, 99), WINTER),
        ),
        max_size=6,
        unique_by=lambda events: replay(events[:1]).id,
    ),
    st.sampled_from(["2026Q1", "2026-02", "2026-01-15..2026-02-20"]),
)
def test_the_review_checks_what_the_period_handled_and_bins_every_measured_response(
    stories: list[tuple[Event, ...]], label: str
) -> None:
    snapshots = [replay(events) for events in stories]
    by_id = {c.id: events for c, events in zip(snapshots, stories, strict=True)}
    review = management_review(
        snapshots,
        Period.parse(label),
        policy=None,
        history=by_id.__getitem__,
        generated_at=AFTER_Q3,
    )
    s = review.summary
    assert review.conformance.complaints_checked == s.handled
    assert sum(n for _, n in review.resolution_days) == s.time_to_final_response.count
    assert json.loads(review.to_json())["summary"]["handled"] == s.handled
    for svg in SVG_BLOCK.findall(review.to_html()):
        ET.fromstring(svg)


# --- the page ------------------------------------------------------------------------------


def test_the_page_is_self_contained(review: ManagementReview) -> None:
    page = review.to_html()
    assert page.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in page  # the browser itself refuses any request
    without_namespace = page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert not re.search(r"https?://", without_namespace)
    for fetching in ("<script", "<link", "<img", "<iframe", " src=", "@import", "url("):
        assert fetching not in page


def test_the_page_draws_the_five_charts_each_with_its_data(review: ManagementReview) -> None:
    page = review.to_html()
    for ident in ("volume", "sla", "resolution", "pareto", "backlog"):
        assert f'id="chart-{ident}"' in page
        assert f'aria-labelledby="chart-{ident}-svg-title chart-{ident}-svg-desc"' in page
    charts = SVG_BLOCK.findall(page)
    assert len(charts) == 5
    for svg in charts:
        ET.fromstring(svg)  # each is well-formed
    assert page.count("<summary>Data</summary>") == 5


def test_the_page_shows_the_key_figures_and_the_conformance_verdict(
    review: ManagementReview,
) -> None:
    page = review.to_html()
    assert f'<dd class="value">{review.summary.received:,}</dd>' in page
    assert '<span class="fail">FAILED</span>' in page
    assert "Timeliness" in page
    assert page.count("<li><strong>") == len(review.conformance.examples)


def test_text_from_the_records_is_escaped_on_the_page() -> None:
    store = InMemoryStore()
    store.create(with_root_cause(HOSTILE, "C-0001"))
    review = review_store(store, Period.parse("2026Q1"), policy=None, generated_at=AFTER_Q3)
    page = review.to_html()
    assert HOSTILE not in page
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page


def test_without_a_policy_the_page_says_sla_compliance_was_not_measured() -> None:
    review = review_store(InMemoryStore(), Q3, policy=None, generated_at=AFTER_Q3)
    page = review.to_html()
    assert "compliance with deadlines was not measured" in page
    assert review.figure("sla_met_rate").note == "no SLA policy given"
    assert len(SVG_BLOCK.findall(page)) == 4


# --- JSON and CSV --------------------------------------------------------------------------


def test_the_json_holds_the_same_figures(review: ManagementReview) -> None:
    data = json.loads(review.to_json())
    assert data["period"] == {
        "label": "2026Q3",
        "start": "2026-07-01T00:00:00+00:00",
        "end": "2026-10-01T00:00:00+00:00",
    }
    assert data["summary"] == json.loads(json.dumps(review.summary.to_dict()))
    assert [f["key"] for f in data["key_figures"]] == [f.key for f in review.key_figures]
    assert data["conformance"]["passed"] is False
    assert data["conformance"]["complaints_checked"] == 80
    assert sum(b["count"] for b in data["resolution_days"]) == (
        review.summary.time_to_final_response.count
    )


def test_the_csv_holds_the_same_figures_and_no_formula() -> None:
    store = InMemoryStore()
    store.create(with_root_cause(FORMULA, "C-0001"))
    review = review_store(store, Period.parse("2026Q1"), policy=None, generated_at=AFTER_Q3)
    rows = list(csv.reader(io.StringIO(review.to_csv())))
    assert rows[0] == ["section", "figure", "value"]
    cells = {(section, figure): value for section, figure, value in rows[1:]}
    assert cells[("key figures", "received")] == "1"
    assert cells[("summary", "closed")] == "1"
    assert cells[("conformance", "complaints_checked")] == "1"
    assert cells[("summary", "root_causes.1.category")] == "'" + FORMULA
    assert not any(value.startswith("=") for _, _, value in rows)


# --- files ---------------------------------------------------------------------------------


def test_write_review_chooses_the_format_by_suffix(
    review: ManagementReview, tmp_path: Path
) -> None:
    page = write_review(review, tmp_path / "q3.html")
    assert page.read_text(encoding="utf-8") == review.to_html()
    data = write_review(review, tmp_path / "q3.JSON")
    assert json.loads(data.read_text(encoding="utf-8"))["title"] == review.title
    table = write_review(review, tmp_path / "q3.csv")
    assert table.read_bytes() == review.to_csv().encode()  # CRLF kept as written
    forced = write_review(review, tmp_path / "q3.txt", format="json")
    assert json.loads(forced.read_text(encoding="utf-8"))["period"]["label"] == "2026Q3"


@pytest.mark.parametrize(("name", "format"), [("q3.pdf", None), ("q3", None), ("q3.html", "pdf")])
def test_write_review_refuses_a_format_it_cannot_write(
    review: ManagementReview, tmp_path: Path, name: str, format: str | None
) -> None:
    with pytest.raises(ConfigurationError):
        write_review(review, tmp_path / name, format=format)
    assert not (tmp_path / name).exists()


def test_instants_on_the_page_are_in_utc_whatever_their_offset() -> None:
    made = datetime(2026, 10, 1, 10, 30, tzinfo=timezone(timedelta(hours=2)))
    page = review_store(InMemoryStore(), Q3, policy=None, generated_at=made).to_html()
    assert "generated 01 Oct 2026 08:30 UTC" in page
    assert "figures judged at 01 Oct 2026 00:00 UTC" in page
