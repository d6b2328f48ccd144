"""`ammr check --set NAME=VALUE` and `ammr explain --set`: a parameter of the rules set for one
check, read against its declared type, reported as set; a wrong name or value is a positioned
error with exit code 2."""

import json
from datetime import date
from fractions import Fraction
from pathlib import Path

import jsonschema
import pytest

from interpreter import Failed, RuleSet
from interpreter.engine.parameters import parameter_values
from interpreter.report.view import schema_path

# A request under Art 61 made on 20 June 2026: 11 days before the date of application as
# published (1 July 2026), 8 days after the one of the official metadata (12 June 2026).
REQUEST = """\
document: DeductionRequest
member_state: DE
pool_year: 2027
ground: migratory pressure
relocations: 100
submitted_on: 2026-06-20
received_on: 2026-06-20
council_informed: true
"""
TWELFTH = "date_of_application=2026-06-12"


@pytest.fixture
def request_file(tmp_path) -> str:
    path = tmp_path / "request.yaml"
    path.write_text(REQUEST, encoding="utf-8")
    return str(path)


def _line(out: str, title: str) -> str:
    return next(line for line in out.splitlines() if title in line)


def test_the_date_of_application_set_for_one_check(ammr, request_file):
    code, out, _ = ammr("check", request_file, "--no-color")
    assert "date_of_application (1 July 2026): no — 11" in out and "Parameters set for this check" not in out
    assert "non_compliant" in _line(out, "Deduction requested once Article 61 or 62 applies")
    assert code == 1
    code, out, _ = ammr("check", request_file, "--no-color", "--set", TWELFTH)
    assert "compliant" in _line(out, "Deduction requested once Article 61 or 62 applies")
    assert "non_compliant" not in _line(out, "Deduction requested once Article 61 or 62 applies")
    assert ("Parameters set for this check:\n  date_of_application: 12 June 2026, instead of 1 July 2026 "
            "(Art. 85, second paragraph; rules/art-085.rules:") in out
    assert "is on or after date_of_application (12 June 2026): yes" in out
    assert code == 4                         # the act and the decision are missing; nothing non-compliant


def test_the_explanation_says_the_value_was_set(ammr, request_file):
    code, out, _ = ammr("explain", request_file, "--set", TWELFTH,
                        "--requirement", "deduction_request_after_date_of_application")
    assert code == 0
    assert "date_of_application = 12 June 2026 — set for this check, instead of the default of the rules" in out
    for fmt in ("md", "html"):
        code, out, _ = ammr("explain", request_file, "--set", TWELFTH, "--format", fmt)
        assert "Parameters set for this check" in out and "12 June 2026, instead of 1 July 2026" in out


def test_json_names_the_parameter_set_and_follows_the_schema(ammr, request_file):
    validator = jsonschema.Draft202012Validator(json.loads(schema_path().read_text(encoding="utf-8")))
    for command in ("check", "explain"):
        code, out, _ = ammr(command, request_file, "--format", "json", "--set", TWELFTH)
        data = json.loads(out)
        assert data["parameters"] == {"date_of_application": {
            "value": "2026-06-12", "shown": "12 June 2026", "default": "1 July 2026", "why": "set for this check",
            "rule": data["parameters"]["date_of_application"]["rule"], "citations": ["Art. 85, second paragraph"]}}
        assert data["parameters"]["date_of_application"]["rule"].startswith("rules/art-085.rules:")
        assert not list(validator.iter_errors(data))
    code, out, _ = ammr("check", request_file, "--format", "json")
    assert "parameters" not in json.loads(out)


def test_the_pool_report_says_the_date_was_set(ammr):
    example = str(Path(__file__).resolve().parent.parent / "examples" / "2026")
    _, out, _ = ammr("check", example, "--no-color", "--set", TWELFTH)
    assert ("Date of application (Art. 85, second paragraph): 12 June 2026 (set for this check; the text as "
            "published says 1 July 2026)") in out


