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

import contextlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from browser import FLAGS, chromedriver, chromium, require
from outputs import output_file, output_of

from interpreter import cli
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
            kinds.add("act")
        elif raw.startswith("https://eur-lex.europa.eu/legal-content/"):
            kinds.add("eur-lex")
            assert EUR_LEX_ARTICLE.fullmatch(raw), raw
        elif raw in data_files:
            kinds.add("data")
            assert raw.startswith("https://")
        else:
            kinds.add("docs")
            anchor = raw.split("#", 1)[1]
            assert anchor in provisions, raw                       # a provision the report cites, found in the law
            assert raw == links.docs_url(provisions[anchor], "site"), raw
            assert "/index.html#" in raw                           # opened from disk, a folder would lose it
            # and the generated docs have that page with that anchor (`ammr docs`, tests/test_docs.py)
            page_source = (ROOT / "generated_docs" / links.docs_path(provisions[anchor])).read_text(encoding="utf-8")
            assert f'id="{anchor}"' in page_source or f"{{ #{anchor} }}" in page_source, raw
            # the browser resolves it next to the report, where `mkdocs build` puts the site
            assert resolved == (page.parent / "site").as_uri() + "/" + raw[len("site/"):], resolved
    assert kinds == {"act", "eur-lex", "data", "docs"}
    cited = {a for o in outcomes_of(case) for c in o["citations"] for a in [c["anchor"]]}
    docs = {raw.split("#", 1)[1] for raw, _ in found if raw.startswith("site/")}
    assert cited <= docs                                           # every provision cited has its link


EUR_LEX_ARTICLE = re.compile(r"https://eur-lex\.europa\.eu/legal-content/EN/TXT/HTML/\?uri=OJ:L_202401351"
                             r"#(art_[1-9][0-9]*|anx_[IVX]+)")


@pytest.mark.parametrize("case", CASES)
def test_on_paper_each_link_target_is_listed_once_and_numbered(browser, case):
    open_report(browser, case)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    shown = browser.execute_script("""
        const style = e => getComputedStyle(e).display;
        const marks = [...document.querySelectorAll('sup.fn')].map(s => [s.previousElementSibling.getAttribute('href'),
                                                                         Number(s.textContent)]);
        const listed = [...document.querySelectorAll('#links li a')].map(a => a.getAttribute('href'));
        return {back: style(document.querySelector('p.back')), list: style(document.querySelector('#links')),
                mark: style(document.querySelector('sup.fn')), marks, listed,
                rule: style(document.querySelector('details.rule'))};""")
    assert shown["back"] == "none" and shown["rule"] == "none"           # no navigation, no rule text on paper
    assert shown["list"] == "block" and shown["mark"] == "inline"
    listed = shown["listed"]
    assert len(listed) == len(set(listed))                                # each target once
    for href, number in shown["marks"]:                                   # every mark names its target's number
        assert listed[number - 1] == href, (href, number)
    outside = browser.execute_script("""
        return [...document.querySelectorAll('a[href]:not([href^="#"])')].filter(a => !a.closest('#links'))
            .map(a => a.getAttribute('href'));""")
    assert set(outside) == set(listed)
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "screen"})
    assert browser.execute_script("return getComputedStyle(document.querySelector('#links')).display") == "none"


# --------------------------------------------------------- the 2026 report opened from disk beside the site

@pytest.fixture(scope="module")
def report_beside_site(tmp_path_factory):
    """`mkdocs build` into site/ and the 2026 report written beside it, as the README says."""
    folder = tmp_path_factory.mktemp("filed")
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(folder / "site")],
                           cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, built.stderr[-3000:]
    report = folder / "report-2026.html"
    with contextlib.chdir(ROOT):
        code = cli.run(cli.main, ["explain", "examples/2026", "--format", "html", "-o", str(report),
                                  "--docs-url", "site"])
    assert code == 1 and report.is_file()
    return report


def test_every_link_of_the_report_opened_from_disk_lands_on_its_target(browser, report_beside_site):
    report = report_beside_site
    browser.get(report.as_uri())
    hrefs = browser.execute_script("""
        return [...new Set([...document.querySelectorAll('a[href]')].map(a => a.href))];""")
    local = [h for h in hrefs if h.startswith("file:")]
    assert len(local) > 30 and any("/site/articles/" in h for h in local)
    followed = 0
    for href in local:
        browser.get(href)
        landed = browser.execute_script("""
            const id = decodeURIComponent(location.hash.slice(1));
            return [location.href, document.title, !id || !!document.getElementById(id),
                    !!document.querySelector('.md-content, article.outcome, #summary')];""")
        assert landed[0] == href, (href, landed)
        assert landed[2], f"{href}: no element with that anchor"
        assert landed[3], f"{href}: not a page of the site or the report (a folder listing?)"
        followed += 1
    browser.get(report.as_uri())
    outside = [h for h in hrefs if not h.startswith("file:")]
    for href in outside:                                       # no network here: the form only
        assert EUR_LEX_ARTICLE.fullmatch(href) or href == links.EUR_LEX or href.startswith("https://"), href
    assert followed == len(local)


def test_the_2026_report_prints_on_at_most_15_a4_pages(report_beside_site, tmp_path):
    """Chromium prints it to PDF (A4, the report's print stylesheet): summary and pool table first,
    the verdicts flowing on, the link targets listed once at the end."""
    pdf = tmp_path / "report-2026.pdf"
    binary = chromium()
    assert binary is not None
    done = subprocess.run([binary, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer",
                           f"--print-to-pdf={pdf}", report_beside_site.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and pdf.is_file(), done.stderr[-2000:]
    data = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    sizes = {tuple(round(float(x)) for x in box) for box in boxes}
    assert sizes == {(595, 842)}                                 # A4 portrait, in points
    assert 5 <= pages <= 15, f"{pages} pages"


@pytest.mark.parametrize("case", ["examples-2026", "examples-synthetic-2027"])
def test_it_reads_on_a_phone(browser, case):
    """At 390 px nothing of the summary or of a verdict runs off the side; only the pool table scrolls,
    in its own box."""
    open_report(browser, case)
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 390, "height": 800, "deviceScaleFactor": 1, "mobile": True})
    try:
        measured = browser.execute_script(r"""
            return {page: [document.documentElement.scrollWidth, innerWidth],
                    wide: [...document.querySelectorAll('article.outcome, article.outcome dd, article.outcome table, '
                                                        + 'header table, #summary, #summary table, .legend')]
                        .filter(e => e.scrollWidth > e.clientWidth + 1)
                        .map(e => (e.closest('article') || e).id || e.className),
                    figures: figures()};
            function figures() {    // every figure of the text ("EUR 620 271 800 000"), and the lines it takes
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                const found = [];
                const figure = /(?:≈\u00a0)?(?:EUR\u00a0)?\d{1,3}(?:\u00a0\d{3})+(?:\.\d+)?/g;
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    if (!node.parentElement.getClientRects().length) continue;      // not shown
                    for (const m of node.data.matchAll(figure)) {
                        const range = document.createRange();
                        range.setStart(node, m.index); range.setEnd(node, m.index + m[0].length);
                        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
                        found.push([m[0], lines.size]);
                    }
                }
                return found;
            }""")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    assert measured["page"][0] <= measured["page"][1]
    assert measured["wide"] == []
    assert len(measured["figures"]) > 100                       # the figures are there, with their no-break spaces
    broken = [text for text, lines in measured["figures"] if lines != 1]
    assert broken == [], broken[:10]
