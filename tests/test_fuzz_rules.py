"""No rule text, however broken, gets anything but positioned errors (hypothesis).

Random text, random bytes, the shipped rule files with tokens deleted, inserted, swapped
or replaced, very long lines and deep nesting go through the whole way a rule file goes
(parse, check with the shipped rules, lint, format, evaluate the bundled example): each
either succeeds or fails with a `Failed` whose every diagnostic has a code, a message and
a position in the text. A traceback fails the test. The number of inputs per test is
AMMR_FUZZ_EXAMPLES (default 150); bench/fuzz.py runs a longer campaign.
"""

import os
import re
import tempfile
from pathlib import Path

import pytest
from fuzz import harness
from fuzz.documents import made_once
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interpreter import Failed, RuleSet
from interpreter.language.diagnostics import printable
from interpreter.language.parse import MAX_NESTING, parse_file, parse_text
from interpreter.tools.formatter import format_text, without_spans
from interpreter.tools.lint import lint

pytestmark = pytest.mark.slow          # Hypothesis, or whole copies of the rules folder: see CONTRIBUTING.md

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("AMMR_FUZZ_EXAMPLES", "150"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SOURCES = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "rules").glob("*.rules"))] + \
          [(ROOT / "tests" / "language" / "good" / "every_construct.rules").read_text(encoding="utf-8")]
TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|#[^\n]*|\w+|\s+|.', re.S)
VOCABULARY = ["requirement", "exception", "definition", "constant", "cites", "for", "each", "in", "when", "unless",
              "requires", "then", "priority", "notwithstanding", "needs", "assessment", "by", "is", "at", "least",
              "and", "or", "not", "given", "(", ")", "[", "]", ",", ":", "=", ".", "+", "-", "*", "/", "%",
              '"text"', '"', "Art 12(2)(a)", "Art 57(9)", "30 000", "0,5", "1.000", "persons", "EUR", "million",
              "15 October", "2026", "sum(", "participating member states", "\n", "\n  ", "#", "proposal",
              "proposal.relocations", "x", "yes", "none", "if", "else", "member state", "DE", "\u00a0", "\t"]


def assert_positioned(failure: Failed, text: str, name: str) -> None:
    """Every diagnostic has a code, a message and a position; the line shown is the line meant."""
    assert failure.diagnostics, "a failure without a diagnostic"
    lines = text.split("\n")
    for d in failure.diagnostics:
        assert re.fullmatch(r"[A-Z]\d{3}", d.code) and d.message, d
        assert d.span.line >= 1 and d.span.column >= 1, d
        if d.span.file.endswith(name):
            assert d.span.line <= len(lines) + 1, (d, len(lines))
            shown = lines[d.span.line - 1].rstrip("\r").expandtabs(1) if d.span.line <= len(lines) else ""
            if shown.strip() and len(shown) <= 200:
                # control characters are shown as escapes (diagnostics.printable)
                assert f"{d.span.line} | {printable(shown)}\n" in d.render(text), (d, shown)
    failure.render()


def through_everything(text: str) -> None:
    """Parse, format, check with the shipped rules, lint, evaluate: positioned errors only."""
    with watchdog():
        _through_everything(text)


def _through_everything(text: str) -> None:
    name = "fuzzed.rules"
    try:
        parsed = parse_text(text, name)
    except Failed as failure:
        assert_positioned(failure, text, name)
        return
    formatted = format_text(text, name)           # FormatError (a bug) is not caught
    assert without_spans(parse_text(formatted, name).declarations) == without_spans(parsed.declarations)
    with tempfile.TemporaryDirectory() as folder:
        path = written(folder, name, text)
        report = lint([path])
        for d in report.diagnostics:
            assert d.span.line >= 1 and d.span.column >= 1, d
        report.render()
        if report.errors:
            return
        rules = RuleSet.prepare(extra=[path])
        try:
            result = rules.check([ROOT / "examples" / "2026"])
        except Failed as failure:                 # the fuzzed rules may declare what the documents break
            assert_positioned(failure, text, name)
            return
        from interpreter.report.render import render_check
        from interpreter.report.view import view
        render_check(view(result, rules))


def watchdog():
    """bench/fuzz.py sets AMMR_FUZZ_WATCHDOG (seconds): an input taking longer is a hang, and fails
    like a traceback would (hypothesis then shrinks it). Unset in CI: no test here is timed."""
    return harness.watchdog(int(os.environ.get("AMMR_FUZZ_WATCHDOG", "0")))