@pytest.mark.parametrize("setting, where, message, hint", [
    ("date_of_aplication=2026-06-12", "--set:1:1:", "error[P002]: no parameter 'date_of_aplication' in the rules",
     "did you mean 'date_of_application'?"),
    ("minimum_relocations=29999", "--set:1:1:", "'minimum_relocations' is a constant of the rules, not a parameter",
     "the parameters are: date_of_application"),
    ("date_of_application=2026-13-01", "--set:1:21:", "error[P004]: date_of_application: '2026-13-01' is not a "
     "date written YYYY-MM-DD", "e.g. --set date_of_application=2026-06-12"),
    ("date_of_application = 12.6.2026", "--set:1:23:", "'12.6.2026' is not a date", ""),
    ("date_of_application", "--set:1:1:", "error[P001]: 'date_of_application' is not NAME=VALUE", ""),
    ("date_of_application=", "--set:1:1:", "is not NAME=VALUE", ""),
])
def test_a_wrong_name_or_value_is_a_positioned_error(ammr, request_file, setting, where, message, hint):
    for command in ("check", "explain"):
        code, out, err = ammr(command, request_file, "--set", setting)
        assert code == 2 and out == ""
        assert err.startswith(where) and message in err and hint in err, err
        assert f"    1 | {setting}\n" in err and "^" in err and "Traceback" not in err


def test_the_caret_is_under_the_value_and_each_set_is_a_line(ammr, request_file):
    code, _, err = ammr("check", request_file, "--set", TWELFTH, "--set", "date_of_application=tomorrow")
    assert code == 2
    assert "--set:2:21: error[P004]" in err and "    2 | date_of_application=tomorrow\n" in err
    assert "      |                     ^^^^^^^^\n" in err
    code, _, err = ammr("check", request_file, "--set", TWELFTH, "--set", TWELFTH)
    assert code == 2 and "--set:2:1: error[P005]: 'date_of_application' is set twice" in err


def test_errors_in_json_for_programs(ammr, request_file):
    code, out, _ = ammr("check", request_file, "--format", "json", "--set", "date_of_application=soon")
    error = json.loads(out)["errors"][0]
    assert code == 2 and error["code"] == "P004" and (error["file"], error["line"], error["column"]) == ("--set", 1, 21)


# ----------------------------------------------- each type of parameter, read as a document's field

TYPED = """\
parameter lint_cap: persons = 30 000 persons
  cites Art 12(2)(a)
parameter lint_floor: EUR = EUR 600 million
  cites Art 12(2)(b)
parameter lint_part: share = 50 %
  cites Art 63(1)
parameter lint_flag: yes/no = no
  cites Art 12(4)
parameter lint_state: member state = DE
  cites Art 57(1)
"""


@pytest.fixture(scope="module")
def typed(tmp_path_factory) -> RuleSet:
    path = tmp_path_factory.mktemp("typed") / "typed.rules"
    path.write_text(TYPED, encoding="utf-8")
    return RuleSet.prepare(extra=[path])


def test_each_type_is_read_exactly(typed):
    values = parameter_values(typed, ["lint_cap=29999", "lint_floor=600000000.01", "lint_part=1/3",
                                      "lint_flag=yes", "lint_state=NL", TWELFTH])
    assert values == {"lint_cap": 29999, "lint_floor": Fraction(60000000001, 100), "lint_part": Fraction(1, 3),
                      "lint_flag": True, "lint_state": "NL", "date_of_application": date(2026, 6, 12)}
    assert parameter_values(typed, ["lint_part=25 %"])["lint_part"] == Fraction(1, 4)
    case = typed.case((), parameters=values)
    assert typed.value(case, "lint_floor") == Fraction(60000000001, 100)
    assert typed.value(typed.case(()), "lint_floor") == 600_000_000


@pytest.mark.parametrize("setting, words", [
    ("lint_cap=29999.5", "persons are whole numbers ('lint_cap' is a whole number of persons)"),
    ("lint_cap=-1", "is negative"),
    ("lint_floor=0.001", "EUR amounts go to the cent ('lint_floor' is an amount in EUR, to the cent)"),
    ("lint_floor=EUR 600 million", "is not an exact number"),
    ("lint_part=half", "'half' is not an exact number ('lint_part' is a share)"),
    ("lint_flag=maybe", "'maybe' is not yes or no"),
    ("lint_state=GR", "'GR' is not a member state code"),
])
def test_a_value_not_of_the_declared_type_is_refused(typed, setting, words):
    with pytest.raises(Failed) as failure:
        parameter_values(typed, [setting])
    problem = failure.value.diagnostics[0]
    assert problem.code == "P004" and words in problem.message, problem.message
    assert problem.span.column == setting.index("=") + 2
    assert failure.value.sources == {"--set": setting}


def test_every_mistake_is_reported_at_once(typed):
    with pytest.raises(Failed) as failure:
        parameter_values(typed, ["lint_cap=x", "lint_cup=1", "lint_flag=yes"])
    assert [(d.code, d.span.line) for d in failure.value.diagnostics] == [("P004", 1), ("P002", 2)]
    assert "did you mean 'lint_cap'" in failure.value.diagnostics[1].hint
