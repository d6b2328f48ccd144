"""The compiled engine agrees exactly with the reference evaluator: verdicts, missing facts,
reasons and the whole trace (values with their types), on every scenario, on the examples,
on every construct of the language, and on generated documents."""

import io
import itertools
import tokenize
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from engines import compare, plain
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_evaluate import _test_document as _construct_case

from interpreter import Failed, RuleSet
from interpreter.engine.compiled import codegen as G
from interpreter.engine.compiled import compiled, runtime
from interpreter.engine.compiled import functions as F
from interpreter.engine.compiled.engine import Compiled, Context
from interpreter.engine.documents import RecordValue
from interpreter.engine.evaluate import Evaluator
from interpreter.engine.outcomes import ExceptionConsidered, Outcome, Step
from interpreter.language import ir
from interpreter.language import typesys as T
from interpreter.report.reason import reason
from interpreter.tools import scenarios

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = scenarios.discover(ROOT / "tests" / "scenarios")
MEMBER_STATES = ("BE BG CZ DK DE EE IE EL ES FR HR IT CY LV LT LU HU MT NL AT PL PT RO SI SK FI SE").split()


def both(rules, case, only=None):
    """Evaluate with both engines, traced and not; the differences, if any."""
    problems = []
    for trace in (False, True):
        reference = rules.evaluate(case, trace=trace, only=only)
        fast = rules.evaluate(case, trace=trace, only=only, engine="compiled")
        problems += [f"trace={trace}: {d}" for d in compare(reference, fast)]
    return problems


@pytest.fixture(scope="module")
def construct_rules():
    return RuleSet.prepare(extra=[ROOT / "tests" / "language" / "good" / "every_construct.rules"])


# ---------------------------------------------------------------- the suite

@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_scenario_passes_and_agrees(rules, scenario):
    result, problems = scenarios.run(rules, scenario, engine="compiled")
    assert not problems, "\n".join(problems)
    documents = [rules.document(d, f"{scenario.id}#{i + 1}") for i, d in enumerate(scenario.documents)]
    case = rules.case(documents, scenario.data_years, scenario.parameters, scenario.readings)
    assert both(rules, case) == []
    reference, fast = rules.evaluate(case), rules.evaluate(case, engine="compiled")
    assert [reason(o) for o in reference.outcomes] == [reason(o) for o in fast.outcomes]


def test_examples_agree(rules):
    case = rules.case(rules.read([ROOT / "examples" / "2026"]))
    assert both(rules, case) == []
    outcome = rules.evaluate(case, engine="compiled").outcome("proposal_adopted_by_15_october")
    assert outcome.verdict == "non_compliant" and outcome.condition.value is False


@pytest.mark.parametrize("fields", [{}, {"flag": True}, {"flag": True, "member_state": "FR"},
                                    {"member_state": "DK"}, {"day": "2025-12-31"}, {"items": []},
                                    {"persons_by_state": {}}, {"items": [{"amount": 3}]}])
def test_every_construct_agrees(construct_rules, fields):
    assert both(construct_rules, _construct_case(construct_rules, **fields)) == []


def test_a_parameter_set_for_the_case_agrees(construct_rules):
    case = _construct_case(construct_rules)
    case.parameters["test_cut_off"] = date(2026, 6, 1)
    reference = construct_rules.evaluate(case)
    assert reference.outcome("test_every_construct").verdict == "not_applicable"
    assert both(construct_rules, case) == []


@pytest.mark.parametrize("relocations", [None, 0, 29999, 30000, 30001])
def test_proposals_at_the_thresholds_agree(rules, relocations):
    for money in (None, "599999999.99", 600000000, "600000000.01", 600000020):
        for no_need in (None, False, True):
            fields = {"relocations": relocations, "financial_contributions": money, "no_need_indicated": no_need}
            proposal = {"document": "CommissionProposal", "pool_year": 2026, "adopted_on": "2025-10-15",
                        **{k: v for k, v in fields.items() if v is not None}}
            assert both(rules, rules.case([rules.document(proposal)])) == [], proposal


