"""The installable package: the wheel carries the rule set (rules, law text, reference data, holiday
calendar) and its scenarios, and `ammr` works from any folder of a fresh virtual environment.

The slow test builds the wheel from a copy of the sources, installs it in a new virtual environment
from a folder of wheels (`pip install --no-index --find-links`; the dependencies are fetched into
that folder first, at exactly the versions installed here, from pip's cache or the package index),
and runs the commands in a folder outside the project."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
import venv
from importlib import metadata
from pathlib import Path

import jsonschema
import pytest

from interpreter import RuleSet, api

ROOT = Path(__file__).resolve().parent.parent
# What a wheel is built from: the package, its rule set and scenarios, and the project files.
SOURCES = ("pyproject.toml", "README.md", "interpreter", "rules", "tests/scenarios")


def test_every_package_of_the_source_is_in_the_wheel():
    """pyproject.toml lists the packages (it must: the rule set is mapped from outside interpreter/);
    a new subpackage left out of the list would be missing from the wheel."""
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "interpreter").rglob("__init__.py")}
    assert found <= listed
    assert listed - found == {"interpreter.ruleset", "interpreter.ruleset.scenarios"}


def test_the_shipped_rules_are_found_as_package_resources():
    """Installed editable, the package interpreter.ruleset is the checkout's rules/ folder, so edits
    of the rules are seen; without --rules or $AMMR_RULES that is the rule set used."""
    assert api.shipped_rules() == ROOT / "rules"
    assert (api.shipped_rules() / "art-012.rules").is_file()
    assert api.scenario_folders(api.shipped_rules())[1] == ROOT / "tests" / "scenarios"


def test_configuration_flag_then_environment_then_shipped(tmp_path, monkeypatch, ammr):
    """--rules first, then $AMMR_RULES, then the rules installed with the package."""
    monkeypatch.delenv("AMMR_RULES", raising=False)
    assert api.rules_directory() == ROOT / "rules"
    monkeypatch.setenv("AMMR_RULES", str(tmp_path))
    assert api.rules_directory() == tmp_path
    code, _, err = ammr("rules")                                   # the empty folder of $AMMR_RULES
    assert code == 3 and f"no rule files (*.rules) in {tmp_path}" in err
    code, out, _ = ammr("rules", "--rules", ROOT / "rules")          # the flag wins
    assert code == 0 and "no errors" in out


def test_scenarios_are_the_rule_sets_or_an_error_that_says_where_it_looked(tmp_path, monkeypatch, ammr):
    """`ammr coverage` (and `test`, `docs`) run the rule set's own scenarios; a rule set without any
    is an error naming the folders looked in, never zero scenarios and a hundred gaps."""
    monkeypatch.chdir(tmp_path)
    mine = tmp_path / "my-rules"
    mine.mkdir()
    for command in (["coverage"], ["test"], ["docs"]):
        code, _, err = ammr(*command, "--rules", mine)
        assert code == 2 and "no scenario tests for the rules in my-rules: looked in my-rules/scenarios and " \
            "tests/scenarios" in err, (command, err)
    code, _, err = ammr("coverage", "--scenarios", tmp_path / "none")
    assert code == 2 and "no such folder" in err
    (mine / "scenarios").mkdir()
    code, _, err = ammr("coverage", "--rules", mine)
    assert code == 3 and "no rule files" in err                  # found its scenarios; then its (missing) rules


# ------------------------------------------------------------------ the wheel, installed

def _run(args: list, cwd: Path, env: dict | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _built_wheel(tmp: Path) -> Path:
    source = tmp / "source"
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", tmp / "dist", source], tmp)
    assert built.returncode == 0, built.stdout + built.stderr
    wheels = list((tmp / "dist").glob("ammr_rules-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def _wheelhouse(tmp: Path, wheel: Path) -> Path:
    """The wheel and its dependencies, at the versions installed here, in one folder."""
    house = tmp / "wheelhouse"
    pins = tmp / "installed.txt"
    pins.write_text("".join(f"{d.metadata['Name']}=={d.version}\n" for d in metadata.distributions()
                            if d.metadata["Name"] and d.metadata["Name"].lower() != "ammr-rules"))
    fetched = _run([sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--constraint", pins,
                    "--dest", house, wheel], tmp)
    assert fetched.returncode == 0, "the dependencies could not be fetched (from pip's cache or the index):\n" \
        + fetched.stdout + fetched.stderr
    return house


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, Path, dict]:
    """A fresh virtual environment with the wheel installed, and a working folder outside the project."""
    tmp = tmp_path_factory.mktemp("wheel")
    wheel = _built_wheel(tmp)
    house = _wheelhouse(tmp, wheel)
    environment = tmp / "venv"
    venv.create(environment, with_pip=True)
    python = environment / "bin" / "python"
    done = _run([python, "-m", "pip", "install", "--no-index", "--find-links", house, "ammr-rules"], tmp)
    assert done.returncode == 0, done.stdout + done.stderr
    work = tmp / "elsewhere"
    work.mkdir()
    shutil.copytree(ROOT / "examples" / "2026", work / "cycle")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AMMR_", "PYTHON", "VIRTUAL_ENV"))}
    env.update(PATH=f"{environment / 'bin'}{os.pathsep}{env.get('PATH', '')}", AMMR_NO_CACHE="1",
               AMMR_CHECKED_AT="2026-01-02T03:04:05Z")
    return environment, work, env


@pytest.mark.slow
def test_the_wheel_checks_documents_from_any_folder(installed):
    environment, work, env = installed
    where = _run([environment / "bin" / "python", "-c", "import interpreter.api as a; print(a.__file__); "
                                                        "print(a.shipped_rules())"], work, env)
    code_file, rules_folder = where.stdout.split()
    assert code_file.startswith(str(environment)) and rules_folder.startswith(str(environment)), where.stdout

    checked = _run(["ammr", "check", "cycle"], work, env)
    assert checked.returncode == 1, checked.stderr                 # the real proposal was late: non-compliant
    assert "27 days late" in checked.stdout and "Audit record" in checked.stdout

    as_json = _run(["ammr", "check", "cycle", "--format", "json", "-o", "result.json"], work, env)
    assert as_json.returncode == 1, as_json.stderr
    data = json.loads((work / "result.json").read_text(encoding="utf-8"))
    schema = json.loads((Path(rules_folder).parent / "report" / "ammr-check-1.schema.json").read_text())
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    # the same files as the checkout's rules/: the same rule set, by its hash
    assert data["audit"]["rules"]["sha256"] == RuleSet.prepare(ROOT / "rules").fingerprint.sha256
    assert data["audit"]["tool"]["version"] == metadata.version("ammr-rules")

    verified = _run(["ammr", "verify", "result.json"], work, env)
    assert verified.returncode == 0, verified.stdout + verified.stderr


@pytest.mark.slow
def test_the_wheel_tests_covers_and_documents_its_own_rules(installed):
    environment, work, env = installed
    ran = _run(["ammr", "rules"], work, env)
    assert ran.returncode == 0 and "no errors" in ran.stdout, ran.stderr
    ran = _run(["ammr", "test"], work, env)
    expected = sum(1 for line in ran.stdout.splitlines() if line.startswith("  ✔ pass"))
    assert ran.returncode == 0 and expected > 100 and "0 failed" in ran.stdout, ran.stdout[-2000:] + ran.stderr
    ran = _run(["ammr", "coverage", "--gaps"], work, env)
    assert ran.returncode == 0 and "0 gaps" in ran.stdout, ran.stdout[-2000:] + ran.stderr
    (work / "site").mkdir()
    ran = _run(["ammr", "docs", "--root", "site"], work, env)
    assert ran.returncode == 0, ran.stderr
    assert (work / "site" / "generated_docs" / "articles" / "art-12.md").is_file()
    assert "minimum_relocations" in (work / "site" / "generated_docs" / "articles" / "art-12.md").read_text()


@pytest.mark.slow
def test_the_wheel_takes_another_rule_set_whole(installed):
    """--rules (or $AMMR_RULES) selects a rule set with its own law text, data and calendar: here a
    copy of the rules whose calendar ends in 2026."""
    environment, work, env = installed
    mine = work / "my-rules"
    shutil.copytree(ROOT / "rules", mine, ignore=shutil.ignore_patterns("__pycache__", "__init__.py"))
    calendar = mine / "data" / "official-holidays.csv"
    lines = calendar.read_text(encoding="utf-8").splitlines(keepends=True)
    calendar.write_text(lines[0] + "".join(line for line in lines[1:] if line[3:7] < "2027"), encoding="utf-8")
    for chosen, variables in ((["--rules", mine], {"AMMR_RULES": str(work / "nowhere")}),
                              ([], {"AMMR_RULES": str(mine)})):
        ran = _run(["ammr", "check", "cycle", "--format", "json", *chosen], work, {**env, **variables})
        assert ran.returncode == 1, ran.stderr
        audit = json.loads(ran.stdout)["audit"]
        assert audit["rules"]["folder"] == "my-rules"
        assert (audit["calendar"]["file"], audit["calendar"]["last_year"]) == ("data/official-holidays.csv", 2026)
    ran = _run(["ammr", "rules", "--rules", mine], work, env)
    assert ran.returncode == 0 and "ends in 2026" in ran.stderr, ran.stderr
