"""The complaints site through Flask's test client: pages, buttons, roles, escaping."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from flask_site_checks import csrf_of

from iso10002 import ManualClock
from iso10002.contrib.flask import receive_complaint

SCRIPT = "<script>document.title='pwned'</script>"


def file_complaint(app: Flask, description: str = "No broadband for a week.") -> str:
    desk = app.extensions["iso10002"]
    payload = {"description": description, "classification": {"product": "broadband"}}
    return receive_complaint(desk, payload, actor="agent:ana").id


def press(
    client: FlaskClient, app: Flask, cid: str, action: str, token: str, **fields: str
) -> object:
    version = app.extensions["iso10002"].get(cid).version
    data = {"csrf_token": token, "version": str(version), **fields}
    return client.post(f"/c/{cid}/act/{action}", data=data, headers={"Accept": "text/html"})


def state_of(app: Flask, cid: str) -> str:
    return str(app.extensions["iso10002"].get(cid).state.value)


def test_the_list_needs_a_signed_in_member(client: FlaskClient) -> None:
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_list_shows_each_complaint_with_its_sla_status(
    app: Flask, client: FlaskClient, clock: ManualClock, sign_in: Callable[[str], str]
) -> None:
    cid = file_complaint(app)
    sign_in("agent:ana")
    page = client.get("/").get_data(as_text=True)
    assert cid in page
    assert "due 06 Jan 17:00" in page  # acknowledge by close of the next business day
    clock.advance(timedelta(days=2))
    assert "breached: acknowledge" in client.get("/").get_data(as_text=True)


def test_the_list_filters_by_state(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    cid = file_complaint(app)
    token = sign_in("agent:ana")
    other = file_complaint(app)
    press(client, app, cid, "acknowledge", token, method="email")
    page = client.get("/?state=acknowledged").get_data(as_text=True)
    assert cid in page
    assert other not in page


def test_the_list_pages_with_a_next_link(
    app: Flask, client: FlaskClient, clock: ManualClock, sign_in: Callable[[str], str]
) -> None:
    made = []
    for _ in range(21):
        made.append(file_complaint(app))
        clock.advance(timedelta(minutes=1))
    sign_in("agent:ana")
    first = client.get("/").get_data(as_text=True)
    match = re.search(r'id="next-page" href="([^"]+)"', first)
    assert match
    second = client.get(match.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert made[0] in first
    assert made[20] not in first
    assert made[20] in second


def test_the_complaint_page_offers_the_allowed_actions_as_buttons(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    cid = file_complaint(app)
    sign_in("agent:ana")
    page = client.get(f"/c/{cid}").get_data(as_text=True)
    assert 'id="do-acknowledge"' in page
    assert 'id="do-add_note"' in page
    assert 'id="do-assess"' not in page  # acknowledge first (ISO 10002 7.4 before 7.5)
    assert 'id="do-close"' not in page  # and no closing before a decision


def test_buttons_the_role_is_not_granted_are_marked(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    cid = file_complaint(app)
    sign_in("auditor:sam")
    page = client.get(f"/c/{cid}").get_data(as_text=True)
    assert re.search(r'id="action-acknowledge"\s+class="not-permitted"', page)


def test_pressing_acknowledge_records_it_in_the_history(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    cid = file_complaint(app)
    token = sign_in("agent:ana")
    response = press(client, app, cid, "acknowledge", token, method="email", message="Thanks")
    assert response.status_code == 303  # type: ignore[attr-defined]
    page = client.get(f"/c/{cid}").get_data(as_text=True)
    assert state_of(app, cid) == "acknowledged"
    assert "Acknowledge: done." in page
    assert "acknowledged</td><td>agent:ana" in page


def test_a_team_runs_a_complaint_from_receipt_to_closure(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    cid = file_complaint(app)
    token = sign_in("agent:ana")
    press(client, app, cid, "acknowledge", token, method="email")
    press(
        client,
        app,
        cid,
        "assess",
        token,
        severity="medium",
        complexity="simple",
        impact="low",
        category="outage",
    )
    press(client, app, cid, "start_investigation", token, investigator="agent:ana")
    token = sign_in("lead:kim")
    press(client, app, cid, "decide", token, outcome="upheld", reasons="The line card failed.")
    press(client, app, cid, "communicate_decision", token, method="email", recourse_explained="on")
    press(client, app, cid, "accept", token)
    press(client, app, cid, "close", token, summary="Fixed and credited.")
    complaint = app.extensions["iso10002"].get(cid)
    assert (complaint.state.value, complaint.version) == ("closed", 8)
    assert complaint.decision.recourse_explained is True
    assert app.extensions["iso10002"].store.verify_integrity().ok


def test_a_member_without_the_role_is_refused_nothing_changes_and_it_is_recorded(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    cid = file_complaint(app)
    token = sign_in("auditor:sam")
    response = press(client, app, cid, "acknowledge", token, method="email")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert "may not acknowledge" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert app.extensions["iso10002"].get(cid).version == 1
    refusals = app.extensions["iso10002"].refusals.refusals
    assert [(r.actor, r.action) for r in refusals] == [("auditor:sam", "acknowledge")]
    page = client.get(f"/c/{cid}").get_data(as_text=True)
    assert "auditor:sam was refused acknowledge" in page


def test_a_handler_may_not_decide(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    cid = file_complaint(app)
    token = sign_in("agent:ana")
    press(client, app, cid, "acknowledge", token, method="email")
    press(
        client,
        app,
        cid,
        "assess",
        token,
        severity="low",
        complexity="simple",
        impact="low",
        category="outage",
    )
    press(client, app, cid, "start_investigation", token, investigator="agent:ana")
    response = press(client, app, cid, "decide", token, outcome="upheld", reasons="Yes.")
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert state_of(app, cid) == "investigating"


def test_a_slip_in_a_form_is_shown_and_nothing_is_recorded(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    cid = file_complaint(app)
    token = sign_in("agent:ana")
    press(client, app, cid, "add_note", token, text="")
    page = client.get(f"/c/{cid}").get_data(as_text=True)
    assert "text: must not be empty" in page
    assert app.extensions["iso10002"].get(cid).version == 1


def test_a_press_on_a_stale_page_is_a_conflict_and_writes_nothing(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    cid = file_complaint(app)
    token = sign_in("agent:ana")
    stale = {"csrf_token": token, "version": "1", "text": "first"}
    client.post(f"/c/{cid}/act/add_note", data=stale)
    response = client.post(f"/c/{cid}/act/add_note", data={**stale, "text": "second"})
    assert response.status_code == 409
    assert app.extensions["iso10002"].get(cid).version == 2


def test_a_press_without_the_csrf_token_is_refused(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    cid = file_complaint(app)
    sign_in("agent:ana")
    response = client.post(f"/c/{cid}/act/acknowledge", data={"version": "1", "method": "email"})
    assert response.status_code == 403
    assert app.extensions["iso10002"].get(cid).version == 1


def test_complaint_text_with_html_is_shown_escaped(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    cid = file_complaint(app, description=SCRIPT)
    token = sign_in("agent:ana")
    press(client, app, cid, "add_note", token, text=f"<b>{SCRIPT}</b>")
    page = client.get(f"/c/{cid}").get_data(as_text=True)
    assert SCRIPT not in page
    assert "<b>" not in page
    assert "&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;" in page


def test_the_intake_form_files_a_complaint_the_team_then_sees(
    app: Flask, client: FlaskClient, sign_in: Callable[[str], str]
) -> None:
    form = client.get("/complaints/new").get_data(as_text=True)
    submission = re.search(r'name="submission" value="([^"]+)"', form)
    assert submission
    response = client.post(
        "/complaints/new",
        data={
            "csrf_token": csrf_of(form),
            "submission": submission.group(1),
            "description": "Billed for a TV package I cancelled.",
            "product": "billing",
            "name": "Jo Bloggs",
            "email": "jo@example.org",
        },
    )
    assert response.status_code == 303
    (complaint,) = app.extensions["iso10002"].store.find()
    assert complaint.received_by == "web-form"
    sign_in("agent:ana")
    assert complaint.id in client.get("/").get_data(as_text=True)


def test_sign_in_goes_back_only_to_a_page_of_this_site(client: FlaskClient) -> None:
    token = csrf_of(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login?next=//evil.example/x", data={"csrf_token": token, "actor": "agent:ana"}
    )
    assert response.headers["Location"] == "/"


def test_only_members_of_the_team_can_sign_in(client: FlaskClient) -> None:
    token = csrf_of(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"csrf_token": token, "actor": "boss:x"}).status_code == 400
