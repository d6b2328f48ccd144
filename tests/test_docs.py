"""The generated reference documentation: up to date, deterministic, written atomically,
built by MkDocs in strict mode, and rendered by a browser with working links."""

import functools
import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import FLAGS, chromedriver, chromium, dump_dom, parse, require
from pygments.lexers import get_lexer_by_name
from pygments.token import Error, Keyword, Name

from interpreter import RuleSet, cli
from interpreter.language.parse import parse_text
from interpreter.tools import docs

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "tests" / "scenarios"


@pytest.fixture(scope="module")
def files(rules):
    return docs.generate(rules, SCENARIOS, cli.reference())


def test_generated_docs_are_up_to_date(files):
    stale = docs.differences(files, ROOT)
    assert not stale, "generated_docs/ is stale: run `ammr docs` and commit\n" + "\n".join(stale)


def test_generation_is_deterministic(rules, files):
    assert docs.generate(rules, SCENARIOS, cli.reference()) == files


def test_every_shipped_article_has_its_page_with_anchors(rules, files):
    for article in rules.program.law.articles():
        page = files[f"generated_docs/articles/{'annex-1' if article.annex else 'art-' + article.number}.md"]
        for paragraph in article.paragraphs:
            assert f"#{paragraph.citation.anchor()}" in page
            for sub in paragraph.subparagraphs:
                for point in sub.points:
                    assert f'id="{point.citation.anchor()}"' in page


def test_rules_appear_under_the_paragraph_they_cite(files):
    page = files["generated_docs/articles/art-12.md"]
    paragraph2 = page.index("{ #art-12-2 }")
    paragraph3 = page.index("{ #art-12-3 }")
    rule = page.index("{ #rule-proposal_minimum_relocations }")
    assert paragraph2 < rule < paragraph3
    assert "```ammr\nrequirement proposal_minimum_relocations" in page
    assert "29 999 relocations fall one person short → non_compliant" in page     # a worked example
    # a backlink from the rule to every paragraph it cites, across pages
    assert "[Art. 56(2)](art-56.md#art-56-2)" in page


def test_reference_key_matches_the_engine(rules, files):
    page = files["generated_docs/reference-key.md"]
    case = rules.case([])
    rows = re.findall(r"^\| ([A-Z]{2}) [^|]+\|[^|]+\|[^|]+\| <abbr title=\"(\d+/\d+)\">"
                      r"<span class=\"num\">([\d.]+) %</span></abbr>", page, re.M)
    assert [code for code, _, _ in rows] == list(rules.program.participating)
    for code, exact, shown in rows:
        share = rules.value(case, "share", (code,))
        assert Fraction(exact) == share
        assert abs(Fraction(shown) - share * 100) <= Fraction(1, 20000)     # four decimals, half-to-even
    assert "DK Denmark" in page and "sum to exactly 1" in page


def test_language_reference_examples_check(tmp_path, files):
    page = files["generated_docs/language.md"]
    blocks = re.findall(r"```ammr\n(.*?)```", page, re.S)
    assert len(blocks) >= 10
    for block in blocks:
        parse_text(block, "language.md")                       # each example is valid syntax
    # the act and the calendar are declared once, by the shipped rules
    checkable = [b for b in blocks if not b.startswith(("act ", "authority ", "member state ", "calendar "))]
    extra = tmp_path / "examples.rules"
    extra.write_text("\n".join(checkable))
    RuleSet.prepare(extra=[extra])                             # and checks with the shipped rules


