"""Acme's own test suite for its helpdesk, written with iso10002's testing kit.

The fixtures ``complaints_desk`` and ``manual_clock`` come from iso10002's pytest plugin,
which installing iso10002 registers; nothing in a conftest.py is needed for them.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from helpdesk_app import ACME_CHECKS, Helpdesk, acme_context, acme_profile
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.model import Complainant, Consent, ContactDetails, Severity, Vulnerability
from iso10002.storage import InMemoryStore
from iso10002.testing import START, assert_conforms
from iso10002.testing.strategies import complainants

JO = Complainant(name="Jo Bloggs", contact=ContactDetails(email="jo@example.org"))


@pytest.fixture
def helpdesk(complaints_desk: ComplaintsDesk) -> Helpdesk:
    return Helpdesk(complaints_desk)


def handle(helpdesk: Helpdesk, clock: ManualClock, caller: Complainant = JO, **resolve: Any) -> str:
    cid = helpdesk.log_call(
        agent="agent:ana",
        caller=caller,
        summary="No service for a week.",
        product="broadband",
        category="outage",
        about=("engineer:zed",),
    )
    clock.advance(timedelta(hours=1))
    helpdesk.triage(cid, agent="agent:bo", severity=Severity.MEDIUM)
    clock.advance(timedelta(days=2))
    helpdesk.resolve(cid, agent="agent:bo", upheld=True, reasons="The line card failed.", **resolve)
    clock.advance(timedelta(hours=1))
    helpdesk.finish(cid, agent="agent:bo", cause="equipment", detail="line card")
    return cid


def judge(helpdesk: Helpdesk, clock: ManualClock) -> None:
    store = helpdesk.desk.store
    assert_conforms(
        helpdesk.desk,
        context=acme_context(clock(), integrity=store.verify_integrity()),
        profile=acme_profile(clock()),
        registry=ACME_CHECKS,
    )


def test_a_complaint_handled_the_acme_way_conforms(
    helpdesk: Helpdesk, manual_clock: ManualClock
) -> None:
    handle(helpdesk, manual_clock, refund=Decimal("20.00"))
    judge(helpdesk, manual_clock)


def test_a_large_refund_without_a_second_approver_is_caught(
    helpdesk: Helpdesk, manual_clock: ManualClock
) -> None:
    handle(helpdesk, manual_clock, refund=Decimal("80.00"))
    with pytest.raises(AssertionError, match=r"objectivity\.four_eyes_redress"):
        judge(helpdesk, manual_clock)


def test_a_large_refund_approved_by_the_lead_conforms(
    helpdesk: Helpdesk, manual_clock: ManualClock
) -> None:
    handle(helpdesk, manual_clock, refund=Decimal("80.00"), approver="lead:kim")
    judge(helpdesk, manual_clock)


def test_a_vulnerable_customer_is_phoned_with_the_decision(
    helpdesk: Helpdesk, manual_clock: ManualClock
) -> None:
    vulnerable = Complainant(
        name="Ada Price",
        contact=ContactDetails(email="ada@example.org", phone="0113 496 0000"),
        vulnerability=Vulnerability(identified=True),
    )
    handle(helpdesk, manual_clock, caller=vulnerable)
    judge(helpdesk, manual_clock)  # Acme's own check passes, with the library's


def test_a_refund_without_reasons_never_reaches_the_record(
    helpdesk: Helpdesk, manual_clock: ManualClock
) -> None:
    cid = helpdesk.log_call(
        agent="agent:ana",
        caller=JO,
        summary="Bill too high.",
        product="broadband",
        category="billing",
    )
    helpdesk.triage(cid, agent="agent:bo", severity=Severity.LOW)
    with pytest.raises(Exception, match="needs its reasons"):
        helpdesk.resolve(cid, agent="agent:bo", upheld=True, reasons=" ")


@settings(max_examples=20, deadline=None)
@given(caller=complainants(), hours=st.integers(0, 72))
def test_any_caller_who_agrees_to_processing_gets_a_conforming_handling(
    caller: Complainant, hours: int
) -> None:
    # Hypothesis runs this many times, so it builds its own desk rather than a fixture's.
    clock = ManualClock(START + timedelta(hours=hours))
    helpdesk = Helpdesk(ComplaintsDesk(InMemoryStore(clock=clock), clock=clock))
    reachable = Complainant(
        name=caller.name,
        contact=ContactDetails(email="caller@example.org"),
        customer_ref=caller.customer_ref,
        is_consumer=caller.is_consumer,
    )
    handle(helpdesk, clock, caller=reachable)
    judge(helpdesk, clock)


def test_a_caller_who_refused_processing_is_flagged(
    helpdesk: Helpdesk, manual_clock: ManualClock
) -> None:
    refused = Complainant(
        name="Lee Chan",
        contact=ContactDetails(email="lee@example.org"),
        consent=Consent(data_processing=False),
    )
    handle(helpdesk, manual_clock, caller=refused)
    with pytest.raises(AssertionError, match="did not consent to the processing"):
        judge(helpdesk, manual_clock)
