"""`ammr data update`: fetching Eurostat's population and GDP, writing them, and saying what changed.

The responses under tests/data/eurostat/ are synthesised in the format Eurostat's SDMX 2.1 API
gives for the queries made (SDMX-ML 2.1), from the figures shipped in rules/data/ (see
make_fixtures.py there): this machine cannot reach Eurostat, so nothing here was recorded live.
They reach the client library through its HTTP layer: a requests adapter mounted on the session
it sends through, or a server on 127.0.0.1 that `--api-url` points at.
"""

import csv
import importlib
import shutil
import threading
from datetime import date
from decimal import Decimal
from fractions import Fraction
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner
from clirunner import AMMR

sdmx = pytest.importorskip("sdmx", reason="the Eurostat client of `ammr data update`: pip install -e '.[data]'")
import requests  # noqa: E402  (a dependency of sdmx1)

from interpreter.tools import eurostat as E  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
FIXTURES = ROOT / "tests" / "data" / "eurostat"
EXPECTED = FIXTURES / "expected"
RETRIEVED = date(2026, 12, 3)
GENERIC = "application/vnd.sdmx.genericdata+xml;version=2.1"
STRUCTURE = "application/vnd.sdmx.structure+xml;version=2.1"
GEOS = E.participating_member_states(RULES)
API_PATH = "/eurostat/api/dissemination/sdmx/2.1"


def _cli_module():
    return importlib.import_module("interpreter.cli.data")


def _routes(files: dict[str, str] | None = None) -> dict[str, tuple[str, str]]:
    """Path and query of each request `ammr data update` makes -> (fixture file, media type)."""
    files = {"demo_pjan": "demo_pjan.data.xml", "nama_10_gdp": "nama_10_gdp.data.xml", **(files or {})}
    routes = {}
    for d in E.DATASETS:
        routes[f"/dataflow/ESTAT/{d.flow}/latest?references=none"] = (f"{d.flow}.dataflow.xml", STRUCTURE)
        routes[f"/data/{d.flow}/{d.key}.{'+'.join(GEOS)}?startPeriod=2023"] = (files[d.flow], GENERIC)
        routes[f"/data/{d.flow}/{d.key}.{'+'.join(GEOS)}+DK?startPeriod=2023"] = (f"{d.flow}.data-with-DK.xml", GENERIC)
    return routes


def _body(name: str) -> bytes:
    return (FIXTURES / name).read_bytes() if not name.startswith("bytes:") else name[6:].encode()


class _Adapter(requests.adapters.BaseAdapter):
    """Answers the exact URLs of `routes` under Eurostat's address with the fixture files; 404 else."""

    def __init__(self, routes):
        super().__init__()
        self.routes = routes

    def send(self, request, **kwargs):
        found = self.routes.get(request.url.removeprefix(E.EUROSTAT_API))
        response = requests.Response()
        response.url, response.request = request.url, request
        response.status_code = 200 if found else 404
        response._content = _body(found[0]) if found else b"not found"
        response.headers["Content-Type"] = found[1] if found else "text/plain"
        return response

    def close(self):
        """Nothing to release: the routes live in memory."""


def _session(routes=None):
    session = sdmx.session.Session(timeout=5)
    session.mount("https://", _Adapter(routes or _routes()))
    return session


def _fetch(dataset, routes=None):
    return E.fetch(dataset, GEOS, 2023, RETRIEVED, session=_session(routes))


def _shipped(dataset) -> dict:
    return E.read_figures(RULES / dataset.file)


def test_the_participating_member_states_are_read_from_the_rules(tmp_path):
    assert len(GEOS) == 26 and "DK" not in GEOS and GEOS[:3] == ("BE", "BG", "CZ")
    (tmp_path / "regulation.rules").write_text('member state DK "Denmark" does not participate\n')
    with pytest.raises(E.EurostatError, match=r"regulation\.rules: no `member state XX .*participates` line"):
        E.participating_member_states(tmp_path)


# --- the parse ----------------------------------------------------------------------------------

