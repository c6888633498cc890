"""Library errors reach HTTP clients as RFC 9457 problem responses, with the documented status."""

from __future__ import annotations

import logging

import pytest
from flask import Flask

from iso10002.contrib.flask import (
    PROBLEM_JSON,
    PROBLEM_TYPES,
    ActorRequired,
    CsrfFailure,
    Iso10002,
    problem_table,
)
from iso10002.errors import (
    AccessDenied,
    ConcurrencyConflict,
    ConfigurationError,
    IntegrityViolation,
    Iso10002Error,
    NotFound,
    TransitionNotAllowed,
    ValidationError,
)
from iso10002.sla import ClockNotPausable

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def raising(error: Exception, **config: object) -> Flask:
    """An app on the extension with one route, ``/boom``, that raises ``error``."""
    app = Flask("problems")
    app.config.update({"ISO10002_STORE": "memory", **config})
    Iso10002(app)

    @app.route("/boom", methods=["GET", "POST"])
    def boom() -> str:
        raise error

    return app


@pytest.mark.parametrize(
    ("error", "status", "slug"),
    [
        (ActorRequired(), 401, "actor-required"),
        (AccessDenied("auditor:sam", "close", "C-1"), 403, "access-denied"),
        (CsrfFailure(), 403, "csrf-failed"),
        (NotFound("C-1"), 404, "not-found"),
        (ValidationError(["description: must not be empty"]), 422, "validation-error"),
        (ConcurrencyConflict("C-1", 2, 3), 409, "concurrency-conflict"),
        (TransitionNotAllowed("received", "close", "no decision"), 409, "transition-not-allowed"),
        (IntegrityViolation("chain broken"), 500, "integrity-violation"),
        (ConfigurationError("no calendar"), 500, "configuration-error"),
        (ClockNotPausable("regulatory clock"), 500, "configuration-error"),
        (Iso10002Error("something else"), 400, "complaints-error"),
    ],
)
def test_each_library_error_has_its_status_and_problem_type(
    error: Iso10002Error, status: int, slug: str
) -> None:
    response = raising(error).test_client().get("/boom")
    assert response.status_code == status
    assert response.mimetype == PROBLEM_JSON
    problem = response.json
    assert problem is not None
    assert problem["type"] == f"urn:iso10002:problem:{slug}"
    assert problem["status"] == status
    assert problem["instance"] == "/boom"
    assert problem["title"]


def test_a_validation_problem_names_every_bad_field_with_a_json_pointer() -> None:
    error = ValidationError(
        [
            "complainant.contact.email: not an e-mail address",
            "persons_complained_about[1]: must not be empty",
            "extra fields found: colour",
        ]
    )
    problem = raising(error).test_client().get("/boom").json
    assert problem is not None
    assert problem["errors"] == [
        {
            "field": "complainant.contact.email",
            "pointer": "#/complainant/contact/email",
            "detail": "not an e-mail address",
        },
        {
            "field": "persons_complained_about[1]",
            "pointer": "#/persons_complained_about/1",
            "detail": "must not be empty",
        },
        {"detail": "extra fields found: colour"},
    ]


def test_a_stale_version_sent_as_if_match_is_412_precondition_failed() -> None:
    client = raising(ConcurrencyConflict("C-1", 2, 3)).test_client()
    response = client.post("/boom", headers={"If-Match": '"2"'})
    assert response.status_code == 412
    assert response.json == {
        "type": "urn:iso10002:problem:precondition-failed",
        "title": "The complaint changed",
        "status": 412,
        "detail": "complaint 'C-1' is at version 3, not 2: it changed since it was read",
        "instance": "/boom",
        "expected_version": 2,
        "actual_version": 3,
    }


def test_a_refused_transition_says_the_state_the_event_and_the_reason() -> None:
    error = TransitionNotAllowed("received", "close", "no decision has been communicated")
    problem = raising(error).test_client().get("/boom").json
    assert problem is not None
    assert (problem["state"], problem["event"], problem["reason"]) == (
        "received",
        "close",
        "no decision has been communicated",
    )


def test_a_refusal_says_which_action_was_refused() -> None:
    problem = raising(AccessDenied("auditor:sam", "close", "C-1")).test_client().get("/boom").json
    assert problem is not None
    assert problem["action"] == "close"
    assert problem["detail"] == "'auditor:sam' may not close complaint 'C-1'"


def test_an_unauthenticated_problem_asks_for_credentials() -> None:
    response = raising(ActorRequired()).test_client().get("/boom")
    assert "WWW-Authenticate" in response.headers


def test_server_side_problems_keep_their_detail_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    secret = "/srv/data/complaints.sqlite3 is corrupt"
    with caplog.at_level(logging.ERROR, logger="iso10002.contrib.flask.problems"):
        response = raising(IntegrityViolation(secret)).test_client().get("/boom")
    assert secret not in response.get_data(as_text=True)
    assert any(secret in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_the_problem_type_prefix_is_a_setting() -> None:
    app = raising(NotFound("C-1"), ISO10002_PROBLEM_TYPE_BASE="https://example.org/problems/")
    problem = app.test_client().get("/boom").json
    assert problem is not None
    assert problem["type"] == "https://example.org/problems/not-found"


def test_a_browser_gets_the_problem_as_an_html_page_with_the_same_status() -> None:
    response = raising(NotFound("C-1")).test_client().get("/boom", headers=BROWSER)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "No such complaint" in response.get_data(as_text=True)


def test_the_html_problem_page_escapes_what_the_error_quotes() -> None:
    payload = "<script>alert('x')</script>"
    error = ValidationError([f"description: {payload} is not allowed"])
    page = raising(error).test_client().get("/boom", headers=BROWSER).get_data(as_text=True)
    assert payload not in page
    assert "&lt;script&gt;" in page


def test_error_handlers_can_be_left_to_the_host() -> None:
    app = raising(NotFound("C-1"), ISO10002_ERROR_HANDLERS=False)
    app.testing = True  # let the exception through, as Flask does without a handler
    with pytest.raises(NotFound):
        app.test_client().get("/boom")


def test_the_docs_table_has_a_row_for_every_problem_type() -> None:
    table = problem_table()
    for kind in PROBLEM_TYPES:
        assert f"| `{kind.error.__name__}` | {kind.status} | `{kind.slug}` |" in table
    assert "| `ConcurrencyConflict` | 412 | `precondition-failed` |" in table
