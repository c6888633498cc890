"""summarize(): every figure against a hand-computed quarter of ten complaints.

Period 2026Q1 in UTC, [2026-01-01, 2026-04-01). No policy, so business days are Monday to
Friday 09:00-17:00 UTC with no holidays. The fixture, and what each complaint is for:

- A: received and closed before the quarter: in no figure.
- B: received 2025-12-20, still open: open at start and at end, "over 8 weeks" old.
- C: received Sun 2025-12-28, final response 2026-01-08, closed 2026-01-10: open at start,
  closed (FCA "within 8 weeks": COB of the 3rd business day was 2025-12-31; CFPB "within
  15 days"), not upheld, root cause "process".
- D: received Mon 2026-01-05 09:00, acknowledged after 2 h, final response after 25 h,
  closed 2026-01-07: "within 3 business days", upheld, 50 GBP, root cause "system",
  survey offered in the quarter and scored 5, first-contact resolved.
- E: received 2026-01-12, acknowledged after 24 h, escalated 2026-02-10, two decisions
  (20 GBP, then 10 EUR), final response after 39 days, closed after 42 days: "within 8
  weeks" / "within 60 days", partially upheld, root cause "system", score 2, vulnerable.
- F: received 2026-02-02, withdrawn 2026-02-05.
- G: received 2026-01-02, final response after 67 days 2 h, referred 2026-03-01, reopened
  2026-03-20, closed 2026-03-31 (88 days: after 8 weeks / 60 days), not upheld, no root
  cause, complainant erased.
- H: received 2026-03-25, acknowledged after 2 h, open: "0-7 days" old.
- I: received after the quarter: in no figure.
- J: received 2025-11-01, closed 2025-12-01, reopened 2026-02-15 and open: the snapshot
  keeps no earlier closure, so it counts as open at start (the documented limit).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from metric_records import decision, make, utc

from iso10002.errors import ValidationError
from iso10002.metrics import Period, breakdown, summarize
from iso10002.metrics.stats import DurationStats
from iso10002.model import Outcome

Q1 = Period.parse("2026Q1")
H = timedelta(hours=1)
D = timedelta(days=1)

FIXTURE = [
    make("A", utc(2025, 12, 15, 10), closed_at=utc(2025, 12, 20, 10)),
    make("B", utc(2025, 12, 20, 10), acknowledged_at=utc(2025, 12, 22, 10)),
    make(
        "C",
        utc(2025, 12, 28, 10),
        decisions=(decision(Outcome.NOT_UPHELD, utc(2026, 1, 8, 10)),),
        closed_at=utc(2026, 1, 10, 10),
        cause="process",
    ),
    make(
        "D",
        utc(2026, 1, 5, 9),
        acknowledged_at=utc(2026, 1, 5, 11),
        decisions=(decision(Outcome.UPHELD, utc(2026, 1, 6, 10), ("50.00", "GBP")),),
        closed_at=utc(2026, 1, 7, 12),
        cause="system",
        survey_offered_at=utc(2026, 1, 8, 9),
        score=5,
    ),
    make(
        "E",
        utc(2026, 1, 12, 10),
        acknowledged_at=utc(2026, 1, 13, 10),
        escalations=(utc(2026, 2, 10, 10),),
        decisions=(
            decision(Outcome.NOT_UPHELD, utc(2026, 2, 20, 10), ("20", "GBP")),
            decision(Outcome.PARTIALLY_UPHELD, utc(2026, 2, 21, 10), ("10", "EUR")),
        ),
        closed_at=utc(2026, 2, 23, 10),
        cause="system",
        survey_offered_at=utc(2026, 2, 24, 9),
        score=2,
        vulnerable=True,
    ),
    make("F", utc(2026, 2, 2, 10), withdrawn_at=utc(2026, 2, 5, 10)),
    make(
        "G",
        utc(2026, 1, 2, 10),
        decisions=(decision(Outcome.NOT_UPHELD, utc(2026, 3, 10, 12)),),
        referred_at=utc(2026, 3, 1, 10),
        reopenings=(utc(2026, 3, 20, 10),),
        closed_at=utc(2026, 3, 31, 12),
        complainant=None,
    ),
    make("H", utc(2026, 3, 25, 10), acknowledged_at=utc(2026, 3, 25, 12)),
    make("I", utc(2026, 4, 2, 10)),
    make("J", utc(2025, 11, 1, 10), reopenings=(utc(2026, 2, 15, 10),)),
]


@pytest.fixture(scope="module")
def q1() -> object:
    return summarize(FIXTURE, Q1, customers=2000)


def test_flow_counts(q1) -> None:
    assert (q1.received, q1.open_at_start, q1.closed, q1.withdrawn) == (5, 3, 4, 1)
    assert q1.open_at_end == q1.backlog == 3
    assert q1.handled == 8


def test_the_backlog_identity_holds(q1) -> None:
    assert q1.open_at_end == q1.open_at_start + q1.received - q1.closed - q1.withdrawn


def test_backlog_ages_are_whole_days_from_receipt_to_the_period_end(q1) -> None:
    assert q1.backlog_age_buckets == {
        "0-7 days": 1,  # H: 6 days 14 hours
        "8-28 days": 0,
        "29-56 days": 0,
        "over 8 weeks": 2,  # B and J
    }


def test_time_to_acknowledge_counts_acknowledgements_in_the_period(q1) -> None:
    # D 2 h, E 24 h, H 2 h; B's acknowledgement was before the quarter.
    assert q1.time_to_acknowledge == DurationStats(
        count=3,
        mean=timedelta(hours=28 / 3),
        median=2 * H,
        p90=timedelta(hours=19, minutes=36),  # 2 h + 0.8 * 22 h
        max=24 * H,
    )
    assert q1.business_time_to_acknowledge is None  # no policy, no business time


def test_time_to_final_response_counts_first_communications_in_the_period(q1) -> None:
    # C 11 d, D 25 h, E 39 d (its first decision), G 67 d 2 h.
    assert q1.time_to_final_response == DurationStats(
        count=4,
        mean=timedelta(hours=2835 / 4),
        median=25 * D,  # (11 d + 39 d) / 2
        p90=58 * D + timedelta(hours=15, minutes=48),  # 39 d + 0.7 * 674 h
        max=67 * D + 2 * H,
    )


def test_closed_within_bands(q1) -> None:
    assert q1.closed_within == {
        "within 3 business days": 1,  # D
        "within 8 weeks": 2,  # C, E
        "after 8 weeks": 1,  # G
        "within 15 days": 2,  # C (13 days), D
        "within 60 days": 1,  # E
        "after 60 days": 1,  # G
    }


def test_partially_upheld_counts_as_upheld(q1) -> None:
    assert q1.upheld == 2  # D upheld, E partially upheld (its latest decision)
    assert q1.upheld_rate == 0.5


def test_redress_sums_every_decision_per_currency(q1) -> None:
    assert q1.redress_total == {"EUR": Decimal("10"), "GBP": Decimal("70.00")}


def test_reopen_rate_is_over_complaints_closed_or_reopened(q1) -> None:
    assert q1.reopened == 2  # G, J
    assert q1.reopen_rate == 2 / 5  # C, D, E, G closed; J reopened


def test_escalation_and_referral_rates_are_over_complaints_handled(q1) -> None:
    assert (q1.escalated, q1.escalation_rate) == (1, 1 / 8)
    assert (q1.referred, q1.referral_rate) == (1, 1 / 8)


def test_first_contact_resolution(q1) -> None:
    # D: final response 25 h later, before COB of the next business day; nothing else.
    assert q1.first_contact_resolved == 1
    assert q1.first_contact_resolution_rate == 1 / 5


def test_satisfaction(q1) -> None:
    s = q1.satisfaction
    assert (s.surveys_offered, s.responses) == (2, 2)
    assert (s.mean_score, s.satisfied_share, s.response_rate) == (3.5, 0.5, 1.0)


def test_root_cause_pareto(q1) -> None:
    assert [(r.category, r.count, r.cumulative_share) for r in q1.root_causes] == [
        ("system", 2, 2 / 3),
        ("process", 1, 1.0),
    ]
    assert q1.root_cause_missing == 1  # G


def test_vulnerability_share_leaves_out_erased_complainants(q1) -> None:
    assert (q1.vulnerable, q1.vulnerability_unknown) == (1, 1)
    assert q1.vulnerable_share == 1 / 4


def test_rate_per_1000_customers(q1) -> None:
    assert q1.rate_per_1000 == 2.5
    assert summarize(FIXTURE, Q1).rate_per_1000 is None
    assert summarize(FIXTURE, Q1, customers=0).rate_per_1000 is None


def test_monthly_trend(q1) -> None:
    assert [(p.period.label, p.received, p.closed) for p in q1.monthly] == [
        ("2026-01", 3, 2),  # D, E, G received; C, D closed
        ("2026-02", 1, 1),
        ("2026-03", 1, 1),
    ]


def test_weekly_trend_is_clipped_to_the_period(q1) -> None:
    weeks = q1.weekly
    assert weeks[0].period.label == "2026-01-01..2026-01-04"
    assert (weeks[0].received, weeks[0].closed) == (1, 0)  # G on Fri 2 January
    assert weeks[1].period.label == "2026-W02"
    assert (weeks[1].received, weeks[1].closed) == (1, 2)  # D received; C (Sat 10th), D closed
    assert weeks[-1].period.label == "2026-03-30..2026-03-31"
    assert (weeks[-1].received, weeks[-1].closed) == (0, 1)  # G closed
    assert sum(w.received for w in weeks) == q1.received
    assert sum(w.closed for w in weeks) == q1.closed


def test_an_empty_period_has_zero_counts_and_no_rates() -> None:
    s = summarize([], Q1)
    assert (s.received, s.closed, s.open_at_end) == (0, 0, 0)
    assert s.upheld_rate is s.reopen_rate is s.escalation_rate is None
    assert s.first_contact_resolution_rate is s.vulnerable_share is None
    assert s.time_to_acknowledge == DurationStats(0, None, None, None, None)
    assert s.satisfaction.mean_score is None
    assert s.root_causes == ()
    assert s.redress_total == {}


def test_breakdown_by_product() -> None:
    complaints = [
        make("1", utc(2026, 1, 5, 9), product="mortgage"),
        make("2", utc(2026, 1, 6, 9), product="savings", closed_at=utc(2026, 1, 7, 9)),
        make("3", utc(2026, 1, 7, 9), product="mortgage"),
    ]
    parts = breakdown(complaints, Q1, by="product")
    assert {k: (v.received, v.closed) for k, v in parts.items()} == {
        "mortgage": (2, 0),
        "savings": (1, 1),
    }


def test_breakdown_by_a_function_and_missing_values() -> None:
    complaints = [
        make("1", utc(2026, 1, 5, 9), category=None),
        make("2", utc(2026, 1, 6, 9), category="fees"),
        make("3", utc(2027, 1, 6, 9), category="late"),  # after the period: no group
    ]
    assert list(breakdown(complaints, Q1, by="category")) == ["(none)", "fees"]
    by_id = summarize(complaints, Q1, by=lambda c: c.id)
    assert (by_id.by, list(by_id.groups)) == ("<lambda>", ["1", "2"])


def test_a_summary_by_a_dimension_keeps_the_totals() -> None:
    s = summarize(FIXTURE, Q1, by="channel")
    assert s.by == "channel"
    assert s.received == 5
    assert s.groups["email"].received == 5


def test_bad_arguments_are_named() -> None:
    with pytest.raises(ValidationError) as caught:
        summarize([], Q1, at=utc(2026, 1, 1).replace(tzinfo=None), customers=-1)
    assert [e.split(":")[0] for e in caught.value.errors] == ["at", "customers"]
    with pytest.raises(ValidationError, match="not a dimension"):
        summarize([], Q1, by="colour")


def test_to_dict_and_rows_carry_every_figure(q1) -> None:
    data = q1.to_dict()
    assert data["redress_total"] == {"EUR": "10", "GBP": "70.00"}
    assert data["time_to_acknowledge"]["max"] == 86400.0
    rows = dict(q1.rows())
    assert rows["received"] == 5
    assert rows["root_causes.1.category"] == "system"
    assert rows["monthly.2.period"] == "2026-02"
    assert rows["backlog_age_buckets.over 8 weeks"] == 2
    assert all(not isinstance(v, (dict, list)) for v in rows.values())


def test_first_contact_days_must_be_a_whole_non_negative_number() -> None:
    with pytest.raises(ValidationError, match="first_contact_days: -1 is negative"):
        summarize([], Q1, first_contact_days=-1)
    with pytest.raises(ValidationError, match="first_contact_days: expected a whole number"):
        summarize([], Q1, first_contact_days=True)


def test_a_summary_of_a_local_period_counts_by_local_midnights() -> None:
    # 23:30 UTC on 31 March is 00:30 on 1 April in London (BST): after Q1 there.
    late = make("1", utc(2026, 3, 31, 23, 30))
    assert summarize([late], Q1).received == 1
    assert summarize([late], Period.parse("2026Q1", tz="Europe/London")).received == 0
    assert summarize([late], Period.parse("2026Q2", tz="Europe/London")).received == 1
