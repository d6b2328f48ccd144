"""Hostile documents, generated from the rules' own document types (tests/fuzz/): whatever a
person types in any field is either refused with a positioned message or read as that person
reads it, never a traceback; and what is accepted goes through every report without a control
character reaching the terminal or HTML reaching a Markdown or HTML report, every figure shown
as its exact value. Bounded here (AMMR_FUZZ_EXAMPLES, default 100 inputs per test); the long run
is `python bench/fuzz.py --long N` (bench/README.md)."""

import os
import tempfile
from pathlib import Path

import pytest
from fuzz import documents as D
from fuzz.harness import Tally, check_document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow          # Hypothesis: see CONTRIBUTING.md

EXAMPLES = int(os.environ.get("AMMR_FUZZ_EXAMPLES", "100"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.function_scoped_fixture])


def verify(rules, written, full: bool) -> Tally:
    tally = Tally()
    with tempfile.TemporaryDirectory() as folder:
        check_document(rules, written, Path(folder), tally, full=full)
    assert not tally.bugs, tally.bugs[0][1]
    assert not tally.misread, tally.misread[0]
    assert not tally.differ, tally.differ[0]
    return tally


@SETTINGS
@given(st.data())
def test_documents_typed_by_people_are_refused_or_read_as_people_read_them(rules, data):
    verify(rules, data.draw(D.documents(rules)), full=False)


@SETTINGS
@given(st.data())
def test_examples_retyped_field_by_field(rules, data):
    verify(rules, data.draw(D.mutated_examples(rules, FIELDS(rules))), full=True)


_FIELDS: list = []


def FIELDS(rules):
    if not _FIELDS:
        _FIELDS.extend(D.example_fields(rules))
    return _FIELDS


def test_the_oracle_reads_as_a_person_does():
    from datetime import date
    from fractions import Fraction

    from fuzz.oracle import AMBIGUOUS, reading, shown_matches
    assert reading("30000", "persons") == 30000 and reading("030000", "persons") is AMBIGUOUS
    assert reading("30.000", "EUR") is AMBIGUOUS and reading("30000.50", "EUR") == Fraction(60001, 2)
    assert reading("'25 %'", "share") == Fraction(1, 4) and reading("1:23:20", "persons") is AMBIGUOUS
    assert reading("2025-10-15", "date") == date(2025, 10, 15) and reading("0", "date") is AMBIGUOUS
    assert reading("yes", "bool") is AMBIGUOUS and reading("true", "bool") is True
    assert shown_matches("EUR 1 200.50", "2401/2", "EUR") and not shown_matches("EUR 1 200.50", "1200", "EUR")
    assert shown_matches("≈ 33.3333 %", "1/3", "1") and not shown_matches("33.3334 %", "1/3", "1")
    assert shown_matches("≈ EUR 0.33", "1/3", "EUR") and not shown_matches("EUR 0.33", "1/3", "EUR")


def test_a_ratio_reads_the_same_quoted_or_not_and_a_misreading_is_still_flagged(rules, tmp_path):
    """The finding of the long run: `925357/9999999999999999999999999999` unquoted is text to YAML
    1.1 and 1.2 alike (no number form holds a slash), so the checker reads what the quoted form
    gives; the oracle must agree, and still catch a figure read otherwise."""
    from fractions import Fraction

    from fuzz.documents import Written
    from fuzz.oracle import AMBIGUOUS, reading
    ratio = "925357/9999999999999999999999999999"
    assert reading(ratio, "share") == reading(f"'{ratio}'", "share") == Fraction(925357, 10**28 - 1)
    assert reading("01/3", "share") is AMBIGUOUS and reading("1,5/3", "share") is AMBIGUOUS
    head = ("document: CommissionProposal\npool_year: 2026\nadopted_on: 2025-10-01\nrelocations: 30000\n"
            "financial_contributions: 600000000\nsearch_and_rescue_percentage: ")
    figure = (0, ("search_and_rescue_percentage",), "share")
    tally = Tally()
    check_document(rules, Written(head + ratio + "\n", ".yaml", [(*figure, ratio)]), tmp_path, tally)
    assert tally.accepted == 1 and tally.figures == 1 and not tally.misread, tally.misread
    tally = Tally()             # the token says 1/3, the file holds 1/4: a misreading
    check_document(rules, Written(head + "1/4\n", ".yaml", [(*figure, "1/3")]), tmp_path, tally)
    assert len(tally.misread) == 1 and "read as Fraction(1, 4)" in tally.misread[0][1], tally.misread


