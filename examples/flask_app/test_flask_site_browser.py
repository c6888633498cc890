"""The site end to end in headless Chromium: file, acknowledge, assess, decide, be refused.

Screenshots of each step go to ``artifacts/flask-*.png`` at the repository root.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from flask import Flask

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

pytestmark = pytest.mark.browser

PAYLOAD = "<img src=x onerror=\"document.title='pwned'\"> No broadband since Monday."


def fill(browser: WebDriver, element_id: str, text: str) -> None:
    from selenium.webdriver.common.by import By

    field = browser.find_element(By.ID, element_id)
    field.clear()
    field.send_keys(text)


def choose(browser: WebDriver, element_id: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    Select(browser.find_element(By.ID, element_id)).select_by_value(value)


def click(browser: WebDriver, element_id: str) -> None:
    """Click a button that submits a form, and wait until the next page has replaced this one."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    # Mark this page; the next page has no mark. Probing the old element for staleness
    # races the navigation (Chromium can answer "node does not belong to the document"),
    # so the wait asks the window instead and retries any error raised mid-navigation.
    browser.execute_script("window.__iso10002_before_click = true;")
    browser.find_element(By.ID, element_id).click()
    WebDriverWait(browser, timeout=30, ignored_exceptions=(WebDriverException,)).until(
        lambda driver: driver.execute_script(
            "return window.__iso10002_before_click !== true && document.readyState === 'complete';"
        )
    )


def text_of(browser: WebDriver, element_id: str) -> str:
    from selenium.webdriver.common.by import By

    return str(browser.find_element(By.ID, element_id).text)


def sign_in(browser: WebDriver, site: str, actor: str) -> None:
    browser.get(f"{site}/login")
    choose(browser, "actor", actor)
    click(browser, "sign-in")


def file_through_the_form(site: str, browser: WebDriver, screenshot: Callable[[str], Path]) -> str:
    """A customer files a complaint through the public form; its reference."""
    browser.get(f"{site}/complaints/new")
    fill(browser, "description", PAYLOAD)
    choose(browser, "product", "broadband")
    fill(browser, "category", "outage")
    fill(browser, "name", "Jo Bloggs")
    fill(browser, "email", "jo@example.org")
    screenshot("1-intake-form")
    click(browser, "submit-complaint")
    reference = text_of(browser, "reference")
    assert reference.startswith("C-")
    screenshot("2-received")
    return reference


def test_a_complaint_is_filed_handled_through_the_buttons_and_a_role_is_refused(
    app: Flask,
    live_site: str,
    browser: WebDriver,
    screenshot: Callable[[str], Path],
) -> None:
    from selenium.webdriver.common.by import By

    reference = file_through_the_form(live_site, browser, screenshot)

    # Ana (handler) sees it in the list with its SLA status.
    sign_in(browser, live_site, "agent:ana")
    row = browser.find_element(By.LINK_TEXT, reference).find_element(By.XPATH, "./ancestor::tr")
    assert "received" in row.text
    assert "due" in row.find_element(By.CLASS_NAME, "sla").text
    screenshot("3-list")

    # The complaint page shows the text as typed, inert, and the allowed actions.
    browser.find_element(By.LINK_TEXT, reference).click()
    assert text_of(browser, "description") == PAYLOAD
    assert browser.title != "pwned"
    assert not browser.find_elements(By.CSS_SELECTOR, "#description img")

    choose(browser, "acknowledge-method", "email")
    fill(browser, "acknowledge-message", "We have your complaint and will reply by Friday.")
    click(browser, "do-acknowledge")
    assert text_of(browser, "state") == "acknowledged"

    choose(browser, "assess-severity", "high")
    choose(browser, "assess-complexity", "simple")
    choose(browser, "assess-impact", "medium")
    click(browser, "do-assess")
    assert text_of(browser, "state") == "assessed"

    choose(browser, "start_investigation-investigator", "agent:ana")
    click(browser, "do-start_investigation")
    assert text_of(browser, "state") == "investigating"
    screenshot("4-investigating")

    # Ana's role may not decide: the desk refuses, changes nothing, and records it.
    complaint_url = browser.current_url
    choose(browser, "decide-outcome", "upheld")
    fill(browser, "decide-reasons", "The line card failed.")
    click(browser, "do-decide")
    assert text_of(browser, "problem-title") == "Not permitted"
    assert "'agent:ana' may not decide" in text_of(browser, "problem-detail")
    screenshot("5-refused")
    assert app.extensions["iso10002"].get(reference).state.value == "investigating"

    # Kim (team lead) decides.
    sign_in(browser, live_site, "lead:kim")
    browser.get(complaint_url)
    assert "agent:ana was refused decide" in text_of(browser, "refusals")
    choose(browser, "decide-outcome", "upheld")
    fill(browser, "decide-reasons", "The line card failed; we credit a month.")
    click(browser, "do-decide")
    assert "Decide: done." in browser.page_source
    rows = browser.find_elements(By.CSS_SELECTOR, "#history tr.event")
    assert [row.find_elements(By.TAG_NAME, "td")[1].text for row in rows] == [
        "received",
        "acknowledged",
        "assessed",
        "investigation started",
        "decision made",
    ]
    screenshot("6-decided")
    complaint = app.extensions["iso10002"].get(reference)
    assert complaint.decision is not None
    assert complaint.decision.decided_by == "lead:kim"
    assert app.extensions["iso10002"].store.verify_integrity().ok
