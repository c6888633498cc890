"""The optional blueprint: a complaint intake form (HTML) and a JSON API.

``app.register_blueprint(create_blueprint(), url_prefix="/complaints")`` (or the setting
``ISO10002_BLUEPRINT_PREFIX``) adds, under the prefix:

=========  ==============================================  =====================================
Method     Path                                            What
=========  ==============================================  =====================================
GET, POST  ``/new``                                        the intake form (CSRF-protected)
GET        ``/new/done``                                   "received, your reference is …"
POST       ``/api/complaints``                             receive a complaint (201, Location)
GET        ``/api/complaints``                             list, filtered, keyset-paginated
GET        ``/api/complaints/<id>``                        the snapshot (``ETag``: its version)
GET        ``/api/complaints/<id>/history``                every event, oldest first
GET        ``/api/complaints/<id>/allowed``                the actions allowed now
POST       ``/api/complaints/<id>/actions/<action>``       perform an action (``If-Match``)
=========  ==============================================  =====================================

The API reads JSON bodies only (``Content-Type: application/json``, else 415: a cross-site
page cannot send one without the browser asking first), structures them with the library's
strict converter, and answers every error as ``application/problem+json`` — also a path
under ``/api`` that matches no route (404) or a method a route does not take (405), which
Flask routes before any blueprint can see them.

Examples:
    >>> from flask import Flask, g
    >>> from iso10002.contrib.flask import Iso10002
    >>> app = Flask("site")
    >>> app.config.update(ISO10002_STORE="memory", ISO10002_BLUEPRINT_PREFIX="/complaints")
    >>> ext = Iso10002(app)
    >>> @app.before_request
    ... def sign_in():
    ...     g.iso10002_actor = "agent:ana"
    >>> client = app.test_client()
    >>> made = client.post("/complaints/api/complaints", json={
    ...     "description": "Overcharged.", "classification": {"product": "broadband"}})
    >>> made.status_code, made.json["state"], made.headers["ETag"]
    (201, 'received', '"1"')
    >>> client.get("/complaints/api/complaints").json["items"][0]["sla"]["policy"]
    'iso10002.default'
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Mapping
from datetime import datetime
from typing import NoReturn

import attrs
from flask import (
    Blueprint,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.blueprints import BlueprintSetupState
from flask.sansio.app import App
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, UnsupportedMediaType
from werkzeug.wrappers import Response as BaseResponse

from iso10002.contrib.flask.actions import (
    complaint_summary,
    decode_cursor,
    encode_cursor,
    perform_action,
    permitted_actions,
    receive_complaint,
)
from iso10002.contrib.flask.csrf import check_csrf
from iso10002.contrib.flask.extension import current_actor, current_desk, setting
from iso10002.contrib.flask.problems import http_problem_response, problem_response
from iso10002.errors import Iso10002Error, ValidationError
from iso10002.model import Complaint, ComplaintState, ContactMethod
from iso10002.serialization import from_data, to_data, to_json
from iso10002.storage.protocol import ComplaintQuery

__all__ = ["INTAKE_FIELDS", "create_blueprint", "list_query", "templates_blueprint"]

INTAKE_FIELDS: Mapping[str, str] = {
    "complainant.name": "name",
    "complainant.contact.email": "email",
    "complainant.contact.phone": "phone",
    "complainant.preferred_contact": "preferred_contact",
    "description": "description",
    "classification.product": "product",
    "classification.category": "category",
    "remedy_requested.details": "remedy",
}
"""Which intake form field each payload path comes from (to show an error beside its field)."""

_RECEIVED = "_iso10002_received"
_SUBMISSION = re.compile(r"[A-Za-z0-9_-]{16,64}")
_LIST_PARAMS = frozenset(
    {
        "state",
        "assignee",
        "category",
        "product",
        "complaint_type",
        "received_from",
        "received_until",
        "overdue_at",
        "limit",
        "after",
    }
)


def templates_blueprint() -> Blueprint:
    """A blueprint without routes that makes the ``iso10002/*.html`` templates available.

    :meth:`~iso10002.contrib.flask.Iso10002.init_app` registers it, so problem pages render
    whether or not the routes are used. A template of the same name in the app's own
    ``templates/iso10002/`` folder wins: that is how a host restyles them.

    Examples:
        >>> templates_blueprint().template_folder
        'templates'
    """
    return Blueprint("iso10002_templates", __name__, template_folder="templates")


def create_blueprint(name: str = "iso10002", *, intake: bool = True, api: bool = True) -> Blueprint:
    """The intake form (``intake``) and the JSON API (``api``, under ``/api``) as a blueprint.

    Examples:
        >>> sorted(r.rule for r in _rules(create_blueprint(api=False)))
        ['/new', '/new/done']
    """
    blueprint = Blueprint(name, __name__)
    if intake:
        blueprint.add_url_rule("/new", "intake", _intake, methods=["GET", "POST"])
        blueprint.add_url_rule("/new/done", "intake_done", _intake_done)
    if api:
        blueprint.register_blueprint(_api_blueprint(), url_prefix="/api")
    return blueprint


def _rules(blueprint: Blueprint) -> list[object]:
    """The URL rules a blueprint would add (for the docstring example)."""
    from flask import Flask

    app = Flask("rules")
    app.register_blueprint(blueprint)
    return [r for r in app.url_map.iter_rules() if r.endpoint != "static"]


# --- the intake form --------------------------------------------------------------------------


def _intake() -> str | BaseResponse | tuple[str, int]:
    products = setting("ISO10002_INTAKE_PRODUCTS")
    choices = [str(p) for p in products] if isinstance(products, (list, tuple)) else None
    form: Mapping[str, str] = request.form if request.method == "POST" else {}
    field_errors: dict[str, list[str]] = {}
    general: list[str] = []
    if request.method == "POST":
        check_csrf()
        try:
            complaint = _receive_form(choices)
        except ValidationError as exc:
            for message in exc.errors:
                path, sep, detail = message.partition(": ")
                field = INTAKE_FIELDS.get(path) if sep else None
                if field is None:
                    general.append(message)
                else:
                    field_errors.setdefault(field, []).append(detail)
        else:
            session[_RECEIVED] = complaint.id
            return redirect(url_for(".intake_done"), code=303)
    page = render_template(
        "iso10002/intake.html",
        form=form,
        errors=field_errors,
        general_errors=general,
        products=choices,
        contact_methods=[m.value for m in ContactMethod],
        submission=form.get("submission") or secrets.token_urlsafe(16),
    )
    return (page, 422) if field_errors or general else page


def _receive_form(products: list[str] | None) -> Complaint:
    form = request.form

    def text(name: str) -> str | None:
        return form.get(name, "").strip() or None

    errors: list[str] = []
    product = form.get("product", "").strip()
    if products is not None and product not in products:
        errors.append("classification.product: choose one of the products listed")
    contact = {"email": text("email"), "phone": text("phone")}
    complainant: dict[str, object] | None = None
    if text("name") or any(contact.values()):  # no name and no contact: anonymous (4.3)
        complainant = {
            "name": form.get("name", "").strip(),
            "contact": contact,
            "preferred_contact": form.get("preferred_contact", "email"),
        }
    payload = {
        "channel": "web",
        "complainant": complainant,
        "description": form.get("description", "").strip(),
        "classification": {"product": product, "category": text("category")},
        "remedy_requested": {"details": form.get("remedy", "").strip()},
    }
    submission = form.get("submission", "")
    key = f"intake:{submission}" if _SUBMISSION.fullmatch(submission) else None
    return receive_complaint(
        current_desk(),
        payload,
        actor=current_actor(fallback=_intake_actor()),
        idempotency_key=key,
        also_refuse=errors,
    )


def _intake_actor() -> str | None:
    actor = setting("ISO10002_INTAKE_ACTOR")
    return actor if isinstance(actor, str) else None


def _intake_done() -> str | BaseResponse:
    reference = session.pop(_RECEIVED, None)
    if not isinstance(reference, str):
        return redirect(url_for(".intake"))
    return render_template("iso10002/intake_done.html", reference=reference)


# --- the JSON API -----------------------------------------------------------------------------


_API_PREFIXES = "iso10002_api_prefixes"


def _api_prefixes(app: App) -> set[str]:
    """The URL prefixes the JSON API is registered at in ``app`` (one per registration)."""
    prefixes: set[str] = app.extensions.setdefault(_API_PREFIXES, set())
    return prefixes


def _record_prefix(state: BlueprintSetupState) -> None:
    _api_prefixes(state.app).add((state.url_prefix or "").rstrip("/"))


def _under(path: str, prefixes: set[str]) -> bool:
    return any(path == p or path.startswith(p + "/") for p in prefixes)


def _unrouted_api_request() -> Response | None:
    """A path under the API that no route matches, or a method it refuses: a problem.

    Flask raises these while routing, before it knows the blueprint, so the API's own error
    handlers never see them; this app-wide hook answers them (and nothing outside the API).
    """
    failure = request.routing_exception
    if not isinstance(failure, (NotFound, MethodNotAllowed)):
        return None  # matched, or a redirect (a missing trailing slash)
    if not _under(request.path, _api_prefixes(current_app)):
        return None
    g.iso10002_json = True
    return http_problem_response(failure)


def _api_blueprint() -> Blueprint:
    api = Blueprint("api", __name__)

    @api.before_request
    def mark_json() -> None:
        g.iso10002_json = True  # problems in JSON, whatever the client prefers

    api.record(_record_prefix)
    api.before_app_request(_unrouted_api_request)
    api.register_error_handler(Iso10002Error, problem_response)
    api.register_error_handler(HTTPException, http_problem_response)
    api.add_url_rule("/complaints", "create", _create, methods=["POST"])
    api.add_url_rule("/complaints", "list", _list, methods=["GET"])
    api.add_url_rule("/complaints/<complaint_id>", "get", _get)
    api.add_url_rule("/complaints/<complaint_id>/history", "history", _history)
    api.add_url_rule("/complaints/<complaint_id>/allowed", "allowed", _allowed)
    api.add_url_rule("/complaints/<complaint_id>/actions/<action>", "act", _act, methods=["POST"])
    return api


def _json(data: object, status: int = 200) -> Response:
    return Response(to_json(data), status=status, mimetype="application/json")


def _refuse_constant(name: str) -> NoReturn:
    raise ValidationError([f"body: {name} is not a JSON number this API accepts"])


def _body() -> object:
    if not request.is_json:
        raise UnsupportedMediaType("send the body as application/json")
    try:
        return json.loads(request.get_data(), parse_constant=_refuse_constant)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValidationError([f"body: not valid JSON ({exc})"]) from None


def _complaint_response(complaint: Complaint, status: int = 200) -> Response:
    response = _json(to_data(complaint), status)
    response.set_etag(str(complaint.version))
    return response


def _if_match() -> int | None:
    """The version an ``If-Match`` header names (RFC 9110 13.1.1), if there is one."""
    if "If-Match" not in request.headers:
        return None
    tags = request.if_match
    if tags.star_tag:
        return None
    versions = list(tags.as_set())
    if len(versions) != 1 or not versions[0].isdigit():
        raise ValidationError(['If-Match: give the ETag the API sent, such as "3"'])
    return int(versions[0])


def _create() -> Response:
    desk = current_desk()
    fresh = desk.id_factory()
    complaint = receive_complaint(
        desk,
        _body(),
        actor=current_actor(),
        idempotency_key=request.headers.get("Idempotency-Key"),
        complaint_id=fresh,
    )
    # A repeat with the same Idempotency-Key gives back the first complaint: 200, not 201.
    response = _complaint_response(complaint, 201 if complaint.id == fresh else 200)
    response.headers["Location"] = url_for(".get", complaint_id=complaint.id)
    return response


def _get(complaint_id: str) -> Response:
    return _complaint_response(current_desk().get(complaint_id, actor=current_actor()))


def _history(complaint_id: str) -> Response:
    events = current_desk().history(complaint_id, actor=current_actor())
    return _json({"complaint_id": complaint_id, "events": [to_data(e) for e in events]})


def _allowed(complaint_id: str) -> Response:
    desk, actor = current_desk(), current_actor()
    complaint = desk.get(complaint_id, actor=actor)
    response = _json(
        {
            "complaint_id": complaint.id,
            "state": complaint.state.value,
            "version": complaint.version,
            "events": list(desk.allowed_events(complaint.id)),
            "permitted": list(permitted_actions(desk, complaint, actor)),
        }
    )
    response.set_etag(str(complaint.version))
    return response


def _act(complaint_id: str, action: str) -> Response:
    desk = current_desk()
    complaint = perform_action(
        desk,
        complaint_id,
        action,
        _body(),
        actor=current_actor(),
        expected_version=_if_match(),
    )
    return _complaint_response(complaint)


def list_query(args: MultiDict[str, str]) -> ComplaintQuery:
    """The :class:`ComplaintQuery` a list request's parameters ask for, every bad one named.

    Examples:
        >>> from flask import Flask
        >>> with Flask("x").test_request_context():
        ...     list_query(MultiDict({"limit": "0", "received_from": "2026-01-05", "x": "1"}))
        Traceback (most recent call last):
        ...
        iso10002.errors.ValidationError: 3 invalid fields:
          - x: not a filter; known: after, assignee, category, ...
          - received_from: naive datetime '2026-01-05'; give an offset such as +00:00 or Z
          - limit: '0' is not a whole number from 1 to 200
    """
    errors = [
        f"{name}: not a filter; known: {', '.join(sorted(_LIST_PARAMS))}"
        for name in sorted(set(args) - _LIST_PARAMS)
    ]
    fields: dict[str, object] = {}
    states = args.getlist("state")
    if states:
        try:
            fields["states"] = frozenset(from_data(s, ComplaintState) for s in states)
        except ValidationError as exc:
            errors.extend(f"state: {e}" for e in exc.errors)
    for name in ("assignee", "category", "product", "complaint_type"):
        if name in args:
            fields[name] = args[name]
    for name in ("received_from", "received_until", "overdue_at"):
        if name in args:
            try:
                fields[name] = from_data(args[name], datetime)
            except ValidationError as exc:
                errors.extend(f"{name}: {e}" for e in exc.errors)
    page, most = setting("ISO10002_PAGE_SIZE"), setting("ISO10002_MAX_PAGE_SIZE")
    assert isinstance(page, int)
    assert isinstance(most, int)
    limit = args.get("limit", str(page))
    if not limit.isdigit() or not 1 <= int(limit) <= most:
        errors.append(f"limit: {limit!r} is not a whole number from 1 to {most}")
    else:
        fields["limit"] = int(limit)
    if "after" in args:
        try:
            fields["after"] = decode_cursor(args["after"])
        except ValidationError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationError(errors)
    return ComplaintQuery(**fields)  # type: ignore[arg-type]


def _list() -> Response:
    desk, actor = current_desk(), current_actor()
    query = list_query(request.args)
    assert query.limit is not None
    # One more than the page: whether there is a next page, without counting.
    rows = list(desk.store.find(attrs.evolve(query, limit=query.limit + 1)))
    page, more = rows[: query.limit], len(rows) > query.limit
    at = desk.clock()
    items = [
        complaint_summary(desk, c, at)
        for c in page
        if desk.access(actor, "view", c)  # a listing is not an attempt: nothing recorded
    ]
    return _json({"items": items, "next": encode_cursor(page[-1]) if more and page else None})
