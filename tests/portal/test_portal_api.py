"""The portal's API, in process: checks as the CLI gives them, pledges and their history, who may
see what, limits, and the 2026 example loaded."""

from __future__ import annotations

import hashlib
import json
import math
from fractions import Fraction
from pathlib import Path

from conftest import EXAMPLE, make_world

from interpreter.portal import server, store
from interpreter.portal.checking import Kept

NL_2026 = "pledges/NL-2026.json"


def pledge(member_state="NL", relocations=None, financial=None, measures=None, year=2026) -> dict:
    body: dict = {}
    if relocations is not None:
        body["relocations"] = relocations
    if financial is not None:
        body["financial_contributions"] = financial
    if measures:
        body["alternative_measures"] = measures
    return {"document": "MemberStatePledge", "member_state": member_state, "pool_year": year, "pledge": body}


def one_person_short(checker) -> int:
    """The relocations, alone, that fall one person short of NL's fair share against the 2026
    proposal: computed from the rules' fair_share_value, not from the portal."""
    rules = checker.rules
    proposal = rules.document(server.example_documents(EXAMPLE)[1][1], "proposal")
    assert proposal.type == "CommissionProposal"
    case = rules.case([proposal])
    fair = rules.value(case, "fair_share_value", ("NL", 30000, Fraction(600_000_000)))
    per_person = rules.value(case, "relocation_value")
    return math.ceil(Fraction(fair) / Fraction(per_person)) - 1


# ------------------------------------------------------------------ checks

def test_check_is_byte_for_byte_the_cli(world, checker, ammr, tmp_path):
    # the same names: the files' paths as given to the CLI (the rules' paths are shown relative to
    # the working folder, the project's, where the portal's rule set was prepared too); the same
    # time of check (conftest.py), which the audit record of both results states
    documents = {str(tmp_path / "proposal.json"): server.example_documents(EXAMPLE)[1][1],
                 str(tmp_path / "pledge.json"): pledge(relocations=100, financial="40000000.50")}
    for name, data in documents.items():
        Path(name).write_text(json.dumps(data), encoding="utf-8")
    code, cli_text, _ = ammr("check", *documents, "--format", "json")
    response = world.client.post("/api/v1/check", headers=world.as_("reader"),
                                 json={"documents": [{"name": n, "document": d} for n, d in documents.items()]})
    assert response.status_code == 200
    assert response.text == cli_text
    assert response.headers["X-AMMR-Exit-Code"] == str(code) == "1"
    assert '"pool"' in cli_text
    assert json.loads(cli_text)["audit"]["rules"]["sha256"] == checker.rules_sha256


def test_check_refuses_invalid_documents_with_their_positions(world):
    response = world.client.post("/api/v1/check", headers=world.as_("reader"), json={"documents": [
        {"name": "mine.json", "document": pledge(relocations=-1, financial=1.5)}]})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {e["file"] for e in errors} == {"mine.json"}
    assert any(e["message"].startswith("pledge.relocations:") for e in errors)
    assert any("not a floating-point value" in e["message"] for e in errors)


def test_schemas_rule_set_and_coverage(world, checker):
    headers = world.as_("reader")
    types = world.client.get("/api/v1/schemas", headers=headers).json()["types"]
    assert "MemberStatePledge" in types and "CouncilImplementingAct" in types
    schema = world.client.get("/api/v1/schemas/MemberStatePledge", headers=headers).json()
    assert schema == checker.rules.schema("MemberStatePledge")
    missing = world.client.get("/api/v1/schemas/Pledge2", headers=headers)
    assert missing.status_code == 404 and "MemberStatePledge" in missing.json()["error"]["message"]
    identity = world.client.get("/api/v1/rules", headers=headers).json()
    assert len(identity["rules_sha256"]) == 64 and identity["readings"] == checker.rules.readings
    assert identity["readings"]["fair_share_composition"] == "one_obligation"       # the defaults the portal checks with
    assert identity["requirements"] == len(checker.rules.program.requirements)
    coverage = world.client.get("/api/v1/rules/coverage", headers=headers).json()
    assert coverage["entries"] and sum(coverage["summary"].values()) == len(coverage["entries"])


def test_rule_set_hash_is_the_audit_records(world, checker):
    identity = world.client.get("/api/v1/rules", headers=world.as_("reader")).json()
    assert identity["rules_sha256"] == checker.rules.fingerprint.sha256


# ------------------------------------------------------------------ pledges

