"""The fast path of reading a document (interpreter/engine/fastread.py) against the slow path (the
pydantic models and `documents._record`): for any plain value, the fast path either steps aside or
gives the records the slow path gives, with the same types, values, paths and order; it never
accepts what the slow path refuses. Over every declared document type, random valid and hostile
values; and over every bundled example, scenario and bad document."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter.engine.documents import UNDISCLOSED, ListValue, RecordValue, TableValue
from interpreter.engine.reading import read_documents
from interpreter.language import syntax as A
from interpreter.language import typesys as T
from interpreter.language.diagnostics import Failed
from interpreter.language.syntax import Span
from interpreter.tools import scenarios

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                            HealthCheck.function_scoped_fixture])


def plain(value: Any) -> Any:
    """A record tree as comparable values: types, paths, origins and the order of fields kept."""
    if value is UNDISCLOSED:
        return "UNDISCLOSED"
    if isinstance(value, RecordValue):
        return ("record", value.type, value.path, value.origin, [(k, plain(v)) for k, v in value.fields.items()])
    if isinstance(value, TableValue):
        return ("table", value.path, value.origin, [(k, plain(v)) for k, v in value.items()])
    if isinstance(value, ListValue):
        return ("list", [plain(v) for v in value])
    return (type(value).__name__, value)


def where(path: tuple) -> Span:
    return Span("<test>", 1, 1, 1, 1)


def slow(rules, type_name: str, data: dict, origin: str) -> RecordValue | None:
    try:
        return rules.reader.checked_record(type_name, data, origin, where)
    except Failed:
        return None


def agree(rules, type_name: str, data: dict, origin: str = "<test>") -> RecordValue | None:
    """Assert the two paths agree on `data`; the fast path's record (None when it stepped aside)."""
    fast = rules.reader.fast.record(type_name, data, origin)
    if fast is not None:
        checked = slow(rules, type_name, data, origin)
        assert checked is not None, f"the fast path accepted what the slow path refuses: {data!r}"
        assert plain(fast) == plain(checked)
    return fast


# ------------------------------------------------------------------ values

FIGURES = st.one_of(st.integers(0, 10 ** 6), st.sampled_from([0, 1, 10 ** 40 - 1, 10 ** 40, -1, -(10 ** 40)]),
                    st.integers())
DECIMALS = st.one_of(st.decimals(allow_nan=True, allow_infinity=True),
                     st.sampled_from([Decimal("1.50"), Decimal("1.500"), Decimal("30.000"), Decimal("-0.00"),
                                      Decimal("0.25"), Decimal("1"), Decimal("1.0"), Decimal("1E+3"), Decimal("1E-50"),
                                      Decimal("1E+41"), Decimal(10 ** 40), Decimal("-0.5"), Decimal("sNaN")]))
HOSTILE = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=True), st.text(max_size=6),
                    st.sampled_from(["12", "012", "١٢", "1/3", "25 %", "1,000", "DE", "2026-01-01", "\ud800",
                                     "Infinity", "1e999999999"]),
                    st.datetimes(), st.dates(), DECIMALS, FIGURES, st.lists(st.integers(0, 3), max_size=2),
                    st.dictionaries(st.sampled_from(["DE", "FR", "GR", "x"]), st.integers(0, 3), max_size=2),
                    st.just(Fraction(1, 3)))


NEAR_MISSES = [-1, 2, 10 ** 40, 10 ** 40 - 1, -(10 ** 40), 1899, 2201, True, False, 1.0, "1", "",
               Decimal("1.001"), Decimal("-0.01"), Decimal("1.01"), Decimal("1.500"), Decimal("NaN"), Decimal("0.005"),
               date(1899, 12, 31), date(2201, 1, 1), datetime(2026, 1, 1), "GR", "de", "DE ", [], {}, [None],
               {"DE": -1}, {"GR": 1}, {1: 1}, ("DE",)]


