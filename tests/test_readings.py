"""Readings as switches: a choice of readings changes exactly what its alternatives replace, in both
engines; a wrong choice is a positioned message and exit code 2; every output says which readings
were used; `--readings all` says of each verdict whether it holds under every reading."""

import json
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest
from engines import compare

from interpreter import Failed, RuleSet, explain, render
from interpreter.report.view import schema_path

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC = ROOT / "examples" / "synthetic-2027"
YEARS = {"population": 2024, "gdp": 2024}


def _act(pledges: dict, relocations=21000, financial=420000000) -> dict:
    return {"document": "CouncilImplementingAct", "pool_year": 2026, "adopted_on": "2025-12-22",
            "adopted_by_qualified_majority": True, "reference_relocations": relocations,
            "reference_financial_contributions": financial, "pledges": pledges}


def _verdict(rules, act: dict, ms: str, readings=None, engine="reference") -> str:
    case = rules.case([rules.document(act)], YEARS, readings=readings or {})
    return rules.evaluate(case, engine=engine).outcome("act_pledge_meets_fair_share", ms).verdict


# ------------------------------------------------------------------ what a reading changes

def test_the_cumulative_reading_asks_twice_the_fair_share(rules):
    """NL's fair share is 1 093.56 persons (EUR 21 871 105.35): 1 094 relocations meet it as one
    obligation; under the cumulative reading the same pledge is short by the money half."""
    act = _act({"NL": {"relocations": 1094}})
    for engine in ("reference", "compiled"):
        assert _verdict(rules, act, "NL", engine=engine) == "compliant"
        assert _verdict(rules, act, "NL", {"fair_share_composition": "cumulative"}, engine) == "non_compliant"
    case = rules.case([rules.document(act)], YEARS, readings={"fair_share_composition": "cumulative"})
    default = rules.case([rules.document(act)], YEARS)
    twice = rules.value(case, "fair_share_value", ("NL", 21000, 420000000))        # resolved to the substitute
    assert twice == 2 * rules.value(default, "fair_share_value", ("NL", 21000, 420000000))


def test_rounding_to_the_nearest_cent(rules):
    """A pledge of the fair share rounded to the nearest cent, where that rounds down: short of the
    exact fair share by default, enough under fair_share_rounding = nearest."""
    case = rules.case([], YEARS)
    for ms in rules.program.participating:
        exact = rules.value(case, "share", (ms,)) * 420000000
        nearest = Fraction(int(exact * 100 + Fraction(1, 2)), 100)
        if nearest < exact:
            break
    act = _act({ms: {"financial_contributions": f"{nearest.numerator / nearest.denominator:.2f}"}})
    assert Fraction(act["pledges"][ms]["financial_contributions"]) == nearest
    assert _verdict(rules, act, ms) == "non_compliant"
    assert _verdict(rules, act, ms, {"fair_share_rounding": "nearest"}) == "compliant"


def test_two_readings_that_replace_the_same_definition_combine_as_declared(rules):
    """fair_share_composition = cumulative and fair_share_rounding = nearest both replace
    fair_share_value; the declaration resolves it: the cumulative fair share rounded to the cent."""
    program = rules.program.with_readings({"fair_share_composition": "cumulative", "fair_share_rounding": "nearest"})
    assert program.substituted["fair_share_value"] == "fair_share_value__cumulative_rounded"
    assert program.substituted["fair_share_relocations"] == "fair_share_relocations__rounded"
    case = rules.case([], YEARS, readings={"fair_share_composition": "cumulative", "fair_share_rounding": "nearest"})
    value = rules.value(case, "fair_share_value", ("NL", 21000, 420000000))
    assert value.denominator in (1, 2, 4, 5, 10, 20, 25, 50, 100)      # whole cents
    assert abs(value - 2 * rules.value(rules.case([], YEARS), "fair_share_value", ("NL", 21000, 420000000))) \
        <= Fraction(1, 200)


