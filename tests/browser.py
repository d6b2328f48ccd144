"""Headless Chromium for the tests that look at rendered HTML (Debian's `chromium` package, and
`chromium-driver` for the tests that drive it through Selenium).

A test that needs them is marked `@pytest.mark.browser` (`browser(driver=True)` for the driver);
conftest.py calls `require()` before it runs. Without Chromium the test is skipped, with the reason
naming the packages to install, so that `pytest` passes on a fresh machine; with
AMMR_REQUIRE_BROWSER=1 (as .ci/run sets it, after installing them) a missing browser is a failure.

The flags keep Chromium off the network this machine does not have: without them it
tries, and fails, to reach Google's services at every start."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


INSTALL = "apt-get install chromium chromium-driver"
REQUIRED = "AMMR_REQUIRE_BROWSER"


def chromium() -> str | None:
    """The browser: AMMR_CHROMIUM, else Debian's chromium on the PATH."""
    return os.environ.get("AMMR_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def chromedriver() -> str | None:
    return os.environ.get("AMMR_CHROMEDRIVER") or shutil.which("chromedriver")


def missing(driver: bool = False) -> list[str]:
    """What a browser test needs and this machine lacks."""
    gone = [] if chromium() else ["Chromium"]
    if driver and not chromedriver():
        gone.append("chromedriver")
    return gone


def require(driver: bool = False) -> None:
    """Skip the test when the browser (or its driver) is missing, saying what to install; fail
    instead when AMMR_REQUIRE_BROWSER is set, so that CI cannot skip the browser tests silently."""
    gone = missing(driver)
    if not gone:
        return
    reason = f"needs {' and '.join(gone)}: {INSTALL}"
    if os.environ.get(REQUIRED):
        pytest.fail(f"{reason} ({REQUIRED} is set: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


def dump_dom(url: str, timeout: int = 60) -> str:
    """The page's DOM after Chromium has loaded and run it."""
    require()
    binary = chromium()
    assert binary is not None               # require() skipped or failed otherwise
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
                              capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


class Links(HTMLParser):
    """Collects hrefs and element ids of a page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.classes: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.add(attributes["id"])
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"])
        if attributes.get("class"):
            self.classes.extend(attributes["class"].split())


def parse(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links
