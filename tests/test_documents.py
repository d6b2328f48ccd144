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
