"""The prepared checker (interpreter/engine/prepared.py, `RuleSet.checker`) against the slow path:
for any plain mapping, the same outcomes (requirement, document, item, verdict, missing facts, the
deciding exception) as reading it with `rules.document`, gathering the case and evaluating it with
the compiled engine and with the reference evaluator, or both refuse it. Over every declared
document type (random valid and hostile documents, near misses in every field), and over the
bundled examples and the scenario files. The generated readers (readgen.py) are held to the slow
path's records as fastread.py's are."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fastread import HOSTILE, NEAR_MISSES, SETTINGS, document_types, places, plain, record_values, slow

from interpreter.engine.prepared import _comparable, _readers
from interpreter.engine.readgen import StepAside
from interpreter.engine.reading import read_documents
from interpreter.language.diagnostics import Failed
from interpreter.tools import scenarios

ROOT = Path(__file__).resolve().parent.parent
YEARS = {"population": 2024, "gdp": 2024}


def outcomes(run, data: Any) -> Any:
    try:
        return [_comparable(o) for o in run(data)]
    except Failed as failure:
        return ("refused", sorted(d.code for d in failure.diagnostics))


def reference(rules, checker, data: Any) -> Any:
    """The reference evaluator's outcomes for the document (or the slow path's refusal)."""
    def run(data):
        case = rules.case([rules.document(data, checker.source)], *checker._choices)
        return rules.evaluate(case, trace=False, only=checker.only).outcomes
    return outcomes(run, data)


def agree(rules, checker, data: Any) -> bool:
    """Assert the checker, the slow path and the reference evaluator agree; True when the checker
    read the document itself (it did not step aside)."""
    mine = outcomes(checker, data)
    assert mine == outcomes(checker.slow, data), f"the checker and the slow path differ on {data!r}"
    assert mine == reference(rules, checker, data), f"the checker and the reference evaluator differ on {data!r}"
    assert checker.compare(data) is None
    return checker.record(data) is not None


@pytest.fixture(scope="module")
def checkers(rules) -> dict:
    return {name: rules.checker(name, data_years=YEARS) for name in document_types(rules)}


def a_document(rules, name: str, hostile: bool) -> st.SearchStrategy:
    return record_values(rules, name, hostile=hostile).map(lambda fields: {"document": name, **fields})


# ------------------------------------------------------------------ properties

@pytest.mark.parametrize("hostile", [False, True], ids=["valid", "hostile"])
def test_the_checker_agrees_with_the_slow_path_for_every_document_type(rules, checkers, hostile):
    names = document_types(rules)

    @SETTINGS
    @given(st.data())
    def check(data):
        name = data.draw(st.sampled_from(names), label="type")
        document = data.draw(a_document(rules, name, hostile), label="document")
        read = agree(rules, checkers[name], document)
        if not hostile:
            # valid plain values are the checker's own ground: it must not leave them to the slow path
            assert read, f"the checker stepped aside from a valid {name}: {document!r}"
    check()


@given(st.data())
@settings(SETTINGS, max_examples=300)
def test_the_checker_agrees_on_single_hostile_fields_and_document_keys(rules, checkers, data):
    """One field (or a key of the document itself: its type, id, note, data years, undisclosed list)
    changed to a hostile value or a near miss in an otherwise valid document."""
    name = data.draw(st.sampled_from(document_types(rules)))
    document = data.draw(a_document(rules, name, hostile=False))
    key = data.draw(st.sampled_from(sorted(rules.program.structs[name].fields)
                                    + ["document", "id", "note", "data_years", "undisclosed"]))
    document[key] = data.draw(st.one_of(st.sampled_from(NEAR_MISSES + ["COM(2025) 1", "a#b", ["relocations"],
                                                                        {"population": 2023}]), HOSTILE))
    agree(rules, checkers[name], document)


def test_every_near_miss_in_every_field_is_checked_alike(rules, checkers):
    checked = 0
    for name in document_types(rules):
        for put, _ in places(rules, name):
            for value in NEAR_MISSES + [None, 0, Decimal("0.5"), date(2026, 1, 1)]:
                agree(rules, checkers[name], {"document": name, **put(value)})
                checked += 1
    assert checked > 1000


def test_extreme_figures_and_nulls(rules):
    """The largest figures a document may give, zero, nulls for fields with and without a default,
    undisclosed entries: read by the checker and decided as by the slow path."""
    checker = rules.checker("CouncilImplementingAct", data_years=YEARS)
    big = 10 ** 40 - 1
    most = Decimal("99999999999999999999999999999999999999.99")        # 40 digits
    act = {"document": "CouncilImplementingAct", "pool_year": 2026, "adopted_on": date(2025, 12, 22),
           "reference_relocations": big, "reference_financial_contributions": most,
           "pledges": {"DE": {"relocations": big, "financial_contributions": None}, "FR": None,
                       "NL": {"relocations": 0, "financial_contributions": Decimal("0.01")}, "IT": {}}}
    assert agree(rules, checker, act)
    assert not agree(rules, checker, {**act, "undisclosed": ["pledges.NL.relocations"]})
    assert not agree(rules, checker, {**act, "reference_relocations": 0.0})


# ------------------------------------------------------------------ the readers

@given(st.data())
@settings(SETTINGS, max_examples=300)
def test_the_generated_readers_give_the_slow_paths_records(rules, data):
    name = data.draw(st.sampled_from(document_types(rules)))
    value = data.draw(record_values(rules, name, hostile=data.draw(st.booleans())))
    try:
        fast = _readers(rules).reader(name)(value, "", "<test>")
    except StepAside:
        return
    checked = slow(rules, name, value, "<test>")
    assert checked is not None, f"the generated reader accepted what the slow path refuses: {value!r}"
    assert plain(fast) == plain(checked)


# ------------------------------------------------------------------ bundled documents

def test_the_bundled_examples_are_checked_alike(rules):
    read = 0
    for path in sorted((ROOT / "examples").rglob("*.yaml")):
        for raw in read_documents(path):
            data = raw.data
            name = data.get("document") if isinstance(data, dict) else None
            if name in rules.reader.document_types:
                read += agree(rules, rules.checker(name, data_years=YEARS, source=path.name), data)
    assert read >= 15


def test_the_scenarios_are_checked_alike(rules):
    """Every scenario of one document, under its own data years, parameters and readings."""
    read = 0
    for scenario in scenarios.discover(ROOT / "tests" / "scenarios"):
        if len(scenario.documents) != 1:
            continue
        data = scenario.documents[0]
        name = data.get("document") if isinstance(data, dict) else None
        if name not in rules.reader.document_types:
            continue
        try:
            checker = rules.checker(name, data_years=scenario.data_years, parameters=scenario.parameters,
                                    readings=scenario.readings, source=f"{scenario.id}#1")
        except Failed:                        # a scenario testing a wrong reading or parameter
            continue
        read += agree(rules, checker, data)
    assert read >= 50


def test_the_fuzz_runs_comparison_finds_a_difference(rules, monkeypatch):
    """`disagreement` (what tests/fuzz calls on each document) says nothing when the paths agree, and
    names the difference when they do not (here a checker made to lose its outcomes)."""
    from interpreter.engine import prepared as C
    proposal = {"document": "CommissionProposal", "relocations": 30000, "financial_contributions": 600000000}
    assert C.disagreement(rules, proposal) is None
    assert C.disagreement(rules, {"document": "Nothing"}) is None
    monkeypatch.setattr(C.PreparedCheck, "evaluate", lambda self, record, memo=None: ())
    assert "the prepared checker gives []" in C.disagreement(rules, proposal)


def test_a_wrong_document_is_refused_with_positioned_messages(rules):
    checker = rules.checker("CommissionProposal")
    with pytest.raises(Failed) as refused:
        checker({"document": "CommissionProposal", "relocations": "30 000"})
    assert refused.value.diagnostics[0].code.startswith("D")
    with pytest.raises(ValueError):
        rules.checker("NoSuchDocument")


@pytest.mark.parametrize("fields", [{"adopted_on": "\ud800"}, {"note": "a\udc00"}, {"id": "COM\ud800"},
                                    {"relocations": 30000, "\ud800": 1}],
                         ids=["date", "note", "id", "key"])
def test_a_lone_surrogate_is_refused_by_both_paths_with_its_place(rules, fields):
    """Text holding half of a UTF-16 pair (a JSON or YAML "\\ud800" escape) cannot be encoded: both
    paths refuse it with D019 naming the field (it was a UnicodeEncodeError from pydantic)."""
    checker = rules.checker("CommissionProposal")
    document = {"document": "CommissionProposal", **fields}
    for run in (checker, checker.slow):
        with pytest.raises(Failed) as refused:
            run(document)
        assert [d.code for d in refused.value.diagnostics] == ["D019"]
        assert "lone surrogate" in refused.value.render()
    assert checker.compare(document) is None
