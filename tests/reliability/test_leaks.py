"""Data leaks: personal data stays out of the logs and out of the exports that do not need it.

ISO 10002 4.10 (confidentiality): the complainant's name, contact details and the text of the
complaint are personal data. The library's own log lines (refusals, failures) name actors,
actions and complaint ids only; the CFPB-shaped export leaves the narrative out unless asked,
and never exports the narrative of an erased complaint. (That erasure removes the data from
storage is the conformance suite's ``test_redacted_data_is_gone_from_storage``.)
"""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import pytest

from iso10002.access import LoggingRefusalLog
from iso10002.clock import ManualClock
from iso10002.desk import ComplaintsDesk
from iso10002.errors import AccessDenied, ValidationError
from iso10002.metrics.exports import export_cfpb
from iso10002.model import Channel, Classification, Complainant, ContactDetails, ContactMethod
from iso10002.sla import presets
from iso10002.storage import SQLiteStore
from iso10002.testing.builders import START

NAME, EMAIL, STORY = "Ada Lovelace", "ada@example.org", "My neighbour's son took my card."
SECRETS = (NAME, EMAIL, STORY)


def receive(desk: ComplaintsDesk) -> str:
    return desk.receive(
        actor="agent:ana",
        channel=Channel.EMAIL,
        complainant=Complainant(name=NAME, contact=ContactDetails(email=EMAIL)),
        description=STORY,
        classification=Classification(product="card", category="fraud"),
    ).id


def test_nothing_personal_reaches_the_logs(caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock(START)
    caplog.set_level(logging.DEBUG)
    with SQLiteStore.memory() as store:
        desk = ComplaintsDesk(
            store,
            presets.get("fca.disp.standard"),
            clock,
            access=lambda actor, action, complaint: actor != "intruder:eve",
            refusals=LoggingRefusalLog(),
        )
        complaint_id = receive(desk)
        clock.advance(timedelta(hours=1))
        desk.acknowledge(complaint_id, actor="agent:ana", method=ContactMethod.EMAIL)
        with pytest.raises(AccessDenied):
            desk.add_note(complaint_id, actor="intruder:eve", text=STORY)
        with pytest.raises(AccessDenied):
            desk.get(complaint_id, actor="intruder:eve")
        with pytest.raises(ValidationError):
            desk.add_note(complaint_id, actor="agent:ana", text=" ")
        desk.redact(complaint_id, actor="dpo:lee", reason="erasure request", force=True)
    assert any("intruder:eve" in r.getMessage() for r in caplog.records)  # refusals logged
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert [secret for secret in SECRETS if secret in logged] == []


def test_the_cfpb_export_holds_no_personal_data_unless_narratives_are_asked_for() -> None:
    with SQLiteStore.memory() as store:
        desk = ComplaintsDesk(store, clock=ManualClock(START))
        complaint_id = receive(desk)
        plain, with_narratives, after_erasure = io.StringIO(), io.StringIO(), io.StringIO()
        export_cfpb(store, plain, at=START)
        export_cfpb(store, with_narratives, at=START, narratives=True)
        desk.redact(complaint_id, actor="dpo:lee", reason="erasure request", force=True)
        export_cfpb(store, after_erasure, at=START, narratives=True)
    assert [s for s in SECRETS if s in plain.getvalue()] == []
    assert STORY in with_narratives.getvalue()  # asked for: the narrative, still no contact
    assert [s for s in (NAME, EMAIL) if s in with_narratives.getvalue()] == []
    assert [s for s in SECRETS if s in after_erasure.getvalue()] == []
