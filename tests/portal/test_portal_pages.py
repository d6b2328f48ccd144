"""The pages without JavaScript: sign in, check and submit a pledge with the form's buttons, the
pool table, CSRF, escaping, and the `ammr serve users` commands."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner
from clirunner import AMMR
from test_portal_api import one_person_short

from interpreter.portal import store
from interpreter.portal.db import engine_for, sessions
from interpreter.portal.pages import FAIR_SHARE_FIGURES


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(world, name: str) -> None:
    page = world.client.get("/login")
    answer = world.client.post("/login", data={"csrf": csrf_of(page.text), "name": name,
                                               "password": world.passwords[name]}, follow_redirects=False)
    assert answer.status_code == 303, answer.text


def form(csrf: str, action: str, relocations: str = "", financial: str = "", measures=()) -> dict:
    data = {"csrf": csrf, "action": action, "pool_year": "2026", "relocations": relocations,
            "financial_contributions": financial, "made_on": "", "measures": str(max(len(measures), 1))}
    for i, (description, value) in enumerate(measures):
        data[f"measure-{i}-description"] = description
        data[f"measure-{i}-value"] = value
    return data


def test_signing_in(world):
    assert world.client.get("/", follow_redirects=False).headers["location"] == "/login"
    page = world.client.get("/login")
    wrong = world.client.post("/login", data={"csrf": csrf_of(page.text), "name": "nl", "password": "x"})
    assert wrong.status_code == 401 and "wrong" in wrong.text
    no_token = world.client.post("/login", data={"name": "nl", "password": world.passwords["nl"]})
    assert no_token.status_code == 403
    sign_in(world, "nl")
    home = world.client.get("/")
    assert "Pledge for 2026" in home.text and "nl (member state, NL)" in home.text


def test_the_form_without_javascript(world, checker):
    sign_in(world, "nl")
    page = world.client.get("/pledge?pool_year=2026")
    assert page.status_code == 200 and '<label for="relocations">' in page.text
    csrf = csrf_of(page.text)
    short = one_person_short(checker)
    checked = world.client.post("/pledge", data=form(csrf, "check", f"{short:,}".replace(",", " ")))
    assert checked.status_code == 200
    panel = checked.text.split('id="panel"', 1)[1]
    assert "Overall: <strong>non-compliant</strong>" in panel
    assert "(1 person more)" in panel and "Remedy:" in panel
    assert "Art. 57(3), second sentence" in panel and "mandatory fair share calculated" in panel
    for label in FAIR_SHARE_FIGURES.values():
        assert label in panel
    assert "Proposal adopted by 15 October" not in panel              # the proposal's verdicts are not the pledge's
    more = world.client.post("/pledge", data=form(csrf, "more", str(short)))
    assert 'name="measure-1-value"' in more.text and f'value="{short}"' in more.text
    submitted = world.client.post("/pledge", data=form(csrf, "submit", str(short + 1)), follow_redirects=False)
    assert submitted.status_code == 303 and submitted.headers["location"] == "/pledges/NL/2026?submitted=2"
    history = world.client.get(submitted.headers["location"])
    assert "Version 2 submitted" in history.text and "✔ compliant" in history.text
    explanation = world.client.get("/pledges/NL/2026/2")
    assert explanation.status_code == 200 and "Compliance report" in explanation.text
    assert "script-src 'self'" in explanation.headers["Content-Security-Policy"]
    assert "<script" not in explanation.text


def test_invalid_figures_are_explained_on_the_form(world):
    sign_in(world, "nl")
    csrf = csrf_of(world.client.get("/pledge").text)
    answer = world.client.post("/pledge", data=form(csrf, "check", "12.5", "1,5"))
    assert answer.status_code == 422
    assert "pledge.relocations" in answer.text and "pledge.financial_contributions" in answer.text


def test_every_value_is_escaped(world):
    sign_in(world, "nl")
    csrf = csrf_of(world.client.get("/pledge").text)
    evil = '<script>alert("x")</script>'
    answer = world.client.post("/pledge", data=form(csrf, "check", "10", "", [(evil, "1000")]))
    assert evil not in answer.text and "&lt;script&gt;" in answer.text


def test_forms_need_the_sessions_csrf_token(world):
    sign_in(world, "nl")
    refused = world.client.post("/pledge", data=form("forged", "submit", "10"))
    assert refused.status_code == 403
    api = world.client.post("/api/v1/pledges/check", json={"document": {"document": "MemberStatePledge"}})
    assert api.status_code == 403 and "CSRF" in api.json()["error"]["message"]
    csrf = csrf_of(world.client.get("/pledge").text)
    live = world.client.post("/api/v1/pledges/check", headers={"X-CSRF-Token": csrf}, json={"document": {
        "document": "MemberStatePledge", "member_state": "NL", "pool_year": 2026, "pledge": {"relocations": 1}}})
    assert live.status_code == 200
    assert [v.version for v in store.pledge_history(world.made, "NL", 2026)] == [1]


def test_another_states_pages_are_refused(world):
    sign_in(world, "de")
    for path in ("/pledges/NL/2026", "/pledges/NL/2026/1", "/pool/2026"):
        page = world.client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 403, path
        assert "pledge document" not in page.text and "Version" not in page.text


def test_the_pool_table(world):
    sign_in(world, "coordinator")
    page = world.client.get("/pool/2026")
    assert page.status_code == 200
    assert '<th scope="row">NL</th>' in page.text and 'href="/pledges/NL/2026/1"' in page.text
    assert "63(1)" in page.text and "every verdict, explained" in page.text
    assert world.client.get("/pool/2026/explanation").status_code == 200
    assert 'href="/pledges/NL/2026">every version</a>' in page.text
    history = world.client.get("/pledges/NL/2026")                 # each state's history as a page, not JSON
    assert history.status_code == 200 and history.headers["content-type"].startswith("text/html")
    assert 'href="/pledges/NL/2026/1"' in history.text


def test_users_commands(database, tmp_path):
    runner = CliRunner()
    run = lambda *args, **kw: runner.invoke(AMMR, ["serve", *args, "--database", database], **kw)   # noqa: E731
    added = run("users", "add", "fr", "--role", "member_state", "--member-state", "fr", "--password",
                input="pw-fr-1\npw-fr-1\n")
    assert added.exit_code == 0 and "member_state of FR" in added.output
    assert run("users", "add", "fr", "--role", "reader").exit_code == 2
    assert run("users", "add", "x", "--role", "member_state").exit_code == 2
    token = run("users", "token", "fr").output.strip()
    assert token.startswith("ammr_")
    listed = run("users", "list").output
    assert "fr" in listed and "active" in listed and "1 token" in listed
    assert run("users", "password", "fr", input="pw-fr-2\npw-fr-2\n").exit_code == 0
    made = sessions(engine_for(database))
    assert store.login(made, "fr", "pw-fr-2") is not None and store.login(made, "fr", "pw-fr-1") is None
    assert run("users", "disable", "fr").exit_code == 0
    assert "disabled" in run("users", "list").output
    assert store.login(made, "fr", "pw-fr-2") is None
    made.kw["bind"].dispose()
    assert run("users", "disable", "nobody").exit_code == 2


def test_the_openapi_page_needs_no_network(world):
    page = world.client.get("/docs")
    assert page.status_code == 200 and "cdn" not in page.text.lower()
    script = re.search(r"src='?\"?([^'\" ]+swagger-ui-bundle\.js)", page.text).group(1)
    assert world.client.get(script).status_code == 200
    schema = world.client.get("/openapi.json").json()
    assert "/api/v1/pledges" in schema["paths"] and "/api/v1/check" in schema["paths"]
    assert "/pledge" not in schema["paths"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


def test_the_coordinator_records_a_council_act_on_a_page(world):
    from conftest import EXAMPLE

    from interpreter.portal import server
    sign_in(world, "coordinator")
    page = world.client.get("/cycle/2026")
    assert page.status_code == 200 and "CouncilImplementingAct" in page.text
    act = dict(server.example_documents(EXAMPLE)[2][1], reference_relocations=22000)
    recorded = world.client.post("/cycle/2026", data={"csrf": csrf_of(page.text), "document": json.dumps(act)})
    assert "CouncilImplementingAct recorded as version 2" in recorded.text
    broken = world.client.post("/cycle/2026", data={"csrf": csrf_of(page.text), "document": '{"document": "Nope"}'})
    assert broken.status_code == 422 and "unknown document type" in broken.text
    assert world.client.post("/cycle/2026", data={"document": json.dumps(act)}).status_code == 403
    sign_in(world, "nl")
    assert world.client.get("/cycle/2026").status_code == 403


def test_the_default_database_is_in_the_user_data_folder(tmp_path, monkeypatch):
    from interpreter.portal.config import default_database
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    url = default_database()
    assert url == f"sqlite:///{tmp_path / 'ammr' / 'portal.sqlite3'}" and (tmp_path / "ammr").is_dir()


def _try(world, name: str, password: str):
    page = world.client.get("/login")
    return world.client.post("/login", data={"csrf": csrf_of(page.text), "name": name, "password": password},
                             follow_redirects=False)


def test_failed_sign_ins_are_limited_per_account(world, monkeypatch):
    from datetime import timedelta

    from interpreter.portal import throttle
    for _ in range(throttle.PER_ACCOUNT):
        assert _try(world, "nl", "wrong").status_code == 401
    limited = _try(world, "nl", world.passwords["nl"])          # the right password, too late: not even checked
    assert limited.status_code == 429 and "Too many failed sign-ins" in limited.text
    assert 0 < int(limited.headers["Retry-After"]) <= throttle.WINDOW.total_seconds()
    assert _try(world, "de", world.passwords["de"]).status_code == 303     # another account, the same address
    logged = [e.action for e in store.audit_log(world.made) if e.action.startswith("login")]
    assert logged.count(throttle.REFUSED) == throttle.PER_ACCOUNT and throttle.LIMITED in logged
    later = throttle.now() + throttle.WINDOW + timedelta(seconds=1)
    monkeypatch.setattr(throttle, "now", lambda: later)         # a quarter of an hour later: taken again
    world.client.cookies.clear()
    assert _try(world, "nl", world.passwords["nl"]).status_code == 303


def test_failed_sign_ins_are_limited_per_client_address(world):
    from interpreter.portal import throttle
    for n in range(throttle.PER_ADDRESS):
        assert _try(world, f"nobody-{n}", "guess").status_code == 401       # never the same name twice
    limited = _try(world, "de", world.passwords["de"])
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
