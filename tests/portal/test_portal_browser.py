"""The real server on a free loopback port, driven in headless Chromium (Selenium, Debian's
chromium and chromium-driver): a pledge one person short shows non_compliant and the remedy
while it is typed, is fixed and submitted, and another Member State is refused its data."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest
from conftest import EXAMPLE, serve_command
from test_portal_api import one_person_short

from interpreter.portal import security, server, store
from interpreter.portal.config import Settings
from interpreter.portal.db import engine_for, sessions

pytestmark = pytest.mark.browser
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def chromium() -> str:
    """Debian's Chromium; without it the test is skipped, or fails when AMMR_REQUIRE_BROWSER=1 (CI)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found and os.access(CHROMEDRIVER, os.X_OK):
        return found
    reason = "needs Debian's Chromium and its driver: apt-get install chromium chromium-driver"
    if os.environ.get("AMMR_REQUIRE_BROWSER") == "1":
        pytest.fail(reason + " (AMMR_REQUIRE_BROWSER=1 makes its absence a failure)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the server stopped: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer {url} within {seconds} s")


@pytest.fixture
def portal_server(database, monkeypatch):
    """`ammr serve` on a fresh database (SQLite, or PostgreSQL) with the 2026 example and two
    Member States."""
    monkeypatch.setattr(security, "_N", 2 ** 4)
    settings = Settings(database=database)
    server.prepare_database(settings)
    engine = engine_for(settings.database)
    passwords = {"nl": "nl-password-1", "de": "de-password-1"}
    for name, password in passwords.items():
        store.add_user(sessions(engine), name, "member_state", name.upper(), password)
    engine.dispose()
    port = free_port()
    process = subprocess.Popen([*serve_command(), "--database", settings.database, "--port", str(port),
                                "--example", str(EXAMPLE), "--no-access-log"],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(base + "/login", process)
        yield base, passwords
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def browser(tmp_path):
    binary = chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,2000"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(0)
    yield driver
    driver.quit()


def test_pledge_live_fix_submit_and_refusal(browser, portal_server, checker, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as when
    from selenium.webdriver.support.ui import WebDriverWait
    base, passwords = portal_server
    wait = WebDriverWait(browser, 30)

    def sign_in(name):
        browser.get(base + "/login")
        browser.find_element(By.ID, "name").send_keys(name)
        browser.find_element(By.ID, "password").send_keys(passwords[name])
        browser.find_element(By.CSS_SELECTOR, "form.stack button[type=submit]").click()
        wait.until(when.url_to_be(base + "/"))

    sign_in("nl")
    browser.get(base + "/pledge?pool_year=2026")
    short = one_person_short(checker)
    field = browser.find_element(By.ID, "relocations")
    field.send_keys(str(short))
    # the verdicts come while typing, through the API: the page itself is not posted
    wait.until(when.text_to_be_present_in_element((By.ID, "overall"), "non-compliant"))
    wait.until(when.text_to_be_present_in_element((By.ID, "panel"), "(1 person more)"))
    assert browser.current_url == base + "/pledge?pool_year=2026"
    panel = browser.find_element(By.ID, "panel").text
    assert "Remedy:" in panel and "Art. 57(3), second sentence" in panel and "Mandatory fair share, value" in panel
    browser.save_screenshot(str(tmp_path / "short.png"))

    field.clear()
    field.send_keys(str(short + 1))
    wait.until(when.text_to_be_present_in_element((By.ID, "overall"), "Overall: compliant"))
    assert "(1 person more)" not in browser.find_element(By.ID, "panel").text
    browser.find_element(By.ID, "submit").click()
    wait.until(when.url_contains("/pledges/NL/2026?submitted=2"))
    assert "Version 2 submitted" in browser.page_source

    browser.find_element(By.CSS_SELECTOR, "form.inline button").click()
    wait.until(when.url_to_be(base + "/login"))
    sign_in("de")
    browser.get(base + "/pledges/NL/2026")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Not allowed" in body and "this account is for DE" in body
    assert "submitted" not in body.lower() and "version 2" not in body.lower()
