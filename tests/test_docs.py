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
from browser import dump_dom, parse
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
    rows = re.findall(r"^\| ([A-Z]{2}) [^|]+\|[^|]+\|[^|]+\| <abbr title=\"(\d+/\d+)\">([\d.]+) %</abbr>", page, re.M)
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
