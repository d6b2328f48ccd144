"""Rule scenarios as pytest tests: each scenario of a YAML file under a `scenarios/` folder
is one test item, named `<file>::<scenario name>`.

Registered by the package (entry point `pytest11` in pyproject.toml), so a plain `pytest`
runs every scenario once. A failing scenario prints, for each expectation it misses, the
verdict expected and the one given, the provision cited, and the reason as a unified diff
of expected against actual. `ammr test` runs the same scenarios without pytest.

Options: `--ammr-rules DIR` checks the scenarios against another rules folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ..language.diagnostics import Failed


def pytest_addoption(parser) -> None:
    group = parser.getgroup("ammr", "AMMR rule scenarios")
    group.addoption("--ammr-rules", dest="ammr_rules", metavar="DIR", default=None,
                    help="rules folder the scenarios are checked against (default: the project's rules/)")


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix in (".yaml", ".yml") and "scenarios" in file_path.parent.parts and _holds_scenarios(file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def _holds_scenarios(path: Path) -> bool:
    """Only files that say they hold scenarios: other YAML (documents, test data) is left alone."""
    try:
        with path.open(encoding="utf-8") as handle:
            return any(line.startswith("scenarios:") for line in handle)
    except (OSError, UnicodeDecodeError):
        return False


class ScenarioFile(pytest.File):
    def collect(self):
        from . import scenarios  # late: pytest loads this plugin in every run, the rules only when collected
        try:
            found = scenarios.load(self.path)
        except Failed as failure:
            raise self.CollectError(failure.render()) from None
        for scenario in found:
            yield ScenarioItem.from_parent(self, name=scenario.name, scenario=scenario)


class ScenarioFailed(Exception):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


class ScenarioItem(pytest.Item):
    def __init__(self, *, scenario, **kwargs):
        super().__init__(**kwargs)
        self.scenario = scenario
        # A scenario takes no fixtures. Said explicitly because pytest-lsp 1.0 (in the test extra) wraps
        # every test call and, for an item without `funcargs`, leaves its wrapper without yielding,
        # which fails the item ("did not yield").
        self.funcargs: dict = {}

    def runtest(self) -> None:
        from . import scenarios  # late: pytest loads this plugin in every run, the rules only when collected
        rules = _rules(self.config)
        if isinstance(rules, Failed):
            raise ScenarioFailed("the rules do not check:\n" + rules.render())
        report = scenarios.verify(rules, self.scenario)
        if not report.passed:
            raise ScenarioFailed(report.render())

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ScenarioFailed):
            return excinfo.value.text
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, max(self.scenario.line - 1, 0), f"scenario: {self.scenario.name}"


_PREPARED = pytest.StashKey[object]()


def _rules(config):
    """The rule set, prepared once per test session (or the failure that prevented it)."""
    if _PREPARED not in config.stash:
        from ..api import RuleSet  # late: pytest loads this plugin in every run, the rules only when collected
        try:
            config.stash[_PREPARED] = RuleSet.prepare(config.getoption("ammr_rules"))
        except Failed as failure:
            config.stash[_PREPARED] = failure
    return config.stash[_PREPARED]