def valid(rules, t: T.Type, declared: A.TypeExpr | None, depth: int = 0) -> st.SearchStrategy:
    """Values of type `t` that a parser gives for a well-formed document (the fast path's ground)."""
    codes = list(rules.program.member_states)
    if isinstance(t, T.Quantity):
        if t.dim in (T.PERSONS.dim, T.EUR.dim):
            return st.integers(0, 10 ** 9) if t.dim == T.PERSONS.dim else \
                st.one_of(st.integers(0, 10 ** 12), st.decimals(0, 10 ** 9, places=2))
        if not t.dim and isinstance(declared, A.SimpleType) and declared.name == "share":
            return st.one_of(st.integers(0, 1), st.decimals(0, 1, places=3))
        return st.integers(-10 ** 6, 10 ** 6)
    if t == T.DATE:
        return st.dates(date(1900, 1, 1), date(2200, 12, 31))
    if t == T.YEAR:
        return st.integers(1900, 2200)
    if t == T.BOOL:
        return st.booleans()
    if t == T.TEXT:
        return st.text(max_size=8)
    if t == T.MEMBER_STATE:
        return st.sampled_from(codes)
    if isinstance(t, T.Table):
        inner = declared.value if isinstance(declared, A.TableType) else None
        item = valid(rules, t.value, inner, depth + 1)
        return st.dictionaries(st.sampled_from(codes), st.one_of(st.none(), item) if depth < 2 else item, max_size=3)
    if isinstance(t, T.List):
        inner = declared.item if isinstance(declared, A.ListType) else None
        return st.lists(valid(rules, t.item, inner, depth + 1), max_size=3)
    if isinstance(t, T.Record):
        return record_values(rules, t.name, depth + 1, hostile=False)
    return st.nothing()


def record_values(rules, name: str, depth: int = 0, hostile: bool = True) -> st.SearchStrategy:
    """A mapping of some of the record's fields: valid values, nulls, and (if `hostile`) anything."""
    spec = rules.program.structs[name]
    fields = {}
    for fname, fspec in spec.fields.items():
        good = valid(rules, fspec.type, fspec.decl.type, depth) if depth < 3 else st.none()
        choices = [good, st.none()] + ([HOSTILE] if hostile else [])
        fields[fname] = st.one_of(*choices)
    extra = st.dictionaries(st.sampled_from(["unknown", "Relocations", "1"]), st.integers(0, 3), max_size=1) \
        if hostile else st.just({})
    return st.tuples(st.fixed_dictionaries({}, optional=fields), extra).map(lambda pair: {**pair[0], **pair[1]})


def document_types(rules) -> list[str]:
    return [n for n, s in rules.program.structs.items() if s.is_document]


# ------------------------------------------------------------------ properties

def test_every_declared_document_type_is_covered(rules):
    assert len(document_types(rules)) >= 10


@pytest.mark.parametrize("hostile", [False, True], ids=["valid", "hostile"])
def test_fast_path_agrees_with_the_slow_path_for_every_document_type(rules, hostile):
    names = document_types(rules)

    @SETTINGS
    @given(st.data())
    def check(data):
        name = data.draw(st.sampled_from(names), label="type")
        value = data.draw(record_values(rules, name, hostile=hostile), label="fields")
        fast = agree(rules, name, value)
        if not hostile:
            # valid plain values are the fast path's ground: it must not step aside from them
            assert fast is not None, f"the fast path stepped aside from a valid {name}: {value!r}"
    check()


@given(st.data())
@settings(SETTINGS, max_examples=600)
def test_fast_path_agrees_on_single_hostile_fields(rules, data):
    """One field changed to a hostile value or a near miss (a figure one past a limit, a date outside
    the years, a bool for an int) in an otherwise valid document: both read it alike."""
    name = data.draw(st.sampled_from(document_types(rules)))
    value = data.draw(record_values(rules, name, hostile=False))
    field = data.draw(st.sampled_from(sorted(rules.program.structs[name].fields)))
    value[field] = data.draw(st.one_of(st.sampled_from(NEAR_MISSES), HOSTILE))
    agree(rules, name, value)


# ------------------------------------------------------------------ bundled documents

class Checking:
    """Stands in for the reader's fast path: every document read is also read by the slow path and
    compared; counts how often the fast path read it."""

    def __init__(self, rules):
        self.rules, self.fast = rules, rules.reader.fast
        self.read = self.aside = 0

    def record(self, type_name: str, data: dict, origin: str) -> RecordValue | None:
        fast = self.fast.record(type_name, data, origin)
        if fast is None:
            self.aside += 1
        else:
            self.read += 1
            checked = slow(self.rules, type_name, data, origin)
            assert checked is not None and plain(fast) == plain(checked), f"{origin}: the paths differ"
        return fast


@pytest.fixture
def checking(rules, monkeypatch) -> Checking:
    watcher = Checking(rules)
    monkeypatch.setattr(rules.reader, "fast", watcher)
    return watcher


def test_bundled_examples_read_alike(rules, checking):
    files = sorted((ROOT / "examples").rglob("*.yaml"))
    refused = []                                   # e.g. sweep templates: refused by the slow path, which `checking` compared
    for path in files:
        try:
            rules.reader.read(path)
        except Failed:
            refused.append(path.name)
    assert checking.read >= 15, (checking.read, checking.aside, refused)