def test_data_years_do_not_mix_in_the_caches(rules):
    """Values kept across cases are kept per data year: 2023, 2024 and 2023 again."""
    act = {"document": "CouncilImplementingAct", "reference_relocations": 21000,
           "reference_financial_contributions": 420000000, "pledges": {"NL": {"financial_contributions": "43742210.70"}}}
    document = rules.document(act)
    verdicts = []
    for year in (2023, 2024, 2023):
        case = rules.case([document], {"population": year, "gdp": year})
        assert both(rules, case) == []
        verdicts.append(rules.evaluate(case, engine="compiled").outcome("act_pledge_meets_fair_share", "NL").verdict)
    assert verdicts[0] == verdicts[2]


# ------------------------------------------------------ generated documents

# the figures where a wrong comparison would show: the thresholds, one either side, zero
PERSONS_AT_EDGES = [0, 1, 29999, 30000, 30001, 21000]
MONEY_AT_EDGES = [0, "0.01", 600000000, "599999999.99", "600000000.01", 420000000]
persons = st.one_of(st.sampled_from(PERSONS_AT_EDGES), st.sampled_from(PERSONS_AT_EDGES), st.integers(0, 60000))
money = st.one_of(st.sampled_from(MONEY_AT_EDGES), st.integers(0, 10**9), st.decimals(0, 10**8, places=2).map(str))
days = st.dates(date(2024, 1, 1), date(2027, 12, 31))
states = st.lists(st.sampled_from(MEMBER_STATES), unique=True, max_size=6)


def _optional(**fields):
    """A mapping with any of the given fields (each a strategy) left out."""
    return st.fixed_dictionaries({}, optional=fields)


@st.composite
def proposals(draw):
    doc = draw(_optional(pool_year=st.integers(2025, 2028), adopted_on=days, relocations=persons,
                         financial_contributions=money, no_need_indicated=st.booleans()))
    if "relocations" in doc and draw(st.booleans()):          # on the Art 12(3) ratio, exactly
        doc["financial_contributions"] = doc["relocations"] * 20000
    for table, values in (("indicative_relocations", persons), ("indicative_financial_contributions", money)):
        choice = draw(st.sampled_from(["absent", "given", "undisclosed"]))
        if choice == "given":
            doc[table] = {ms: draw(values) for ms in draw(states)}
        elif choice == "undisclosed":
            doc.setdefault("undisclosed", []).append(table)
    return {"document": "CommissionProposal", **doc}


measures = st.lists(_optional(description=st.text(max_size=5), financial_value=money, requested=st.booleans()),
                    max_size=3)
pledges = _optional(relocations=persons, financial_contributions=money, alternative_measures=measures)


@st.composite
def acts(draw):
    doc = draw(_optional(pool_year=st.integers(2025, 2028), adopted_on=days, adopted_by_qualified_majority=st.booleans(),
                         reference_relocations=persons, reference_financial_contributions=money))
    choice = draw(st.sampled_from(["absent", "given", "undisclosed", "all"]))
    if choice == "given":
        doc["pledges"] = {ms: draw(pledges) for ms in draw(states)}
    elif choice == "all":
        doc["pledges"] = {ms: draw(pledges) for ms in MEMBER_STATES if ms != "DK"}
    elif choice == "undisclosed":
        doc["undisclosed"] = ["pledges"]
    return {"document": "CouncilImplementingAct", **doc}


member_state_pledges = st.fixed_dictionaries(
    {"document": st.just("MemberStatePledge")},
    optional={"member_state": st.sampled_from(MEMBER_STATES), "pool_year": st.integers(2025, 2028), "pledge": pledges})

documents = st.lists(st.one_of(proposals(), acts(), member_state_pledges), max_size=3)
years = st.sampled_from([None, {"population": 2024, "gdp": 2024}, {"population": 2023, "gdp": 2024}])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, years)
@pytest.mark.slow
def test_generated_documents_agree(rules, docs, data_years):
    case = rules.case([rules.document(d, f"generated#{i + 1}") for i, d in enumerate(docs)], data_years)
    assert both(rules, case) == []


def _records(value, type_name, out):
    """Every record of a type inside a document's values."""
    if isinstance(value, RecordValue):
        if value.type == type_name:
            out.append(value)
        for v in value.fields.values():
            _records(v, type_name, out)
    elif isinstance(value, (dict, tuple)):
        for v in (value.values() if isinstance(value, dict) else value):
            _records(v, type_name, out)
    return out


