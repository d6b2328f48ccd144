"""Start-up (issue 15): each command imports only what it uses. The commands run as the `ammr`
program runs them (interpreter.cli.main_entry) in a fresh process, which writes the modules it
has imported when it exits; the assertions are on those names, not on timings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLEDGE = str(ROOT / "examples/2026/pledge-netherlands-illustrative.yaml")
PROPOSAL = str(ROOT / "examples/2026/commission-proposal.yaml")

PROBE = """
import atexit, json, sys
out = sys.argv[1]
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
from interpreter.cli import main_entry
sys.argv = ["ammr", *sys.argv[2:]]
main_entry()
"""

# Parsing the rules (Lark), validating a document the slow way (pydantic), the compiled engine, the
# JSON encoder, the package metadata and resources machinery: none of them is needed by a check of
# a well-formed document once the rules are prepared.
NOT_FOR_A_CHECK = ("lark", "interpreter.language.parse", "pydantic", "pydantic_core", "interpreter.engine.models",
                   "interpreter.engine.compiled", "interpreter.report.jsontext", "importlib.metadata",
                   "importlib.resources")


def imported(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    """The exit code of `ammr ARGS` and the modules it imported (run outside the project, whose
    folder holds the egg-info of an editable install, as the `ammr` program runs)."""
    out = tmp_path / "modules.json"
    env = {**os.environ, "AMMR_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("AMMR_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", PROBE, str(out), *args], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert out.exists(), done.stderr
    return done.returncode, set(json.loads(out.read_text()))


def loaded(modules: set[str], prefixes: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m in prefixes or m.startswith(tuple(p + "." for p in prefixes)))


def test_help_imports_no_command_and_nothing_heavy(tmp_path):
    code, modules = imported(tmp_path, "--help")
    assert code == 0
    assert "click" in modules and "interpreter.cli" in modules         # the probe sees what ran
    heavy = ("interpreter.api", "interpreter.cli.documents", "interpreter.language.syntax", "lark", "pydantic",
             "pydantic_core", "jinja2", "yaml", "importlib.metadata", "secrets")
    assert loaded(modules, heavy) == []


@pytest.mark.slow
def test_a_check_with_the_rules_prepared_imports_no_parser_and_no_model(tmp_path):
    first, modules = imported(tmp_path, "check", PLEDGE, PROPOSAL)       # prepares the rules, fills the cache
    assert "lark" in modules                                            # it parsed them: the probe sees it
    code, modules = imported(tmp_path, "check", PLEDGE, PROPOSAL)
    assert code == first == 1
    assert "interpreter.report.pool" in modules and "yaml" in modules
    assert loaded(modules, NOT_FOR_A_CHECK) == []


@pytest.mark.slow
def test_what_a_check_imports_only_when_asked(tmp_path):
    """The same check in JSON imports the JSON encoder; a document the fast reader steps aside from
    brings in the pydantic models, for their positioned message."""
    imported(tmp_path, "check", PLEDGE)
    _, modules = imported(tmp_path, "check", PLEDGE, "--format", "json")
    assert "interpreter.report.jsontext" in modules
    bad = tmp_path / "bad.yaml"
    bad.write_text((ROOT / PLEDGE).read_text(encoding="utf-8").replace("relocations: 800", "relocations: '800'"),
                   encoding="utf-8")
    code, modules = imported(tmp_path, "check", str(bad))
    assert code == 2 and "interpreter.engine.models" in modules and "lark" not in modules


VERSIONS = """
from importlib import metadata
from interpreter.report.audit import _dist_info_version, tool_version
print(_dist_info_version(), tool_version(), metadata.version("ammr-rules"))
"""


def versions(cwd: Path) -> list[str]:
    done = subprocess.run([sys.executable, "-c", VERSIONS], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": ""})
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_version_read_without_importlib_metadata_is_the_one_it_reads(tmp_path):
    """The audit record's version comes from the tool's dist-info folder, found as importlib.metadata
    finds it; where the first metadata on the path is an egg-info (here: in the working folder,
    first on the path of `python -c`), importlib.metadata reads it, as before."""
    fast, used, reference = versions(tmp_path)
    assert fast == used == reference != "None"
    egg = tmp_path / "ammr_rules.egg-info"
    egg.mkdir()
    (egg / "PKG-INFO").write_text("Metadata-Version: 2.1\nName: ammr-rules\nVersion: 9.9.9\n", encoding="utf-8")
    assert versions(tmp_path) == ["None", "9.9.9", "9.9.9"]