def test_scenarios_read_alike(rules, checking):
    for scenario in scenarios.discover(ROOT / "tests" / "scenarios"):
        scenarios.verify(rules, scenario)
    print("scenarios", checking.read, checking.aside)
    assert checking.read >= 100, (checking.read, checking.aside)


def test_bad_documents_keep_their_messages(rules, checking):
    """The fast path steps aside from every bad document of tests/documents/bad, so each keeps the
    slow path's positioned message (test_bad_inputs compares the messages)."""
    for path in sorted((ROOT / "tests" / "documents" / "bad").glob("*.yaml")):
        try:
            rules.reader.read(path)
        except Failed:
            continue
    assert checking.aside >= 1


def test_the_fast_path_reads_what_a_parser_gives(rules):
    """Dates, Decimals, nulls for defaults, tables with null entries: read, and read alike."""
    raws = read_documents(ROOT / "examples" / "2026" / "council-implementing-decision.yaml")
    data = {k: v for k, v in raws[0].data.items() if k not in ("document", "data_years", "id", "note", "undisclosed")}
    assert agree(rules, raws[0].data["document"], data) is not None


def test_a_datetime_or_a_bool_is_never_a_date_or_a_figure(rules):
    name = "CommissionProposal"
    for field, value in [("adopted_on", datetime(2025, 11, 11)), ("relocations", True), ("relocations", 30000.0),
                         ("relocations", "30000"), ("relocations", -1), ("relocations", 10 ** 40)]:
        assert rules.reader.fast.record(name, {field: value}, "<test>") is None
        assert agree(rules, name, {field: value}) is None


def places(rules, name: str, depth: int = 0):
    """Every field of a record type, and one level into the records its tables, lists and fields
    hold: (a function putting a value there in an empty document, the field's description)."""
    for fname, fspec in rules.program.structs[name].fields.items():
        yield (lambda v, f=fname: {f: v}), f"{name}.{fname}"
        t = fspec.type
        inner = t.value if isinstance(t, T.Table) else t.item if isinstance(t, T.List) else t
        if depth == 0 and isinstance(inner, T.Record):
            wrap = (lambda v, f=fname: {f: {"DE": v}}) if isinstance(t, T.Table) else \
                (lambda v, f=fname: {f: [v]}) if isinstance(t, T.List) else (lambda v, f=fname: {f: v})
            for put, label in places(rules, inner.name, depth + 1):
                yield (lambda v, w=wrap, p=put: w(p(v))), f"{name}.{fname}.{label}"


def test_every_near_miss_in_every_field_reads_alike(rules):
    """Exhaustively, not by chance: each near miss in each field (and each field of the records a
    field holds), alone in a document of each type."""
    checked = 0
    for name in document_types(rules):
        for put, label in places(rules, name):
            for miss in NEAR_MISSES + [None, 0, 1, Decimal("0.25"), date(2026, 1, 1), "DE", "text"]:
                agree(rules, name, put(miss), label)
                checked += 1
    assert checked > 1000


def _canonical_before(value: Any) -> str:
    """digest.canonical_json as it was before the common types were put first (issue 15)."""
    import json
    if isinstance(value, dict):
        items = sorted((str(k), v) for k, v in value.items())
        return "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:{_canonical_before(v)}" for k, v in items) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_canonical_before(v) for v in value) + "]"
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, float):
        import math
        return repr(value) if math.isfinite(value) else json.dumps(repr(value), ensure_ascii=False)
    if isinstance(value, (date, datetime)):
        return json.dumps(value.isoformat(), ensure_ascii=False)
    return json.dumps(str(value), ensure_ascii=False)


JSONISH = st.recursive(st.one_of(HOSTILE, st.text(alphabet=st.characters(codec=None)), st.integers()),
                       lambda inner: st.one_of(st.lists(inner, max_size=3),
                                               st.dictionaries(st.one_of(st.text(max_size=3), st.integers(0, 3)),
                                                               inner, max_size=3)), max_leaves=12)


@given(st.one_of(JSONISH, st.dictionaries(st.text(max_size=4), JSONISH, max_size=4)))
@settings(deadline=None, max_examples=600)
def test_a_documents_digest_text_is_unchanged(value):
    from interpreter.engine.digest import canonical_json

    def outcome(write):
        try:
            return write(value)
        except (TypeError, ValueError) as error:      # keys 2 and '2' with values that do not compare
            return type(error)
    assert outcome(canonical_json) == outcome(_canonical_before)
