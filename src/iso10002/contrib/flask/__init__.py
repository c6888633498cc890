"""Flask extension: a complaints desk per app, problem responses, an intake form and a JSON API.

Install the ``[flask]`` extra. Only re-exports; the code lives in
:mod:`~iso10002.contrib.flask.extension` (set-up, configuration, the request's desk and
actor), :mod:`~iso10002.contrib.flask.problems` (errors as RFC 9457 problem responses),
:mod:`~iso10002.contrib.flask.actions` (payloads to desk calls, strictly),
:mod:`~iso10002.contrib.flask.csrf` and :mod:`~iso10002.contrib.flask.blueprint`.

Examples:
    >>> from flask import Flask
    >>> from iso10002.contrib.flask import Iso10002
    >>> app = Flask("complaints")
    >>> app.config["ISO10002_STORE"] = "memory"
    >>> Iso10002(app).init_app  # doctest: +ELLIPSIS
    <bound method Iso10002.init_app of ...>
    >>> type(app.extensions["iso10002"]).__name__
    'ComplaintsDesk'
"""

from iso10002.contrib.flask.actions import (
    ACTION_EVENTS,
    RedactionRequest,
    complaint_summary,
    perform_action,
    permitted_actions,
    receive_complaint,
)
from iso10002.contrib.flask.blueprint import create_blueprint, list_query
from iso10002.contrib.flask.csrf import CsrfFailure, check_csrf, csrf_token
from iso10002.contrib.flask.extension import (
    CONFIG_DEFAULTS,
    ActorLoader,
    ActorRequired,
    Iso10002,
    close_desk,
    current_actor,
    current_desk,
    g_actor,
    setting,
)
from iso10002.contrib.flask.problems import (
    PROBLEM_JSON,
    PROBLEM_TYPES,
    ProblemType,
    problem_for,
    problem_response,
    problem_table,
)

__all__ = [
    "ACTION_EVENTS",
    "CONFIG_DEFAULTS",
    "PROBLEM_JSON",
    "PROBLEM_TYPES",
    "ActorLoader",
    "ActorRequired",
    "CsrfFailure",
    "Iso10002",
    "ProblemType",
    "RedactionRequest",
    "check_csrf",
    "close_desk",
    "complaint_summary",
    "create_blueprint",
    "csrf_token",
    "current_actor",
    "current_desk",
    "g_actor",
    "list_query",
    "perform_action",
    "permitted_actions",
    "problem_for",
    "problem_response",
    "problem_table",
    "receive_complaint",
    "setting",
]
