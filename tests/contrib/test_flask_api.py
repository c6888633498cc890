"""The blueprint's JSON API: strict input, the desk's rules, problem responses, keyset pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_support import COMPLAINT, as_actor, flask_app
from hypothesis import given, settings
from hypothesis import strategies as st

from iso10002 import ManualClock, MemoryRefusalLog
from iso10002.contrib.flask import ACTION_EVENTS, create_blueprint
from iso10002.contrib.flask.actions import decode_cursor, encode_cursor
from iso10002.testing.builders import START, complaint_in

API = "/complaints/api/complaints"
ANA = as_actor("agent:ana")
KIM = as_actor("lead:kim")
SAM = as_actor("auditor:sam")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def app(clock: ManualClock) -> Iterator[Flask]:
    with flask_app(clock) as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def create(client: FlaskClient, body: object = COMPLAINT, **headers: str) -> str:
    response = client.post(API, json=body, headers={**ANA, **headers})
    assert response.status_code == 201, response.json
    assert response.json is not None
    return str(response.json["id"])


def stored(app: Flask) -> int:
    return int(app.extensions["iso10002"].store.count())


# --- receiving ---------------------------------------------------------------------------------


def test_receiving_answers_201_with_the_snapshot_its_location_and_version(
    client: FlaskClient,
) -> None:
    response = client.post(API, json=COMPLAINT, headers=ANA)
    assert response.status_code == 201
    body = response.json
    assert body is not None
    assert (body["state"], body["channel"], body["received_by"]) == ("received", "web", "agent:ana")
    assert response.headers["Location"] == f"{API}/{body['id']}"
    assert response.headers["ETag"] == '"1"'


def test_a_complaint_without_a_complainant_is_received_as_anonymous(client: FlaskClient) -> None:
    body = client.get(f"{API}/{create(client)}", headers=ANA).json
    assert body is not None
    assert body["complainant"] is None


def test_receiving_again_with_the_same_idempotency_key_returns_the_first_complaint(
    app: Flask, client: FlaskClient
) -> None:
    first = create(client, **{"Idempotency-Key": "form-81"})
    again = client.post(API, json=COMPLAINT, headers={**ANA, "Idempotency-Key": "form-81"})
    assert again.status_code == 200
    assert again.json is not None
    assert again.json["id"] == first
    assert stored(app) == 1


def test_unknown_keys_and_wrong_types_are_all_named_and_nothing_is_stored(
    app: Flask, client: FlaskClient
) -> None:
    body = {
        "description": 7,
        "classification": {"product": "card", "colour": "red"},
        "channel": "pigeon",
        "priority": "high",
    }
    response = client.post(API, json=body, headers=ANA)
    assert response.status_code == 422
    assert response.json is not None
    fields = {e.get("field") for e in response.json["errors"]}
    assert {"description", "channel"} <= fields
    details = " ".join(e["detail"] for e in response.json["errors"])
    assert "priority" in details
    assert "colour" in details
    assert stored(app) == 0


def test_a_naive_datetime_is_refused(app: Flask, client: FlaskClient) -> None:
    body = {**COMPLAINT, "originally_received_at": "2026-01-02T10:00:00"}
    response = client.post(API, json=body, headers=ANA)
    assert response.status_code == 422
    assert response.json is not None
    assert response.json["errors"][0]["field"] == "originally_received_at"
    assert "naive" in response.json["errors"][0]["detail"]
    assert stored(app) == 0


@pytest.mark.parametrize("field", ["actor", "complaint_id", "at"])
def test_fields_the_server_sets_are_refused_in_the_body(
    app: Flask, client: FlaskClient, field: str
) -> None:
    response = client.post(API, json={**COMPLAINT, field: "x"}, headers=ANA)
    assert response.status_code == 422
    assert response.json is not None
    assert response.json["errors"][0]["field"] == field
    assert stored(app) == 0


def test_a_body_that_is_not_json_is_415(client: FlaskClient) -> None:
    response = client.post(API, data={"description": "x"}, headers=ANA)
    assert response.status_code == 415
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("text", ['{"description": ', '{"description": NaN}', "[1, 2]"])
def test_malformed_json_is_refused_with_a_problem(client: FlaskClient, text: str) -> None:
    response = client.post(API, data=text, content_type="application/json", headers=ANA)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"


def test_without_an_actor_nothing_is_received(app: Flask, client: FlaskClient) -> None:
    response = client.post(API, json=COMPLAINT)
    assert response.status_code == 401
    assert stored(app) == 0


def test_a_browser_calling_the_api_still_gets_json_problems(client: FlaskClient) -> None:
    response = client.get(f"{API}/C-404", headers={**ANA, "Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    "path", ["/complaints/api", "/complaints/api/nothing", f"{API}/C-1/no-such-view"]
)
def test_a_path_under_the_api_that_no_route_matches_is_a_404_problem(
    client: FlaskClient, path: str
) -> None:  # RFC 9457: the API answers every error as a problem, routing ones included
    response = client.get(path, headers={**ANA, "Accept": "text/html"})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.json is not None
    assert (response.json["status"], response.json["instance"]) == (404, path)


def test_a_method_an_api_route_does_not_take_is_a_405_problem_naming_the_allowed_ones(
    client: FlaskClient,
) -> None:
    response = client.put(API, json=COMPLAINT, headers=ANA)
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


@pytest.mark.parametrize("path", ["/elsewhere", "/complaints/apis", "/complaints/nothing"])
def test_unmatched_paths_outside_the_api_keep_the_apps_own_404(
    client: FlaskClient, path: str
) -> None:
    response = client.get(path, headers=ANA)
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_the_api_answers_unmatched_paths_at_every_prefix_it_is_registered_at() -> None:
    with flask_app() as app:
        app.register_blueprint(create_blueprint("second"), url_prefix="/v2")
        response = app.test_client().get("/v2/api/nothing", headers=ANA)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


# --- reading ---------------------------------------------------------------------------------


def test_get_answers_the_snapshot_with_its_version_as_etag(client: FlaskClient) -> None:
    cid = create(client)
    response = client.get(f"{API}/{cid}", headers=SAM)
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["description"] == COMPLAINT["description"]
    assert response.headers["ETag"] == '"1"'


def test_an_unknown_complaint_is_404(client: FlaskClient) -> None:
    assert client.get(f"{API}/C-404", headers=ANA).status_code == 404


def test_history_lists_every_event_oldest_first(client: FlaskClient) -> None:
    cid = create(client)
    client.post(f"{API}/{cid}/actions/acknowledge", json={"method": "email"}, headers=ANA)
    body = client.get(f"{API}/{cid}/history", headers=SAM).json
    assert body is not None
    assert [e["type"] for e in body["events"]] == ["received", "acknowledged"]


def test_reading_needs_the_view_grant(app: Flask, client: FlaskClient) -> None:
    cid = create(client)
    outsider = as_actor("visitor:vi")
    assert client.get(f"{API}/{cid}", headers=outsider).status_code == 403
    assert client.get(f"{API}/{cid}/history", headers=outsider).status_code == 403
    refusals = app.extensions["iso10002"].refusals
    assert isinstance(refusals, MemoryRefusalLog)
    assert [r.action for r in refusals.refusals] == ["view", "view"]


def test_allowed_lists_the_lifecycles_events_and_those_the_actor_may_take(
    client: FlaskClient,
) -> None:
    cid = create(client)
    body = client.get(f"{API}/{cid}/allowed", headers=SAM).json
    assert body is not None
    assert "acknowledge" in body["events"]
    assert body["permitted"] == []  # an auditor only views
    ana = client.get(f"{API}/{cid}/allowed", headers=ANA).json
    assert ana is not None
    assert "acknowledge" in ana["permitted"]


# --- acting ----------------------------------------------------------------------------------


def test_an_action_records_its_event_and_answers_the_new_snapshot(client: FlaskClient) -> None:
    cid = create(client)
    response = client.post(
        f"{API}/{cid}/actions/acknowledge",
        json={"method": "email", "message": "We have your complaint."},
        headers={**ANA, "If-Match": '"1"'},
    )
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["state"] == "acknowledged"
    assert response.headers["ETag"] == '"2"'


def test_an_action_with_a_stale_if_match_is_412_and_writes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    cid = create(client)
    client.post(f"{API}/{cid}/actions/add_note", json={"text": "called back"}, headers=ANA)
    response = client.post(
        f"{API}/{cid}/actions/acknowledge",
        json={"method": "email"},
        headers={**ANA, "If-Match": '"1"'},
    )
    assert response.status_code == 412
    assert app.extensions["iso10002"].get(cid).version == 2


@pytest.mark.parametrize("tag", ['W/"1"', "one", '"1", "2"'])
def test_an_if_match_that_is_not_one_of_our_etags_is_refused(client: FlaskClient, tag: str) -> None:
    cid = create(client)
    response = client.post(
        f"{API}/{cid}/actions/acknowledge",
        json={"method": "email"},
        headers={**ANA, "If-Match": tag},
    )
    assert response.status_code == 422


def test_an_action_the_lifecycle_refuses_is_409_with_the_reason(client: FlaskClient) -> None:
    cid = create(client)
    response = client.post(f"{API}/{cid}/actions/close", json={}, headers=KIM)
    assert response.status_code == 409
    assert response.json is not None
    assert (response.json["state"], response.json["event"]) == ("received", "close")


def test_an_action_the_access_policy_refuses_is_403_changes_nothing_and_is_recorded(
    app: Flask, client: FlaskClient
) -> None:
    cid = create(client)
    response = client.post(
        f"{API}/{cid}/actions/acknowledge", json={"method": "email"}, headers=SAM
    )
    assert response.status_code == 403
    desk = app.extensions["iso10002"]
    assert desk.get(cid).version == 1
    assert [(r.actor, r.action, r.complaint_id) for r in desk.refusals.refusals] == [
        ("auditor:sam", "acknowledge", cid)
    ]


def test_an_unknown_action_is_refused(client: FlaskClient) -> None:
    cid = create(client)
    response = client.post(f"{API}/{cid}/actions/teleport", json={}, headers=ANA)
    assert response.status_code == 422
    assert response.json is not None
    assert response.json["errors"][0]["field"] == "action"


def test_an_action_payload_is_structured_strictly(app: Flask, client: FlaskClient) -> None:
    cid = create(client)
    client.post(f"{API}/{cid}/actions/acknowledge", json={"method": "email"}, headers=ANA)
    response = client.post(
        f"{API}/{cid}/actions/assess",
        json={"severity": "HIGH", "complexity": "simple", "impact": "low", "urgent": "false"},
        headers=ANA,
    )
    assert response.status_code == 422
    assert response.json is not None
    assert {e["field"] for e in response.json["errors"]} == {"severity", "urgent"}
    assert app.extensions["iso10002"].get(cid).version == 2


def test_an_action_may_say_when_it_happened_but_not_in_the_future(
    clock: ManualClock, client: FlaskClient
) -> None:
    cid = create(client)
    clock.advance(timedelta(hours=2))
    earlier = (START + timedelta(hours=1)).isoformat()
    later = (START + timedelta(hours=3)).isoformat()
    future = client.post(
        f"{API}/{cid}/actions/acknowledge", json={"method": "phone", "at": later}, headers=ANA
    )
    assert future.status_code == 422
    done = client.post(
        f"{API}/{cid}/actions/acknowledge", json={"method": "phone", "at": earlier}, headers=ANA
    )
    assert done.json is not None
    assert done.json["acknowledged_at"] == earlier


def test_a_complaint_runs_its_whole_lifecycle_through_the_api(client: FlaskClient) -> None:
    cid = create(client)
    steps = [
        ("acknowledge", {"method": "email"}, ANA),
        ("assess", {"severity": "medium", "complexity": "simple", "impact": "low"}, ANA),
        ("start_investigation", {"investigator": "agent:ana"}, ANA),
        ("decide", {"outcome": "upheld", "reasons": "We charged twice."}, KIM),
        ("communicate_decision", {"method": "email", "recourse_explained": True}, ANA),
        ("accept", {}, ANA),
        ("close", {"summary": "Refunded."}, KIM),
    ]
    for action, payload, who in steps:
        response = client.post(f"{API}/{cid}/actions/{action}", json=payload, headers=who)
        assert response.status_code == 200, (action, response.json)
    body = client.get(f"{API}/{cid}", headers=ANA).json
    assert body is not None
    assert (body["state"], body["version"]) == ("closed", 8)


def test_redact_erases_personal_data_with_a_reason(client: FlaskClient) -> None:
    cid = create(client, {**COMPLAINT, "complainant": {"name": "Jo Bloggs"}})
    response = client.post(
        f"{API}/{cid}/actions/redact",
        json={"reason": "erasure request", "force": True},
        headers=KIM,
    )
    assert response.status_code == 200
    assert response.json is not None
    assert response.json["complainant"] is None


def test_every_action_but_receive_can_be_performed_through_the_api() -> None:
    from iso10002.access import ACTIONS

    assert set(ACTION_EVENTS) | {"receive", "view"} == ACTIONS


# --- listing ---------------------------------------------------------------------------------


def test_the_list_shows_each_complaints_sla_status(clock: ManualClock, client: FlaskClient) -> None:
    create(client)
    clock.advance(timedelta(days=3))
    body = client.get(API, headers=ANA).json
    assert body is not None
    (item,) = body["items"]
    assert item["sla"]["policy"] == "iso10002.default"
    assert item["sla"]["breached"] == ["acknowledge"]


def test_the_list_filters_by_state_and_product(client: FlaskClient) -> None:
    first = create(client)
    create(client, {**COMPLAINT, "classification": {"product": "mortgage"}})
    client.post(f"{API}/{first}/actions/acknowledge", json={"method": "email"}, headers=ANA)
    by_state = client.get(f"{API}?state=acknowledged", headers=ANA).json
    by_product = client.get(f"{API}?product=mortgage&state=received", headers=ANA).json
    assert by_state is not None
    assert by_product is not None
    assert [i["id"] for i in by_state["items"]] == [first]
    assert [i["classification"]["product"] for i in by_product["items"]] == ["mortgage"]


def test_the_list_filters_overdue_complaints(clock: ManualClock, client: FlaskClient) -> None:
    late = create(client)
    clock.advance(timedelta(days=3))
    create(client)
    at = (START + timedelta(days=3)).isoformat().replace("+00:00", "Z")
    body = client.get(f"{API}?overdue_at={at}", headers=ANA).json
    assert body is not None
    assert [i["id"] for i in body["items"]] == [late]


def test_bad_list_parameters_are_all_named(client: FlaskClient) -> None:
    response = client.get(
        f"{API}?state=lost&received_until=2026-01-05T09:00&limit=1000&sort=id&after=zz",
        headers=ANA,
    )
    assert response.status_code == 422
    assert response.json is not None
    fields = {e.get("field") for e in response.json["errors"]}
    assert fields == {"sort", "state", "received_until", "limit", "after"}


def test_the_list_shows_only_complaints_the_actor_may_view(app: Flask, client: FlaskClient) -> None:
    create(client)
    body = client.get(API, headers=as_actor("visitor:vi")).json
    assert body is not None
    assert body["items"] == []
    assert app.extensions["iso10002"].refusals.refusals == ()  # a listing is not an attempt


def page_through(client: FlaskClient, limit: int) -> list[str]:
    seen: list[str] = []
    cursor: str | None = None
    while True:
        query = f"?limit={limit}" + (f"&after={cursor}" if cursor else "")
        body = client.get(API + query, headers=ANA).json
        assert body is not None
        seen.extend(i["id"] for i in body["items"])
        cursor = body["next"]
        if cursor is None:
            return seen


@settings(max_examples=15)
@given(count=st.integers(min_value=0, max_value=9), limit=st.integers(min_value=1, max_value=4))
def test_paging_through_the_list_gives_every_complaint_once_in_receipt_order(
    count: int, limit: int
) -> None:
    clock = ManualClock(START)
    with flask_app(clock) as app:
        client = app.test_client()
        made = []
        for _ in range(count):
            made.append(create(client))
            clock.advance(timedelta(minutes=1))
        assert page_through(client, limit) == made


def test_a_complaint_received_while_paging_appears_on_a_later_page(
    clock: ManualClock, client: FlaskClient
) -> None:
    # Received at the same instant, they are listed by id: (received_at, id) is the key.
    made = sorted(create(client) for _ in range(3))
    first = client.get(f"{API}?limit=2", headers=ANA).json
    assert first is not None
    clock.advance(timedelta(minutes=1))
    made.append(create(client))
    rest = client.get(f"{API}?limit=2&after={first['next']}", headers=ANA).json
    assert rest is not None
    assert [i["id"] for i in first["items"] + rest["items"]] == made


@given(st.sampled_from(["received", "closed", "investigating"]))
def test_a_cursor_decodes_to_the_complaint_it_was_made_from(state: str) -> None:
    complaint = complaint_in(state)
    assert decode_cursor(encode_cursor(complaint)) == (complaint.received_at, complaint.id)
