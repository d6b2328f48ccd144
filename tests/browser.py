"""Headless Chromium for the tests that look at rendered HTML (Debian's `chromium` package).

The flags keep Chromium off the network this machine does not have: without them it
tries, and fails, to reach Google's services at every start."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from html.parser import HTMLParser

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    assert path, "Chromium is needed for this test: apt-get install chromium (CI installs it in .ci/run)"
    return path


def dump_dom(url: str, timeout: int = 60) -> str:
    """The page's DOM after Chromium has loaded and run it."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
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