def _arguments(rules, case, params, numbers):
    """Argument tuples for a definition: the case's records of each type, member states, figures,
    dates, years; None when a parameter's type is none of these."""
    choices = []
    for _, t in params:
        if isinstance(t, T.Record):
            choices.append([r for d in case.documents for r in _records(d.record, t.name, [])])
        elif t == T.MEMBER_STATE:
            choices.append(["DE", "MT", "DK"])
        elif isinstance(t, T.Quantity):
            choices.append(numbers)
        elif t == T.DATE:
            choices.append([date(2025, 10, 15), date(2026, 2, 28)])
        elif t == T.YEAR:
            choices.append([2025, 2026])
        elif t == T.BOOL:
            choices.append([True, False])
        else:
            return []
    return list(itertools.islice(itertools.product(*choices), 6))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents, years, st.lists(st.one_of(persons, money.map(lambda m: Fraction(str(m)))), min_size=1, max_size=3))
@pytest.mark.slow
def test_generated_definitions_agree(rules, docs, data_years, numbers):
    """Untraced, only verdicts show; so the value of every definition is compared as well."""
    case = rules.case([rules.document(d, f"generated#{i + 1}") for i, d in enumerate(docs)], data_years)
    program = compiled(rules)
    for index, (name, value) in enumerate(rules.program.values.items()):
        for args in _arguments(rules, case, value.params, numbers):
            nodes = tuple(ir.Const(t, value=a) for a, (_, t) in zip(args, value.params))
            expected = Evaluator(rules.program, rules.tables, case, trace=False).eval(
                ir.Ref(value.type, kind=value.kind, name=name, args=nodes), {})
            got = program.namespace[f"D{index}"](Context(program, case, False), *args)
            assert plain(got) == plain(expected), (name, args)


test_documents = st.fixed_dictionaries(
    {"document": st.just("TestDocument")},
    optional={"member_state": st.sampled_from(MEMBER_STATES), "year_of": st.integers(2024, 2028), "day": days,
              "flag": st.booleans(), "rate": st.one_of(money, st.just(0)),
              "persons_by_state": st.dictionaries(st.sampled_from(MEMBER_STATES), persons, max_size=4),
              "items": st.lists(_optional(label=st.text(max_size=3), amount=money,
                                          share_of_total=st.sampled_from(["1/3", "0.25", "100 %", "0 %"])),
                                max_size=3)})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(test_documents, proposals()), max_size=3))
@pytest.mark.slow
def test_generated_constructs_agree(construct_rules, docs):
    case = construct_rules.case([construct_rules.document(d, f"generated#{i + 1}") for i, d in enumerate(docs)])
    assert both(construct_rules, case) == []


# ---------------------------------------------------------- the machinery

def test_fast_records_equal_constructed_ones():
    """runtime builds Steps, Outcomes and ExceptionConsidered without their __init__: equal all the same."""
    s = runtime.made(runtime.template("input", "x", None, None), Fraction(1, 3), "source", "here")
    assert s == Step("input", "x", Fraction(1, 3), None, None, source="here") and hash(s) == hash(
        Step("input", "x", Fraction(1, 3), None, None, source="here"))
    labelled = runtime.made_other(runtime.template("data", "", None, None, ("c",)), "gdp[DE]", 2, "src", "2024", ())
    assert labelled == Step("data", "gdp[DE]", 2, None, None, ("c",), "src", "2024")
    tpl = runtime.template("compare", "a >= b", None, None, detail=">=")
    assert runtime.made(tpl, True, "children", (s,)) == Step("compare", "a >= b", True, None, None, detail=">=",
                                                          children=(s,))
    x = runtime.considered("x", "title", 1, False, "assessment", (), None)
    assert x == ExceptionConsidered("x", "title", 1, False, "assessment", (), None)
    fields = runtime.fixed({"requirement": "r", "title": "t", "citations": (), "decided_by": None,
                            "interpretations": (), "span": None}, "compliant")
    assert runtime.outcome(fields, None, "DE", None, None, ()) == Outcome("r", "t", "compliant", instance="DE",
                                                                          span=None)
    assert runtime.outcome(fields, ("a.yaml", "T"), None, None, None, ()) == Outcome(
        "r", "t", "compliant", document="a.yaml", document_type="T", span=None)


