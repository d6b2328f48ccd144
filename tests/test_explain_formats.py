"""Every format shows every element of an explanation: the summary on top (failing first), for each
verdict the provision in full form with its text quoted (and a point's lead-in), links to EUR-Lex
and to the paragraph in the reference docs, the values used with units and sources, the
interpretations, the exceptions considered and why, a remedy for each non-compliance, the missing
fields with the requirements that need them, and who assesses what under which provision.

The subjects are what the commands print for the bundled cases (tests/outputs.py): the golden
files where they are kept (test_explain_golden.py keeps them equal to the output), else the output.
"""

import html
import json
import re
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import jsonschema
import pytest
from outputs import output_of

from interpreter import cli
from interpreter.cli import common
from interpreter.report import links
from interpreter.report.view import MEANINGS, schema_path

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ["explain.txt", "explain.md", "explain.html", "explain.json"]
ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("style", "script")

    def handle_endtag(self, tag):
        self.skip -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def readable(case: str, name: str) -> str:
    """What a reader sees, whitespace folded: HTML without its tags, Markdown without its escapes,
    JSON as the strings it holds."""
    raw = output_of(case, name)
    if name.endswith(".html"):
        parser = _Text()
        parser.feed(raw)
        raw = html.unescape(" ".join(parser.parts))
    elif name.endswith(".md"):
        raw = re.sub(r"\\([\\`*_{}\[\]<>|#])", r"\1", raw)
    elif name.endswith(".json"):
        raw = " ".join(_strings(json.loads(raw)))
    return " ".join(raw.split())


def figures_as_written(page: str) -> str:
    """The HTML report with its figures as the other formats write them: no span.fig, plain spaces
    (render.figures_unbroken keeps them on one line)."""
    return re.sub(r'<span class="fig">(.*?)</span>', r"\1", page).replace("&nbsp;", " ")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def links_in(case: str, name: str) -> set[str]:
    raw = output_of(case, name)
    if name.endswith(".html"):
        return set(re.findall(r'href="([^"]+)"', raw))
    if name.endswith(".md"):
        return set(re.findall(r"\]\(([^)\s]+)\)", raw))
    return set(re.findall(r"(?:https?://|site/)\S+?(?=[\s\"]|$)", raw))


# ------------------------------------------------------------------ every element, every format

@pytest.mark.parametrize("name", FORMATS)
def test_the_provision_quoted_in_full_form_with_its_lead_in(name):
    text = readable("examples-2026", name)
    assert "Article 12(6), first sentence" in text
    assert "The Commission shall adopt the proposal referred to in paragraph 1 of this Article by 15 October " \
           "each year and transmit it to the Council." in text
    # a point is quoted with the words that introduce it
    assert "Article 12(2), first subparagraph, point (a)" in text
    assert "for the Annual Solidarity Pool at Union level, which shall be at least:" in text
    assert "30 000 for relocations;" in text


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("case", ["examples-2026", "boundaries"])
def test_links_to_the_article_and_to_the_paragraph(case, name):
    found = links_in(case, name)
    # EUR-Lex: the article in the Official Journal's text, in English by default
    assert "https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=OJ:L_202401351#art_57" in found
    assert "https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=OJ:L_202401351#art_12" in found \
        or case == "boundaries"
    # the reference docs on disk (site/ beside the report): the page's index.html, so that a browser
    # opening the report from disk lands on the page and keeps the anchor
    assert "site/articles/art-12/index.html#art-12-6-sent1" in found or case == "boundaries"
    assert "site/articles/art-57/index.html#art-57-3-sent2" in found
    for link in found:
        if link.startswith("site/"):
            assert re.fullmatch(r"site/articles/(art|annex)-\d+/index\.html#(art|annex)-[a-z0-9-]+", link), link
        if "legal-content" in link:
            assert re.fullmatch(r"https://eur-lex\.europa\.eu/legal-content/EN/TXT/HTML/\?uri=OJ:L_202401351"
                                r"(#(art_\d+|anx_[IVX]+))?", link), link


