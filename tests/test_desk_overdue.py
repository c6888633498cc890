"""The desk lists complaints past their next deadline, with what the SLA policy says of them."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.errors import ValidationError
from iso10002.model import Channel, Classification, ContactMethod
from iso10002.sla import presets
from iso10002.storage import ComplaintQuery, InMemoryStore
from iso10002.testing.builders import START

FCA = presets.get("fca.disp.standard")


def receive(desk: ComplaintsDesk, product: str = "mortgage") -> str:
    return desk.receive(
        actor="agent:ana",
        channel=Channel.PHONE,
        complainant=None,
        description="No answer for a week.",
        classification=Classification(product=product),
    ).id


@pytest.fixture
def desk() -> ComplaintsDesk:
    return ComplaintsDesk(InMemoryStore(), FCA, ManualClock(START))


def test_a_complaint_past_its_acknowledgement_deadline_is_overdue(desk: ComplaintsDesk) -> None:
    complaint_id = receive(desk)
    assert list(desk.overdue(at=START + timedelta(days=1))) == []
    (late,) = desk.overdue(at=START + timedelta(days=5))
    assert late.complaint.id == complaint_id
    assert [t.name for t in late.breached] == ["acknowledge"]
    assert "due Thu 8 Jan 2026 17:00" in late.breached[0].explanation


def test_a_met_target_no_longer_makes_it_overdue(desk: ComplaintsDesk) -> None:
    complaint_id = receive(desk)
    desk.acknowledge(complaint_id, actor="agent:ana", method=ContactMethod.PHONE)
    assert list(desk.overdue(at=START + timedelta(days=5))) == []
    (late,) = desk.overdue(at=START + timedelta(weeks=9))  # the final response, now
    assert [t.name for t in late.breached] == ["final_response"]


def test_the_listing_can_be_narrowed(desk: ComplaintsDesk) -> None:
    receive(desk, "mortgage")
    receive(desk, "savings")
    late = START + timedelta(days=5)
    assert len(list(desk.overdue(at=late))) == 2
    (one,) = desk.overdue(at=late, query=ComplaintQuery(product="savings"))
    assert one.complaint.classification.product == "savings"


def test_without_an_sla_policy_there_is_no_evaluation() -> None:
    class Due:
        lifecycle_rules = FCA.lifecycle_rules

        def next_due(self, complaint: object, at: datetime) -> datetime:
            return START + timedelta(days=1)

        def retain_until(self, complaint: object) -> None:
            return None

    desk = ComplaintsDesk(InMemoryStore(), Due(), ManualClock(START))
    receive(desk)
    (late,) = desk.overdue(at=START + timedelta(days=2))
    assert late.evaluation is None
    assert late.breached == ()


def test_a_naive_instant_is_refused_at_once(desk: ComplaintsDesk) -> None:
    with pytest.raises(ValidationError):
        desk.overdue(at=datetime(2026, 1, 9))
