"""The intake form: CSRF-protected, every error beside its field, every text escaped."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_support import as_actor, flask_app

from iso10002.model import Channel

FORM = "/complaints/new"
SCRIPT = "<script>alert('pwned')</script>"


@pytest.fixture
def app() -> Iterator[Flask]:
    with flask_app() as app:
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no hidden field {name}"
    return match.group(1)


def fields(client: FlaskClient, **values: str) -> dict[str, str]:
    """The form as a person fills it in: its hidden fields, and ``values``."""
    page = client.get(FORM).get_data(as_text=True)
    return {
        "csrf_token": hidden(page, "csrf_token"),
        "submission": hidden(page, "submission"),
        "description": "The branch refused my cheque.",
        "product": "current account",
        **values,
    }


def stored(app: Flask) -> list[object]:
    return list(app.extensions["iso10002"].store.find())


def test_the_form_carries_a_csrf_token(client: FlaskClient) -> None:
    page = client.get(FORM).get_data(as_text=True)
    assert len(hidden(page, "csrf_token")) > 30


def test_a_post_without_the_sessions_csrf_token_is_refused_and_stores_nothing(
    app: Flask, client: FlaskClient
) -> None:
    data = fields(client)
    data["csrf_token"] = "forged"
    response = client.post(FORM, data=data)
    assert response.status_code == 403
    assert stored(app) == []


def test_a_post_from_another_session_is_refused(app: Flask, client: FlaskClient) -> None:
    data = fields(client)
    response = app.test_client().post(FORM, data=data)  # a fresh session: no token in it
    assert response.status_code == 403
    assert stored(app) == []


def test_a_filled_in_form_receives_a_web_complaint_and_shows_its_reference(
    app: Flask, client: FlaskClient
) -> None:
    data = fields(client, name="Jo Bloggs", email="jo@example.org")
    response = client.post(FORM, data=data)
    assert response.status_code == 303
    done = client.get(response.headers["Location"]).get_data(as_text=True)
    (complaint,) = app.extensions["iso10002"].store.find()
    assert complaint.id in done
    assert complaint.channel is Channel.WEB
    assert complaint.received_by == "web-form"
    assert complaint.complainant.name == "Jo Bloggs"
    assert complaint.complainant.contact.email == "jo@example.org"


def test_a_signed_in_person_filing_the_form_is_its_actor(app: Flask, client: FlaskClient) -> None:
    data = fields(client)
    client.post(FORM, data=data, headers=as_actor("agent:ana"))
    (complaint,) = app.extensions["iso10002"].store.find()
    assert complaint.received_by == "agent:ana"


def test_without_name_or_contact_the_complaint_is_anonymous(
    app: Flask, client: FlaskClient
) -> None:
    client.post(FORM, data=fields(client))
    (complaint,) = app.extensions["iso10002"].store.find()
    assert complaint.complainant is None


def test_posting_the_same_form_twice_receives_one_complaint(
    app: Flask, client: FlaskClient
) -> None:
    data = fields(client)
    client.post(FORM, data=data)
    client.post(FORM, data=data)
    assert len(stored(app)) == 1


def test_every_error_is_shown_beside_its_field_and_nothing_is_stored(
    app: Flask, client: FlaskClient
) -> None:
    data = fields(client, description=" ", product="", email="jo@example.org")
    response = client.post(FORM, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    for field in ("description", "product", "name"):
        assert f'id="{field}-error"' in page
    assert stored(app) == []


def test_what_was_typed_is_kept_when_the_form_comes_back(client: FlaskClient) -> None:
    data = fields(client, product="", category="fees", remedy="A refund")
    page = client.post(FORM, data=data).get_data(as_text=True)
    assert "The branch refused my cheque." in page
    assert 'value="fees"' in page
    assert "A refund" in page


def test_html_typed_into_the_form_comes_back_escaped(client: FlaskClient) -> None:
    data = fields(client, description=SCRIPT, product="", category=f'"><b>{SCRIPT}')
    page = client.post(FORM, data=data).get_data(as_text=True)
    assert SCRIPT not in page
    assert "<b>" not in page
    assert "&lt;script&gt;alert(&#39;pwned&#39;)&lt;/script&gt;" in page


def test_a_complaint_with_html_is_stored_as_typed_and_its_reference_page_escapes(
    app: Flask, client: FlaskClient
) -> None:
    client.post(FORM, data=fields(client, description=SCRIPT))
    (complaint,) = app.extensions["iso10002"].store.find()
    assert complaint.description == SCRIPT  # kept as evidence, neutralised when shown


def test_with_a_product_list_only_those_products_are_accepted() -> None:
    with flask_app(ISO10002_INTAKE_PRODUCTS=["broadband", "mobile"]) as app:
        client = app.test_client()
        page = client.get(FORM).get_data(as_text=True)
        assert '<option value="broadband"' in page
        response = client.post(FORM, data=fields(client, product="gas"))
        assert response.status_code == 422
        assert 'id="product-error"' in response.get_data(as_text=True)
        assert stored(app) == []


def test_without_an_intake_actor_the_form_needs_a_signed_in_person() -> None:
    with flask_app(ISO10002_INTAKE_ACTOR=None) as app:
        client = app.test_client()
        assert client.post(FORM, data=fields(client)).status_code == 401
        assert client.post(
            FORM, data=fields(client), headers=as_actor("agent:ana")
        ).status_code == (303)


def test_the_done_page_without_a_complaint_sends_back_to_the_form(client: FlaskClient) -> None:
    response = client.get(f"{FORM}/done")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(FORM)


def test_the_form_needs_a_secret_key_for_its_token() -> None:
    with flask_app() as app:
        app.secret_key = None
        response = app.test_client().get(FORM)
        assert response.status_code == 500
        assert response.json is not None
        assert response.json["type"].endswith("configuration-error")


def test_a_host_template_restyles_the_forms() -> None:
    from jinja2 import DictLoader

    with flask_app() as app:
        app.jinja_loader = DictLoader(  # type: ignore[assignment]
            {"iso10002/base.html": "<p>Acme complaints</p>{% block content %}{% endblock %}"}
        )
        page = app.test_client().get(FORM).get_data(as_text=True)
        assert page.startswith("<p>Acme complaints</p>")
