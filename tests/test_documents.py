"""Documents: YAML and JSON in, exact values out; every mistake pointed at in the file.

Each file under documents/bad must fail with the messages of its .expected file
(regenerate after an intended change: AMMR_REGENERATE=1 pytest tests/test_documents.py).
"""

import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from interpreter import Failed

ROOT = Path(__file__).resolve().parent.parent
BAD = sorted((Path(__file__).parent / "documents" / "bad").glob("*.yaml"))


@pytest.fixture(autouse=True)
def _at_root(monkeypatch):
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_document_is_pointed_at(rules, path, golden):
    with pytest.raises(Failed) as failure:
        rules.read([path.relative_to(ROOT)])
    rendered = failure.value.render() + "\n"
    for d in failure.value.diagnostics:
        assert d.span.file.endswith(path.name) and d.span.line >= 1
    golden(path.with_suffix(".expected"), rendered)


def test_values_are_exact(rules, tmp_path):
    doc = tmp_path / "proposal.yaml"
    doc.write_text("document: CommissionProposal\nfinancial_contributions: 600000000.10\nrelocations: 30000\n")
    [d] = rules.read([doc])
    assert d.record.fields["financial_contributions"] == Fraction("600000000.10")
    assert isinstance(d.record.fields["relocations"], Fraction)


def test_json_documents_are_read_exactly_and_positioned(rules, tmp_path):
    doc = tmp_path / "proposal.json"
    doc.write_text(json.dumps({"document": "CommissionProposal", "financial_contributions": "0.1",
                               "relocations": 3}, indent=2))
    [d] = rules.read([doc])
    assert d.record.fields["financial_contributions"] == Fraction(1, 10)
    doc.write_text('{\n  "document": "CommissionProposal",\n  "relocations": "many"\n}\n')
    with pytest.raises(Failed) as failure:
        rules.read([doc])
    assert (failure.value.diagnostics[0].span.line, failure.value.diagnostics[0].span.column) == (3, 18)


def test_a_float_never_reaches_a_legal_figure(rules):
    with pytest.raises(Failed) as failure:
        rules.document({"document": "CommissionProposal", "financial_contributions": 0.1})
    assert "floating-point" in failure.value.diagnostics[0].message
    d = rules.document({"document": "CommissionProposal", "financial_contributions": Decimal("0.1")})
    assert d.record.fields["financial_contributions"] == Fraction(1, 10)


def test_folder_is_read_in_order(rules):
    documents = rules.read(["examples/2026"])
    assert [d.type for d in documents] == ["AnnualReport", "CommissionProposal", "CouncilImplementingAct",
                                           "MigratoryPressureDecision", "HighLevelForum", "MemberStatePledge"]


def test_schema_follows_the_rules(rules):
    schema = rules.schema("CouncilImplementingAct")
    props = schema["properties"]
    assert props["document"] == {"const": "CouncilImplementingAct", "description": props["document"]["description"]}
    assert set(props) >= {"pool_year", "adopted_on", "reference_relocations", "pledges", "undisclosed"}
    pledge = schema["$defs"]["Pledge"]["properties"]
    assert set(pledge) == {"relocations", "financial_contributions", "alternative_measures"}
    assert schema["additionalProperties"] is False
    keys = props["pledges"]["anyOf"][0]["propertyNames"]["enum"]
    assert "DE" in keys and "EL" in keys and "GR" not in keys


# ------------------------------------------------------------------ figures as people write them

PLEDGE = {"document": "MemberStatePledge", "member_state": "NL", "pool_year": 2026,
          "pledge": {"relocations": 800, "financial_contributions": "40000000"}}


