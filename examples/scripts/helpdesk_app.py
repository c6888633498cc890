"""A host application's complaints module: how Acme Broadband's helpdesk uses iso10002.

The helpdesk keeps its own screens and staff directory; it calls a
:class:`~iso10002.desk.ComplaintsDesk` for every step and describes its process in a
:class:`~iso10002.principles.ProcessProfile`. Its own rule (a vulnerable customer hears the
decision by telephone) is a check registered next to the library's. Its test suite,
``test_helpdesk_app.py``, runs with iso10002's pytest plugin and ``assert_conforms``.

Run: ``python examples/scripts/helpdesk_app.py`` (logs and resolves one complaint).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from iso10002.desk import ComplaintsDesk
from iso10002.events import DecisionCommunicated, Event
from iso10002.integrity import IntegrityReport
from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    Complaint,
    Complexity,
    ContactMethod,
    Impact,
    Money,
    Outcome,
    Redress,
    RemedyKind,
    RemedyRequest,
    RootCause,
    Severity,
)
from iso10002.principles import (
    AuditRecord,
    Authority,
    ChannelOffer,
    CheckContext,
    CorrectiveAction,
    Finding,
    FindingSeverity,
    ManagementReview,
    Principle,
    ProcessProfile,
    PublishedPolicy,
    Registry,
    ResourcePlan,
    TrainingRecord,
    refs,
)

STAFF = ("agent:ana", "agent:bo", "lead:kim")
REFUND_APPROVAL_ABOVE = Money(Decimal("50.00"), "GBP")

ACME_CHECKS = Registry.builtin()
"""The library's checks plus Acme's own."""


@ACME_CHECKS.complaint_check(
    "acme.vulnerable_customers_are_phoned",
    principle=Principle.CUSTOMER_FOCUSED_APPROACH,
    clause="7.8",
    checks="A customer identified as vulnerable hears the decision by telephone.",
)
def vulnerable_customers_are_phoned(
    complaint: Complaint, history: Sequence[Event], context: CheckContext
) -> tuple[Finding, ...]:
    person = complaint.complainant
    if person is None or not person.vulnerability.identified:
        return ()
    sent = [
        i
        for i, e in enumerate(history)
        if isinstance(e, DecisionCommunicated) and e.method is not ContactMethod.PHONE
    ]
    if not sent:
        return ()
    return (
        vulnerable_customers_are_phoned.finding(
            FindingSeverity.MAJOR,
            "a vulnerable customer was sent the decision instead of being phoned",
            complaint.id,
            refs(history, *sent),
        ),
    )


def acme_profile(at: datetime) -> ProcessProfile:
    """Acme's complaints-handling process as it stands at ``at``."""
    day = timedelta(days=1)
    return ProcessProfile(
        organization="Acme Broadband Ltd",
        country="GB",
        channels=(
            ChannelOffer(Channel.PHONE, "0800 046 1234", accessibility=("text relay",)),
            ChannelOffer(Channel.WEB, "https://acme.example/complaints"),
            ChannelOffer(
                Channel.LETTER,
                "Acme Complaints, PO Box 1, Leeds",
                accessibility=("Braille and large-print replies",),
            ),
        ),
        policy=PublishedPolicy(
            version="3.2",
            published_at=at - 40 * day,
            location="https://acme.example/complaints-policy",
            approved_by="board:chair",
        ),
        owner="head-of-care:kim",
        authorities=(
            Authority("lead:kim", "decide complaints and approve refunds"),
            Authority("agent:bo", "decide complaints", REFUND_APPROVAL_ABOVE),
        ),
        handlers=("agent:ana", "agent:bo"),
        training=(
            TrainingRecord("agent:ana", "Handling complaints well", at - 100 * day),
            TrainingRecord("agent:bo", "Handling complaints well", at - 80 * day),
        ),
        resources=ResourcePlan(
            handlers=2, monthly_capacity=300, expected_monthly_volume=180, planned_at=at - 40 * day
        ),
        audits=(AuditRecord(at - 120 * day, auditor="internal-audit:lee"),),
        reviews=(ManagementReview(at - 60 * day, chaired_by="board:chair"),),
        corrective_actions=(
            CorrectiveAction(
                reference="CA-17",
                description="Engineer slots confirmed by SMS the day before",
                opened_at=at - 200 * day,
                root_cause="scheduling",
                completed_at=at - 150 * day,
                verified_at=at - 90 * day,
            ),
        ),
    )