@pytest.mark.parametrize("name", FORMATS)
def test_values_with_units_and_sources(name):
    text = readable("examples-2026", name)
    assert "17 942 942 persons" in text and "population on 1 January, 2024" in text and "demo_pjan" in text
    assert "EUR 1 122 459 000 000" in text and "nama_10_gdp" in text
    assert "EUR 40 000 000" in text and "examples/2026/pledge-netherlands-illustrative.yaml: pledge.financial_contributions" in text
    assert "≈ EUR 31 244 436.21" in text and "3391855031977937500/108558688949" in text    # rounded, and exact


@pytest.mark.parametrize("name", FORMATS)
def test_interpretations(name):
    text = readable("examples-2026", name)
    assert "'By 15 October each year' is a fixed date, not a period" in text                # the requirement's
    assert "'The ratio between the numbers set out in paragraph 2, points (a) and (b)' is read as" in text  # a definition's
    assert "'Total GDP' is read as gross domestic product at market prices" in text          # a dataset's


@pytest.mark.parametrize("name", FORMATS)
def test_exceptions_considered_and_why(name):
    text = readable("examples-2026", name)
    assert "No need for solidarity measures indicated for the upcoming year" in text
    assert "does not apply" in text and "proposal.no_need_indicated = no" in text
    assert "the rules' default" in text                      # the value's source: the field is not stated
    assert "Article 12(4)" in text and "shall take this duly into account" in text


@pytest.mark.parametrize("name", FORMATS + ["check.txt"])
def test_remedies(name):
    text = readable("boundaries", name)
    assert "relocations: 29 500 persons → 30 000 persons (500 persons more)" in text
    assert "pledges[NL].financial_contributions: EUR 20 671 105.35 → EUR 21 871 105.35 (EUR 1 200 000 more)" in text
    assert "pledges[NL].relocations: not stated, counted as 0 persons → 60 persons (60 persons more)" in text
    assert "pledges[MT].financial_contributions: EUR 542 342.38 → EUR 542 342.39 (EUR 0.01 more)" in text
    assert "No change of the document's figures can help: the date decides." in text
    assert "15 October 2025 (1 day earlier)" in text
    assert "it turns on adopted_by_qualified_majority, which is no and would have to be yes" in text
    assert "State pledges[PL].alternative_measures[0].financial_value in the document" in text


@pytest.mark.parametrize("name", FORMATS)
def test_missing_fields_and_who_needs_them(name):
    text = readable("examples-2026", name)
    assert "Missing information, and the requirements that need it" in text or name.endswith(".json")
    assert "indicative_financial_contributions" in text and "pledges" in text
    data = json.loads(output_of("examples-2026", "explain.json"))
    pledges = next(m for m in data["summary"]["missing"] if m["field"] == "pledges")
    assert pledges["undisclosed"] and [r["requirement"] for r in pledges["needed_by"]] == [
        "act_contains_each_pledge", "act_pledge_meets_fair_share", "act_alternative_measures_valued"]
    for r in pledges["needed_by"]:
        assert r["title"] in text


@pytest.mark.parametrize("name", FORMATS)
def test_assessment_names_who_decides_under_which_provision_quoting_it(name):
    text = readable("examples-2026", name)
    assert "the contributing Member State concerned" in text
    assert "Article 57(4), second sentence" in text and "based on objective criteria" in text
    assert "Member States pledging alternative solidarity measures shall indicate the financial value" in text


@pytest.mark.parametrize("name", FORMATS)
@pytest.mark.parametrize("case", ["examples-2026", "boundaries"])
def test_summary_on_top_failing_first(case, name):
    text = readable(case, name)
    data = json.loads(output_of(case, "explain.json"))
    counts = f"{data['counts']['non_compliant']} non-compliant, {data['counts']['insufficient_information']} insufficient"
    overall = text.find("non_compliant") if name.endswith(".json") else text.find("non-compliant")
    first_outcome = text.find("Values used") if not name.endswith(".json") else text.find('"values"')
    assert 0 <= overall < first_outcome or name.endswith(".json")
    if name.endswith(".txt"):
        assert counts in text.split("Findings")[0]
    order = [f["verdict"] for f in data["summary"]["findings"]]
    severity = ["non_compliant", "insufficient_information", "needs_assessment", "compliant"]
    assert order == sorted(order, key=severity.index) and order[0] == "non_compliant"


