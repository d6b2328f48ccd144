"""Remedies found item by item (report/remedy.py `Probe`: one requirement, one document, one item,
with definition values kept across probes) are the remedies found by evaluating the whole case
again for every probe, as they were first found (the slow path, kept here as the reference)."""

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter.report import remedy

ROOT = Path(__file__).resolve().parent.parent
YEARS = {"population": 2024, "gdp": 2024}
STATES = "BE BG CZ DE EE IE EL ES FR HR IT CY LV LT LU HU MT NL AT PL PT RO SI SK FI SE DK".split()


class WholeCase(remedy.Probe):
    """The slow path: the case with the document changed, every document evaluated again."""

    def outcome(self, requirement, document, record, instance, trace):
        documents = tuple(replace(d, record=record) if d is document else d for d in self.case.documents)
        result = self.rules.evaluate(replace(self.case, documents=documents), trace=trace, only={requirement})
        return next((o for o in result.outcomes if o.document == document.label and o.instance == instance), None)


def both(rules, result):
    fast = remedy.find(rules, result)
    slow = {}
    probe = WholeCase(rules, result.case)
    for o in result.outcomes:
        if o.verdict == "non_compliant":
            slow[(o.document, o.key)] = remedy.remedy(rules, result.case, o, probe)
    return fast, slow


@pytest.mark.parametrize("folder", ["examples/2026", "examples/synthetic-2027"])
def test_the_bundled_cases_get_the_same_remedies(rules, folder):
    result = rules.check([ROOT / folder])
    fast, slow = both(rules, result)
    assert fast == slow
    assert len(fast) == result.counts()["non_compliant"]


pledges = st.fixed_dictionaries({
    "relocations": st.integers(0, 6000),
    "financial_contributions": st.integers(0, 2 * 10**8)}, optional={
    "alternative_measures": st.lists(st.fixed_dictionaries({}, optional={"financial_value": st.integers(0, 10**7)}),
                                     max_size=2)})


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(STATES), pledges, min_size=1, max_size=8), st.lists(
    st.tuples(st.sampled_from(STATES), pledges), min_size=1, max_size=4), st.integers(0, 40000))
def test_generated_acts_and_pledges_get_the_same_remedies(rules, act_pledges, forum_pledges, reference):
    act = {"document": "CouncilImplementingAct", "pool_year": 2026, "adopted_on": date(2025, 12, 22),
           "adopted_by_qualified_majority": True, "reference_relocations": reference,
           "reference_financial_contributions": 420000000, "pledges": act_pledges}
    proposal = {"document": "CommissionProposal", "pool_year": 2026, "adopted_on": date(2025, 10, 15),
                "relocations": 30000, "financial_contributions": 600000000}
    documents = [rules.document(act, "act.yaml"), rules.document(proposal, "proposal.yaml")]
    for i, (ms, pledge) in enumerate(forum_pledges):
        documents.append(rules.document({"document": "MemberStatePledge", "member_state": ms, "pool_year": 2026,
                                         "made_on": date(2025, 11, 27), "pledge": pledge}, f"pledge-{i}.yaml"))
    result = rules.evaluate(rules.case(documents, YEARS))
    fast, slow = both(rules, result)
    assert fast == slow
    assert len(fast) == result.counts()["non_compliant"]


@pytest.mark.parametrize("folder", ["examples/2026", "examples/synthetic-2027"])
@pytest.mark.parametrize("trace", [True, False])
def test_one_instance_is_what_the_whole_evaluation_gives_for_it(rules, folder, trace):
    from engines import differences, plain

    from interpreter.engine.evaluate import Evaluator
    case = rules.case(rules.read([ROOT / folder]))
    whole = rules.evaluate(case, trace=trace).outcomes
    labels = {d.label: d for d in case.documents}
    specs = {r.name: r for r in rules.program.requirements}
    evaluator = Evaluator(rules.program, rules.tables, case, trace, memo={})
    for o in whole:
        no_items = o.instance is None and o.verdict in ("not_applicable", "insufficient_information")
        if no_items and specs[o.requirement].for_each:
            continue                              # no items (none, or the list missing): no instance to give
        one = evaluator.instance(specs[o.requirement], labels.get(o.document), o.instance)
        assert one is not None, o.key
        assert differences(plain(one), plain(o)) == [], o.key
