"""Property tests of the formatter on generated rule files (hypothesis).

For any syntax tree the grammar can produce, formatting it and parsing the text gives the
same tree back (positions aside), formatting that text again changes nothing, and comments
written anywhere survive. The number of generated files per test is AMMR_FUZZ_EXAMPLES
(default 150; bench/fuzz.py runs more).
"""

import os
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter.language import syntax as A
from interpreter.language.parse import MONTHS, parse_text, parser
from interpreter.tools.formatter import canonical, format_text, without_spans

pytestmark = pytest.mark.slow          # Hypothesis, or whole copies of the rules folder: see CONTRIBUTING.md

EXAMPLES = int(os.environ.get("AMMR_FUZZ_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Words the grammar reserves somewhere: a name must not be one of them.
RESERVED = {t.pattern.value for t in parser().terminals if t.pattern.type == "str"} | {
    "persons", "person", "EUR", "days", "day", "weeks", "week", "months", "month", "thousand", "million",
    "billion", "sum", "count", "minimum", "maximum", "all", "any", "Art", "Article", "Annex", *MONTHS}
UNITS = {"persons": "persons", "person": "persons", "EUR": "EUR", "days": "days", "day": "days",
         "weeks": "weeks", "week": "weeks", "months": "months", "month": "months"}
WORDINGS = {">=": (">=", "is at least", "is on or after"), "<=": ("<=", "is at most", "is on or before"),
            ">": (">", "is more than", "is after"), "<": ("<", "is less than", "is before"),
            "=": ("=", "is"), "!=": ("!=", "is not")}
CITATIONS = ("Art 12(2)(a)", "Art 57(4) second sentence", "Annex I", "Article 12", "Art. 66, point (a)",
             "Art 12(2) second subparagraph", "Art 85 first subparagraph")

names = st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True).filter(lambda n: n not in RESERVED)
type_names = st.from_regex(r"[A-Z][A-Za-z0-9]{0,7}", fullmatch=True).filter(lambda n: n not in RESERVED)
texts = st.text(st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=12)
notes = st.builds(A.Note, texts)
citations = st.builds(A.CitationNode, st.sampled_from(CITATIONS))


@st.composite
def number_texts(draw) -> str:
    whole = draw(st.integers(0, 10**9))
    text = f"{whole:,}".replace(",", " ") if whole >= 1000 and draw(st.booleans()) else str(whole)
    if draw(st.booleans()):
        text += "." + draw(st.from_regex(r"[0-9]{1,3}", fullmatch=True))
    return text


def _value(text: str) -> Fraction:
    return Fraction(Decimal(text.replace(" ", "")))


@st.composite
def literals(draw) -> A.Expr:
    kind = draw(st.sampled_from(["number", "quantity", "percent", "money", "date", "bool", "none", "text",
                                 "name", "participating"]))
    if kind in ("number", "quantity", "percent", "money"):
        text = draw(number_texts())
        if kind == "number":
            return A.Number(value=_value(text), text=text)
        if kind == "quantity":
            unit = draw(st.sampled_from(sorted(UNITS)))
            return A.Quantity(value=_value(text), unit=UNITS[unit], text=f"{text} {unit}")
        if kind == "percent":
            return A.Percent(value=_value(text) / 100, text=f"{text} %")
        magnitude = draw(st.sampled_from(["", "thousand", "million", "billion"]))
        factor = {"": 1, "thousand": 10**3, "million": 10**6, "billion": 10**9}[magnitude]
        return A.Money(value=_value(text) * factor, text=f"EUR {text}" + (f" {magnitude}" if magnitude else ""))
    if kind == "date":
        return A.DateLiteral(value=draw(st.dates(min_value=date(1, 1, 1))))
    if kind == "bool":
        return A.Bool(value=draw(st.booleans()))
    if kind == "none":
        return A.NoItems()
    if kind == "text":
        return A.Text(value=draw(texts))
    if kind == "name":
        return A.Name(name=draw(names))
    return A.Participating()


def compound(children):
    two = st.tuples(children, children)
    return st.one_of(
        st.builds(lambda op, lr: A.Binary(op=op, left=lr[0], right=lr[1]),
                  st.sampled_from(["+", "-", "*", "/", "and", "or"]), two),
        st.builds(lambda op, x: A.Unary(op=op, operand=x), st.sampled_from(["not", "-"]), children),
        st.builds(lambda op, i, lr: A.Compare(op=op, left=lr[0], right=lr[1], wording=WORDINGS[op][i % len(WORDINGS[op])]),
                  st.sampled_from(sorted(WORDINGS)), st.integers(0, 2), two),
        st.builds(lambda x, n: A.IsGiven(operand=x, negated=n), children, st.booleans()),
        st.builds(lambda lr, n: A.MemberOf(item=lr[0], collection=lr[1], negated=n), two, st.booleans()),
        st.builds(lambda c, lr: A.If(condition=c, then=lr[0], otherwise=lr[1]), children, two),
        st.builds(lambda x, n: A.FieldAccess(target=x, name=n), children, names),
        st.builds(lambda lr: A.Index(target=lr[0], key=lr[1]), two),
        st.builds(lambda n, args: A.Call(name=n, args=tuple(args)), names, st.lists(children, min_size=1, max_size=3)),
        st.builds(lambda k, lr, v, w: A.Aggregate(kind=k, body=lr[0], var=v, source=lr[1], where=w),
                  st.sampled_from(["sum", "count", "minimum", "maximum", "all", "any"]), two, names,
                  st.none() | children),
        st.builds(lambda d, x: A.DateInYear(day=d.day, month=d.month, year=x),
                  st.dates(min_value=date(2024, 1, 1), max_value=date(2024, 12, 31)), children),
    )


expressions = st.recursive(literals(), compound, max_leaves=10)

base_types = st.one_of(
    st.builds(lambda u, p: A.QuantityType(unit=u, per=p), st.sampled_from(sorted(set(UNITS.values()))),
              st.none() | st.sampled_from(sorted(set(UNITS.values())))),
    st.builds(lambda n: A.SimpleType(name=n), st.sampled_from(["share", "number", "date", "year", "yes/no", "text",
                                                               "member state"])),
    st.builds(lambda n: A.NamedType(name=n), type_names))
types = st.one_of(base_types, st.builds(lambda t: A.TableType(value=t), base_types),
                  st.builds(lambda t: A.ListType(item=t), base_types))
bindings = st.builds(A.Binding, names, types)


def metas(cited: bool = False):
    return st.builds(lambda c, i, s: A.Meta(tuple(c), tuple(i), tuple(s)),
                     st.lists(citations, min_size=1 if cited else 0, max_size=2),
                     st.lists(notes, max_size=2), st.lists(notes, max_size=1))


assessments = st.builds(A.Assessment, type_names, texts)
outcomes = st.one_of(st.builds(lambda: A.Consequence("not_applicable")), st.builds(lambda: A.Consequence("compliant")),
                     st.builds(lambda a: A.Consequence("assessment", assessment=a), assessments),
                     st.builds(lambda e: A.Consequence("requires", condition=e), expressions))


@st.composite
def requirements(draw):
    requires = draw(st.none() | expressions)
    return A.Requirement(
        name=draw(names), meta=draw(metas(cited=True)), title=draw(texts),
        subjects=tuple(draw(st.lists(bindings, max_size=1))), using=tuple(draw(st.lists(bindings, max_size=2))),
        for_each=draw(st.none() | st.builds(A.ForEach, names, expressions)),
        when=draw(st.none() | expressions), unless=tuple(draw(st.lists(expressions, max_size=2))),
        requires=requires, assessment=None if requires is not None else draw(assessments))


@st.composite
def coverages(draw):
    citation = draw(citations)
    extra = draw(metas())
    status = draw(st.sampled_from(["not_checkable", "needs_assessment"]))
    return A.Coverage(name=citation.text, meta=A.Meta((citation, *extra.citations), extra.interpretations, extra.sources),
                      citation=citation, status=status, reason=draw(texts) if status == "not_checkable" else "",
                      assessment=draw(assessments) if status == "needs_assessment" else None)


@st.composite
def member_states(draw):
    participates = draw(st.booleans())
    return A.MemberState(name=draw(type_names), meta=draw(metas()), country=draw(texts), participates=participates,
                         since=draw(st.none() | st.dates(min_value=date(1, 1, 1))) if participates else None)


fields = st.builds(lambda n, t, d, default, c: A.Field(n, t, d, default, tuple(c)),
                   names, types, texts, st.none() | expressions, st.lists(citations, max_size=2))

declarations = st.one_of(
    st.builds(lambda n, m, t, v: A.Constant(name=n, meta=m, declared=t, value=v), names, metas(), st.none() | types,
              expressions),
    st.builds(lambda n, m, t, v: A.Parameter(name=n, meta=m, declared=t, default=v), names, metas(), types, expressions),
    st.builds(lambda n, m, p, t, b: A.Definition(name=n, meta=m, params=tuple(p), declared=t, body=b),
              names, metas(), st.lists(bindings, max_size=2), st.none() | types, expressions),
    requirements(),
    st.builds(lambda n, m, title, s, u, targets, p, w, o: A.Exception_(
        name=n, meta=m, title=title, subjects=tuple(s), using=tuple(u), targets=tuple((t, A.NOWHERE) for t in targets),
        priority=p, when=w, outcome=o),
        names, metas(cited=True), texts, st.lists(bindings, max_size=1), st.lists(bindings, max_size=1),
        st.lists(names, min_size=1, max_size=3), st.integers(0, 10**6), st.none() | expressions, outcomes),
    st.builds(lambda n, m, doc, d, f: A.Structure(name=n, meta=m, is_document=doc, description=d, fields=tuple(f)),
              type_names, metas(), st.booleans(), texts, st.lists(fields, max_size=3)),
    st.builds(lambda n, m, t, d, f, s: A.Dataset(name=n, meta=m, declared=t, description=d, file=f, scale=s),
              names, metas(), types, texts, texts.filter(bool), st.none() | expressions),
    st.builds(lambda title, m, e, u, law: A.Act(name=title, meta=m, eli=e, url=u, law_text=law),
              texts, metas(), texts, texts, texts),
    st.builds(lambda n, m, d: A.Authority(name=n, meta=m, description=d), type_names, metas(), texts),
    member_states(),
    coverages(),
)
rule_files = st.lists(declarations, max_size=5)


@SETTINGS
@given(rule_files)
def test_a_generated_rule_file_reads_back_as_the_same_tree(declarations):
    text = canonical(declarations)
    assert without_spans(parse_text(text).declarations) == without_spans(tuple(declarations))
    assert format_text(text) == text


@SETTINGS
@given(rule_files, st.data())
def test_comments_written_anywhere_survive_formatting(declarations, data):
    lines = canonical(declarations).split("\n")
    commented = []
    for i, line in enumerate(lines):
        where = data.draw(st.sampled_from(["none", "none", "beside", "above"]))
        if where == "above":
            commented.append(" " * data.draw(st.integers(0, 4)) + f"# above {i}")
        commented.append(line + (f"  # beside {i}" if where == "beside" and line.strip() else ""))
    text = "\n".join(commented)
    formatted = format_text(text)          # refuses (FormatError) if a comment or a rule were lost
    assert format_text(formatted) == formatted
    assert without_spans(parse_text(formatted).declarations) == without_spans(tuple(declarations))
