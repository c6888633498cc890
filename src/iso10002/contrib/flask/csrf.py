"""CSRF protection for the extension's HTML forms, with nothing but Flask's signed session.

A random token is kept in the session (signed with the app's ``SECRET_KEY``, so it cannot
be forged) and put in every form as a hidden ``csrf_token`` field; :func:`check_csrf`
compares the posted one in constant time. A page from another site cannot read the token,
so it cannot post a form on the user's behalf. Templates call ``iso10002_csrf_token()``.

Examples:
    >>> from flask import Flask
    >>> app = Flask("x")
    >>> app.secret_key = "test"
    >>> with app.test_request_context("/", method="POST", data={}):
    ...     token = csrf_token()
    ...     check_csrf()
    Traceback (most recent call last):
    ...
    iso10002.contrib.flask.csrf.CsrfFailure: the form has expired or did not come from this site...
"""

from __future__ import annotations

import hmac
import secrets

from flask import current_app, request, session

from iso10002.errors import ConfigurationError, Iso10002Error

__all__ = ["CSRF_FIELD", "CsrfFailure", "check_csrf", "csrf_token"]

CSRF_FIELD = "csrf_token"
"""The name of the hidden form field that carries the token."""
_SESSION_KEY = "_iso10002_csrf"


class CsrfFailure(Iso10002Error):
    """A form was posted without this session's CSRF token; nothing was done.

    Examples:
        >>> print(CsrfFailure())
        the form has expired or did not come from this site: reload it and submit again
    """

    def __str__(self) -> str:
        return "the form has expired or did not come from this site: reload it and submit again"


def _require_secret() -> None:
    if not current_app.secret_key:
        raise ConfigurationError(
            "set app.secret_key (SECRET_KEY): the forms' CSRF token lives in the signed session"
        )


def csrf_token() -> str:
    """This session's CSRF token (made on first use) for a form's hidden field.

    Examples:
        >>> from flask import Flask
        >>> app = Flask("x")
        >>> app.secret_key = "test"
        >>> with app.test_request_context():
        ...     csrf_token() == csrf_token(), len(csrf_token()) > 30
        (True, True)
    """
    _require_secret()
    token = session.get(_SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[_SESSION_KEY] = token
    return token


def check_csrf() -> None:
    """Raise :class:`CsrfFailure` unless the posted form carries this session's token.

    Examples:
        >>> from flask import Flask
        >>> app = Flask("x")
        >>> app.secret_key = "test"
        >>> with app.test_request_context():
        ...     token = csrf_token()
        >>> with app.test_request_context(method="POST", data={"csrf_token": token}):
        ...     from flask import session
        ...     session["_iso10002_csrf"] = token  # the same session
        ...     check_csrf()
    """
    _require_secret()
    expected = session.get(_SESSION_KEY)
    posted = request.form.get(CSRF_FIELD, "")
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), posted.encode()):
        raise CsrfFailure()
