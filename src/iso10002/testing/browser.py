"""Headless Debian Chromium for a host's browser tests (the Flask site, the management review).

Browser tests here drive the system's Chromium through its ChromeDriver (Debian's packages
``chromium`` and ``chromium-driver``), never a browser a test tool downloads, which does not
work offline. Selenium comes with the ``test`` extra. :func:`chromium_missing` says what is
absent, so a suite can skip, or fail where the browser is required (CI);
:func:`headless_chromium` opens the browser on a fresh profile and closes it afterwards.
"""

from __future__ import annotations

import importlib.util
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

__all__ = ["CHROMEDRIVER", "CHROMIUM", "chromium_missing", "headless_chromium"]

CHROMIUM = Path("/usr/bin/chromium")
"""Debian's Chromium (package ``chromium``)."""

CHROMEDRIVER = Path("/usr/bin/chromedriver")
"""Debian's ChromeDriver (package ``chromium-driver``)."""

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)


def chromium_missing() -> str | None:
    """What a browser test lacks here, in words (``None`` when everything is installed).

    Examples:
        >>> reason = chromium_missing()
        >>> reason is None or reason.endswith(")")
        True
    """
    if importlib.util.find_spec("selenium") is None:
        return "selenium (iso10002[test])"
    if not CHROMIUM.is_file():
        return f"{CHROMIUM} (Debian package chromium)"
    if not CHROMEDRIVER.is_file():
        return f"{CHROMEDRIVER} (Debian package chromium-driver)"
    return None


@contextmanager
def headless_chromium(
    *, window: tuple[int, int] = (1280, 1000), logs: bool = False
) -> Iterator[WebDriver]:
    """Headless Chromium on a fresh, temporary profile; quit and removed on leaving.

    ``logs=True`` keeps the console and the network log (``driver.get_log("browser")``,
    ``driver.get_log("performance")``), to assert a page logs no error and fetches nothing.
    Check :func:`chromium_missing` first: without the browser this raises whatever Selenium
    raises.

    Examples:
        >>> if chromium_missing() is None:
        ...     with headless_chromium(window=(640, 480)) as driver:
        ...         driver.get("data:text/html,<title>ok</title>")
        ...         assert driver.title == "ok"
    """
    from selenium import webdriver

    with tempfile.TemporaryDirectory(prefix="iso10002-chromium-") as profile:
        options = webdriver.ChromeOptions()
        options.binary_location = str(CHROMIUM)  # never a downloaded browser
        for flag in (
            *_FLAGS,
            f"--window-size={window[0]},{window[1]}",
            f"--user-data-dir={profile}",
        ):
            options.add_argument(flag)
        if logs:
            options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        service = webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
        driver = webdriver.Chrome(options=options, service=service)
        driver.implicitly_wait(0)
        try:
            yield driver
        finally:
            driver.quit()