def test_docs_are_written_whole_or_not_at_all(files, tmp_path, monkeypatch):
    docs.write(files, tmp_path)
    assert not docs.differences(files, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated_docs", "mkdocs.yml"]
    before = (tmp_path / "generated_docs" / "index.md").read_text()
    changed = {**files, "generated_docs/index.md": "new"}

    def failing_replace(src, dst):
        raise OSError("disk full")
    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        docs.write(changed, tmp_path)
    assert (tmp_path / "generated_docs" / "index.md").read_text() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated_docs", "mkdocs.yml"]


def test_lexer_highlights_every_shipped_rule_file():
    lexer = get_lexer_by_name("ammr")
    for path in sorted((ROOT / "rules").glob("*.rules")):
        text = path.read_text()
        tokens = list(lexer.get_tokens(text))
        assert not [v for t, v in tokens if t is Error], path
        assert "".join(v for _, v in tokens) == text
    tokens = dict((v, t) for t, v in lexer.get_tokens('requirement x "t"\n  cites Art 12(2)(a)\n  requires y'))
    assert tokens["requirement"] in Keyword.Declaration and tokens["x"] in Name.Function
    assert tokens["Art 12(2)(a)"] in Name.Label and tokens["requires"] in Keyword


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    return out


@pytest.mark.slow
def test_mkdocs_builds_strictly(site):
    assert (site / "articles" / "art-12" / "index.html").is_file()
    assert (site / "search" / "search_index.json").is_file()


@functools.lru_cache(maxsize=None)
def _ids(page: Path) -> frozenset:
    return frozenset(parse(page.read_text(encoding="utf-8")).ids)


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("page", ["index.html", "articles/art-12/index.html", "articles/art-57/index.html",
                                  "reference-key/index.html", "coverage/index.html"])
def test_pages_render_in_chromium_with_working_links(site, page):
    html = dump_dom((site / page).as_uri())
    rendered = parse(html)
    assert "md-content" in rendered.classes                      # Material laid the page out
    if page.startswith("articles/"):
        assert "kd" in rendered.classes and "highlight" in rendered.classes   # the ammr lexer ran
    checked = 0
    for href in rendered.hrefs:
        parts = urlsplit(href)
        if parts.scheme in ("http", "https", "mailto", "javascript") or href.startswith("#__"):
            continue
        if parts.scheme == "file":
            target = Path(parts.path)
        else:
            target = ((site / page).parent / parts.path).resolve() if parts.path else site / page
        if target.is_dir():
            target = target / "index.html"
        assert target.is_file(), f"{page}: broken link {href}"
        if parts.fragment:
            assert parts.fragment in _ids(target), f"{page}: {href} has no anchor #{parts.fragment}"
        checked += 1
    assert checked >= 5


# ------------------------------------------------------------------ what a reader of the site sees

def test_article_pages_have_no_stray_lines_and_name_rules_by_their_titles(files):
    for path, page in files.items():
        if path.startswith("generated_docs/articles/"):
            assert "cited by" not in page, path                          # the stray "· cited by N rule" line
            assert not re.search(r"^#+ .*`", page, re.M), path            # headings (and so the contents) in words
    page = files["generated_docs/articles/art-12.md"]
    assert "### At least 30 000 relocations { #rule-proposal_minimum_relocations }" in page
    assert "Requirement `proposal_minimum_relocations` · cites [Art. 12(2)(a)](#art-12-2-s1-a)" in page
    assert "[Proposal submitted together with the Report](#rule-proposal_together_with_report)" \
           in page.split("Rules citing this paragraph: ", 1)[1].split("\n", 1)[0]
    assert "[Council amendment allowed (within article 12)](art-57.md#rule-council_amendment_allowed__within_article_12)" \
           in page                                                       # an alternative reading's definition
    assert '<a href="https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=OJ:L_202401351#art_12">' in page
    annex = files["generated_docs/articles/annex-1.md"]                  # a name in words, GDP as the law writes it
    assert "### GDP effect { #rule-gdp_effect }" in annex and "Gdp" not in annex


def test_numbers_are_kept_on_one_line(files):
    key = files["generated_docs/reference-key.md"]
    assert '<span class="num">620 271 800 000</span>' in key             # BE's GDP, the unit in the heading
    assert "| GDP, EUR |" in key
    law = files["generated_docs/articles/art-12.md"]
    assert '<span class="num">30 000</span> for relocations;' in law


def test_the_annex_i_formula_as_encoded_beside_the_missing_image(rules, files):
    page = files["generated_docs/articles/annex-1.md"]
    missing = page.index('<span class="law-missing">[text not recovered')
    shown = page.index('<div class="formula-as-encoded">')
    assert missing < shown < page.index("### Total population")
    formulas = re.findall(r'<div class="formula"><math display="block">(.*?)</math></div>', page)
    assert len(formulas) == 5                                            # the five definitions citing Annex I
    share = next(f for f in formulas if f.startswith("<mrow><mrow><mi>share</mi>"))
    assert share.count("<mn>50</mn><mo>%</mo>") == 2 and "<mi>population_effect</mi>" in share
    effect = next(f for f in formulas if "<mi>population_effect</mi><mo>(</mo><mi>ms</mi>" in f.split("<mo>=</mo>")[0])
    assert "<mfrac><msub><mi>population</mi><mi>ms</mi></msub><mi>total_population</mi></mfrac>" in effect
    # generated from the rule: a formula whose definition changes changes with it
    from interpreter.language.parse import parse_text
    from interpreter.tools.docs.math import formula
    changed = parse_text("definition share(ms: member state): share\n  = 60 % * population_effect(ms) "
                         "+ 40 % * gdp_effect(ms)\n  cites Annex I\n", "x.rules").declarations[0]
    assert "<mn>60</mn>" in formula(changed) and "<mn>50</mn>" not in formula(changed)


def test_coverage_statuses_are_coloured_and_filterable(files):
    page = files["generated_docs/coverage.md"]
    assert '<input type="radio" name="coverage-filter" id="show-encoded">' in page
    rows = [line for line in page.splitlines() if line.startswith("| [")]
    assert rows and all('<span class="status status-' in row for row in rows)
    css = files["generated_docs/assets/ammr.css"]
    for status in ("encoded", "needs-assessment", "not-checkable", "missing"):
        assert f".status-{status} {{ color:" in css and f"#show-{status}:checked" in css


def test_the_home_page_names_all_five_verdicts(files):
    page = files["generated_docs/index.md"]
    assert "## The five verdicts" in page
    for verdict in ("compliant", "non_compliant", "insufficient_information", "needs_assessment", "not_applicable"):
        assert f"| `{verdict}` |" in page


SCREENSHOTS = Path(os.environ.get("AMMR_SCREENSHOTS") or ROOT / ".screenshots")


@pytest.mark.browser(driver=True)
@pytest.mark.slow
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("page", ["articles/art-12/index.html", "articles/annex-1/index.html",
                                  "reference-key/index.html", "coverage/index.html"])
def test_pages_read_at_phone_and_desktop_widths(site, page, width, chrome):
    """Screenshots at a phone's and a desktop's width (kept under .screenshots/, or $AMMR_SCREENSHOTS, to
    look at); in the page: no interpretation text or rule source behind a horizontal scrollbar, and no
    figure broken across lines."""
    chrome.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500})
    chrome.get((site / page).as_uri())
    measured = chrome.execute_script("""
        const overflowing = [...document.querySelectorAll(
                '.admonition.note, .admonition.note p, .highlight pre, .highlight pre > code, .law-paragraph')]
            .filter(e => e.scrollWidth > e.clientWidth + 1)
            .map(e => e.className + ': ' + e.textContent.slice(0, 60));
        const numbers = [...document.querySelectorAll('.md-content .num')];
        const broken = numbers.filter(n => n.getClientRects().length !== 1).map(n => n.textContent);
        return {overflowing, numbers: numbers.length, broken,
                page: [document.documentElement.scrollWidth, window.innerWidth]};""")
    SCREENSHOTS.mkdir(exist_ok=True)
    shot = SCREENSHOTS / f"{page.split('/')[-2]}-{width}.png"
    height = chrome.execute_script("return document.documentElement.scrollHeight")
    chrome.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": min(height, 6000), "deviceScaleFactor": 1, "mobile": width < 500})
    shot.write_bytes(chrome.get_screenshot_as_png())
    assert measured["overflowing"] == [], measured["overflowing"]
    assert measured["broken"] == [], measured["broken"]
    assert measured["numbers"] > (20 if "reference-key" in page else 0)
    assert measured["page"][0] <= measured["page"][1]                     # the page itself never scrolls sideways