@pytest.mark.parametrize("dataset", E.DATASETS, ids=lambda d: d.name)
def test_the_parse_gives_back_the_published_figures_of_the_participating_member_states(dataset):
    extract = _fetch(dataset)
    shipped = {key: value for key, value in _shipped(dataset).items() if key[0] in GEOS}
    assert extract.figures == shipped                   # the same strings, HU 2025 (NaN) left out
    assert all(isinstance(v, str) for v in extract.figures.values())
    assert list(extract.figures)[0][0] == GEOS[0] and list(extract.figures)[-1][0] == GEOS[-1]


def test_vintage_flags_and_query_are_kept():
    extract = _fetch(E.POPULATION)
    assert extract.vintage == "2025-09-30T23:00:00+0200"
    assert ("FR", 2024, "p") in extract.flags and ("PL", 2023, "ep") in extract.flags
    assert extract.url == f"{E.EUROSTAT_API}/data/demo_pjan/A.NR.TOTAL.T.{'+'.join(GEOS)}?startPeriod=2023"
    assert extract.dataset_column() == ("demo_pjan (age=TOTAL, sex=T), population on 1 January; "
                                        "Eurostat update of 2025-09-30T23:00:00+0200; retrieved 2026-12-03")


# --- the written files --------------------------------------------------------------------------

def test_written_files_are_byte_exact(tmp_path):
    extracts = tuple(_fetch(d) for d in E.DATASETS)
    written = E.write_folder(extracts, tmp_path / "new")
    assert [p.name for p in written] == ["eurostat-population.csv", "eurostat-gdp.csv"]
    for path in written:
        assert path.read_bytes() == (EXPECTED / path.name).read_bytes(), path.name
    assert sorted(p.name for p in (tmp_path).iterdir()) == ["new"]     # no staging folder left