@pytest.mark.parametrize("written, said", [
    ("EUR 40 million", "`EUR 40 million` is not an amount: write 40000000 (EUR, up to two decimals)"),
    ("40 million", "`40 million` is not an amount: write 40000000 (EUR, up to two decimals)"),
    ("€ 6.5 million", "`€ 6.5 million` is not an amount: write 6500000 (EUR, up to two decimals)"),
    ("40000000 EUR", "`40000000 EUR` is not an amount: write 40000000 (EUR, up to two decimals)"),
    ("6,500,000", "`6,500,000` groups thousands with commas: write 6500000 (EUR, up to two decimals)"),
    ("6 500 000", "`6 500 000` groups thousands with spaces: write 6500000 (EUR, up to two decimals)"),
    ("6.500.000", "`6.500.000` groups thousands with dots: write 6500000 (EUR, up to two decimals)"),
    ("6\u202f500\u202f000", "`6 500 000` groups thousands with spaces: write 6500000 (EUR, up to two decimals)"),
    ("6'500'000", "`6'500'000` groups thousands with apostrophes: write 6500000 (EUR, up to two decimals)"),
    ("1234,56", "`1234,56` has a decimal comma: write 1234.56 (EUR, up to two decimals)"),
    ("6.500.000,50", "`6.500.000,50` groups thousands with dots and has a decimal comma: write 6500000.50"),
    ("6,500", "`6,500` is ambiguous: a decimal comma (6.50) or a thousands separator (6500)? write the one meant, "
              "6.50 or 6500"),
    ("6.500", "`6.500` is ambiguous: a decimal point (6.50) or a thousands separator (6500)?"),
])
def test_an_amount_written_as_people_write_it_is_named_never_read(rules, written, said):
    [d] = pledge_refused(rules, "financial_contributions", written)
    assert d.code == "D023" and d.message.startswith("pledge.financial_contributions: " + said), d.message
    assert "Input should be" not in d.message


@pytest.mark.parametrize("written, said", [
    ("4,555", "`4,555` groups thousands with a comma: write 4555 (persons, a whole number)"),
    ("1,000", "`1,000` is ambiguous: a decimal comma (1) or a thousands separator (1000)? write the one meant, "
              "1 or 1000 (persons, a whole number)"),
    ("1 000", "`1 000` groups thousands with spaces: write 1000 (persons, a whole number)"),
    ("30 thousand", "`30 thousand` is not a number of persons: write 30000 (persons, a whole number)"),
    ("800 persons", "`800 persons` is not a number of persons: write 800 (persons, a whole number)"),
])
def test_a_number_of_persons_written_as_people_write_it_is_named(rules, written, said):
    assert [d.message for d in pledge_refused(rules, "relocations", written)] == ["pledge.relocations: " + said]


def test_a_named_figure_keeps_every_digit_and_only_the_digits_0_to_9(rules):
    """The figure to write is the one written, to its 40th digit (not rounded to 28); a foreign digit
    is never taken for one (issue 13: "600000000\u0660" was read as EUR 6 000 000 000)."""
    [d] = pledge_refused(rules, "financial_contributions", "9,999,999,999,999,999,999,999,999,999,999,999,999,999")
    assert d.code == "D023" and f"write {'9' * 40} (EUR" in d.message, d.message
    for written in ("EUR 600000000\u0660", "6,500,00\uff10"):
        [d] = pledge_refused(rules, "financial_contributions", written)
        assert d.code == "D022" and "write" not in d.message and "has the digit" in d.message, d.message


def pledge_refused(rules, field, written):
    """The diagnostics of a pledge whose `field` is written as `written` (it must be refused)."""
    data = json.loads(json.dumps(PLEDGE))
    data["pledge"][field] = written
    with pytest.raises(Failed) as failure:
        rules.document(data, "pledge.json")
    return failure.value.diagnostics


def test_plain_figures_and_other_mistakes_are_left_as_they_were(rules):
    """What is a plain figure is read; what is not a figure at all keeps the type check's message."""
    data = json.loads(json.dumps(PLEDGE))
    data["pledge"]["financial_contributions"] = "6500000.50"
    assert rules.document(data, "pledge.json").record.fields["pledge"].fields["financial_contributions"] \
        == Fraction(650000050, 100)
    for written in ("thirty thousand", "600000000.005"):
        assert [d.code for d in pledge_refused(rules, "financial_contributions", written)] == ["D022"], written


def test_a_figure_with_a_separator_in_a_yaml_file_is_pointed_at(rules, tmp_path):
    path = tmp_path / "pledge.yaml"
    path.write_text("document: MemberStatePledge\nmember_state: NL\npool_year: 2026\npledge:\n"
                    "  relocations: 800\n  financial_contributions: EUR 40 million\n", encoding="utf-8")
    with pytest.raises(Failed) as failure:
        rules.read([path])
    [d] = failure.value.diagnostics
    assert (d.span.line, d.span.column) == (6, 28)
    assert "`EUR 40 million` is not an amount: write 40000000 (EUR, up to two decimals)" in failure.value.render()
