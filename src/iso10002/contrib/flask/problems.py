"""Library errors as HTTP problem responses (RFC 9457, ``application/problem+json``).

:data:`PROBLEM_TYPES` is the table: each :class:`~iso10002.errors.Iso10002Error` subclass,
its HTTP status, its problem type and title. :func:`problem_for` builds the problem object
(``type``, ``title``, ``status``, ``detail``, ``instance``, plus ``errors`` naming every bad
field of a :class:`~iso10002.errors.ValidationError`, and the facts of a conflict or a refused
transition); :func:`problem_response` sends it, as JSON, or as an HTML page to a browser that
prefers one (template ``iso10002/problem.html``, autoescaped).

Examples:
    >>> from flask import Flask
    >>> from iso10002.errors import NotFound
    >>> with Flask("x").test_request_context("/complaints/C-404"):
    ...     problem = problem_for(NotFound("C-404"))
    >>> problem["status"], problem["type"], problem["instance"]
    (404, 'urn:iso10002:problem:not-found', '/complaints/C-404')
"""

from __future__ import annotations

import logging
import re

import attrs
from flask import Flask, Response, g, render_template, request
from werkzeug.exceptions import HTTPException

from iso10002.contrib.flask.csrf import CsrfFailure
from iso10002.contrib.flask.extension import ActorRequired, setting
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
from iso10002.serialization import to_json

__all__ = [
    "PROBLEM_JSON",
    "PROBLEM_TYPES",
    "ProblemType",
    "field_errors",
    "http_problem_response",
    "problem_for",
    "problem_response",
    "problem_table",
    "register_error_handlers",
]

_log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
"""The media type of a problem response (RFC 9457 section 3)."""


@attrs.frozen
class ProblemType:
    """How one kind of library error is answered over HTTP.

    Examples:
        >>> PROBLEM_TYPES[0].error.__name__, PROBLEM_TYPES[0].status
        ('ActorRequired', 401)
    """

    error: type[Iso10002Error]
    status: int
    slug: str
    title: str
    when: str
    # 5xx details stay in the server's log: they may name files, hosts or stored values.
    expose_detail: bool = True


PROBLEM_TYPES: tuple[ProblemType, ...] = (
    ProblemType(ActorRequired, 401, "actor-required", "Sign-in required", "nobody is signed in"),
    ProblemType(
        AccessDenied, 403, "access-denied", "Not permitted", "the desk's access policy refused"
    ),
    ProblemType(CsrfFailure, 403, "csrf-failed", "Form expired", "a form's CSRF token is wrong"),
    ProblemType(NotFound, 404, "not-found", "No such complaint", "no complaint has that id"),
    ProblemType(
        ValidationError, 422, "validation-error", "Invalid input", "input names bad fields"
    ),
    ProblemType(
        ConcurrencyConflict,
        409,
        "concurrency-conflict",
        "The complaint changed",
        "the version given is stale (412 when it came as If-Match)",
    ),
    ProblemType(
        TransitionNotAllowed,
        409,
        "transition-not-allowed",
        "Not allowed in this state",
        "the lifecycle refuses the action now",
    ),
    ProblemType(
        IntegrityViolation,
        500,
        "integrity-violation",
        "Stored records failed verification",
        "a hash chain or stored record is broken",
        expose_detail=False,
    ),
    ProblemType(
        ConfigurationError,
        500,
        "configuration-error",
        "The complaints desk is misconfigured",
        "the host set the library up wrongly",
        expose_detail=False,
    ),
    ProblemType(
        Iso10002Error, 400, "complaints-error", "Request refused", "any other library error"
    ),
)
"""Most specific first: the first row whose ``error`` the exception is an instance of wins."""

_PRECONDITION = ProblemType(
    ConcurrencyConflict,
    412,
    "precondition-failed",
    "The complaint changed",
    "If-Match named a stale version",
)
_PATH = re.compile(r"[A-Za-z_]\w*(?:\.\w+|\[\d+\])*")


def problem_table() -> str:
    """The error-to-status table as Markdown (the docs include it, so it cannot drift).

    Examples:
        >>> problem_table().splitlines()[2]
        '| `ActorRequired` | 401 | `actor-required` | Sign-in required | nobody is signed in |'
    """
    rows = ["| Error | Status | Type | Title | When |", "|---|---|---|---|---|"]
    rows.extend(
        f"| `{p.error.__name__}` | {p.status} | `{p.slug}` | {p.title} | {p.when} |"
        for p in (*PROBLEM_TYPES[:5], _PRECONDITION, *PROBLEM_TYPES[5:])
    )
    return "\n".join(rows)


