"""A Flask app on the extension for the Flask tests: roles, a manual clock, a refusal log.

The actor comes from an ``X-Actor`` header (the tests' stand-in for a signed-in user), so
each request says who makes it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from flask import Flask, request

from iso10002 import ManualClock, MemoryRefusalLog, RolePolicy
from iso10002.access import ACTIONS
from iso10002.contrib.flask import Iso10002, close_desk
from iso10002.testing.builders import START

POLICY = RolePolicy(
    roles={
        "agent:ana": {"handler"},
        "lead:kim": {"lead"},
        "auditor:sam": {"auditor"},
        "web-form": {"public"},
    },
    grants={
        "handler": ACTIONS - {"decide", "close", "redact"},
        "lead": ACTIONS,
        "auditor": {"view"},
        "public": {"receive"},
    },
)
COMPLAINT = {
    "description": "Charged twice for the March statement fee.",
    "classification": {"product": "current account", "category": "fees"},
}


def header_actor() -> str | None:
    """The actor the request names in its ``X-Actor`` header."""
    return request.headers.get("X-Actor")


def make_app(clock: ManualClock | None = None, **config: object) -> Flask:
    """An app with the extension and its blueprint at ``/complaints``, on an in-memory store."""
    app = Flask("complaints_test")
    app.secret_key = "tests"
    app.config.update(
        {
            "ISO10002_STORE": "memory",
            "ISO10002_CLOCK": clock if clock is not None else ManualClock(START),
            "ISO10002_ACCESS": POLICY,
            "ISO10002_REFUSALS": MemoryRefusalLog(),
            "ISO10002_ACTOR": header_actor,
            "ISO10002_BLUEPRINT_PREFIX": "/complaints",
            **config,
        }
    )
    Iso10002(app)
    return app


@contextmanager
def flask_app(clock: ManualClock | None = None, **config: object) -> Iterator[Flask]:
    """:func:`make_app`, with the store it opened closed afterwards."""
    app = make_app(clock, **config)
    try:
        yield app
    finally:
        close_desk(app)


def as_actor(actor: str, **headers: str) -> Mapping[str, str]:
    """Request headers for ``actor``."""
    return {"X-Actor": actor, **headers}
