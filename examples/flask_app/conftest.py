"""Fixtures of the Flask site's tests: the site on a fresh SQLite file, a client, a browser.

The browser tests drive Debian's Chromium (``/usr/bin/chromium``, ``/usr/bin/chromedriver``;
the noxfile installs them) through Selenium, headless, against the site served on a free
localhost port in a thread. Without them they **skip** on a developer's machine and **fail**
when ``CI=true`` or ``ISO10002_REQUIRE_SERVICES=1``, as ``require_service`` does in the
library's own suite.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_site import close_app, create_app
from flask_site_checks import csrf_of, require
from werkzeug.serving import make_server

from iso10002 import ManualClock
from iso10002.testing.browser import chromium_missing, headless_chromium
from iso10002.testing.builders import START

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"


@pytest.fixture
def clock() -> ManualClock:
    """The site's clock: Monday 5 January 2026, 09:00 UTC, moved by hand."""
    return ManualClock(START)


@pytest.fixture
def app(tmp_path: Path, clock: ManualClock) -> Iterator[Flask]:
    """The site on a new complaints file."""
    site = create_app({"ISO10002_STORE": str(tmp_path / "site.sqlite3"), "ISO10002_CLOCK": clock})
    site.testing = True
    yield site
    close_app(site)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client, signed in as nobody."""
    return app.test_client()


@pytest.fixture
def sign_in(client: FlaskClient) -> Callable[[str], str]:
    """Sign the client in as ``actor``; returns the session's CSRF token."""

    def as_member(actor: str) -> str:
        token = csrf_of(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"csrf_token": token, "actor": actor})
        assert response.status_code == 302
        return token

    return as_member


@pytest.fixture
def live_site(app: Flask) -> Iterator[str]:
    """The site served on a free localhost port in a thread; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=30)
        server.server_close()


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    """Headless Debian Chromium through its ChromeDriver, on a fresh profile."""
    missing = chromium_missing()
    require(missing is None, missing or "")
    with headless_chromium() as driver:
        yield driver


@pytest.fixture
def screenshot(browser: WebDriver) -> Callable[[str], Path]:
    """Save what the browser shows to ``artifacts/flask-<name>.png``."""

    def save(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"flask-{name}.png"
        height = browser.execute_script("return document.body.scrollHeight")
        browser.set_window_size(1280, max(int(height) + 40, 600))
        assert browser.save_screenshot(str(path))
        return path

    return save
