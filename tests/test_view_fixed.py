"""The parts of a view kept per rule set (report/fixed.py): the view made with them is the view
made afresh, and what a reader changes in one view is not in the next."""

import json
from pathlib import Path

from interpreter import explain, render
from interpreter.report import fixed

ROOT = Path(__file__).resolve().parent.parent


def _json(rules, result, **options) -> str:
    data = explain(rules, result, **options)
    data["audit"]["checked_at"] = ""
    return render(data, "json")


def test_a_view_made_with_kept_parts_is_the_view_made_afresh(rules):
    result = rules.check([ROOT / "examples" / "2026"])
    first = _json(rules, result)                     # the kept parts made (or made already by other tests)
    fixed._kept.pop(rules, None)                     # forget them: the next view makes every part afresh
    assert _json(rules, result) == first
    assert _json(rules, result) == first             # and made again with them kept


def test_links_follow_the_language_and_docs_root_asked_for(rules):
    result = rules.check([ROOT / "examples" / "2026"])
    french = explain(rules, result, lang="fr", docs_url="https://example.org/docs", pool=False)
    english = explain(rules, result, pool=False)
    cited = [o for o in french["outcomes"] if o["citations"]]
    assert cited
    for o in cited:
        c = o["citations"][0]
        assert "/FR/" in c["eur_lex"] and c["docs"].startswith("https://example.org/docs/articles/")
    assert all("/EN/" in c["eur_lex"] and c["docs"].startswith("site/")
               for o in english["outcomes"] for c in o["citations"])


def test_a_view_changed_by_its_reader_changes_nothing_kept(rules):
    result = rules.check([ROOT / "examples" / "2026"])
    before = _json(rules, result)
    data = explain(rules, result)
    for o in data["outcomes"]:
        for c in o["citations"]:
            c["text"] = "changed"
        o["rule"]["requires"] = "changed"
        for v in o["values"]:
            v["source"]["text"] = "changed"
    for r in data.get("readings", []):
        r["alternatives"].append("changed")
        r["description"] = "changed"
    assert _json(rules, result) == before


def test_the_reference_key_sums_are_shown_for_the_data_years_of_each_check(rules):
    """The sums over every Member State are kept per rule set, by data years: a check on other
    years shows its own, and the view of each is the view made afresh."""
    documents = rules.read([ROOT / "examples" / "2026" / "commission-proposal.yaml",
                            ROOT / "examples" / "2026" / "pledge-netherlands-illustrative.yaml"])
    earlier = {"population": 2023, "gdp": 2023}
    sums = {}
    for years in (None, earlier, None, earlier):
        result = rules.evaluate(rules.case(documents, years))
        kept = _json(rules, result)
        fixed._kept.pop(rules, None)
        assert _json(rules, result) == kept
        values = [v for o in json.loads(kept)["outcomes"] for v in o["values"] if v["kind"] == "aggregate"]
        sums.setdefault(str(years), set()).update(v["source"]["text"] for v in values)
    assert any("population on 1 January, 2024" in t for t in sums["None"])
    assert any("population on 1 January, 2023" in t for t in sums[str(earlier)])
    assert not any("2024" in t for t in sums[str(earlier)] if "population" in t)


def test_what_is_kept_of_a_check_leaves_with_it(rules):
    """An aggregate's sources are kept only while its step lives: the reference key's sums stay (the
    engine keeps their steps), a check's own aggregates go with its result, however many checks."""
    import gc

    proposal = rules.read([ROOT / "examples" / "2026" / "commission-proposal.yaml"])
    sizes = []
    for n in range(40):
        pledge = rules.document({"document": "MemberStatePledge", "member_state": "NL", "pool_year": 2026,
                                 "pledge": {"relocations": n, "financial_contributions": str(1000 * n)}},
                                "pledge.json")
        explain(rules, rules.evaluate(rules.case([*proposal, pledge])), pool=False)
        gc.collect()
        sizes.append(len(fixed.of(rules).aggregates))
    assert sizes[-1] == sizes[10] and sizes[-1] <= 10
