"""Fixtures of the Flask site's tests: the site on a fresh SQLite file, a client, a browser.

The browser tests drive Debian's Chromium (``/usr/bin/chromium``, ``/usr/bin/chromedriver``;
the noxfile installs them) through Selenium, headless, against the site served on a free
localhost port in a thread. Without them they **skip** on a developer's machine and **fail**
when ``CI=true`` or ``ISO10002_REQUIRE_SERVICES=1``, as ``require_service`` does in the
library's own suite.
"""

from __future__ import annotations

import importlib.util
import tempfile
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
from iso10002.testing.builders import START

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


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
    require(importlib.util.find_spec("selenium") is not None, "selenium (iso10002[test])")
    require(CHROMIUM.is_file(), f"{CHROMIUM} (Debian package chromium)")
    require(CHROMEDRIVER.is_file(), f"{CHROMEDRIVER} (Debian package chromium-driver)")
    from selenium import webdriver

    with tempfile.TemporaryDirectory(prefix="iso10002-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)  # never a downloaded browser
        for flag in (
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
            "--window-size=1280,1000",
            f"--user-data-dir={profile}",
        ):
            options.add_argument(flag)
        service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
        driver = webdriver.Chrome(options=options, service=service)
        driver.implicitly_wait(0)
        try:
            yield driver
        finally:
            driver.quit()


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
