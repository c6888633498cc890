"""The Flask extension: one :class:`~iso10002.desk.ComplaintsDesk` per app, set up from config.

``Iso10002(app)`` (or ``Iso10002()`` then ``init_app(app)``) reads the ``ISO10002_*`` keys
of ``app.config`` (:data:`CONFIG_DEFAULTS` lists them with their defaults), builds the desk
and keeps it in ``app.extensions["iso10002"]``. In a request, :func:`current_desk` is that
desk and :func:`current_actor` is the accountable person (ISO 10002 4.12) the host's actor
loader names.

Examples:
    >>> from flask import Flask, g
    >>> app = Flask("complaints")
    >>> app.config["ISO10002_STORE"] = "memory"
    >>> ext = Iso10002(app)
    >>> with app.test_request_context():
    ...     g.iso10002_actor = "agent:ana"
    ...     current_desk() is app.extensions["iso10002"], current_actor()
    (True, 'agent:ana')
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import cast

from flask import Flask, current_app, g

from iso10002.access import AccessPolicy, RefusalLog, allow_all
from iso10002.clock import Clock, system_clock
from iso10002.desk import ComplaintsDesk, DeskPolicy
from iso10002.errors import ConfigurationError, Iso10002Error
from iso10002.sla import presets
from iso10002.storage import InMemoryStore, SQLiteStore, open_store
from iso10002.storage.locate import is_url
from iso10002.storage.protocol import ComplaintStore

__all__ = [
    "CONFIG_DEFAULTS",
    "EXTENSION_KEY",
    "ActorLoader",
    "ActorRequired",
    "Iso10002",
    "close_desk",
    "current_actor",
    "current_desk",
    "g_actor",
    "setting",
]

EXTENSION_KEY = "iso10002"
"""Where the app's desk is kept: ``app.extensions["iso10002"]``."""
_OWNED = "iso10002.owned_store"  # the store the extension opened itself (closed by close_desk)

ActorLoader = Callable[[], "str | None"]
"""Names the person or system accountable for the current request, or ``None`` if nobody."""


def g_actor() -> str | None:
    """The default actor loader: ``flask.g.iso10002_actor`` (``None`` when not set).

    A host sets it where it knows the user, for example in a ``before_request`` hook from
    ``flask_login.current_user``; or it passes its own loader as ``ISO10002_ACTOR``.

    Examples:
        >>> from flask import Flask, g
        >>> with Flask("x").test_request_context():
        ...     before = g_actor()
        ...     g.iso10002_actor = "lead:kim"
        ...     before, g_actor()
        (None, 'lead:kim')
    """
    actor = g.get("iso10002_actor")
    return actor if isinstance(actor, str) else None


CONFIG_DEFAULTS: Mapping[str, object] = MappingProxyType(
    {
        # A ComplaintStore, or where to open one: "memory" (InMemoryStore), ":memory:" or an
        # SQLite file path (SQLiteStore; a relative path is in the app's instance folder), or
        # a database URL (SQLAlchemyStore, the [sqlalchemy] extra).
        "ISO10002_STORE": "iso10002.sqlite3",
        # An SlaPolicy (any DeskPolicy), a preset id, or None for no deadlines.
        "ISO10002_POLICY": "iso10002.default",
        # Keyword options for the preset (nation=, state=, calendar= ...).
        "ISO10002_POLICY_OPTIONS": {},
        # The desk's AccessPolicy, (actor, action, complaint) -> bool.
        "ISO10002_ACCESS": allow_all,
        # Where refusals are recorded (None: warnings on the iso10002.access logger).
        "ISO10002_REFUSALS": None,
        # What time it is (None: the system clock); tests pass a ManualClock.
        "ISO10002_CLOCK": None,
        # python-statemachine listeners for every transition.
        "ISO10002_LISTENERS": (),
        # Names the request's actor (None: flask.g.iso10002_actor, see g_actor).
        "ISO10002_ACTOR": None,
        # The actor recorded for the intake form when nobody is signed in (None: sign-in needed).
        "ISO10002_INTAKE_ACTOR": "web-form",
        # The products the intake form offers (None: a free text field).
        "ISO10002_INTAKE_PRODUCTS": None,
        # Complaints per page of the JSON list, and the most a client may ask for.
        "ISO10002_PAGE_SIZE": 50,
        "ISO10002_MAX_PAGE_SIZE": 200,
        # The prefix of the problem "type" URIs (RFC 9457).
        "ISO10002_PROBLEM_TYPE_BASE": "urn:iso10002:problem:",
        # Whether library errors anywhere in the app become problem responses.
        "ISO10002_ERROR_HANDLERS": True,
        # Register the blueprint (intake form and JSON API) at this URL prefix (None: don't).
        "ISO10002_BLUEPRINT_PREFIX": None,
    }
)
"""Every configuration key the extension reads, with its default."""


