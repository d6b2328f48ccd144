"""Remedies: the smallest change of a document's own figures that makes a failed requirement hold.

Each remedy is checked twice over: against the figure a lawyer would compute by hand at the
boundary, and by evaluating the rules again with the change made (it must then be compliant)
and with one unit less (it must not be).
"""

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter.report import remedy
from interpreter.report.remedy_text import summary

PROPOSAL = {"document": "CommissionProposal", "pool_year": 2026, "adopted_on": date(2025, 10, 15),
            "relocations": 30000, "financial_contributions": 600000000}
ACT = {"document": "CouncilImplementingAct", "pool_year": 2026, "adopted_on": date(2025, 12, 22),
       "adopted_by_qualified_majority": True, "reference_relocations": 21000,
       "reference_financial_contributions": 420000000}
YEARS = {"population": 2024, "gdp": 2024}


def check(rules, *documents):
    case = rules.case([rules.document(d, f"doc{i + 1}.yaml") for i, d in enumerate(documents)], YEARS)
    return case, rules.evaluate(case)


def remedy_of(rules, requirement, *documents, instance=None):
    case, result = check(rules, *documents)
    o = result.outcome(requirement, instance)
    assert o.verdict == "non_compliant", (o.key, o.verdict)
    return case, o, remedy.remedy(rules, case, o)


def changes(r):
    return {c.field.path: (c.before, c.after) for c in r.changes}


def verdict_with(rules, case, o, changed):
    """The verdict of the same requirement (and item) when the document states `changed`."""
    record = next(d for d in case.documents if d.label == o.document).record
    for path, value in changed.items():
        record = remedy._set(record, remedy._parse_path(path), value)
    documents = tuple(replace(d, record=record) if d.label == o.document else d for d in case.documents)
    again = rules.evaluate(replace(case, documents=documents, parameters={}), only={o.requirement})
    return again.outcome(o.requirement, o.instance).verdict


UNITS = {"persons": 1, "EUR": Fraction(1, 100)}


def assert_smallest(rules, case, o, r):
    """Every change makes the requirement compliant, and one unit of the field (a person, a cent)
    less of it does not."""
    assert r.changes, summary(r)
    for c in r.changes:
        assert verdict_with(rules, case, o, {c.field.path: c.after}) == "compliant", c
        unit = UNITS[str(c.field.type)]
        step = unit if c.after > c.before else -unit
        if c.after - step != c.before:
            assert verdict_with(rules, case, o, {c.field.path: c.after - step}) == "non_compliant", c


# ------------------------------------------------------------------ the boundaries of the brief

def test_29_999_relocations_need_one_more(rules):
    case, o, r = remedy_of(rules, "proposal_minimum_relocations",
                           {**PROPOSAL, "relocations": 29999, "financial_contributions": 599980000})
    assert changes(r) == {"relocations": (29999, 30000)}
    assert "relocations: 29 999 persons → 30 000 persons (1 person more)" in summary(r)
    assert r.possible
    assert_smallest(rules, case, o, r)


def test_29_500_relocations_need_500_more(rules):
    _, _, r = remedy_of(rules, "proposal_minimum_relocations",
                        {**PROPOSAL, "relocations": 29500, "financial_contributions": 590000000})
    assert changes(r) == {"relocations": (29500, 30000)}
    assert "(500 persons more)" in summary(r)


def test_one_cent_short_of_600_million(rules):
    case, o, r = remedy_of(rules, "proposal_minimum_financial_contributions",
                           {**PROPOSAL, "financial_contributions": "599999999.99"})
    assert changes(r) == {"financial_contributions": (Fraction("599999999.99"), 600000000)}
    assert "(EUR 0.01 more)" in summary(r)
    assert_smallest(rules, case, o, r)


def test_a_pledge_one_cent_short_needs_a_cent_or_one_relocation(rules):
    """Malta's fair share at 21 000 relocations and EUR 420 million is EUR 542 342.3848... (or 27.12
    persons): a pledge of EUR 542 342.38 is a cent short; a cent more, or one relocation (EUR 20 000), meets it."""
    case, o, r = remedy_of(rules, "act_pledge_meets_fair_share",
                           {**ACT, "pledges": {"MT": {"financial_contributions": "542342.38"}}}, instance="MT")
    assert changes(r) == {"pledges[MT].financial_contributions": (Fraction("542342.38"), Fraction("542342.39")),
                          "pledges[MT].relocations": (0, 1)}
    relocations = next(c for c in r.changes if c.field.path.endswith("relocations"))
    assert not relocations.field.given             # not in the pledge: the rules' default of 0 applied
    assert "not stated, counted as 0 persons → 1 person (1 person more)" in summary(r)
    assert_smallest(rules, case, o, r)