def test_the_written_files_are_read_by_the_rules_with_the_same_reference_key(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    extracts = tuple(_fetch(d) for d in E.DATASETS)
    E.write_in_place(extracts, rules)
    from interpreter.api import RuleSet
    ruleset = RuleSet.prepare(rules)
    case = ruleset.case(())
    _, key = E.reference_key(extracts[0].figures, extracts[1].figures, GEOS)
    assert {g: ruleset.value(case, "share", (g,)) for g in GEOS} == key
    assert sum(key.values()) == 1


def test_an_existing_folder_with_files_is_never_overwritten(tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "keep.txt").write_text("mine")
    with pytest.raises(E.EurostatError, match="exists and is not an empty folder"):
        E.write_folder(tuple(_fetch(d) for d in E.DATASETS), tmp_path / "old")
    assert (tmp_path / "old" / "keep.txt").read_text() == "mine"


# --- the report ---------------------------------------------------------------------------------

def test_the_report_lists_added_removed_changed_and_the_effect_on_the_key():
    extracts = tuple(_fetch(d) for d in E.DATASETS)
    current = {d.name: dict(_shipped(d)) for d in E.DATASETS}
    current["population"][("BE", 2025)] = "11000000"        # what the refresh will change back
    del current["gdp"][("MT", 2024)]                         # what it will add
    text = E.report(extracts, current, GEOS)

    assert "  0 added, 5 removed, 1 changed, 74 unchanged" in text      # DK (3 years) and EU27_2020 (2)
    assert "  changed  BE 2025: 11000000 → 11883495" in text
    assert "  removed  DK 2023: " in text and "  removed  EU27_2020 2024: 449306184" in text
    assert "  1 added, 2 removed, 0 changed, 51 unchanged" in text
    assert "  added    MT 2024: 23125.0" in text
    assert "flags as published (not in the CSV): DE 2023 b; FR 2023 p;" in text

    years_old, old_key = E.reference_key(current["population"], current["gdp"], GEOS)
    years_new, new_key = E.reference_key(extracts[0].figures, extracts[1].figures, GEOS)
    assert years_old == (2024, 2023) and years_new == (2024, 2024)   # 2025 lacks HU, IE, LU; MT lacked 2024
    be = new_key["BE"]
    expected_be = (Fraction(1, 2) * Fraction(11817096) / sum(Fraction(int(extracts[0].figures[g, 2024])) for g in GEOS)
                   + Fraction(1, 2) * Fraction(Decimal("620271.8"))
                   / sum(Fraction(Decimal(extracts[1].figures[g, 2024])) for g in GEOS))
    assert be == expected_be
    line = next(line for line in text.splitlines() if line.startswith("  BE  "))
    assert line == (f"  BE  {E.percent(old_key['BE'])} % → {E.percent(be)} %  "
                    f"({E.percent(be - old_key['BE'], signed=True)} points)")
    assert "population 2024 → 2024, GDP 2023 → 2024" in text


def test_percent_rounds_for_display_only():
    assert E.percent(Fraction(1, 3)) == "33.3333"
    assert E.percent(Fraction(-1, 80000), signed=True) == "-0.0012"
    assert E.percent(Fraction(1, 80000), signed=True) == "+0.0012"


# --- what goes wrong ----------------------------------------------------------------------------

def test_a_member_state_without_figures_is_an_error():
    routes = _routes({"nama_10_gdp": "nama_10_gdp.data-without-MT.xml"})
    with pytest.raises(E.EurostatError, match=r"^nama_10_gdp: Eurostat returned no figure for MT \(asked for 26"):
        _fetch(E.GDP, routes)


def test_a_malformed_response_is_an_error_with_its_position():
    truncated = "bytes:" + (FIXTURES / "demo_pjan.data.xml").read_text()[:3000]
    routes = _routes({"demo_pjan": truncated})
    with pytest.raises(E.EurostatError, match=r"^malformed response to https://ec\.europa\.eu/.*line \d+"):
        _fetch(E.POPULATION, routes)


def test_a_figure_that_is_not_a_number_is_an_error():
    text = (FIXTURES / "demo_pjan.data.xml").read_text().replace('value="11817096"', 'value="11817096.5"')
    with pytest.raises(E.EurostatError, match=r"BE 2024 is '11817096\.5', not a whole number"):
        _fetch(E.POPULATION, _routes({"demo_pjan": "bytes:" + text}))


def test_another_series_than_asked_is_an_error():
    text = (FIXTURES / "nama_10_gdp.data.xml").read_text().replace('value="CP_MEUR"', 'value="CLV20_MEUR"', 1)
    with pytest.raises(E.EurostatError, match="a series A.CLV20_MEUR.B1GQ instead of A.CP_MEUR.B1GQ"):
        _fetch(E.GDP, _routes({"nama_10_gdp": "bytes:" + text}))


def test_an_http_error_is_an_error():
    with pytest.raises(E.EurostatError, match=r"^Eurostat answered HTTP 404 to https://ec\.europa\.eu/.*/data/demo_pjan/"):
        E.fetch(E.POPULATION, GEOS, 2022, RETRIEVED, session=_session())        # a query not in the routes


# --- the command, over HTTP on 127.0.0.1 ------------------------------------------------------------

@pytest.fixture
def serve():
    """Starts a server on 127.0.0.1 answering `routes` at Eurostat's path; gives its --api-url."""
    servers = []

    def start(routes):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                found = routes.get(self.path.removeprefix(API_PATH))
                body = _body(found[0]) if found else b"not found"
                self.send_response(200 if found else 404)
                self.send_header("Content-Type", found[1] if found else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                """Silent: the tests read the responses, not the server's log."""

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}{API_PATH}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _run(args, monkeypatch):
    module = _cli_module()
    monkeypatch.setattr(module, "retrieval_date", lambda: RETRIEVED)
    # through the `ammr` command itself, as a user runs it: exit codes come from cli.run
    return CliRunner().invoke(AMMR, ["data", "update", *args])



def test_update_writes_a_new_folder_and_prints_the_changes(serve, tmp_path, monkeypatch):
    eurostat_server = serve(_routes())
    result = _run(["--to", str(tmp_path / "out"), "--api-url", eurostat_server], monkeypatch)
    assert result.exit_code == 0, result.output
    assert "population (demo_pjan, " in result.output and "reference key (Annex I" in result.output
    assert f"wrote {tmp_path / 'out' / 'eurostat-population.csv'} (75 rows)" in result.output
    assert f"wrote {tmp_path / 'out' / 'eurostat-gdp.csv'} (52 rows)" in result.output
    for name in ("eurostat-population.csv", "eurostat-gdp.csv"):
        written = (tmp_path / "out" / name).read_text().replace(eurostat_server, E.EUROSTAT_API)
        assert written == (EXPECTED / name).read_text()
    assert (RULES / "data" / "eurostat-gdp.csv").read_bytes() != (tmp_path / "out" / "eurostat-gdp.csv").read_bytes()


def test_update_in_place_replaces_the_rule_sets_files(serve, tmp_path, monkeypatch):
    eurostat_server = serve(_routes())
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    result = _run(["--in-place", "--rules", str(rules), "--api-url", eurostat_server], monkeypatch)
    assert result.exit_code == 0, result.output
    with (rules / "data" / "eurostat-gdp.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 52 and rows[0]["dataset"].endswith("retrieved 2026-12-03")
    assert "still describes the previous extract" in result.output
    assert sorted(p.name for p in (rules / "data").iterdir() if p.name.startswith(".")) == []


def test_unreachable_network_is_one_line_and_exit_2(tmp_path, monkeypatch):
    with socket_closed_port() as port:
        result = _run(["--to", str(tmp_path / "out"), "--api-url", f"http://127.0.0.1:{port}/sdmx/2.1"], monkeypatch)
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert result.output.startswith(f"ammr data update: cannot reach Eurostat at http://127.0.0.1:{port}/sdmx/2.1 "
                                    "(Connection refused)")
    assert not (tmp_path / "out").exists()


def test_a_member_state_missing_writes_nothing(serve, tmp_path, monkeypatch):
    api = serve(_routes({"nama_10_gdp": "nama_10_gdp.data-without-MT.xml"}))
    result = _run(["--to", str(tmp_path / "out"), "--api-url", api], monkeypatch)
    assert result.exit_code == 2
    assert result.output.startswith("ammr data update: nama_10_gdp: Eurostat returned no figure for MT")
    assert result.output.count("\n") == 1
    assert not (tmp_path / "out").exists() and list(tmp_path.iterdir()) == []


def test_geo_fetches_more_but_the_key_stays_with_the_participating_member_states(serve, tmp_path, monkeypatch):
    api = serve(_routes())
    result = _run(["--to", str(tmp_path / "out"), "--api-url", api, "--geo", "dk"], monkeypatch)
    assert result.exit_code == 0, result.output
    assert "removed  DK" not in result.output and "  0 added, 2 removed, 0 changed, 78 unchanged" in result.output
    assert "reference key (Annex I: 50 % population share + 50 % GDP share, 26 Member States;" in result.output
    assert not any(line.startswith("  DK  ") for line in result.output.splitlines())
    with (tmp_path / "out" / "eurostat-gdp.csv").open(newline="") as handle:
        rows = [(row["geo"], row["year"], row["value"]) for row in csv.DictReader(handle)]
    assert rows[-2:] == [("DK", "2023", "374173.6"), ("DK", "2024", "392400.7")]


def test_a_bad_current_file_is_named_with_its_line(serve, tmp_path, monkeypatch):
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    gdp = rules / "data" / "eurostat-gdp.csv"
    gdp.write_text(gdp.read_text().replace("602376.3", "602 376.3", 1))
    result = _run(["--rules", str(rules), "--to", str(tmp_path / "out"), "--api-url", serve(_routes())], monkeypatch)
    assert result.exit_code == 2
    assert result.output == (f"ammr data update: {gdp}:2: a row needs a year and a number: '2023', '602 376.3'\n")


def test_a_folder_that_cannot_be_made_is_an_error_not_a_traceback(tmp_path):
    (tmp_path / "file").write_text("")
    with pytest.raises(E.EurostatError, match=r"file/out: cannot write \(File exists: .*/file\); nothing was written"):
        E.write_folder(tuple(_fetch(d) for d in E.DATASETS), tmp_path / "file" / "out")


def test_api_url_must_be_a_url(tmp_path, monkeypatch):
    result = _run(["--to", str(tmp_path / "out"), "--api-url", "ec.europa.eu"], monkeypatch)
    assert result.exit_code == 2 and "'ec.europa.eu' is not an http(s) URL" in result.output


def test_to_and_in_place_exclude_each_other(tmp_path, monkeypatch):
    result = _run(["--to", str(tmp_path), "--in-place"], monkeypatch)
    assert result.exit_code == 2 and "exclude each other" in result.output


class socket_closed_port:
    """A port on 127.0.0.1 that nothing listens on: bound, never listened to, so connecting is refused."""

    def __enter__(self):
        import socket
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        return self.socket.getsockname()[1]

    def __exit__(self, *exc):
        self.socket.close()
