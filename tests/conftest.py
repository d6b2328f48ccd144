import os
import shutil
from pathlib import Path

import pytest
from browser import require

from interpreter import RuleSet


def pytest_runtest_setup(item):
    """A test marked `browser` needs Chromium (and, with driver=True, chromedriver): see browser.py."""
    marker = item.get_closest_marker("browser")
    if marker is not None:
        require(driver=marker.kwargs.get("driver", False))


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return RuleSet.prepare()


@pytest.fixture
def rules_copy(tmp_path, monkeypatch) -> Path:
    """A copy of the shipped rules (tmp_path/rules), and a cache folder of this test's own (tmp_path/cache)."""
    rules = tmp_path / "rules"
    shutil.copytree(Path(__file__).resolve().parent.parent / "rules", rules)
    monkeypatch.setenv("AMMR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("AMMR_NO_CACHE", raising=False)
    return rules


@pytest.fixture
def ammr(capsys):
    """Run the command as a user would: returns (exit code, stdout, stderr)."""
    from interpreter import cli

    def run(*args):
        code = cli.run(cli.main, [str(a) for a in args])
        out = capsys.readouterr()
        return code, out.out, out.err
    return run


@pytest.fixture
def golden():
    """Compare text with an expected file; AMMR_REGENERATE=1 rewrites the file (review the diff)."""
    def compare(expected, text: str) -> None:
        if os.environ.get("AMMR_REGENERATE"):
            expected.write_text(text, encoding="utf-8")
        assert expected.exists(), f"no {expected.name}: run with AMMR_REGENERATE=1 and review it"
        assert text == expected.read_text(encoding="utf-8")
    return compare