def test_a_pledge_1_200_000_short_needs_that_or_60_relocations(rules):
    _, _, r = remedy_of(rules, "act_pledge_meets_fair_share",
                        {**ACT, "pledges": {"NL": {"financial_contributions": "20671105.35"}}}, instance="NL")
    assert changes(r) == {"pledges[NL].financial_contributions": (Fraction("20671105.35"), Fraction("21871105.35")),
                          "pledges[NL].relocations": (0, 60)}
    assert "(EUR 1 200 000 more)" in summary(r) and "(60 persons more)" in summary(r)


def test_an_item_is_remedied_by_its_own_fields_not_the_shared_reference_numbers(rules):
    """Lowering the act's reference numbers would also meet Malta's fair share, but it moves every
    Member State's share at once: the remedy of one item changes that item only."""
    _, _, r = remedy_of(rules, "act_pledge_meets_fair_share",
                        {**ACT, "pledges": {"MT": {"financial_contributions": "542342.38"}}}, instance="MT")
    assert all(c.field.path.startswith("pledges[MT].") for c in r.changes)


def test_a_pledge_with_three_kinds_of_measure_has_three_remedies(rules):
    case, o, r = remedy_of(rules, "pledge_meets_fair_share", PROPOSAL,
                           {"document": "MemberStatePledge", "member_state": "NL", "pool_year": 2026,
                            "pledge": {"relocations": 800, "financial_contributions": "8744436.21",
                                       "alternative_measures": [{"description": "containers",
                                                                 "financial_value": 6500000}]}})
    assert changes(r) == {"pledge.relocations": (800, 801),
                          "pledge.financial_contributions": (Fraction("8744436.21"), Fraction("8744436.22")),
                          "pledge.alternative_measures[0].financial_value": (6500000, Fraction("6500000.01"))}
    # the proposal's totals feed the fair share too, but the proposal is not the pledge's own document
    assert all(c.field.document == "doc2.yaml" for c in r.changes)
    assert_smallest(rules, case, o, r)


def test_adopted_on_16_october_one_day_earlier(rules):
    case, o, r = remedy_of(rules, "proposal_adopted_by_15_october", {**PROPOSAL, "adopted_on": date(2025, 10, 16)})
    assert changes(r) == {"adopted_on": (date(2025, 10, 16), date(2025, 10, 15))}
    assert not r.possible                          # a date: no change of figures can help
    text = summary(r)
    assert text.startswith("No change of the document's figures can help: the date decides.")
    assert "15 October 2025 (1 day earlier)" in text
    assert verdict_with(rules, case, o, {"adopted_on": date(2025, 10, 15)}) == "compliant"


def test_the_real_2026_proposal_27_days_late(rules):
    _, _, r = remedy_of(rules, "proposal_adopted_by_15_october", {**PROPOSAL, "adopted_on": date(2025, 11, 11)})
    assert changes(r) == {"adopted_on": (date(2025, 11, 11), date(2025, 10, 15))}
    assert "(27 days earlier)" in summary(r)


def test_ratio_off_names_each_figure_and_by_how_much(rules):
    _, _, r = remedy_of(rules, "proposal_ratio_maintained", {**PROPOSAL, "financial_contributions": 700000000})
    assert changes(r) == {"financial_contributions": (700000000, 600000000), "relocations": (30000, 35000)}
    assert "(EUR 100 000 000 less)" in summary(r) and "(5 000 persons more)" in summary(r)

    _, _, r = remedy_of(rules, "proposal_ratio_maintained", {**PROPOSAL, "relocations": 30001})
    assert changes(r) == {"financial_contributions": (600000000, 600020000), "relocations": (30001, 30000)}
    assert "(1 person fewer)" in summary(r)


def test_an_equality_no_whole_number_meets_is_said_so(rules):
    """EUR 599 999 999.99 would need 29 999.9999995 relocations to keep the ratio: not a remedy."""
    _, _, r = remedy_of(rules, "proposal_ratio_maintained", {**PROPOSAL, "financial_contributions": "599999999.99"})
    assert changes(r) == {"financial_contributions": (Fraction("599999999.99"), 600000000)}
    assert [(c.field.path, c.after) for c in r.off_grid] == [("relocations", Fraction("29999.9999995"))]
    assert "Changing relocations alone cannot: it would have to be exactly 29 999.9999995 persons" in summary(r)


def test_a_yes_no_fact_cannot_be_remedied_by_figures(rules):
    _, _, r = remedy_of(rules, "act_adopted_by_qualified_majority", {**ACT, "adopted_by_qualified_majority": False})
    assert not r.changes and not r.possible
    assert [f.path for f in r.facts] == ["adopted_by_qualified_majority"]
    assert summary(r) == ("No change of the document's figures can help: it turns on adopted_by_qualified_majority, "
                          "which is no and would have to be yes.")