def test_a_pledge_one_person_short_then_fixed_and_its_history(world, checker):
    short = one_person_short(checker)
    headers = world.as_("nl")
    checked = world.client.post("/api/v1/pledges/check", headers=headers, json={"document": pledge(relocations=short)})
    assert checked.status_code == 200
    outcome = next(o for o in checked.json()["outcomes"] if o["id"] == "pledge_meets_fair_share")
    assert outcome["verdict"] == "non_compliant" and outcome["document"] == NL_2026
    assert "(1 person more)" in outcome["remedy"]["summary"]

    first = world.client.post("/api/v1/pledges", headers=headers, json={"document": pledge(relocations=short)})
    second = world.client.post("/api/v1/pledges", headers=headers, json={"document": pledge(relocations=short + 1)})
    assert first.status_code == second.status_code == 201
    assert (first.json()["version"], second.json()["version"]) == (2, 3)      # version 1: the example's pledge
    assert first.json()["overall"] == "non_compliant" and second.json()["overall"] == "compliant"
    assert second.headers["Location"] == "/api/v1/pledges/NL/2026/3"

    history = world.client.get("/api/v1/pledges/NL/2026", headers=headers).json()["versions"]
    assert [v["version"] for v in history] == [1, 2, 3]
    stored = world.client.get("/api/v1/pledges/NL/2026/2", headers=headers).json()
    assert stored["document"] == pledge(relocations=short)
    result = world.client.get("/api/v1/pledges/NL/2026/2/result", headers=headers)
    assert result.text == checked.text                                 # the same check, stored whole
    assert store.sha256(result.text) == first.json()["result_sha256"] == stored["result_sha256"]
    latest = world.client.get("/api/v1/pledges?pool_year=2026", headers=headers).json()["pledges"]
    assert [(p["member_state"], p["version"]) for p in latest] == [("NL", 3)]


def test_a_member_state_never_sees_another_states_pledges(world):
    world.client.post("/api/v1/pledges", headers=world.as_("nl"), json={"document": pledge(relocations=7)})
    de = world.as_("de")
    for path in ("/api/v1/pledges/NL/2026", "/api/v1/pledges/NL/2026/1", "/api/v1/pledges/NL/2026/1/result",
                 "/api/v1/pool/2026"):
        refused = world.client.get(path, headers=de)
        assert refused.status_code == 403, path
        assert set(refused.json()) == {"error"} and "40000000" not in refused.text and "version" not in refused.text
    submitted = world.client.post("/api/v1/pledges", headers=de, json={"document": pledge(relocations=7)})
    assert submitted.status_code == 403 and "DE" in submitted.json()["error"]["message"]
    assert world.client.post("/api/v1/pledges/check", headers=de, json={"document": pledge()}).status_code == 403
    assert world.client.get("/api/v1/pledges?pool_year=2026", headers=de).json()["pledges"] == []
    refusals = [e for e in store.audit_log(world.made) if e.action == "refused"]
    assert {e.user for e in refusals} == {"de"} and len(refusals) == 4


def test_roles(world):
    reader, coordinator = world.as_("reader"), world.as_("coordinator")
    assert world.client.post("/api/v1/pledges", headers=reader, json={"document": pledge()}).status_code == 403
    assert world.client.get("/api/v1/pledges?pool_year=2026", headers=reader).status_code == 403
    assert world.client.get("/api/v1/cycle/2026", headers=reader).status_code == 403
    refused = world.client.post("/api/v1/pledges", headers=coordinator, json={"document": pledge()})
    assert refused.status_code == 403 and "Member State" in refused.json()["error"]["message"]
    assert world.client.get("/api/v1/pledges/NL/2026", headers=coordinator).status_code == 200
    act = server.example_documents(EXAMPLE)[2][1]
    assert act["document"] == "CouncilImplementingAct"
    assert world.client.post("/api/v1/cycle/2026", headers=world.as_("nl"), json={"document": act}).status_code == 403