_ACTIONS = st.sampled_from(["delete", "insert", "swap", "duplicate", "replace"])


@st.composite
def mutated(draw, sources, vocabulary, token=TOKEN) -> str:
    """One of the texts with 1 to 4 tokens deleted, inserted, swapped, duplicated or replaced."""
    tokens = token.findall(draw(made_once("sources", sources, lambda: st.sampled_from(sources))))
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(tokens) - 1))
        action = draw(_ACTIONS)
        word = draw(made_once("words", vocabulary, lambda: st.sampled_from(vocabulary) | st.text(max_size=3)))
        if action == "delete":
            del tokens[i]
        elif action == "insert":
            tokens.insert(i, word)
        elif action == "swap":
            j = draw(st.integers(0, len(tokens) - 1))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        elif action == "duplicate":
            tokens.insert(i, tokens[i])
        else:
            tokens[i] = word
    return "".join(tokens)


def written(folder: str, name: str, content: str | bytes) -> Path:
    path = Path(folder) / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


@SETTINGS
@given(mutated(SOURCES, VOCABULARY))
def test_mutated_rule_files(text):
    through_everything(text)


@SETTINGS
@given(st.text(max_size=400) | st.lists(st.sampled_from(VOCABULARY), max_size=60).map(" ".join))
def test_random_text(text):
    through_everything(text)


@SETTINGS
@given(st.binary(max_size=400))
def test_random_bytes(data):
    with tempfile.TemporaryDirectory() as folder:
        path = written(folder, "bytes.rules", data)
        try:
            with watchdog():
                parse_file(path)
        except Failed as failure:
            assert_positioned(failure, data.decode("utf-8", "replace"), "bytes.rules")


HEAD = 'requirement deep "Deep"\n  cites Art 12(2)(a)\n  for proposal: CommissionProposal\n  requires '
EXTREMES = {
    "10 000 nested brackets": HEAD + "(" * 10_000 + "proposal.relocations is given" + ")" * 10_000,
    "10 000 nested sums": HEAD + "(1 person + " * 10_000 + "proposal.relocations" + ")" * 10_000 + " is at least 1 person",
    "10 000 nots": HEAD + "not " * 10_000 + "proposal.no_need_indicated",
    "10 000 ands": HEAD + " and ".join(["proposal.no_need_indicated"] * 10_000),
    "10 000 indexes": HEAD + "proposal.indicative_relocations" + "[DE]" * 10_000 + " is given",
    "10 000 unclosed brackets": HEAD + "(" * 10_000,
    "a line of a million characters": HEAD + "proposal." + "x" * 1_000_000 + " is given",
    "a text of a million characters": 'requirement r "' + "a" * 1_000_000 + '"\n  cites Art 1\n  requires yes',
    "a number of a million digits": HEAD + "proposal.relocations is at least " + "9" * 1_000_000 + " persons",
    "300 broken declarations": 'requirement r "t"\n  cites\n' * 300,
    "a NUL byte": HEAD + "proposal\x00.relocations",
    "a byte order mark and form feeds": "\ufeff\f" + HEAD + "proposal.no_need_indicated\f",
    "page breaks before a mistake": "constant a = 1 persons\f\n  cites Art 12(2)(a)\v\n\u2028\nconstant b = 0,5\n",
    "only a comment": "# nothing else",
}


@pytest.mark.parametrize("text", EXTREMES.values(), ids=EXTREMES.keys())
def test_extremes(text):
    through_everything(text)


def test_nesting_up_to_the_limit_goes_through_every_stage():
    """The limit on nesting protects every stage that walks expressions: just below it, all work."""
    depth = MAX_NESTING - 8           # the declaration and its clause are two of the levels counted
    text = HEAD + "(1 person + " * depth + "proposal.relocations" + ")" * depth + " is at least 1 person\n"
    through_everything(text)
    with tempfile.TemporaryDirectory() as folder:
        path = written(folder, "deep.rules", text)
        rules = RuleSet.prepare(extra=[path])
        from interpreter.report.render import render_explain
        from interpreter.report.view import view
        result = rules.check([ROOT / "examples" / "2026"])
        assert "deep" in render_explain(view(result, rules, traces=True))