def test_fractions_are_made_as_fraction_makes_them():
    assert runtime.fraction(6, 4) == Fraction(3, 2) and runtime.fraction(6, 4).denominator == 2
    assert runtime.whole(7) == Fraction(7) and type(runtime.whole(7)) is Fraction
    assert [runtime.truncate(n, 2) for n in (7, -7, 6, -6)] == [int(Fraction(n, 2)) for n in (7, -7, 6, -6)]
    assert runtime.key_of(Fraction(5)) == runtime.key_of(5) != runtime.key_of(Fraction(5, 2))


def test_generated_source_holds_no_text_from_the_rules(construct_rules):
    """Only identifiers, integers and operators: every name, text and number of the rules is
    in the constant pool, so nothing a rule file says can become Python code."""
    source = compiled(construct_rules).source
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        assert token.type in (tokenize.NAME, tokenize.NUMBER, tokenize.OP, tokenize.NEWLINE, tokenize.NL,
                              tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER), token
        if token.type == tokenize.NUMBER:
            assert token.string.isdigit(), token
        if token.type == tokenize.NAME:
            assert token.string not in ("import", "exec", "eval", "open", "__import__", "globals", "getattr"), token


def test_hostile_text_stays_in_the_pool(tmp_path):
    hostile = tmp_path / "hostile.rules"
    hostile.write_text('''constant x__import__os_system = 1 persons
  cites Art 63(1)
  interpretation "'); import os; os.system('false'); ('"

requirement zz_hostile "\\"\\"\\"; raise SystemExit  # "
  cites Art 63(1)
  for d: CommissionProposal
  requires d.relocations is at least x__import__os_system
''')
    rules = RuleSet.prepare(extra=[hostile])
    program = compiled(rules)
    assert "os" not in program.source.split() and "SystemExit" not in program.source
    case = rules.case([rules.document({"document": "CommissionProposal", "relocations": 3})])
    assert rules.evaluate(case, engine="compiled").outcome("zz_hostile").verdict == "compliant"


def test_a_run_time_error_points_at_the_rule_file(tmp_path):
    """A year beyond what a date can hold: the reference raises OverflowError from Python;
    the compiled engine names the line of the rule file."""
    path = tmp_path / "overflow.rules"
    path.write_text('''requirement zz_far_future "A date far in the future"
  cites Art 12(6) first sentence
  for proposal: CommissionProposal
  requires proposal.adopted_on is on or before
           15 October of (proposal.pool_year + 100 000 000 000 000 000 000)
''')
    rules = RuleSet.prepare(extra=[path])
    case = rules.case([rules.document({"document": "CommissionProposal", "pool_year": 2026,
                                       "adopted_on": "2025-10-01"})])
    with pytest.raises(OverflowError):
        rules.evaluate(case, only=["zz_far_future"])
    for trace in (False, True):
        with pytest.raises(Failed) as failure:
            rules.evaluate(case, trace=trace, only=["zz_far_future"], engine="compiled")
        (diagnostic,) = failure.value.diagnostics
        assert diagnostic.span.file.endswith("overflow.rules") and diagnostic.span.line in (4, 5), diagnostic
        assert "OverflowError" in diagnostic.message
        assert "15 October" in failure.value.render()          # the rule's own line, with a caret


def test_division_by_zero_and_missing_facts_take_the_slow_path(tmp_path):
    path = tmp_path / "divide.rules"
    path.write_text('''definition zz_per_person(p: CommissionProposal): EUR per person
  = p.financial_contributions / p.relocations
  cites Art 12(3) second subparagraph

requirement zz_rate "The rate per relocation"
  cites Art 12(3) second subparagraph
  for p: CommissionProposal
  requires zz_per_person(p) = relocation_value and floor(zz_per_person(p) / 3) * 1 persons is at least EUR 0
''')
    rules = RuleSet.prepare(extra=[path])
    for fields in ({"relocations": 0, "financial_contributions": 5}, {"relocations": 3},
                   {"relocations": 30000, "financial_contributions": 600000000}):
        case = rules.case([rules.document({"document": "CommissionProposal", **fields})])
        assert both(rules, case, only=["zz_rate"]) == []
    verdicts = rules.evaluate(case, engine="compiled").outcome("zz_rate").verdict
    assert verdicts == "compliant"