class ActorRequired(Iso10002Error):
    """The request needs an accountable actor (ISO 10002 4.12) and none is signed in.

    Examples:
        >>> print(ActorRequired())
        sign in first: every change to a complaint names who made it
    """

    def __str__(self) -> str:
        return "sign in first: every change to a complaint names who made it"


def setting(name: str, app: Flask | None = None) -> object:
    """The value of configuration key ``name`` in ``app`` (default: the current app).

    Examples:
        >>> from flask import Flask
        >>> setting("ISO10002_PAGE_SIZE", Flask("x"))
        50
    """
    if name not in CONFIG_DEFAULTS:
        raise ConfigurationError(f"{name} is not an iso10002 setting")
    config = (app if app is not None else current_app).config
    return config.get(name, CONFIG_DEFAULTS[name])


def current_desk() -> ComplaintsDesk:
    """The current app's desk; :class:`ConfigurationError` if the extension is not set up.

    Examples:
        >>> from flask import Flask
        >>> with Flask("bare").app_context():
        ...     current_desk()
        Traceback (most recent call last):
        ...
        iso10002.errors.ConfigurationError: the iso10002 extension is not set up on app 'bare'...
    """
    desk = current_app.extensions.get(EXTENSION_KEY)
    if not isinstance(desk, ComplaintsDesk):
        raise ConfigurationError(
            f"the iso10002 extension is not set up on app {current_app.name!r}: "
            "call Iso10002(app) or ext.init_app(app)"
        )
    return desk


def current_actor(*, fallback: str | None = None) -> str:
    """The request's actor, from the actor loader; else ``fallback``; else :class:`ActorRequired`.

    Examples:
        >>> from flask import Flask
        >>> app = Flask("x")
        >>> app.config["ISO10002_ACTOR"] = lambda: None
        >>> with app.test_request_context():
        ...     current_actor(fallback="web-form")
        'web-form'
    """
    loader = setting("ISO10002_ACTOR")
    if loader is None:
        loader = g_actor
    if not callable(loader):
        raise ConfigurationError(f"ISO10002_ACTOR: expected a callable, got {loader!r}")
    actor = cast(ActorLoader, loader)()
    if actor is not None and not isinstance(actor, str):
        raise ConfigurationError(f"ISO10002_ACTOR returned {actor!r}, not a string")
    actor = actor or fallback
    if not actor:
        raise ActorRequired()
    return actor


class Iso10002:
    """The extension: ``Iso10002(app)``, or ``ext = Iso10002()`` and ``ext.init_app(app)``.

    ``actor`` is an actor loader used by every app this extension is set up on that has no
    ``ISO10002_ACTOR`` of its own. :meth:`actor_loader` sets it as a decorator.

    Examples:
        >>> from flask import Flask
        >>> ext = Iso10002()
        >>> @ext.actor_loader
        ... def signed_in() -> str | None:
        ...     return "agent:ana"
        >>> app = Flask("site")
        >>> app.config.update(ISO10002_STORE="memory", ISO10002_POLICY="fca.disp.standard")
        >>> ext.init_app(app)
        >>> with app.test_request_context():
        ...     current_actor(), ext.desk.policy.name
        ('agent:ana', 'fca.disp.standard')
    """

    def __init__(self, app: Flask | None = None, *, actor: ActorLoader | None = None) -> None:
        self._actor = actor
        if app is not None:
            self.init_app(app)

    def actor_loader(self, loader: ActorLoader) -> ActorLoader:
        """Use ``loader`` to name the request's actor (a decorator; returns ``loader``)."""
        self._actor = loader
        return loader

    @property
    def desk(self) -> ComplaintsDesk:
        """The current app's desk (as :func:`current_desk`)."""
        return current_desk()

    def init_app(self, app: Flask) -> None:
        """Build the app's desk from its config; register error handlers and the blueprint."""
        if EXTENSION_KEY in app.extensions:
            raise ConfigurationError(f"the iso10002 extension is already set up on {app.name!r}")
        for name in app.config:
            if name.startswith("ISO10002_") and name not in CONFIG_DEFAULTS:
                known = ", ".join(sorted(CONFIG_DEFAULTS))
                raise ConfigurationError(f"{name} is not an iso10002 setting; known: {known}")
        if self._actor is not None and app.config.get("ISO10002_ACTOR") is None:
            app.config["ISO10002_ACTOR"] = self._actor
        clock = _optional(app, "ISO10002_CLOCK", callable, "a Clock (a callable)")
        store, owned = _store(app, cast("Clock | None", clock))
        try:
            desk = _desk(app, store, cast("Clock | None", clock))
        except BaseException:
            if owned:
                store.close()
            raise
        app.extensions[EXTENSION_KEY] = desk
        app.extensions[_OWNED] = store if owned else None
        from iso10002.contrib.flask.blueprint import create_blueprint, templates_blueprint
        from iso10002.contrib.flask.csrf import csrf_token

        app.register_blueprint(templates_blueprint())
        app.jinja_env.globals["iso10002_csrf_token"] = csrf_token
        if setting("ISO10002_ERROR_HANDLERS", app):
            from iso10002.contrib.flask.problems import register_error_handlers

            register_error_handlers(app)
        prefix = setting("ISO10002_BLUEPRINT_PREFIX", app)
        if prefix is not None:
            if not isinstance(prefix, str):
                raise ConfigurationError(
                    f"ISO10002_BLUEPRINT_PREFIX: expected a URL prefix, got {prefix!r}"
                )
            app.register_blueprint(create_blueprint(), url_prefix=prefix)


