"""How the shipped rules are laid out and cited: one file per article or annex, each rule in the
file of the provision it encodes, and every verdict on a request for deduction cited first to the
article of the request's ground (Art 61 or Art 62)."""

import re
from pathlib import Path

from interpreter.report import links

ROOT = Path(__file__).resolve().parent.parent


def _file_of(citation) -> str:
    """The rule file of an article: art-061.rules, annex-1.rules."""
    if citation.annex:
        return f"{links.page_name(citation)}.rules"
    return f"art-{int(citation.article):03d}.rules"


def test_one_rule_file_per_article_or_annex(rules):
    names = sorted(Path(f.path).name for f in rules.program.files)
    # regulation.rules holds the act and the Member States; pool-report.rules what the pool report shows
    odd = [n for n in names if n not in ("regulation.rules", "pool-report.rules")
           and not re.fullmatch(r"(art-\d{3}|annex-\d+)\.rules", n)]
    assert not odd, f"rule files are named for one article or annex: {odd}"


def test_each_rule_is_in_the_file_of_its_first_citation(rules):
    """Requirements, exceptions and coverage declarations encode the provision they cite first;
    documents, records and definitions (helpers) may serve several articles and are not checked."""
    program = rules.program
    placed = [(r.name, r.decl.span.file, r.citations[0]) for r in (*program.requirements, *program.exceptions)]
    placed += [(c.provision.citation.short(), c.decl.span.file, c.provision) for c in program.coverage]
    wrong = [f"{name} ({Path(file).name}) cites {p.citation.short()} first: it belongs in {_file_of(p.citation)}"
             for name, file, p in placed if Path(file).name != _file_of(p.citation)]
    assert not wrong, "\n".join(wrong)


def _first_articles(result, document_type: str) -> dict[str, str]:
    return {o.requirement: o.citations[0].citation.article for o in result.applicable
            if o.document_type == document_type}


def test_a_request_under_article_62_is_judged_under_article_62(rules):
    """The synthetic year's Austrian request (significant migratory situation): fault F10, the late
    assessment, is a breach of Art 62(4), not of Art 61(3)."""
    result = rules.check([ROOT / "examples" / "synthetic-2027"])
    articles = _first_articles(result, "DeductionRequest")
    assert articles.pop("deduction_request_after_date_of_application") == "85"
    assert articles and set(articles.values()) == {"62"}, articles
    late = result.outcome("deduction_62_assessed_within_four_weeks")
    assert late.verdict == "non_compliant" and late.citations[0].citation.short() == "Art. 62(4), first sentence"


def test_a_request_under_article_61_is_judged_under_article_61(rules):
    request = rules.document({"document": "DeductionRequest", "member_state": "DE", "pool_year": 2027,
                              "ground": "migratory pressure", "relocations": 100, "submitted_on": "2027-03-05",
                              "received_on": "2027-03-05", "council_informed": True, "assessment_sent_on": "2027-04-01",
                              "parliament_informed": True})
    decision = rules.document({"document": "MigratoryPressureDecision", "pool_year": 2027, "adopted_on": "2026-10-15",
                               "under_migratory_pressure": ["DE"]})
    act = rules.document({"document": "CouncilImplementingAct", "pool_year": 2027, "adopted_on": "2026-12-15",
                          "pledges": {"DE": {"relocations": 9000}}})
    # every document a requirement reads is there: one that is missing makes the requirements that
    # read it wait for it (insufficient information), whatever the ground
    result = rules.evaluate(rules.case([request, decision, act]))
    articles = _first_articles(result, "DeductionRequest")
    assert articles.pop("deduction_request_after_date_of_application") == "85"
    assert {"deduction_61_ground_stated", "deduction_61_assessed_within_four_weeks",
            "deduction_61_authorised_by_council"} <= set(articles)
    assert set(articles.values()) == {"61"}, articles
