"""The management review page in a real browser: Debian's Chromium, headless, via Selenium.

A simulated quarter (the demo's) is stored in an SQLite file, reviewed, and the page opened
from disk. The test asserts what a reader would see: every chart drawn with a size and with
marks, no console error, and no request but the page itself (the page must work offline).
A screenshot goes to ``artifacts/management-review.png`` at the repository root.

Without Chromium, its driver or Selenium the test skips on a developer's machine and fails
in CI (``require_service``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from iso10002.demo import demo_policy, simulate
from iso10002.metrics.period import Period
from iso10002.metrics.report import review_store, write_review
from iso10002.storage import Durability, SQLiteStore
from iso10002.testing.browser import chromium_missing, headless_chromium
from service_checks import require_service

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
CHARTS = ("volume", "sla", "resolution", "pareto", "backlog")


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    """Headless Debian Chromium on a fresh profile, logging the console and the network."""
    missing = chromium_missing()
    require_service(missing is None, missing or "")
    with headless_chromium(logs=True) as driver:
        yield driver


@pytest.fixture(scope="module")
def review_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The management review of a simulated 2026 Q3, written next to its SQLite store."""
    folder = tmp_path_factory.mktemp("review")
    with SQLiteStore(folder / "quarter.sqlite3", durability=Durability.NORMAL) as store:
        simulate(store, complaints=60, seed=2026)
        review = review_store(
            store,
            Period.parse("2026Q3"),
            policy=demo_policy(),
            generated_at=datetime(2026, 10, 1, 9, tzinfo=timezone.utc),
        )
    return write_review(review, folder / "management-review.html")


def requests(browser: WebDriver) -> list[tuple[str, str]]:
    """Every request the browser logged: ``(document that asked, URL asked for)``.

    The browser's own pages (``chrome://``) log requests too; a request of the review's
    names the review as its document.
    """
    found = []
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            params = message["params"]
            found.append((params.get("documentURL", ""), params["request"]["url"]))
    return found


CHART_BOXES = """
return Array.from(document.querySelectorAll('figure svg')).map(svg => {
  const box = svg.getBoundingClientRect();
  const marks = Array.from(svg.querySelectorAll('rect, polyline, circle, polygon'))
    .filter(m => { const b = m.getBBox(); return b.width > 0 && b.height > 0; }).length;
  return {id: svg.closest('figure').id, width: box.width, height: box.height, marks: marks,
          label: svg.getAttribute('aria-labelledby')};
});
"""


def test_the_review_renders_its_charts_offline_in_chromium(
    browser: WebDriver, review_page: Path
) -> None:
    url = review_page.as_uri()
    browser.get(url)
    assert browser.title == "Complaints management review — 2026Q3"

    boxes = browser.execute_script(CHART_BOXES)
    assert [b["id"] for b in boxes] == [f"chart-{name}" for name in CHARTS]
    for box in boxes:
        assert box["width"] > 300, box
        assert box["height"] > 150, box
        assert box["marks"] > 1, box  # the background and at least one bar, line or point
        assert box["label"].endswith("-svg-desc")

    from selenium.webdriver.common.by import By

    for svg in browser.find_elements(By.CSS_SELECTOR, "figure svg"):
        assert svg.is_displayed()
    assert browser.find_element(By.ID, "figure-received").is_displayed()
    assert "Conformance at" in browser.find_element(By.ID, "conformance").text

    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    logged = requests(browser)
    assert (url, url) in logged  # the log works: it saw the page itself
    assert [asked for document, asked in logged if document == url and asked != url] == []
    assert [asked for _, asked in logged if asked.startswith(("http:", "https:", "ws"))] == []

    # Printed, the data table under each chart is shown (closed on screen) and charts stay.
    tables_seen = (
        "return Array.from(document.querySelectorAll('figure details table'))"
        ".map(t => t.checkVisibility());"
    )
    assert browser.execute_script(tables_seen) == [False] * len(CHARTS)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    assert browser.execute_script(tables_seen) == [True] * len(CHARTS)
    assert all(b["width"] > 300 for b in browser.execute_script(CHART_BOXES))
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})

    ARTIFACTS.mkdir(exist_ok=True)
    height = browser.execute_script("return document.body.scrollHeight")
    browser.set_window_size(1280, max(int(height) + 40, 600))
    assert browser.save_screenshot(str(ARTIFACTS / "management-review.png"))