def acme_context(at: datetime, integrity: IntegrityReport | None = None) -> CheckContext:
    """How Acme judges conformance: its staff directory, refund approval limit, DISP rules."""
    return CheckContext(
        at=at,
        integrity=integrity,
        known_actors=frozenset({*STAFF, "system", "customer"}),
        four_eyes_above=(REFUND_APPROVAL_ABOVE,),
        recourse_in_every_response=True,  # DISP 1.6.2R: every final response
    )


class Helpdesk:
    """What the helpdesk screens call; one method per button."""

    def __init__(self, desk: ComplaintsDesk) -> None:
        self.desk = desk

    def log_call(
        self,
        *,
        agent: str,
        caller: Complainant,
        summary: str,
        product: str,
        category: str,
        wants: RemedyKind = RemedyKind.EXPLANATION,
        about: Sequence[str] = (),
    ) -> str:
        """A complaint taken on the phone, acknowledged on the same call (7.2, 7.4)."""
        complaint = self.desk.receive(
            actor=agent,
            channel=Channel.PHONE,
            complainant=caller,
            description=summary,
            classification=Classification(product=product, category=category),
            remedy_requested=RemedyRequest(kinds=(wants,)),
            persons_complained_about=tuple(about),
        )
        self.desk.acknowledge(
            complaint.id,
            actor=agent,
            method=ContactMethod.PHONE,
            response_due=self.desk.clock() + timedelta(weeks=8),
        )
        return complaint.id

    def triage(self, complaint_id: str, *, agent: str, severity: Severity) -> None:
        """Assess the complaint and take it on (7.5, 7.6)."""
        self.desk.assess(
            complaint_id,
            actor=agent,
            severity=severity,
            complexity=Complexity.SIMPLE,
            impact=Impact.MEDIUM,
            urgent=severity in (Severity.HIGH, Severity.CRITICAL),
        )
        self.desk.start_investigation(complaint_id, actor=agent)

    def resolve(
        self,
        complaint_id: str,
        *,
        agent: str,
        upheld: bool,
        reasons: str,
        refund: Decimal | None = None,
        approver: str | None = None,
    ) -> None:
        """Decide, and tell the customer with their right to go to the ombudsman (7.7–7.9)."""
        complaint = self.desk.get(complaint_id)
        vulnerable = (
            complaint.complainant is not None and complaint.complainant.vulnerability.identified
        )
        self.desk.decide(
            complaint_id,
            actor=agent,
            outcome=Outcome.UPHELD if upheld else Outcome.NOT_UPHELD,
            reasons=reasons,
            redress=Redress(Money(refund, "GBP")) if refund is not None else None,
            approved_by=approver,
        )
        self.desk.communicate_decision(
            complaint_id,
            actor=agent,
            method=ContactMethod.PHONE if vulnerable else ContactMethod.EMAIL,
            recourse_explained=True,
        )

    def finish(self, complaint_id: str, *, agent: str, cause: str, detail: str = "") -> None:
        """Record why it happened, close, and ask how we did (8.2, 7.9, 8.3)."""
        self.desk.record_root_cause(complaint_id, actor=agent, root_cause=RootCause(cause, detail))
        self.desk.close(complaint_id, actor=agent)
        self.desk.offer_survey(complaint_id, actor="system", method=ContactMethod.EMAIL)


def main() -> None:
    from iso10002.clock import ManualClock
    from iso10002.model import ContactDetails
    from iso10002.principles import check_conformance
    from iso10002.storage import InMemoryStore

    clock = ManualClock(datetime(2026, 5, 4, 9, tzinfo=timezone.utc))
    helpdesk = Helpdesk(ComplaintsDesk(InMemoryStore(clock=clock), clock=clock))
    caller = Complainant(name="Sam Jones", contact=ContactDetails(email="sam@example.net"))
    cid = helpdesk.log_call(
        agent="agent:ana",
        caller=caller,
        summary="Engineer missed the appointment twice.",
        product="broadband",
        category="installation",
        wants=RemedyKind.COMPENSATION,
    )
    for step in (
        lambda: helpdesk.triage(cid, agent="agent:bo", severity=Severity.MEDIUM),
        lambda: helpdesk.resolve(
            cid,
            agent="agent:bo",
            upheld=True,
            reasons="Both visits were missed.",
            refund=Decimal("30.00"),
        ),
        lambda: helpdesk.finish(cid, agent="agent:bo", cause="scheduling"),
    ):
        clock.advance(timedelta(hours=2))
        step()
    store = helpdesk.desk.store
    report = check_conformance(
        ((c, store.history(c.id)) for c in store.find()),
        acme_context(clock(), integrity=store.verify_integrity()),
        profile=acme_profile(clock()),
        registry=ACME_CHECKS,
    )
    print(report.to_text())


if __name__ == "__main__":
    main()
