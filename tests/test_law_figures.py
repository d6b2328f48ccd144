"""The figures a text states, read as the law writes them, against the figures a rule writes
(interpreter/tools/law_figures.py, used by lint's E403 and E404)."""

from fractions import Fraction

import pytest

from interpreter.language.parse import parse_text
from interpreter.tools.law_figures import Figure, figure_of, stated


def _figures(text: str) -> list[tuple[str, object]]:
    return [(f.kind, f.value) for f in stated(text)]


@pytest.mark.parametrize("text, figures", [
    ("(a) 30 000 for relocations;", [("number", 30000)]),
    ("(b) EUR 600 million for financial contributions.", [("money", 600_000_000)]),
    ("50 % population size and 50 % total GDP", [("percent", 50), ("percent", 50)]),
    ("reached 60 % of the number", [("percent", 60)]),
    ("within fifteen days", [("days", 15)]),
    ("fifteen Member States", [("number", 15)]),
    ("within one week", [("weeks", 1)]),
    ("within two weeks of", [("weeks", 2)]),
    ("a one-week period", [("weeks", 1)]),
    ("the previous 12-month period", [("months", 12)]),
    ("by 15 October each year", [("date", (15, 10, None))]),
    ("issued by 15 October 2025.", [("date", (15, 10, 2025))]),
    ("less than three years prior", [("years", 3)]),
])
def test_the_law_s_ways_of_writing_a_figure(text, figures):
    assert _figures(text) == [(kind, Fraction(v) if not isinstance(v, tuple) else v) for kind, v in figures]


@pytest.mark.parametrize("text", [
    "referred to in Article 12(2), point (a), of Regulation (EU) 2024/1351",
    "paragraphs 1 and 2", "Articles 7 to 15", "in accordance with Article 57(3)", "point (1)",
])
def test_numbers_that_name_something_are_not_figures(text):
    assert _figures(text) == []


def _literals(expression: str) -> list[Figure]:
    [constant] = parse_text(f"constant c = {expression}\n").declarations
    found = figure_of(constant.value)
    return [found] if found is not None else []


@pytest.mark.parametrize("written, law, agrees", [
    ("30 000 persons", "(a) 30 000 for relocations;", True),
    ("35 000 persons", "(a) 30 000 for relocations;", False),
    ("EUR 600 million", "(b) EUR 600 million for financial contributions", True),
    ("EUR 600 000 000", "(b) EUR 600 million for financial contributions", True),
    ("EUR 600", "(b) EUR 600 million for financial contributions", False),
    ("50 %", "50 % population size", True),
    ("60 %", "50 % population size", False),
    ("1 week", "within one week", True),
    ("7 days", "within one week", True),                  # the same period, counted in days
    ("2 weeks", "within one week", False),
    ("36 months", "less than three years prior", True),
    ("15 days", "within fifteen days", True),
    ("0 persons", "(a) 30 000 for relocations;", None),   # zero is no figure: nothing to hold to the law
])
def test_a_written_figure_against_the_law(written, law, agrees):
    found = _literals(written)
    if agrees is None:
        assert found == []
        return
    [figure] = found
    assert any(figure.agrees(s) for s in stated(law)) is agrees


def test_dates_agree_by_day_and_month_and_by_year_when_both_say_one():
    [day_of_year] = stated("by 15 October each year")
    [dated] = stated("by 15 October 2025")
    [other_year] = stated("by 15 October 2026")
    assert day_of_year.agrees(dated) and dated.agrees(day_of_year)
    assert not dated.agrees(other_year)
    [year] = stated("2025")
    assert year.agrees(dated) and not year.agrees(other_year)