# ------------------------------------------------------------------ JSON

@pytest.mark.parametrize("case", ["examples-2026", "boundaries"])
@pytest.mark.parametrize("name", ["explain.json"])
def test_json_follows_its_schema(case, name):
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    data = json.loads(output_of(case, name))
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data), key=str)
    assert not errors, "\n".join(f"{e.json_path}: {e.message}" for e in errors[:10])


def test_json_with_trace_and_check_json_follow_the_schema_too(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    validator = jsonschema.Draft202012Validator(json.loads(schema_path().read_text(encoding="utf-8")))
    for args in (["explain", "tests/golden/cases/boundaries", "--format", "json", "--trace"],
                 ["check", "examples/2026", "--format", "json"]):
        cli.run(cli.main, args)
        data = json.loads(capsys.readouterr().out)
        assert not list(validator.iter_errors(data)), args
        if "--trace" in args:
            assert all("trace" in o for o in data["outcomes"])


def test_the_schema_rejects_what_it_must():
    """The schema is a contract, not a formality: a float, an unknown verdict, a missing remedy fail."""
    validator = jsonschema.Draft202012Validator(json.loads(schema_path().read_text(encoding="utf-8")))
    good = json.loads(output_of("boundaries", "explain.json"))
    assert validator.is_valid(good)
    bad = json.loads(json.dumps(good))
    bad["outcomes"][0]["values"][0]["value"] = 29500.0
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(good))
    bad["outcomes"][0]["verdict"] = "maybe"
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(good))
    failing = next(o for o in bad["outcomes"] if o["verdict"] == "non_compliant")
    failing["remedy"] = None
    assert not validator.is_valid(bad)


def test_json_has_no_floats_and_stable_unique_ids():
    for case in ("examples-2026", "boundaries"):
        text = output_of(case, "explain.json")
        data = json.loads(text, parse_float=lambda s: pytest.fail(f"a float in the JSON: {s}"))
        ids = [o["outcome_id"] for o in data["outcomes"]]
        assert len(ids) == len(set(ids))
        anchors = [o["anchor"] for o in data["outcomes"]]
        assert len(anchors) == len(set(anchors))
        for o in data["outcomes"]:
            value_ids = [v["id"] for v in o["values"]]
            assert len(value_ids) == len(set(value_ids)), o["outcome_id"]
            for c in o["citations"]:
                assert c["id"] == c["anchor"] and c["docs"].endswith("#" + c["id"])
    data = json.loads(output_of("boundaries", "explain.json"))
    mt = next(o for o in data["outcomes"] if o["key"] == "act_pledge_meets_fair_share[MT]")
    act = next(d for d in data["documents"]
               if d["label"] == "tests/golden/cases/boundaries/council-implementing-decision.yaml")
    assert act["id"].startswith("sha256:") and mt["outcome_id"] == f"{act['id']}#act_pledge_meets_fair_share[MT]"
    assert "data:population[MT]@2024" in [v["id"] for v in mt["values"]]
    fc = next(c for c in mt["remedy"]["changes"] if c["path"] == "pledges[MT].financial_contributions")
    assert fc["after"] == {"exact": "54234239/100", "unit": "EUR", "text": "EUR 542 342.39"}
    assert fc["by"] == {"exact": "1/100", "unit": "EUR", "text": "EUR 0.01 more"}


# ------------------------------------------------------------------ the command

