"""The quick start as a script: one complaint from receipt to closure, then its history.

Run: ``python examples/scripts/quickstart.py``
"""

from __future__ import annotations

from decimal import Decimal

from iso10002.desk import ComplaintsDesk
from iso10002.model import (
    Channel,
    Classification,
    Complainant,
    ComplaintState,
    Complexity,
    ContactMethod,
    Impact,
    Money,
    Outcome,
    Redress,
    RootCause,
    Severity,
)
from iso10002.storage import InMemoryStore


def main() -> None:
    desk = ComplaintsDesk(InMemoryStore())
    c = desk.receive(
        actor="agent:ana",
        channel=Channel.WEB,
        complainant=Complainant(name="Jo Bloggs"),
        description="My card was declined abroad although I had told the bank I was travelling.",
        classification=Classification(product="credit card", category="card declined"),
    )
    desk.assess(
        c.id,
        actor="agent:ana",
        severity=Severity.MEDIUM,
        complexity=Complexity.SIMPLE,
        impact=Impact.MEDIUM,
        acknowledge_by=ContactMethod.EMAIL,
    )
    desk.start_investigation(c.id, actor="agent:bo")
    desk.decide(
        c.id,
        actor="agent:bo",
        outcome=Outcome.UPHELD,
        reasons="The travel notice was recorded but not applied to the card.",
        redress=Redress(Money(Decimal("40.00"), "GBP")),
    )
    desk.communicate_decision(
        c.id, actor="agent:bo", method=ContactMethod.EMAIL, recourse_explained=True
    )
    desk.record_root_cause(
        c.id, actor="agent:bo", root_cause=RootCause("system", "travel notices not synced")
    )
    closed = desk.close(c.id, actor="agent:bo")
    assert closed.state is ComplaintState.CLOSED
    for event in desk.history(c.id):
        print(f"{event.at:%Y-%m-%d %H:%M:%S}  {event.event_type:<22} {event.actor}")
    print("integrity:", desk.store.verify_integrity())


if __name__ == "__main__":
    main()