def close_desk(app: Flask) -> None:
    """Close the store the extension opened for ``app`` (a store you passed stays open).

    Examples:
        >>> from flask import Flask
        >>> app = Flask("x")
        >>> app.config["ISO10002_STORE"] = ":memory:"
        >>> Iso10002(app)  # doctest: +ELLIPSIS
        <iso10002.contrib.flask.extension.Iso10002 object at ...>
        >>> close_desk(app)
    """
    store = app.extensions.pop(_OWNED, None)
    if store is not None:
        cast(ComplaintStore, store).close()


# --- building the desk from the config ------------------------------------------------------


def _optional(app: Flask, name: str, check: Callable[[object], bool], expected: str) -> object:
    value = setting(name, app)
    if value is not None and not check(value):
        raise ConfigurationError(f"{name}: expected {expected}, got {value!r}")
    return value


def _store(app: Flask, clock: Clock | None) -> tuple[ComplaintStore, bool]:
    """The configured store, and whether the extension opened it (and so must close it)."""
    value = setting("ISO10002_STORE", app)
    if isinstance(value, (str, os.PathLike)):
        return _open_store(app, value, clock), True
    required = ("create", "get", "append", "find", "history", "close")
    if value is None or not all(callable(getattr(value, name, None)) for name in required):
        raise ConfigurationError(
            f"ISO10002_STORE: expected a ComplaintStore, a path or a URL, got {value!r}"
        )
    return cast(ComplaintStore, value), False


def _open_store(app: Flask, where: str | os.PathLike[str], clock: Clock | None) -> ComplaintStore:
    text = os.fspath(where)
    if text == "memory":
        return InMemoryStore()
    if text == ":memory:":
        return SQLiteStore.memory(clock=clock or system_clock)
    if is_url(text):  # a database URL: SQLAlchemy (the [sqlalchemy] extra)
        return open_store(text, create=True, clock=clock or system_clock)
    path = Path(text)
    if not path.is_absolute():
        # Flask's convention for files an app writes at run time: its instance folder.
        path = Path(app.instance_path) / path
    path.parent.mkdir(parents=True, exist_ok=True)
    return open_store(path, create=True, clock=clock or system_clock)


def _policy(app: Flask) -> DeskPolicy | None:
    value = setting("ISO10002_POLICY", app)
    options = setting("ISO10002_POLICY_OPTIONS", app)
    if not isinstance(options, Mapping):
        raise ConfigurationError(f"ISO10002_POLICY_OPTIONS: expected a mapping, got {options!r}")
    if value is None:
        return None
    if isinstance(value, str):
        return presets.get(value, **{str(k): v for k, v in options.items()})
    if not all(hasattr(value, name) for name in ("lifecycle_rules", "next_due", "retain_until")):
        raise ConfigurationError(
            f"ISO10002_POLICY: expected a preset id or an SlaPolicy, got {value!r}"
        )
    return cast(DeskPolicy, value)


def _desk(app: Flask, store: ComplaintStore, clock: Clock | None) -> ComplaintsDesk:
    access = setting("ISO10002_ACCESS", app)
    if not callable(access):
        raise ConfigurationError(f"ISO10002_ACCESS: expected a callable, got {access!r}")
    refusals = _optional(
        app, "ISO10002_REFUSALS", lambda v: isinstance(v, RefusalLog), "a RefusalLog"
    )
    listeners = setting("ISO10002_LISTENERS", app)
    if isinstance(listeners, (str, bytes)) or not isinstance(listeners, Sequence):
        raise ConfigurationError(f"ISO10002_LISTENERS: expected a sequence, got {listeners!r}")
    for name, check, expected in (
        ("ISO10002_PAGE_SIZE", _positive, "a whole number >= 1"),
        ("ISO10002_MAX_PAGE_SIZE", _positive, "a whole number >= 1"),
        ("ISO10002_PROBLEM_TYPE_BASE", _text, "text"),
    ):
        _optional(app, name, check, expected)
    for name in ("ISO10002_ACTOR",):
        _optional(app, name, callable, "a callable returning the actor")
    _optional(app, "ISO10002_INTAKE_ACTOR", _text, "text")
    return ComplaintsDesk(
        store,
        _policy(app),
        clock,
        listeners=listeners,
        access=cast(AccessPolicy, access),
        refusals=cast("RefusalLog | None", refusals),
    )


def _positive(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _text(value: object) -> bool:
    return isinstance(value, str) and bool(value)