def test_unknown_node_kinds_are_left_to_the_reference_evaluator(rules, monkeypatch):
    """A node kind the compiler does not know (say, added to the language later) still works."""
    monkeypatch.setattr(G.Function, "_MemberOf", None, raising=False)
    monkeypatch.setattr(G.Function, "_Aggregate", None, raising=False)
    program = Compiled(rules.program, rules.tables)
    assert "c.reference(" in program.source
    monkeypatch.setattr(rules._variants[()], "compiled", program)
    case = rules.case(rules.read([ROOT / "examples" / "2026"]))
    act = rules.document({"document": "CouncilImplementingAct", "reference_relocations": 21000,
                          "reference_financial_contributions": 420000000,
                          "pledges": {"NL": {"relocations": 3}, "DK": {}}})
    full = next(s for s in SCENARIOS if s.name.startswith("a full proposal"))      # aggregates over definitions
    proposal = rules.document(full.documents[0])
    for c in (case, rules.case([act]), rules.case([proposal], full.data_years)):
        assert both(rules, c) == []


def test_definitions_python_cannot_compile_are_left_to_the_reference_evaluator(rules, monkeypatch):
    original = F.definition

    def too_deep(gen, value, mode):
        if value.name in ("share", "pledge_value"):
            raise RecursionError("as if the rule were nested too deeply")
        return original(gen, value, mode)

    monkeypatch.setattr(F, "definition", too_deep)
    program = Compiled(rules.program, rules.tables)
    assert set(program.delegates) == {f"{p}{list(rules.program.values).index(n)}" for p in "DT"
                                      for n in ("share", "pledge_value")}
    monkeypatch.setattr(rules._variants[()], "compiled", program)
    act = rules.document({"document": "CouncilImplementingAct", "reference_relocations": 21000,
                          "reference_financial_contributions": 420000000,
                          "pledges": {"NL": {"financial_contributions": "43742210.70"}, "MT": {"relocations": 1}}})
    assert both(rules, rules.case([act], {"population": 2024, "gdp": 2024})) == []


def test_plain_tells_int_from_fraction():
    """The comparison the tests rely on is strict about number types."""
    assert plain(Fraction(5)) != plain(5) and plain(Decimal("1.5")) == Decimal("1.5")


def test_requirements_python_cannot_compile_are_left_to_the_reference_evaluator(rules, monkeypatch):
    original = F.Requirement.functions

    def too_deep(self, mode):
        if self.r.name in ("act_pledge_meets_fair_share", "proposal_minimum_relocations"):
            raise RecursionError("as if the rule were nested too deeply")
        return original(self, mode)

    monkeypatch.setattr(F.Requirement, "functions", too_deep)
    program = Compiled(rules.program, rules.tables)
    assert sorted(p.name for p in program.plans if p.delegated) == ["act_pledge_meets_fair_share",
                                                                   "proposal_minimum_relocations"]
    monkeypatch.setattr(rules._variants[()], "compiled", program)
    act = rules.document({"document": "CouncilImplementingAct", "reference_relocations": 21000,
                          "reference_financial_contributions": 420000000, "pledges": {"NL": {"relocations": 3}}})
    case = rules.case([act, rules.document({"document": "CommissionProposal", "relocations": 30000})])
    assert both(rules, case) == []


