"""Records refuse bad values at construction, naming the field (ISO 10002 7.2, 4.12)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from iso10002.errors import ValidationError
from iso10002.events import Acknowledged, Assigned
from iso10002.model import (
    REDACTED,
    ComplaintState,
    ContactMethod,
    Money,
    Outcome,
    Satisfaction,
)
from iso10002.testing.builders import complaint_in, received

AT = datetime(2026, 1, 5, 9, tzinfo=timezone.utc)


def test_event_instants_are_kept_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    event = Assigned(at=datetime(2026, 1, 5, 10, tzinfo=paris), actor="lead", assignee="bo")
    assert event.at == AT
    assert event.at.tzinfo is timezone.utc


def test_naive_instant_is_refused_with_its_field_name() -> None:
    with pytest.raises(ValidationError, match="at: naive datetime"):
        Assigned(at=datetime(2026, 1, 5, 9), actor="lead", assignee="bo")


def test_every_event_names_an_accountable_actor() -> None:  # ISO 10002 4.12
    with pytest.raises(ValidationError, match="actor: must not be empty"):
        Acknowledged(at=AT, actor="  ", method=ContactMethod.EMAIL)


def test_wrong_enum_type_is_refused() -> None:
    with pytest.raises(ValidationError, match="method: expected ContactMethod, got str"):
        Acknowledged(at=AT, actor="ana", method="email")  # type: ignore[arg-type]


def test_receipt_needs_a_description() -> None:  # ISO 10002 7.2 a)
    with pytest.raises(ValidationError, match="description: must not be empty"):
        received(description="")


def test_enormous_text_is_refused_not_truncated() -> None:
    with pytest.raises(ValidationError, match="longer than 100,000"):
        received(description="x" * 100_001)


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        (Decimal("NaN"), "GBP", "not a finite amount"),
        (12.5, "GBP", "expected a Decimal, got float"),
        (Decimal("1"), "gbp", "not an ISO 4217 code"),
    ],
)
def test_money_is_exact_and_has_a_currency(amount: object, currency: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Money(amount, currency)  # type: ignore[arg-type]


@pytest.mark.parametrize("score", [0, 6, True])
def test_satisfaction_is_a_score_from_one_to_five(score: int) -> None:  # ISO 10002 8.3
    with pytest.raises(ValidationError, match="score"):
        Satisfaction(score)


def test_partially_upheld_counts_as_upheld_as_the_fca_counts_it() -> None:
    assert Outcome.PARTIALLY_UPHELD.is_upheld
    assert not Outcome.NOT_UPHELD.is_upheld
    assert not Outcome.RESOLVED_INFORMALLY.is_upheld


@pytest.mark.parametrize(
    ("state", "is_open"),
    [("received", True), ("responded", True), ("closed", False), ("withdrawn", False)],
)
def test_open_means_neither_closed_nor_withdrawn(state: str, is_open: bool) -> None:
    assert complaint_in(state).is_open is is_open


def test_snapshot_derives_decision_facts() -> None:
    complaint = complaint_in("closed")
    assert complaint.outcome is Outcome.UPHELD
    assert complaint.decision is not None
    assert complaint.final_response_at == complaint.decision.communicated_at
    assert complaint.redress is not None
    assert complaint.redress.amount == Money(Decimal("25.00"), "GBP")


def test_withdrawn_complaint_has_the_withdrawn_outcome() -> None:
    complaint = complaint_in("withdrawn")
    assert complaint.state is ComplaintState.WITHDRAWN
    assert complaint.outcome is Outcome.WITHDRAWN


def test_redacted_text_marker_is_plain() -> None:
    assert REDACTED == "[redacted]"
