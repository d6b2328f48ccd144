"""The report templates precompiled to Python (interpreter/report/precompiled/, written by
`python -m interpreter.tools.templates`): up to date, used, and never used once stale."""

from __future__ import annotations

import jinja2
import pytest

from interpreter import explain, render
from interpreter.report import render as R
from interpreter.tools import templates as T


def test_the_precompiled_templates_are_up_to_date():
    """Each file is what the templates and the Jinja2 installed make: a template edited (or
    Jinja2 upgraded) without running the generator fails here."""
    stale = [name for name, text in T.files().items()
             if not (T.FOLDER / name).exists() or (T.FOLDER / name).read_text(encoding="utf-8") != text]
    extra = sorted({p.name for p in T.FOLDER.glob("*.py")} - set(T.files()))
    assert not stale and not extra, \
        f"stale {stale}, left over {extra}: run python -m interpreter.tools.templates"


def _fresh_environment() -> jinja2.Environment:
    R.environment.cache_clear()
    try:
        return R.environment()
    finally:
        R.environment.cache_clear()


@pytest.mark.parametrize("name", T.templates())
def test_each_template_is_loaded_from_its_module(name):
    template = _fresh_environment().get_template(name)
    assert template.filename is not None and template.filename.endswith(f"precompiled/{R.module_name(name)}.py")


def test_a_stale_module_is_not_used(monkeypatch):
    """A template whose source no longer matches its module's (or a different Jinja2) is compiled
    from the source: the output is the template's as it is now."""
    index = pytest.importorskip(R.PRECOMPILED)
    monkeypatch.setitem(index.SOURCES, "check.txt.j2", "0" * 64)
    assert R.precompiled_module("check.txt.j2") is None
    template = _fresh_environment().get_template("check.txt.j2")
    assert template.filename == str(R.TEMPLATES / "check.txt.j2")
    monkeypatch.setattr(index, "JINJA2", "0.0")
    assert R.precompiled_module("audit.txt.j2") is None


def test_precompiled_and_source_render_the_same(rules, monkeypatch):
    """A real result (the 2026 cycle, with its pool report) in every format, through the
    precompiled templates and through the templates compiled from source: the same text."""
    monkeypatch.setenv("AMMR_CHECKED_AT", "2026-12-03T12:00:00Z")
    result = rules.evaluate(rules.case(rules.read(["examples/2026"])))
    data = explain(rules, result, traces=True)

    def every_format() -> list[str]:
        R.environment.cache_clear()
        try:
            return [render(data, fmt) for fmt in ("check", "text", "md", "html")]
        finally:
            R.environment.cache_clear()

    precompiled = every_format()
    monkeypatch.setattr(R, "precompiled_module", lambda name: None)
    from_source = every_format()
    assert precompiled == from_source
    assert all(len(text) > 1000 for text in precompiled)
