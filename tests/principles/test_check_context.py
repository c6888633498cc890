"""The context a run is evaluated with: validated once, lookups prepared once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from iso10002.errors import ValidationError
from iso10002.integrity import IntegrityProblem, IntegrityReport
from iso10002.lifecycle import LifecycleRules
from iso10002.model import Complaint, Money
from iso10002.principles import CheckContext

AT = datetime(2026, 3, 31, tzinfo=timezone.utc)


class Policy:
    lifecycle_rules = LifecycleRules(reopen_window=timedelta(days=28))

    def next_due(self, complaint: Complaint, at: datetime) -> datetime | None:
        return None

    def retain_until(self, complaint: Complaint) -> datetime | None:
        return None


def test_the_instant_of_evaluation_must_be_aware() -> None:
    with pytest.raises(ValidationError, match="naive"):
        CheckContext(at=datetime(2026, 3, 31))


def test_one_four_eyes_limit_per_currency() -> None:
    with pytest.raises(ValidationError, match="more than one limit for GBP"):
        CheckContext(at=AT, four_eyes_above=(Money(Decimal(1), "GBP"), Money(Decimal(2), "GBP")))


def test_windows_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="survey_within"):
        CheckContext(at=AT, survey_within=timedelta(0))


def test_integrity_problems_are_looked_up_by_complaint() -> None:
    problem = IntegrityProblem("C-2", 2, "edited", "content no longer matches its hash")
    context = CheckContext(at=AT, integrity=IntegrityReport(checked=2, problems=(problem,)))
    assert context.integrity_problems("C-2") == (problem,)
    assert context.integrity_problems("C-1") == ()


def test_placeholder_actors_are_recognised_whatever_their_case() -> None:
    context = CheckContext(at=AT)
    assert context.is_placeholder_actor(" Unknown ")
    assert not context.is_placeholder_actor("agent:ana")


def test_lifecycle_rules_come_from_the_policy() -> None:
    assert CheckContext(at=AT, policy=Policy()).lifecycle_rules.reopen_window == timedelta(days=28)
    assert CheckContext(at=AT).lifecycle_rules == LifecycleRules()


def test_contexts_compare_by_their_settings() -> None:
    assert CheckContext(at=AT) == CheckContext(at=AT)
    assert CheckContext(at=AT) != CheckContext(at=AT, min_channels=3)