def test_functions_python_refuses_are_left_to_the_reference_evaluator(rules, monkeypatch):
    """Generated, but not compiled by Python (say, more nested blocks than it allows): the
    module is compiled again without them, and the reference evaluator computes them."""
    definition, functions = F.definition, F.Requirement.functions

    def broken(function):
        function.lines.append("    )")                 # a syntax error in that function only
        return function

    def bad_definition(gen, value, mode):
        function = definition(gen, value, mode)
        return broken(function) if value.name == "fair_share_value" else function

    def bad_requirement(self, mode):
        out = functions(self, mode)
        return [broken(f) for f in out] if self.r.name == "proposal_ratio_maintained" else out

    monkeypatch.setattr(F, "definition", bad_definition)
    monkeypatch.setattr(F.Requirement, "functions", bad_requirement)
    program = Compiled(rules.program, rules.tables)
    assert sorted(program.delegates) == sorted(f"{p}{list(rules.program.values).index('fair_share_value')}"
                                               for p in "DT")
    assert [p.name for p in program.plans if p.delegated] == ["proposal_ratio_maintained"]
    monkeypatch.setattr(rules._variants[()], "compiled", program)
    act = rules.document({"document": "CouncilImplementingAct", "reference_relocations": 21000,
                          "reference_financial_contributions": 420000000,
                          "pledges": {"NL": {"financial_contributions": "43742210.70"}}})
    proposal = rules.document({"document": "CommissionProposal", "relocations": 30000,
                               "financial_contributions": 600000000})
    assert both(rules, rules.case([act, proposal], {"population": 2024, "gdp": 2024})) == []


# ------------------------------------------- any document the rules declare

def _field_values(rules, t, depth: int = 0):
    """Values a document may give for a field of type `t`, with the thresholds likely."""
    if isinstance(t, T.Quantity):
        if t == T.PERSONS:
            return persons
        if t == T.EUR:
            return money
        if not t.dim:
            return st.sampled_from(["0", "1/3", "0.25", "10 %", "100 %", "1"])
        return st.integers(0, 200)
    if t == T.DATE:
        return days.map(lambda d: d.isoformat())
    if t == T.YEAR:
        return st.integers(2024, 2028)
    if t == T.BOOL:
        return st.booleans()
    if t == T.TEXT:
        return st.text(max_size=4)
    if t == T.MEMBER_STATE:
        return st.sampled_from(MEMBER_STATES)
    if isinstance(t, T.Table):
        return st.dictionaries(st.sampled_from(MEMBER_STATES), _field_values(rules, t.value, depth + 1), max_size=4)
    if isinstance(t, T.List):
        return st.lists(_field_values(rules, t.item, depth + 1), max_size=2)
    if isinstance(t, T.Record):
        return _record_values(rules, t.name, depth + 1)
    raise AssertionError(f"no values for {t}")


def _record_values(rules, name: str, depth: int = 0):
    fields = rules.program.structs[name].fields
    return st.fixed_dictionaries({}, optional={f: _field_values(rules, s.type, depth) for f, s in fields.items()})


@st.composite
def any_document(draw, rules):
    documents = sorted(n for n, s in rules.program.structs.items() if s.is_document)
    name = draw(st.sampled_from(documents))
    doc = draw(_record_values(rules, name))
    absent = [f for f in rules.program.structs[name].fields if f not in doc]
    if absent and draw(st.booleans()):
        doc["undisclosed"] = draw(st.lists(st.sampled_from(absent), unique=True, min_size=1, max_size=2))
    return {"document": name, **doc}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
@pytest.mark.slow
def test_any_documents_the_rules_declare_agree(rules, data):
    """Documents of every type the rules declare, made from the declarations themselves, so that
    rules added later are covered too."""
    docs = data.draw(st.lists(any_document(rules), max_size=4))
    case = rules.case([rules.document(d, f"generated#{i + 1}") for i, d in enumerate(docs)],
                      data.draw(years))
    assert both(rules, case) == []


def test_nothing_of_an_evaluation_is_kept_alive(rules):
    """The slow path raises an exception; had it been one object raised again and again, it
    would have kept the frames (and steps, outcomes) of every evaluation that took it."""
    import gc

    from interpreter.engine.compiled.engine import GENERATED
    act = rules.document({"document": "CouncilImplementingAct", "pledges": {"NL": {"relocations": 3}}})
    case = rules.case([act])                                  # no reference numbers: the slow path
    for _ in range(3):
        rules.evaluate(case, trace=True, engine="compiled")
        rules.evaluate(case, trace=False, engine="compiled")
    gc.collect()
    assert not [f for f in gc.get_objects() if type(f).__name__ == "frame" and f.f_code.co_filename == GENERATED]
