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