def run(capsys, *args):
    code = cli.run(cli.main, list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_docs_url_option(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    _, out, _ = run(capsys, "explain", "examples/2026", "--format", "md", "--docs-url", "https://example.org/ammr/")
    assert "(https://example.org/ammr/articles/art-12/#art-12-6-sent1)" in out       # served: the folder URL
    # by default, the site/ folder of `mkdocs build`, relative to where the report is written
    target = tmp_path / "reports" / "report.html"
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "explain", str(ROOT / "examples" / "2026"), "--format", "html", "-o", str(target))
    assert code == 1 and out == ""
    assert 'href="../site/articles/art-12/index.html#art-12-6-sent1"' in target.read_text(encoding="utf-8")
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]       # written whole, no temporary left


def test_colour_only_when_asked_and_only_in_text(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert ANSI.search(run(capsys, "explain", "examples/2026", "--color")[1])
    assert ANSI.search(run(capsys, "check", "examples/2026", "--color")[1])
    assert not ANSI.search(run(capsys, "explain", "examples/2026")[1])       # not a terminal
    for fmt in ("md", "html", "json"):
        assert not ANSI.search(run(capsys, "explain", "examples/2026", "--format", fmt, "--color")[1]), fmt


def test_colour_follows_the_terminal(monkeypatch):
    class Terminal:
        def isatty(self):
            return True
    monkeypatch.setattr(common.sys, "stdout", Terminal())
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    assert common.use_colour(None) is True
    monkeypatch.setenv("TERM", "dumb")
    assert common.use_colour(None) is False
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.setenv("NO_COLOR", "1")
    assert common.use_colour(None) is False
    assert common.use_colour(True) is True


def test_explain_only_some_requirements_keeps_the_summary_consistent(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, _ = run(capsys, "explain", "examples/2026", "--format", "json", "--requirement", "pledge_meets_fair_share")
    data = json.loads(out)
    assert code == 0 and data["overall"] == "compliant" and data["counts"]["compliant"] == 1
    assert [o["id"] for o in data["outcomes"]] == ["pledge_meets_fair_share"]
    assert [f["requirement"] for f in data["summary"]["findings"]] == ["pledge_meets_fair_share"]


def test_markdown_escapes_the_documents_words(rules, tmp_path, capsys):
    doc = tmp_path / "p.yaml"
    doc.write_text("document: CommissionProposal\nnote: 'a *starred* [link](x) | pipe <b>'\npool_year: 2026\n"
                   "adopted_on: 2025-10-01\nrelocations: 30000\nfinancial_contributions: 600000000\n")
    _, out, _ = run(capsys, "explain", str(doc), "--format", "md")
    assert r"a \*starred\* \[link\](x) \| pipe &lt;b&gt;" in out         # entities: Python-Markdown takes no \\<
    _, out, _ = run(capsys, "explain", str(doc), "--format", "html")
    assert "a *starred* [link](x) | pipe &lt;b&gt;" in out and "<b>" not in out


def test_the_html_report_is_self_contained():
    for case in ("examples-2026", "boundaries"):
        page = output_of(case, "explain.html")
        assert page.startswith("<!DOCTYPE html>") and "<style>" in page and "@media print" in page
        assert not re.search(r"<link\b|<script\b|<img\b|<iframe\b|\bsrc=|@import|url\(", page)


@pytest.mark.parametrize("case", ["examples-2026", "boundaries"])
def test_markdown_renders_with_its_tables_and_in_page_links(case):
    import markdown
    page = markdown.markdown(output_of(case, "explain.md"), extensions=["tables"])
    ids = set(re.findall(r'id="([^"]+)"', page))
    hrefs = re.findall(r'href="#([^"]+)"', page)
    assert hrefs and not [h for h in hrefs if h not in ids]
    outcomes = json.loads(output_of(case, "explain.json"))["outcomes"]
    assert {o["anchor"] for o in outcomes} <= ids
    assert page.count("<table>") >= 2 + sum(1 for o in outcomes if o["values"])   # counts, summary, values


def test_the_full_trace_on_request(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    case = "tests/golden/cases/boundaries"
    lines = "fair_share_value(MT, 21000, 420000000) = ≈ EUR 542 342.38"
    for fmt, marker in (("text", "    Trace:"), ("md", "<details><summary>Full trace</summary>"),
                        ("html", '<details class="trace"><summary>Full trace</summary>')):
        _, plain, _ = run(capsys, "explain", case, "--format", fmt)
        _, traced, _ = run(capsys, "explain", case, "--format", fmt, "--trace")
        traced = figures_as_written(traced)
        assert marker not in plain and marker in traced, fmt
        assert lines in traced and "population[SE] = 10 551 707 persons" in traced, fmt


# ------------------------------------------------------------------ the reader's language

def test_every_official_language_has_its_eur_lex_links(rules):
    article = rules.program.law.resolve("Art 57(1)").citation
    annex = rules.program.law.resolve("Annex I").citation
    assert len(links.LANGUAGES) == 24
    for code in links.LANGUAGES:
        assert links.eur_lex_url(article, code) == \
            f"https://eur-lex.europa.eu/legal-content/{code.upper()}/TXT/HTML/?uri=OJ:L_202401351#art_57"
        assert links.eur_lex_url(annex, code).endswith(f"/{code.upper()}/TXT/HTML/?uri=OJ:L_202401351#anx_I")
    # the schema names the same languages
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    assert tuple(schema["$defs"]["language"]["enum"]) == links.LANGUAGES


@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_lang_links_the_text_in_the_readers_language(capsys, monkeypatch, fmt):
    monkeypatch.chdir(ROOT)
    _, out, _ = run(capsys, "explain", "examples/2026", "--format", fmt, "--lang", "fr")
    assert "https://eur-lex.europa.eu/legal-content/FR/TXT/HTML/?uri=OJ:L_202401351#art_12" in out
    assert "legal-content/EN/" not in out
    _, out, _ = run(capsys, "check", "examples/2026", "--format", "json", "--lang", "DE")
    data = json.loads(out)
    assert data["language"] == "de" and data["act"]["eur_lex"].endswith("/DE/TXT/HTML/?uri=OJ:L_202401351")


def test_an_unknown_language_is_refused_naming_the_24(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code, out, err = run(capsys, "explain", "examples/2026", "--lang", "xx")
    assert code == 2 and out == ""
    assert "'xx' is not one of the 24 official languages: bg cs da de el en" in err and "Traceback" not in err


# ------------------------------------------------------------------ the pool report

POOL_MARKERS = {"explain.txt": "════ Annual Solidarity Pool 2027: the figures",
                "explain.md": '## <a id="pool"></a>Annual Solidarity Pool 2027: the figures',
                "explain.html": '<h2 id="pool-title">Annual Solidarity Pool 2027: the figures</h2>'}


@pytest.mark.parametrize("name", FORMATS)
def test_the_pool_report_in_every_format_first_after_the_summary(name, rules):
    raw = figures_as_written(output_of("examples-synthetic-2027", name))
    if name.endswith(".json"):
        pool = json.loads(raw)["pool"]
        assert [s["member_state"] for s in pool["states"]] == list(rules.program.participating)
        return
    start = raw.index(POOL_MARKERS[name])
    summary = raw.index("Summary") if "Summary" in raw else raw.index("Findings, failing first")
    first_document = raw.index("council-implementing-act.yaml", raw.index("Reference data"))
    assert summary < start < raw.index("Responsibility offsets (Art. 63)") < first_document \
        or name == "explain.txt" and summary < start < first_document
    section = html.unescape(raw[start:first_document])
    for ms in rules.program.participating:                      # a row for every participating Member State
        assert re.search(rf"(^|[\s>|]){ms}([\s<|]|$)", section), ms
    assert "63(1): pledges at or above 50 % of the proposal's relocations (15 000 persons)" in section
    assert "63(3): pledges below the higher of 30 000 and 60 % of the reference number" in section


@pytest.mark.parametrize("case", ["examples-2026", "examples-synthetic-2027", "boundaries"])
def test_the_pool_totals_check_against_the_reference_numbers(case):
    """The sums of the table are the reference numbers (the shares sum to one), exactly; and the
    total of the pledges is the sum of the pledges shown."""
    pool = json.loads(output_of(case, "explain.json"))["pool"]
    exact = lambda figure: Fraction(figure["value"]["exact"])          # noqa: E731
    assert exact(pool["sums"]["share"]) == 1 == exact(pool["reference"]["share"])
    assert exact(pool["sums"]["fair_relocations"]) == exact(pool["reference"]["relocations"])
    assert exact(pool["sums"]["fair_financial"]) == exact(pool["reference"]["financial"])
    assert sum(exact(s["fair_relocations"]) for s in pool["states"]) == exact(pool["reference"]["relocations"])
    known = [s for s in pool["states"] if "balance" in s]
    assert pool["sums"]["pledges_known"] == len(known)
    assert exact(pool["sums"]["pledge"]) == sum(exact(s["pledge"]) for s in known)
    for s in known:                                                   # the balance is pledge minus fair share
        assert Fraction(s["balance"]["value"]["exact"]) == exact(s["pledge"]) - exact(s["fair_financial"])


def test_a_shortfall_is_rounded_up_to_the_cent_that_closes_it():
    pool = json.loads(output_of("boundaries", "explain.json"))["pool"]
    mt = next(s for s in pool["states"] if s["member_state"] == "MT")
    assert mt["balance"]["short"] is True and mt["balance"]["text"] == "short by EUR 0.01"
    text = output_of("boundaries", "explain.txt")
    assert re.search(r"\n  MT +EUR 542 342\.38 +100\.0000 %  short by EUR 0\.01\n", text)


def test_offsets_by_member_state_in_the_pool_table(capsys, monkeypatch):
    """Under the reading that Art 63(4) covers the part of the gap the deductions caused, the 2027 case
    has offsets to share: each Member State's part stands in its row of the table."""
    monkeypatch.chdir(ROOT)
    _, out, _ = run(capsys, "explain", "examples/synthetic-2027", "--format", "json",
                    "--reading", "offsets_63_4_cause=part_caused")
    pool = json.loads(out)["pool"]
    de = next(s for s in pool["states"] if s["member_state"] == "DE")
    assert de["offsets"]["text"] == "≈ 176.56 persons" and de["offsets"]["cites"] == "Art. 63(7)"
    assert "by_state" not in json.dumps(pool)
    plain = json.loads(output_of("examples-synthetic-2027", "explain.json"))["pool"]     # the default reading: none
    assert not any("offsets" in s for s in plain["states"])


# ------------------------------------------------------------------ words for people

@pytest.mark.parametrize("name", FORMATS)
def test_each_verdict_says_in_a_sentence_what_was_checked(name):
    text = readable("examples-2026", name)
    assert "Not compliant with “Proposal adopted by 15 October” (Article 12(6), first sentence)." in text
    assert "Compliant with “Reference numbers that differ from the Commission proposal: amended by qualified " \
           "majority” (Article 57(1), third sentence)." in text
    assert "Compliance with “Search and rescue arrivals of disproportionate scale” for ES (Article 11(3)) is for " \
           "the European Commission to assess." in text
    assert "Compliance with “Indicative percentage for search and rescue arrivals” (Article 12(5)) cannot be " \
           "established: information is missing." in text
    outcomes = json.loads(output_of("examples-2026", "explain.json"))["outcomes"]
    assert all(o["title"] in o["checked"] and o["checked"].endswith(".") for o in outcomes)


def test_the_rule_and_its_place_are_folded_away():
    """Internal names and rule-language expressions are for those who ask: in a <details> block in
    HTML and Markdown, in text only with --trace."""
    html_page = output_of("examples-2026", "explain.html")
    folded = "".join(re.findall(r'<details class="rule">.*?</details>', html_page, re.S))
    assert "proposal_adopted_by_15_october" in folded and "rules/art-012.rules:" in folded
    assert "proposal.adopted_on is on or before 15 October of (proposal.pool_year - 1)" in folded
    # what a verdict shows before the law: its title, the verdict and the sentence, no internal name
    heads = dict(re.findall(r'<article class="outcome[^"]*" id="([^"]+)">(.*?)<blockquote', html_page, re.S))
    outcomes = {o["anchor"]: o for o in json.loads(output_of("examples-2026", "explain.json"))["outcomes"]}
    assert heads.keys() == outcomes.keys()
    assert not [a for a, h in heads.items() if "<code>" in h or ".rules:" in h or outcomes[a]["id"] in h]
    markdown_page = output_of("examples-2026", "explain.md")
    assert "<details><summary>The rule</summary>\n\nRequirement `proposal_adopted_by_15_october`" in markdown_page
    text = output_of("examples-2026", "explain.txt")
    assert "proposal_adopted_by_15_october" not in text and "rules/art-012.rules" not in text.split("Values used")[0]


def test_the_rule_line_in_text_with_trace(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    _, out, _ = run(capsys, "explain", "examples/2026", "--trace", "--requirement", "proposal_adopted_by_15_october")
    assert re.search(r"\n    rule: proposal_adopted_by_15_october in rules/art-012\.rules:\d+; requires "
                     r"proposal\.adopted_on is on or before 15 October of \(proposal\.pool_year - 1\)\n", out)


@pytest.mark.parametrize("name", ["explain.md", "explain.html"])
def test_the_legend_names_all_five_verdicts(name):
    text = re.sub(r"[|✔✘?⚖–]", " ", readable("examples-2026", name))
    for verdict, meaning in MEANINGS.items():
        assert re.search(rf"{verdict.replace('_', ' ').replace('non ', 'non-')}\s+{re.escape(meaning)}", text), verdict


def test_the_schema_describes_all_five_verdicts():
    schema = json.loads(schema_path().read_text(encoding="utf-8"))
    description = schema["$defs"]["verdict"]["description"]
    for verdict in schema["$defs"]["verdict"]["enum"]:
        assert f"{verdict}: " in description


def test_a_result_stored_before_these_words_still_renders():
    """The portal keeps every version of a result and shows it again: one stored before the words,
    the rule's conditions and the pool in explanations were added renders, without them."""
    from interpreter import render
    from interpreter.portal.pages import with_groups
    data = json.loads(output_of("boundaries", "explain.json"))
    for o in data["outcomes"]:
        del o["checked"], o["rule"]["when"], o["rule"]["requires"]
    for key in ("pool", "language"):
        data.pop(key, None)
    del data["act"]["eur_lex"]
    page = figures_as_written(render(with_groups(data), "html"))
    assert "At least 30 000 relocations" in page and 'id="pool"' not in page


def test_no_figure_of_the_html_report_can_break_across_lines():
    """Between the groups of a figure, after EUR and ≈, and before %, the HTML report writes a no-break
    space; the style sheet is left as it is."""
    page = output_of("examples-2026", "explain.html")
    parser = _Text()
    parser.feed(page)
    text = html.unescape("".join(parser.parts))
    assert "420\u00a0000\u00a0000" in text and "EUR\u00a040\u00a0000\u00a0000" in text
    assert "≈\u00a0EUR\u00a031\u00a0244\u00a0436.21" in text and "70.0000\u00a0%" in text
    assert '<span class="fig">EUR&nbsp;40&nbsp;000&nbsp;000</span>' in page
    assert not re.search(r"\d \d{3}(?!\d)|EUR [≈\d]|≈ [E\d]|\d %", text), \
        re.search(r".{30}(\d \d{3}(?!\d)|EUR [≈\d]|≈ [E\d]|\d %).{30}", text)
    from interpreter.report.render import figures_unbroken
    assert figures_unbroken("<title>EUR 1 000</title><style>p { margin: 0 100px }</style><p>EUR 1 000 more</p>") == \
        '<title>EUR 1 000</title><style>p { margin: 0 100px }</style><p><span class="fig">EUR&nbsp;1&nbsp;000</span> more</p>'