@pytest.mark.browser(driver=True)
@pytest.mark.slow
def test_the_coverage_filter_shows_one_status(site, chrome):
    chrome.get((site / "coverage" / "index.html").as_uri())
    count = """return [...document.querySelectorAll('tr')].filter(r => r.querySelector('.status'))
                   .filter(r => getComputedStyle(r).display !== 'none')
                   .map(r => r.querySelector('.status').textContent)"""
    everything = chrome.execute_script(count)
    assert {"encoded", "needs assessment", "not checkable"} <= set(everything)
    chrome.find_element("css selector", "label[for=show-needs-assessment]").click()
    shown = chrome.execute_script(count)
    assert shown and set(shown) == {"needs assessment"} and len(shown) == everything.count("needs assessment")
    chrome.find_element("css selector", "label[for=show-all]").click()
    assert chrome.execute_script(count) == everything


@pytest.mark.browser(driver=True)
@pytest.mark.slow
def test_the_formula_is_rendered_as_math(site, chrome):
    chrome.get((site / "articles" / "annex-1" / "index.html").as_uri())
    sizes = chrome.execute_script("""
        return [...document.querySelectorAll('.formula math')].map(m => {
            const r = m.getBoundingClientRect(); const f = m.querySelector('mfrac');
            return [r.width, r.height, f ? f.getBoundingClientRect().height : 0]; });""")
    assert len(sizes) == 5
    assert all(w > 100 and h > 15 for w, h, _ in sizes)
    # a fraction is set as one, numerator over denominator (MathML rendered, not shown as text)
    assert max(f for _, _, f in sizes) > 1.6 * min(h for _, h, f in sizes if not f)


@pytest.fixture(scope="module")
def chrome(tmp_path_factory):
    require(driver=True)
    binary, driver_path = chromium(), chromedriver()
    assert binary is not None and driver_path is not None
    os.environ["SE_OFFLINE"] = "true"          # Selenium must not look for a driver on the network
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in (*FLAGS, "--window-size=1280,900", "--hide-scrollbars"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()