def test_every_document_read_goes_through_both_paths_and_a_difference_is_a_finding(rules, tmp_path, monkeypatch):
    """Each document the harness reads is given as a plain mapping to the prepared checker and to
    the slow path (a lone surrogate in a date was refused by one path and a traceback in the other):
    here they agree, then a checker made to lose its outcomes is caught, with its input."""
    from fuzz.documents import Written

    from interpreter.engine import prepared as C
    two = ("document: CommissionProposal\npool_year: 2026\nadopted_on: 2025-10-01\nrelocations: 30000\n---\n"
           "document: CommissionProposal\nadopted_on: \"\\ud800\"\n")
    tally = Tally()
    check_document(rules, Written(two, ".yaml"), tmp_path, tally)
    assert (tally.compared, tally.refused, tally.differ, tally.bugs) == (2, 1, [], [])
    monkeypatch.setattr(C.PreparedCheck, "evaluate", lambda self, record, memo=None: ())
    check_document(rules, Written(two, ".yaml"), tmp_path, tally)
    assert len(tally.differ) == 1 and tally.differ[0][0] == two, tally.differ
    assert "the prepared checker gives []" in tally.differ[0][1]


def _bench_fuzz():
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_fuzz", Path(__file__).parent.parent / "bench" / "fuzz.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_findings_of_the_long_run_are_named_apart_and_never_overwritten(tmp_path):
    """Two findings were both written as examples-0-0.txt, one over the other: each is named by
    its finding, kind, seed, worker and index, and a run into the same folder adds, never replaces."""
    bench = _bench_fuzz()
    tally = Tally(bugs=[("in 1", "Traceback 1")], misread=[("in 2", "read 2")], hangs=["in 3"])
    written = bench._keep(str(tmp_path), 7, 0, "examples, evaluated", tally, {})
    assert written == {"bug": 1, "misread": 1, "differ": 0, "hang": 1}
    tally.bugs.append(("in 4", "Traceback 4"))          # a later bug: the misreading is not written again
    bench._keep(str(tmp_path), 7, 0, "examples, evaluated", tally, written)
    bench._keep(str(tmp_path), 7, 0, "examples, evaluated", Tally(bugs=[("in 5", "Traceback 5")]), {})
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["bug-examples-evaluated-seed7-worker0-0-2.txt", "bug-examples-evaluated-seed7-worker0-0.txt",
                     "bug-examples-evaluated-seed7-worker0-1.txt", "hang-examples-evaluated-seed7-worker0-0.txt",
                     "misread-examples-evaluated-seed7-worker0-0.txt"], names
    texts = {p.read_text(encoding="utf-8") for p in tmp_path.iterdir()}
    assert {t.split("\n")[0] for t in texts} == {"Traceback 1", "Traceback 4", "Traceback 5", "read 2", "in 3"}


def test_the_long_run_parses_a_shipped_rule_file_once_per_content(tmp_path, monkeypatch):
    """bench/fuzz.py's workers remember the shipped rule files' syntax trees; a file whose content
    changed, or a file of another folder (the fuzzed rule file), is parsed again."""
    from fuzz.harness import remember_the_shipped_rule_files

    from interpreter.language import parse
    monkeypatch.setattr(parse, "parse_file", parse.parse_file)        # restored after the test
    shipped, elsewhere = tmp_path / "rules", tmp_path / "fuzzed"
    shipped.mkdir()
    elsewhere.mkdir()
    rule = shipped / "a.rules"
    rule.write_text('constant c = 1 person\n  cites Art 12(2)(a)\n', encoding="utf-8")
    other = elsewhere / "b.rules"
    other.write_text(rule.read_text(encoding="utf-8"), encoding="utf-8")
    remember_the_shipped_rule_files(shipped)
    first = parse.parse_file(rule)
    assert parse.parse_file(rule) is first
    assert parse.parse_file(other) is not parse.parse_file(other)
    rule.write_text('constant c = 2 persons\n  cites Art 12(2)(a)\n', encoding="utf-8")
    assert parse.parse_file(rule) is not first and parse.parse_file(rule).source != first.source