def test_the_coordinator_records_the_act_and_reads_the_pool(world):
    coordinator = world.as_("coordinator")
    act = dict(server.example_documents(EXAMPLE)[2][1])
    same = world.client.post("/api/v1/cycle/2026", headers=coordinator, json={"document": act})
    assert same.status_code == 201 and same.json()["new"] is False and same.json()["version"] == 1
    act["reference_relocations"] = 21001
    amended = world.client.post("/api/v1/cycle/2026", headers=coordinator, json={"document": act})
    assert amended.json()["version"] == 2 and amended.json()["new"] is True
    wrong_year = world.client.post("/api/v1/cycle/2027", headers=coordinator, json={"document": act})
    assert wrong_year.status_code == 422
    world.client.post("/api/v1/pledges", headers=world.as_("de"), json={"document": pledge("DE", 5000)})
    pool = world.client.get("/api/v1/pool/2026", headers=coordinator)
    assert pool.status_code == 200
    data = pool.json()
    labels = [d["label"] for d in data["documents"]]
    assert "cycle/2026/CouncilImplementingAct-v2.json" in labels and "pledges/DE-2026.json" in labels
    rows = {s["member_state"]: s for s in data["pool"]["states"]}
    assert rows["DE"]["pledge_source"] == "pledge document pledges/DE-2026.json"
    assert rows["NL"]["pledge_source"] == "pledge document pledges/NL-2026.json"
    assert "pledge document" not in rows["FR"]["pledge_source"]
    reads = [e for e in store.audit_log(world.made) if e.action == "read" and e.target == "pool 2026"]
    assert reads[0].result_sha256 == store.sha256(pool.text)


# ------------------------------------------------------------------ refusals and limits

def test_who_is_not_signed_in_is_refused(world):
    assert world.client.get("/api/v1/rules").status_code == 401
    assert world.client.get("/api/v1/rules").headers["WWW-Authenticate"] == "Bearer"
    bad = world.client.get("/api/v1/rules", headers={"Authorization": "Bearer ammr_1_guess"})
    assert bad.status_code == 401 and "not valid" in bad.json()["error"]["message"]
    store.disable_user(world.made, "reader")
    assert world.client.get("/api/v1/rules", headers=world.as_("reader")).status_code == 401


def test_limits(world):
    headers = {**world.as_("reader"), "Content-Type": "application/json"}
    big = world.client.post("/api/v1/check", headers=headers, content=b" " * (world.settings.max_body + 1))
    assert big.status_code == 413 and "larger than" in big.json()["error"]["message"]
    deep = world.client.post("/api/v1/check", headers=headers, content=('{"a":' * 40 + "1" + "}" * 40).encode())
    assert deep.status_code == 422 and "nest" in deep.json()["error"]["message"]
    broken = world.client.post("/api/v1/check", headers=headers, content=b'{"documents": [')
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["error"]["message"]
    shape = world.client.post("/api/v1/check", headers=headers, json={"documents": "x"})
    assert shape.status_code == 422
    years = world.client.post("/api/v1/check", headers=headers, json={
        "documents": [{"name": "p.json", "document": pledge()}], "data_years": {"populations": 2024}})
    assert years.status_code == 422 and "no dataset 'populations'" in years.json()["error"]["message"]


def test_secrets_are_stored_only_as_salted_hashes(world):
    from sqlalchemy import text
    with world.made() as s:
        rows = s.execute(text("SELECT password_hash FROM users WHERE name = 'nl' UNION ALL "
                              "SELECT hash FROM tokens")).scalars().all()
    everything = " ".join(rows)
    assert world.passwords["nl"] not in everything
    assert all(t.split("_", 2)[2] not in everything for t in world.tokens.values())
    assert all(r.startswith("scrypt$") for r in rows) and len(set(rows)) == len(rows)


def test_real_hash_cost(monkeypatch):
    from interpreter.portal import security
    stored = security.hash_secret("correct horse")
    assert stored.split("$")[1:4] == ["16384", "8", "1"]
    assert security.verify_secret("correct horse", stored) and not security.verify_secret("wrong", stored)
    assert security.hash_secret("correct horse") != stored                 # salted


def test_loading_the_example_twice_adds_nothing(world, checker):
    assert server.load_example(world.settings, EXAMPLE, checker) == []
    assert [v.version for v in store.pledge_history(world.made, "NL", 2026)] == [1]


def test_an_empty_portal(database, checker, fast_hashes):
    w = make_world(database, checker, example=False)
    checked = w.client.post("/api/v1/pledges/check", headers=w.as_("nl"), json={"document": pledge(relocations=1)})
    outcome = next(o for o in checked.json()["outcomes"] if o["id"] == "pledge_meets_fair_share")
    assert outcome["verdict"] == "insufficient_information"              # no proposal recorded for 2026
    assert w.client.get("/api/v1/pool/2026", headers=w.as_("coordinator")).json()["overall"] == "compliant"
    w.client.close()