def test_a_definition_for_the_pool_report_follows_the_reading(rules):
    """Art 63(4) for the synthetic 2027 pool: 0 by default (the act's pledges never reached 30 000),
    814 persons when a fall the deductions only partly caused counts (reading offsets_63_4_cause)."""
    documents = rules.read([SYNTHETIC])
    overview = next(d.record for d in documents if d.type == "PoolOverview")
    act = next(d.record for d in documents if d.type == "CouncilImplementingAct")
    default = rules.case(documents)
    other = rules.case(documents, readings={"offsets_63_4_cause": "part_caused"})
    assert rules.value(default, "offsets_after_deductions", (overview, act)) == 0
    assert rules.value(other, "offsets_after_deductions", (overview, act)) == 814


@pytest.mark.parametrize("reading,value", [
    (r.name, a.name) for r in RuleSet.prepare().program.readings.values() for a in r.alternatives if a.encoded])
def test_both_engines_agree_under_every_alternative(rules, reading, value):
    case = rules.case(rules.read([SYNTHETIC]), readings={reading: value})
    for trace in (False, True):
        assert compare(rules.evaluate(case, trace=trace), rules.evaluate(case, trace=trace, engine="compiled")) == []


def test_both_engines_agree_under_several_readings_at_once(rules):
    case = rules.case(rules.read([SYNTHETIC]), readings={
        "fair_share_composition": "cumulative", "fair_share_rounding": "nearest", "offsets_63_4_cause": "part_caused",
        "offsets_cap_63_7": "with_whole_pledge", "deemed_confirmation_day": "day_after"})
    assert compare(rules.evaluate(case), rules.evaluate(case, engine="compiled")) == []


def test_the_default_program_is_untouched_by_a_choice(rules):
    before = rules.evaluate(rules.case(rules.read([SYNTHETIC])))
    rules.evaluate(rules.case(rules.read([SYNTHETIC]), readings={"fair_share_composition": "cumulative"}))
    after = rules.evaluate(rules.case(rules.read([SYNTHETIC])))
    assert [(o.key, o.verdict) for o in before.outcomes] == [(o.key, o.verdict) for o in after.outcomes]
    assert rules.program.chosen == () and not rules.program.substituted


# ------------------------------------------------------------------ choosing

def test_a_wrong_choice_is_a_positioned_message(rules):
    with pytest.raises(Failed) as failure:
        rules.case([], readings={"fair_share_compositon": "cumulative", "annex_i_n": "all",
                                 "late_alert": "deemed_confirmation_stands"})
    codes = [(d.code, d.span.line) for d in failure.value.diagnostics]
    assert codes == [("R001", 1), ("R002", 2), ("R003", 3)]
    rendered = failure.value.render()
    assert "did you mean 'fair_share_composition'" in rendered and "not encoded" in rendered


def test_an_excluded_combination_is_refused(tmp_path):
    extra = tmp_path / "excluding.rules"
    extra.write_text('''definition fair_share_relocations__plus_one(ms: member state, reference_relocations: persons): persons
  = fair_share_relocations__rounded(ms, reference_relocations) + 1 person
  cites Art 57(3) second sentence

reading test_excluding "One more?"
  cites Art 57(3) second sentence
  default none_more "no"
  alternative one_more "one more person"
    uses fair_share_relocations__plus_one for fair_share_relocations
    not with fair_share_rounding = nearest "both decide the fair share in persons"
''')
    rules = RuleSet.prepare(extra=[extra])
    assert rules.case([], readings={"test_excluding": "one_more"}).readings == {"test_excluding": "one_more"}
    with pytest.raises(Failed) as failure:
        rules.case([], readings={"test_excluding": "one_more", "fair_share_rounding": "nearest"})
    assert [d.code for d in failure.value.diagnostics] == ["R005"]
    assert "both decide the fair share in persons" in failure.value.diagnostics[0].message


