"""The HTML report in a real browser: headless Chromium (Debian's `chromium`, driven through
`chromedriver` by Selenium) opens the golden reports and checks that they render, that every
in-page link lands on its target, that the links to the act and to the reference docs have the
form links.py fixes and point at a paragraph the generated docs have (EUR-Lex cannot be fetched
here), and that the print stylesheet applies.

Without Chromium and its driver these tests are skipped, saying what to install
    apt-get install chromium chromium-driver
and with AMMR_REQUIRE_BROWSER=1 (set by .ci/run, which installs them) they fail instead.
Other locations: AMMR_CHROMIUM and AMMR_CHROMEDRIVER.
"""

import base64
import json
import os
import re
from pathlib import Path

import pytest
from browser import FLAGS, chromedriver, chromium, require
from outputs import output_file, output_of

from interpreter.report import links

ROOT = Path(__file__).resolve().parent.parent
CASES = ["examples-2026", "examples-synthetic-2027", "boundaries"]


pytestmark = [pytest.mark.browser(driver=True), pytest.mark.slow]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    require(driver=True)
    binary, driver_path = chromium(), chromedriver()
    assert binary is not None and driver_path is not None        # require() skipped or failed otherwise
    os.environ["SE_OFFLINE"] = "true"          # Selenium must not look for a driver on the network
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*FLAGS, "--window-size=1200,900"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def open_report(browser, case):
    page = output_file(case, "explain.html")
    browser.get(page.as_uri())
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen"})
    return page


def outcomes_of(case):
    return json.loads(output_of(case, "explain.json"))["outcomes"]


@pytest.mark.parametrize("case", CASES)
def test_it_renders(browser, case):
    open_report(browser, case)
    assert browser.title.startswith("AMMR check: non-compliant")
    shown = browser.execute_script("""
        return [...document.querySelectorAll('article.outcome')].map(a => [a.id, a.getBoundingClientRect().height]);""")
    assert [anchor for anchor, _ in shown] == _body_order(case)
    assert all(height > 50 for _, height in shown)
    # the inline stylesheet applies: a non-compliant verdict is marked in red
    colour = browser.execute_script("""
        const a = document.querySelector('article.outcome.verdict-non_compliant');
        return getComputedStyle(a).borderLeftColor;""")
    assert colour == "rgb(198, 40, 40)"
    text = browser.execute_script("return document.body.innerText")
    assert "Overall: non-compliant" in text and "Back to the summary" in text
    rows = browser.execute_script("return document.querySelectorAll('table.findings tbody tr').length")
    assert rows == sum(1 for o in outcomes_of(case) if o["verdict"] != "not_applicable")
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors


def _body_order(case):
    """The outcomes as the report lays them out: by document, failing first within each."""
    order = ["non_compliant", "insufficient_information", "needs_assessment", "compliant", "not_applicable"]
    data = json.loads(output_of(case, "explain.json"))
    outcomes = data["outcomes"]
    documents = [d["label"] for d in data["documents"]]
    return [o["anchor"] for d in documents
            for o in sorted((o for o in outcomes if o["document"] == d), key=lambda o: order.index(o["verdict"]))]


@pytest.mark.parametrize("case", CASES)
def test_every_in_page_link_lands_on_its_target(browser, case):
    open_report(browser, case)
    hrefs = browser.execute_script("""
        return [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href'));""")
    assert len(hrefs) > len(outcomes_of(case))
    unresolved = browser.execute_script("""
        return [...document.querySelectorAll('a[href^="#"]')]
            .map(a => decodeURIComponent(a.hash.slice(1)))
            .filter(id => !document.getElementById(id));""")
    assert unresolved == []
    # follow links both ways: from the summary to a verdict and back
    from selenium.webdriver.common.by import By
    for link in browser.find_elements(By.CSS_SELECTOR, "table.findings a")[:3] + \
            browser.find_elements(By.CSS_SELECTOR, "p.back a")[-1:]:
        target = link.get_attribute("href").split("#", 1)[1]
        link.click()
        top = browser.execute_script("""
            return [location.hash, document.getElementById(arguments[0]).getBoundingClientRect().top,
                    window.innerHeight];""", target)
        assert top[0] == "#" + target and -2 <= top[1] < top[2], (target, top)      # scrolled to (sub-pixel)


@pytest.mark.parametrize("case", CASES)
def test_links_to_the_act_and_to_the_reference_docs(browser, rules, case):
    page = open_report(browser, case)
    found = browser.execute_script("""
        return [...document.querySelectorAll('a[href]:not([href^="#"])')].map(a => [a.getAttribute('href'), a.href]);""")
    law = rules.program.law
    provisions = {c["anchor"]: law.resolve(c["short"]).citation for o in outcomes_of(case)
                  for x in [o, *o["exceptions"]] for c in x["citations"]}
    data_files = {t.source_url for table in rules.tables.values() for t in table.figures.values()}
    kinds = set()
    for raw, resolved in found:
        if raw == links.EUR_LEX:
            kinds.add("eur-lex")
        elif raw in data_files:
            kinds.add("data")
            assert raw.startswith("https://")
        else:
            kinds.add("docs")
            anchor = raw.split("#", 1)[1]
            assert anchor in provisions, raw                       # a provision the report cites, found in the law
            assert raw == links.docs_url(provisions[anchor], "site"), raw
            # and the generated docs have that page with that anchor (`ammr docs`, tests/test_docs.py)
            page_source = (ROOT / "generated_docs" / links.docs_path(provisions[anchor])).read_text(encoding="utf-8")
            assert f'id="{anchor}"' in page_source or f"{{ #{anchor} }}" in page_source, raw
            # the browser resolves it next to the report, where `mkdocs build` puts the site
            assert resolved == (page.parent / "site").as_uri() + "/" + raw[len("site/"):], resolved
    assert kinds == {"eur-lex", "data", "docs"}
    cited = {a for o in outcomes_of(case) for c in o["citations"] for a in [c["anchor"]]}
    docs = {raw.split("#", 1)[1] for raw, _ in found if raw.startswith("site/")}
    assert cited <= docs                                           # every provision cited has its link


@pytest.mark.parametrize("case", CASES)
def test_it_prints(browser, case):
    open_report(browser, case)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    hidden = browser.execute_script("""
        return [getComputedStyle(document.querySelector('p.back')).display,
                getComputedStyle(document.querySelector('blockquote.law .links a'), '::after').content];""")
    assert hidden[0] == "none"                                   # no navigation on paper
    assert hidden[1].startswith('" <site/articles/')           # the link's target printed beside it
    pdf = base64.b64decode(browser.print_page())
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert pages >= 3