def field_errors(error: ValidationError) -> list[dict[str, str]]:
    """Each bad field of ``error`` as ``{"field", "pointer", "detail"}`` (no field: detail only).

    ``pointer`` is a JSON Pointer into the request body (RFC 6901), as in RFC 9457's example.

    Examples:
        >>> field_errors(ValidationError(["complainant.contact.email: not an e-mail address"]))
        [{'field': 'complainant.contact.email', 'pointer': '#/complainant/contact/email', \
'detail': 'not an e-mail address'}]
        >>> field_errors(ValidationError(["extra fields found: colour"]))
        [{'detail': 'extra fields found: colour'}]
    """
    found: list[dict[str, str]] = []
    for message in error.errors:
        path, sep, detail = message.partition(": ")
        if sep and _PATH.fullmatch(path) and " " not in path:
            steps = re.findall(r"\w+", path)
            pointer = "#/" + "/".join(steps)
            found.append({"field": path, "pointer": pointer, "detail": detail})
        else:
            found.append({"detail": message})
    return found


def _kind(error: Iso10002Error) -> ProblemType:
    if isinstance(error, ConcurrencyConflict) and "If-Match" in request.headers:
        return _PRECONDITION  # RFC 9110 13.1.1: a failed If-Match is 412
    for kind in PROBLEM_TYPES:
        if isinstance(error, kind.error):
            return kind
    raise AssertionError("Iso10002Error is the last row")  # pragma: no cover


def problem_for(error: Iso10002Error) -> dict[str, object]:
    """The RFC 9457 problem object for ``error`` in the current request.

    Examples:
        >>> from flask import Flask
        >>> with Flask("x").test_request_context("/c/C-1/close", method="POST"):
        ...     p = problem_for(TransitionNotAllowed("received", "close", "no decision yet"))
        >>> p["status"], p["state"], p["event"]
        (409, 'received', 'close')
    """
    kind = _kind(error)
    problem: dict[str, object] = {
        "type": f"{setting('ISO10002_PROBLEM_TYPE_BASE')}{kind.slug}",
        "title": kind.title,
        "status": kind.status,
        "detail": str(error) if kind.expose_detail else "The error was logged on the server.",
        "instance": request.path,
    }
    if isinstance(error, ValidationError):
        problem["errors"] = field_errors(error)
    elif isinstance(error, ConcurrencyConflict):
        problem["expected_version"] = error.expected_version
        problem["actual_version"] = error.actual_version
    elif isinstance(error, TransitionNotAllowed):
        problem.update(state=error.state, event=error.event, reason=error.reason)
    elif isinstance(error, AccessDenied):
        problem["action"] = error.action
    return problem


def _wants_html() -> bool:
    best = request.accept_mimetypes.best_match([PROBLEM_JSON, "application/json", "text/html"])
    # The JSON API marks its requests: it answers in JSON whatever the client prefers.
    return best == "text/html" and not g.get("iso10002_json", False)


def _send(problem: dict[str, object], headers: dict[str, str] | None = None) -> Response:
    status = problem["status"]
    assert isinstance(status, int)
    if _wants_html():
        page = render_template("iso10002/problem.html", problem=problem)
        response = Response(page, status=status, mimetype="text/html")
    else:
        body = to_json(problem)
        response = Response(body, status=status, mimetype=PROBLEM_JSON)
    response.headers.extend(headers or {})
    return response


def problem_response(error: Iso10002Error) -> Response:
    """``error`` as a problem response: JSON, or HTML for a browser that prefers it.

    Server-side problems (5xx) are logged with their traceback; their detail is not sent.

    Examples:
        >>> from flask import Flask
        >>> with Flask("x").test_request_context("/api/complaints/C-9"):
        ...     response = problem_response(NotFound("C-9"))
        >>> response.status_code, response.mimetype
        (404, 'application/problem+json')
    """
    kind = _kind(error)
    if kind.status >= 500:
        _log.error("%s answered with %s", type(error).__name__, kind.status, exc_info=error)
    headers = {"WWW-Authenticate": 'Session realm="complaints"'} if kind.status == 401 else None
    return _send(problem_for(error), headers)


def http_problem_response(error: HTTPException) -> Response:
    """A Werkzeug HTTP error (404 route, 405, 415 …) as a problem (used by the JSON API).

    Examples:
        >>> from flask import Flask
        >>> from werkzeug.exceptions import MethodNotAllowed
        >>> with Flask("x").test_request_context("/api/complaints", method="PUT"):
        ...     http_problem_response(MethodNotAllowed(["GET", "POST"])).status_code
        405
    """
    status = error.code or 500
    problem: dict[str, object] = {
        "type": "about:blank",  # RFC 9457 4.2.1: the status code says it all
        "title": error.name,
        "status": status,
        "detail": error.description or error.name,
        "instance": request.path,
    }
    headers = {k: v for k, v in error.get_headers() if k.lower() == "allow"}
    return _send(problem, headers)


def register_error_handlers(app: Flask) -> None:
    """Answer every :class:`~iso10002.errors.Iso10002Error` in ``app`` with a problem response.

    :meth:`Iso10002.init_app <iso10002.contrib.flask.Iso10002.init_app>` calls it unless
    ``ISO10002_ERROR_HANDLERS`` is false.

    Examples:
        >>> from flask import Flask
        >>> app = Flask("x")
        >>> register_error_handlers(app)
        >>> @app.get("/boom")
        ... def boom():
        ...     raise NotFound("C-1")
        >>> app.test_client().get("/boom").json["title"]
        'No such complaint'
    """
    app.register_error_handler(Iso10002Error, problem_response)