def test_the_command_line_says_where_a_choice_is_wrong(ammr):
    code, out, err = ammr("check", SYNTHETIC, "--reading", "fair_share_composition=cumulativ",
                          "--reading", "x", "--reading", "fair_share_rounding=nearest")
    assert code == 2 and out == ""
    assert "--reading:1:24: error[R002]" in err and "did you mean 'cumulative'" in err
    assert "--reading:2:1: error[R006]: 'x' is not NAME=VALUE" in err


# ------------------------------------------------------------------ what the outputs say

def test_every_output_says_which_readings_were_used(rules):
    result = rules.check([SYNTHETIC], readings={"fair_share_composition": "cumulative"})
    data = explain(rules, result)
    used = {r["name"]: r for r in data["readings"]}
    assert used["fair_share_composition"]["value"] == "cumulative"
    assert used["fair_share_composition"]["chosen"] == "set for this check"
    assert used["fair_share_rounding"] == {**used["fair_share_rounding"], "value": "exact", "chosen": "default"}
    assert set(used) == {name for name, r in rules.program.readings.items() if r.switchable}
    assert "fair_share_composition = cumulative (set for this check)" in " ".join(render(data, "check").split())
    assert "fair_share_composition = cumulative (set for this check)" in " ".join(render(data, "text").split())
    assert "| `fair_share_composition` | `cumulative` | set for this check |" in render(data, "md")
    assert "<code>fair_share_composition</code> = <code>cumulative</code> (set for this check)" in render(data, "html")


def test_readings_all_says_which_verdicts_depend_on_a_reading(rules, ammr):
    """One reading changed at a time: the fair share of every pledge of the synthetic act depends on
    fair_share_composition (each meets its share as one obligation, not twice it)."""
    result = rules.check([SYNTHETIC])
    data = explain(rules, result, readings_all=True)
    jsonschema.Draft202012Validator(json.loads(schema_path().read_text(encoding="utf-8"))).validate(
        json.loads(render(data, "json")))
    assert "combinations of alternatives are not evaluated" in data["readings_all"]["method"]
    evaluated = {(e["reading"], e["value"]) for e in data["readings_all"]["evaluated"]}
    assert ("fair_share_composition", "cumulative") in evaluated and len(evaluated) == sum(
        1 for r in rules.program.readings.values() for a in r.alternatives if a.encoded)
    by_key = {o["outcome_id"]: o for o in data["outcomes"]}
    depending = [o for o in data["outcomes"] if not o["readings"]["holds"]]
    assert depending and len(data["readings_all"]["depending"]) == len(depending)
    fair = [o for o in data["outcomes"] if o["id"] == "act_pledge_meets_fair_share" and o["verdict"] == "compliant"]
    assert len(fair) > 20 and all(any(d["reading"] == "fair_share_composition" and d["value"] == "cumulative"
                                      and d["verdict"] == "non_compliant" for d in o["readings"]["depends"])
                                  for o in fair)
    held = next(o for o in data["outcomes"] if o["id"] == "act_adopted_by_qualified_majority")
    assert by_key[held["outcome_id"]]["readings"] == {"holds": True, "depends": []}
    code, out, _ = ammr("check", SYNTHETIC, "--readings", "all")
    assert code == 1
    flat = " ".join(out.split())
    assert "depends on reading fair_share_composition = cumulative: non_compliant" in flat
    assert f"{data['readings_all']['holding']} applicable verdicts hold under every reading" in flat


def test_the_interpretation_register_lists_every_reading(ammr, rules):
    code, out, _ = ammr("interpretations", "--format", "json")
    assert code == 0
    data = json.loads(out)
    readings = {r["name"]: r for r in data["readings"]}
    assert set(readings) == set(rules.program.readings)
    composition = readings["fair_share_composition"]
    assert composition["default"]["name"] == "one_obligation" and composition["switchable"]
    assert "act_pledge_meets_fair_share" in composition["requirements"]
    assert readings["late_alert"]["alternatives"][0]["not_encoded"]
    notes = [n for n in data["interpretations"] if "fair_share_rounding" in n["readings"]]
    assert notes, "a note that names a reading is linked to it"