def test_a_pledge_is_checked_with_the_documents_its_requirements_read(checker):
    """The slimmer case gives the pledge exactly the verdicts it has in the whole cycle."""
    assert "CommissionProposal" in checker.pledge_uses and "CouncilImplementingAct" not in checker.pledge_uses
    cycle = [(f"cycle/{n}.json", d) for n, (_, d) in enumerate(server.example_documents(EXAMPLE))
             if d["document"] not in ("MemberStatePledge", "AnnualReport")]
    for relocations in (0, one_person_short(checker), 5000):
        document = pledge(relocations=relocations, measures=[{"description": "x", "financial_value": 10}])
        slim = checker.pledge_check(document, [Kept.given(n, d) for n, d in cycle], pool=False)
        whole = checker.check([(NL_2026, document), *cycle], pool=False)
        assert slim.outcomes_of(NL_2026) == whole.outcomes_of(NL_2026) != []
        assert len(slim.data["documents"]) < len(whole.data["documents"]) and "pool" not in slim.data


def test_an_internal_error_is_a_plain_500(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("secret detail")
    monkeypatch.setattr(type(world.client.app.state.portal.checker), "check", broken)
    client = type(world.client)(world.client.app, raise_server_exceptions=False)
    answer = client.post("/api/v1/check", headers=world.as_("reader"),
                         json={"documents": [{"name": "x.json", "document": pledge()}]})
    assert answer.status_code == 500 and "bug in the portal" in answer.json()["error"]["message"]
    assert "secret detail" not in answer.text and "Traceback" not in answer.text


def _as_the_cli(checker, world, document) -> bytes:
    """What `ammr check --format json` writes for the pledge and the stored cycle documents its
    requirements read, under the names the portal gives them: read, evaluated and explained afresh
    through the public API (nothing kept), as the CLI does."""
    from interpreter import RuleSet, explain, render
    from interpreter.portal.checking import cycle_label, pledge_label
    rules = RuleSet.prepare()
    rows = store.cycle_documents(world.made, 2026)
    named = [(pledge_label(document["member_state"], 2026), document)] + [(cycle_label(2026, r.type, r.version), json.loads(r.document))
                                     for r in rows.values() if r.type in checker.pledge_uses]
    result = rules.evaluate(rules.case([rules.document(d, n) for n, d in named]))
    return render(explain(rules, result, pool=False), "json").encode()


def test_a_pledge_check_is_byte_for_byte_the_cli_check_of_its_documents(world, checker):
    """The portal reads the stored cycle once and keeps the view's fixed parts: every check is
    still the text of a check made afresh, whatever the figures (and whichever comes first)."""
    measures = [{"description": "reception capacity", "financial_value": "2500000.75"}]
    for account, relocations, financial, more in (
            ("nl", 0, "0", None), ("nl", one_person_short(checker), "0", None), ("nl", 5000, "99999999.99", None),
            ("nl", 17, None, None), ("nl", None, "1", measures), ("de", 120, "3000000", measures), ("de", None, None, None)):
        document = pledge(account.upper(), relocations=relocations, financial=financial, measures=more)
        answer = world.client.post("/api/v1/pledges/check?pool=false", headers=world.as_(account),
                                   json={"document": document})
        assert answer.status_code == 200
        assert answer.content == _as_the_cli(checker, world, document)
        assert answer.headers["X-AMMR-Result-SHA256"] == hashlib.sha256(answer.content).hexdigest()


def test_a_new_version_of_a_cycle_document_is_checked_with_at_once(world, checker):
    document = pledge(relocations=one_person_short(checker) + 1)
    first = world.client.post("/api/v1/pledges/check?pool=false", headers=world.as_("nl"), json={"document": document})
    assert "cycle/2026/CommissionProposal-v1.json" in first.text
    proposal = dict(server.example_documents(EXAMPLE)[1][1])
    proposal["relocations"] = proposal["relocations"] * 2              # a larger pool: the pledge falls short
    recorded = world.client.post("/api/v1/cycle/2026", headers=world.as_("coordinator"), json={"document": proposal})
    assert recorded.status_code == 201 and recorded.json()["version"] == 2
    second = world.client.post("/api/v1/pledges/check?pool=false", headers=world.as_("nl"), json={"document": document})
    assert "cycle/2026/CommissionProposal-v2.json" in second.text and "CommissionProposal-v1" not in second.text
    assert second.content == _as_the_cli(checker, world, document)
    verdict = lambda answer: next(o["verdict"] for o in answer.json()["outcomes"]  # noqa: E731
                                  if o["id"] == "pledge_meets_fair_share")
    assert verdict(first) == "compliant" and verdict(second) == "non_compliant"