def test_fields_to_state(rules):
    _, _, r = remedy_of(rules, "act_contains_each_pledge",
                        {**ACT, "pledges": {"DE": {"relocations": 9110}, "NL": {"relocations": 2188}}})
    stated = [f.path for f in r.to_state]
    assert len(stated) == 24 and stated[0] == "pledges[BE]" and "pledges[DE]" not in stated
    assert r.possible and "State pledges[BE], pledges[BG], pledges[CZ] and 21 more in the document" in summary(r)

    _, _, r = remedy_of(rules, "act_contains_reference_numbers",
                        {k: v for k, v in ACT.items() if k != "reference_relocations"})
    assert [f.path for f in r.to_state] == ["reference_relocations"]


def test_an_indicative_figure_off_the_key(rules):
    """abs(6509 - 6507.13) is not less than 1 person: 6508 is the nearest figure that is (6 507 too,
    but it is further from what the proposal says)."""
    case, o, r = remedy_of(rules, "proposal_indicative_contributions_follow_key",
                           {**PROPOSAL, "indicative_relocations": {"DE": 6509},
                            "indicative_financial_contributions": {"DE": "130142594.69"}})
    # proposal.relocations feeds every Member State's key figure: not the item's own field
    assert changes(r) == {"indicative_relocations[DE]": (6509, 6508)}
    assert_smallest(rules, case, o, r)


def test_two_items_off_the_key_need_two_changes_together(rules):
    case, o, r = remedy_of(rules, "proposal_indicative_contributions_follow_key",
                           {**PROPOSAL, "indicative_relocations": {"DE": 6509, "NL": 1560},
                            "indicative_financial_contributions": {"DE": "130142594.69", "NL": "31244436.21"}})
    assert not r.changes
    assert {c.field.path: (c.before, c.after) for c in r.together} == {
        "indicative_relocations[DE]": (6509, 6508), "indicative_relocations[NL]": (1560, 1562)}
    assert verdict_with(rules, case, o, {c.field.path: c.after for c in r.together}) == "compliant"
    assert "Compliant with all of these changes together" in summary(r)


def test_every_non_compliant_outcome_has_a_remedy(rules):
    _, result = check(rules, {**PROPOSAL, "relocations": 29999, "adopted_on": date(2025, 10, 16)})
    found = remedy.find(rules, result)
    failing = {(o.document, o.key) for o in result.outcomes if o.verdict == "non_compliant"}
    assert set(found) == failing and len(failing) >= 3


# ------------------------------------------------------------------ the same, over many figures

@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(relocations=st.integers(min_value=0, max_value=29999))
def test_any_shortfall_of_relocations_is_closed_exactly(rules, relocations):
    _, _, r = remedy_of(rules, "proposal_minimum_relocations",
                        {**PROPOSAL, "relocations": relocations, "financial_contributions": relocations * 20000})
    assert changes(r) == {"relocations": (relocations, 30000)}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cents=st.integers(min_value=0, max_value=54234238))
def test_any_pledge_below_the_fair_share_is_remedied_to_the_cent(rules, cents):
    """The fair share is exact (EUR 542 342.3848...); the remedy is the first whole cent at or above
    it, and the relocations that cover the gap at EUR 20 000 each, whatever the pledge."""
    amount = Fraction(cents, 100)
    _, _, r = remedy_of(rules, "act_pledge_meets_fair_share",
                        {**ACT, "pledges": {"MT": {"financial_contributions": f"{cents // 100}.{cents % 100:02d}"}}},
                        instance="MT")
    fair = Fraction("542342.39")
    gap_relocations = -(-(fair - amount) // 20000)
    assert changes(r) == {"pledges[MT].financial_contributions": (amount, fair),
                          "pledges[MT].relocations": (0, gap_relocations)}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(late=st.integers(min_value=1, max_value=400))
def test_any_late_adoption_is_that_many_days_early(rules, late):
    adopted = date(2025, 10, 15) + timedelta(days=late)
    _, _, r = remedy_of(rules, "proposal_adopted_by_15_october", {**PROPOSAL, "adopted_on": adopted})
    assert changes(r) == {"adopted_on": (adopted, date(2025, 10, 15))}


@pytest.mark.parametrize("name", ["proposal_minimum_relocations", "proposal_ratio_maintained"])
def test_a_compliant_outcome_has_no_remedy(rules, name):
    _, result = check(rules, PROPOSAL)
    assert result.outcome(name).verdict == "compliant"
    assert (result.outcome(name).document, name) not in remedy.find(rules, result)
