"""The VS Code extension in editors/vscode/: its manifest, and its TextMate grammar checked against
the Pygments lexer the docs use, so that a rule file looks the same in the editor and in the docs.

The grammar is run by the engine VS Code itself uses (vscode-textmate on vscode-oniguruma, through
editors/vscode/scripts/tokenize.js). Those tests need Node.js and the extension's node_modules:
without them they are skipped, and fail instead when AMMR_REQUIRE_EDITOR=1 (as in .ci/run, after
editors/vscode/build.sh has installed them).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from pygments.token import (Comment, Error, Keyword, Literal, Name, Number, Operator, Punctuation, String,
                            Text)

from interpreter.language.library import FUNCTIONS
from interpreter.tools.highlight import AmmrLexer

ROOT = Path(__file__).resolve().parent.parent
EXTENSION = ROOT / "editors" / "vscode"
SAMPLE = ROOT / "tests" / "editors" / "sample.rules"
SHIPPED = sorted((ROOT / "rules").glob("*.rules"))
GRAMMAR = EXTENSION / "syntaxes" / "ammr.tmLanguage.json"

CATEGORIES = ("keyword", "citation", "number", "unit", "date", "string", "comment", "name", "operator",
              "function", "constant", "punctuation")

# A TextMate token's category is that of its outermost scope with one (meta scopes have none), so
# that the quote marks of a string are string and a `# lint: allow` directive is comment.
TEXTMATE_CATEGORIES = (
    ("comment.", "comment"), ("string.quoted.", "string"), ("constant.other.citation.", "citation"),
    ("constant.numeric.", "number"), ("constant.other.date.", "date"), ("constant.language.", "constant"),
    ("support.type.", "unit"), ("support.function.", "function"), ("keyword.operator.", "operator"),
    ("keyword.", "keyword"), ("entity.name.", "name"), ("variable.", "name"), ("punctuation.", "punctuation"),
    ("invalid.", "error"),
)

# A Pygments token's category is that of the first type here it falls under (Keyword.Type is a unit
# or type word: the lexer does not tell them apart).
PYGMENTS_CATEGORIES = (
    (Comment, "comment"), (String, "string"), (Name.Label, "citation"), (Name.Builtin, "function"),
    (Name, "name"), (Keyword.Type, "unit"), (Keyword.Constant, "constant"), (Keyword, "keyword"),
    (Operator, "operator"), (Literal.Date, "date"), (Number, "number"), (Punctuation, "punctuation"),
    (Error, "error"),
)


@dataclass(frozen=True)
class Difference:
    """Where the two may disagree: the TextMate grammar follows grammar.lark's context, which the
    Pygments lexer does not see."""
    why: str
    textmate: str                 # the category the TextMate grammar gives the token
    pygments: frozenset[str]      # what the Pygments lexer may give its characters instead
    token: str = r"(?s:.+)"       # the token's text (whole)
    before: str = r""             # the text before it on its line (searched, anchor it with $)
    after: str = r""              # the text after it (matched at its end)

    def allows(self, text: str, start: int, end: int, textmate: str, pygments: set[str]) -> bool:
        line_start = text.rfind("\n", 0, start) + 1
        return (textmate == self.textmate and pygments <= self.pygments
                and re.fullmatch(self.token, text[start:end]) is not None
                and re.search(self.before, text[line_start:start]) is not None
                and re.match(self.after, text[end:]) is not None)


# None at present: each difference the lexer had was fixed (a citation after `coverage`, `act` and `report`
# as names, a field named like a type, the time-limit functions, `year(` as a call).
KNOWN_DIFFERENCES: tuple[Difference, ...] = ()


def _unavailable(missing: str):
    """Skip a test that cannot run here, or fail it when AMMR_REQUIRE_EDITOR=1 (CI, after the build)."""
    if os.environ.get("AMMR_REQUIRE_EDITOR") == "1":
        pytest.fail(missing)
    pytest.skip(missing)


def _node(with_modules: bool = True) -> str:
    """Node.js, and with the extension's node_modules unless told otherwise."""
    node = shutil.which("node")
    if node is None:
        _unavailable("Node.js is not installed: apt-get install nodejs npm, then run editors/vscode/build.sh")
    if with_modules and not (EXTENSION / "node_modules" / "vscode-textmate").is_dir():
        _unavailable("editors/vscode/node_modules is missing: run editors/vscode/build.sh (needs Debian nodejs/npm)")
    return node


def _tokenize_js(*args: str) -> dict:
    done = subprocess.run([_node(), str(EXTENSION / "scripts" / "tokenize.js"), *args],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@cache
def _textmate_tokens() -> dict[Path, list]:
    """The TextMate tokens of the sample and of every shipped rule file, from one run of node."""
    files = [SAMPLE, *SHIPPED]
    result = _tokenize_js(*(str(f) for f in files))
    return {f: entry["tokens"] for f, entry in zip(files, result["files"])}


def textmate_categories(tokens: list, length: int) -> list[str | None]:
    """The category of each character: None where no scope has one (whitespace, meta scopes)."""
    chars: list[str | None] = [None] * length
    for start, end, scopes in tokens:
        category = next((c for scope in scopes for prefix, c in TEXTMATE_CATEGORIES if scope.startswith(prefix)),
                        None)
        chars[start:end] = [category] * (end - start)
    return chars


def pygments_categories(text: str) -> list[str | None]:
    """The category of each character after the Pygments lexer; a non-blank Text token is an error."""
    chars: list[str | None] = [None] * len(text)
    for start, token, value in AmmrLexer().get_tokens_unprocessed(text):
        category = next((c for t, c in PYGMENTS_CATEGORIES if token in t), None)
        if category is None and token in Text and value.strip():
            category = "error"
        chars[start:start + len(value)] = [category] * len(value)
    return chars


def disagreements(name: str, text: str, textmate_tokens: list) -> list[str]:
    """Each TextMate token whose characters Pygments puts in another category, unless a known difference."""
    mine = textmate_categories(textmate_tokens, len(text))
    pygments = pygments_categories(text)
    found = []
    for start, end, _ in textmate_tokens:
        if not text[start:end].strip():
            continue
        theirs = {pygments[i] for i in range(start, end) if not text[i].isspace()}
        if theirs != {mine[start]} and not any(d.allows(text, start, end, mine[start], theirs)
                                               for d in KNOWN_DIFFERENCES):
            line = text.count("\n", 0, start) + 1
            found.append(f"{name}:{line}: {text[start:end]!r} is {mine[start]} in the TextMate grammar, "
                         f"{'/'.join(sorted(map(str, theirs)))} in the Pygments lexer")
    return found


def _category_of(path: Path, fragment: str) -> set[str | None]:
    """The TextMate categories of the characters of a fragment's first occurrence in a file (blanks left out)."""
    text = path.read_text(encoding="utf-8")
    start = text.index(fragment)
    chars = textmate_categories(_textmate_tokens()[path], len(text))
    return {chars[i] for i in range(start, start + len(fragment)) if not text[i].isspace()}


# ------------------------------------------------------------------ the manifest (no Node.js needed)

def _json(name: str) -> dict:
    return json.loads((EXTENSION / name).read_text(encoding="utf-8"))


def test_manifest_contributes_the_language_grammar_and_settings():
    manifest = _json("package.json")
    contributes = manifest["contributes"]
    [language] = contributes["languages"]
    assert language["id"] == "ammr" and language["extensions"] == [".rules"]
    assert (EXTENSION / language["configuration"]).is_file()
    [grammar] = contributes["grammars"]
    assert grammar["language"] == "ammr"
    assert grammar["scopeName"] == _json(grammar["path"])["scopeName"] == "source.ammr"
    settings = contributes["configuration"]["properties"]
    assert settings["ammr.command"]["default"] == "ammr"
    assert settings["ammr.args"]["default"] == ["lsp"]
    assert "onLanguage:ammr" in manifest["activationEvents"]
    assert (EXTENSION / manifest["main"]).is_file()
    assert manifest["license"] == "EUPL-1.2" and "EUPL" in (EXTENSION / "LICENSE").read_text(encoding="utf-8")
    # A workspace may not choose the program the extension runs unless the user trusts it.
    assert set(manifest["capabilities"]["untrustedWorkspaces"]["restrictedConfigurations"]) >= {
        "ammr.command", "ammr.args"}
    for command in contributes["commands"]:
        assert f"'{command['command']}'" in (EXTENSION / manifest["main"]).read_text(encoding="utf-8")


def test_manifest_and_lockfile_agree():
    manifest, lock = _json("package.json"), _json("package-lock.json")
    root = lock["packages"][""]
    assert (root["name"], root["version"]) == (manifest["name"], manifest["version"])
    assert root.get("dependencies", {}) == manifest.get("dependencies", {})
    assert root.get("devDependencies", {}) == manifest.get("devDependencies", {})
    # The .vsix is named after the manifest, and never committed.
    assert f"{manifest['name']}-" in (EXTENSION / "build.sh").read_text(encoding="utf-8")
    assert "editors/vscode/*.vsix" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_language_configuration():
    config = _json("language-configuration.json")
    assert config["comments"] == {"lineComment": "#"}
    assert ["(", ")"] in config["brackets"] and ["[", "]"] in config["brackets"]
    assert {"open": '"', "close": '"', "notIn": ["string", "comment"]} in config["autoClosingPairs"]
    assert config["folding"]["offSide"] is True       # a declaration folds with its indented clauses
    word = re.compile(config["wordPattern"])
    assert [m.group() for m in word.finditer("proposal.relocations >= 30 000 persons")] == [
        "proposal", "relocations", "30 000", "persons"]
    increase = re.compile(config["indentationRules"]["increaseIndentPattern"])
    assert increase.match('requirement x "t"') and not increase.match("  requires x")


def test_grammar_includes_resolve():
    grammar = json.loads(GRAMMAR.read_text(encoding="utf-8"))
    includes = set(re.findall(r'"include": "#([^"]+)"', GRAMMAR.read_text(encoding="utf-8")))
    assert includes and includes <= set(grammar["repository"])
    assert set(grammar["repository"]) <= includes, "a repository entry nothing includes"


def _regexes(node) -> list[str]:
    if isinstance(node, list):
        return [r for child in node for r in _regexes(child)]
    if isinstance(node, dict):
        return [r for key, value in node.items()
                for r in ([value] if key in ("match", "begin", "end") else _regexes(value))]
    return []


def test_grammar_knows_every_keyword_of_the_language():
    """Every word grammar.lark spells as a literal appears as a word in some regex of the TextMate grammar."""
    lark = next(ROOT.glob("interpreter/**/grammar.lark")).read_text(encoding="utf-8")
    words = set(re.findall(r'"([a-z][a-z/]*)"', lark))
    words |= {w for group in re.findall(r"/\(\?:([A-Za-z|]+)\)", lark) for w in group.split("|")}
    regexes = " ".join(_regexes(json.loads(GRAMMAR.read_text(encoding="utf-8")))).replace(r"\b", " ")
    missing = sorted(w for w in words if not re.search(rf"(?<![A-Za-z_]){re.escape(w)}(?![A-Za-z_])", regexes))
    assert len(words) > 60 and not missing


# ------------------------------------------------------ the grammar run by VS Code's engine (Node.js)

def test_grammar_regexes_compile_under_oniguruma():
    result = _tokenize_js("--check")
    assert result["scopeName"] == "source.ammr"
    assert result["regexes"] > 30 and result["errors"] == []


def test_the_sample_has_every_category_in_both():
    text = SAMPLE.read_text(encoding="utf-8")
    assert set(CATEGORIES) <= set(textmate_categories(_textmate_tokens()[SAMPLE], len(text)))
    assert set(CATEGORIES) <= set(pygments_categories(text))


@pytest.mark.parametrize("fragment, category", [
    ("Art 12(2)(a)", "citation"),
    ("Art 57(4), second sentence", "citation"),
    ("Art 63(2), first subparagraph, point (b)", "citation"),
    ("Annex I", "citation"),
    ("Art 6(2)(e)", "citation"),                    # a coverage declaration's
    ("30 000", "number"), ("persons", "unit"),
    ("EUR", "unit"), ("600", "number"), ("million", "unit"),
    ("50", "number"), ("%", "number"),
    ("October", "date"), ("2026-06-12", "date"),
    ('"Sampleland"', "string"), ("# lint: allow W201", "comment"),
    ("requirement", "keyword"), ("notwithstanding", "keyword"), ("then not applicable", "keyword"),
    ("is at least", "operator"), ("yes/no", "unit"), ("none", "constant"),
    ("sample_minimum", "name"), ("SampleDocument", "name"), ("ZZ", "name"),
    ("sum", "function"), ("time_limit", "function"),
    (".year", "punctuation|name"), ("act:", "name|punctuation"),
])
def test_the_textmate_grammar_highlights(fragment, category):
    assert _category_of(SAMPLE, fragment) == set(category.split("|"))


@pytest.mark.parametrize("path", [SAMPLE, *SHIPPED], ids=lambda p: p.name)
def test_the_textmate_grammar_and_the_pygments_lexer_agree(path):
    assert disagreements(path.name, path.read_text(encoding="utf-8"), _textmate_tokens()[path]) == []


def _first_unhighlighted(path: Path, chars: list[str | None]) -> str | None:
    text = path.read_text(encoding="utf-8")
    at = next((i for i, c in enumerate(chars) if c in (None, "error") and not text[i].isspace()), None)
    return None if at is None else f"{path.name}:{text.count(chr(10), 0, at) + 1}: {text[at]!r}"


@pytest.mark.parametrize("path", [SAMPLE, *SHIPPED], ids=lambda p: p.name)
def test_the_textmate_grammar_highlights_every_character(path):
    length = len(path.read_text(encoding="utf-8"))
    assert _first_unhighlighted(path, textmate_categories(_textmate_tokens()[path], length)) is None


@pytest.mark.parametrize("path", [SAMPLE, *SHIPPED], ids=lambda p: p.name)
def test_the_pygments_lexer_highlights_every_character(path):
    assert _first_unhighlighted(path, pygments_categories(path.read_text(encoding="utf-8"))) is None


def test_the_sample_is_rules_language(ammr):
    """The sample is checked with the shipped rules, so it shows the language as it is."""
    code, out, err = ammr("lint", "--strict", "--no-scenarios", SAMPLE)
    assert code == 0, out + err


def test_a_disagreement_is_found():
    """The comparison can fail: a grammar that took `requires` for a name would be caught."""
    text = 'requirement x "t"\n  requires y\n'
    tokens = [[0, 11, ["source.ammr", "keyword.other.declaration.ammr"]],
              [12, 13, ["source.ammr", "entity.name.function.ammr"]],
              [14, 17, ["source.ammr", "string.quoted.double.ammr"]],
              [20, 28, ["source.ammr", "variable.other.ammr"]],
              [29, 30, ["source.ammr", "variable.other.ammr"]]]
    assert disagreements("x.rules", text, tokens) == [
        "x.rules:2: 'requires' is name in the TextMate grammar, keyword in the Pygments lexer"]


def test_every_builtin_function_is_highlighted(tmp_path):
    lark = next(ROOT.glob("interpreter/**/grammar.lark")).read_text(encoding="utf-8")
    aggregates = re.search(r"AGGREGATE[^/]*/\(\?:([a-z|]+)\)", lark).group(1).split("|")
    names = sorted({name.split(":")[0] for name in FUNCTIONS} | set(aggregates))
    calls = tmp_path / "calls.rules"
    calls.write_text("".join(f"{name}(x)\n" for name in names), encoding="utf-8")
    result = _tokenize_js(str(calls))["files"][0]["tokens"]
    chars = textmate_categories(result, len(calls.read_text()))
    lines = calls.read_text().split("\n")
    offsets = [sum(len(line) + 1 for line in lines[:i]) for i in range(len(names))]
    assert {name: chars[offset] for name, offset in zip(names, offsets)} == {name: "function" for name in names}
    pygments = pygments_categories(calls.read_text())
    assert {name: pygments[offset] for name, offset in zip(names, offsets)} == {name: "function" for name in names}


# ------------------------------------------------------------------------ the client and the .vsix

def test_the_client_starts_the_configured_server():
    """src/extension.js under Node's test runner, with VS Code and the language client faked."""
    done = subprocess.run([_node(with_modules=False), "--test", str(EXTENSION / "test" / "extension.test.js")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert re.search(r"^# pass [1-9]", done.stdout, re.M) and re.search(r"^# fail 0$", done.stdout, re.M)


# Loads the packaged extension as VS Code would, with any 'vscode' API it touches stubbed: every
# module it needs must be in the .vsix.
LOAD_PACKAGED = """
const Module = require('module');
const load = Module._load;
const stub = new Proxy(function () {}, { get: (t, k) => (k === '__esModule' ? false : stub),
                                          apply: () => stub, construct: () => stub });
Module._load = function (request, ...rest) { return request === 'vscode' ? stub : load.call(this, request, ...rest); };
const extension = require(process.argv[1]);
process.stdout.write(Object.keys(extension).sort().join(' '));
"""


def test_the_vsix_holds_the_extension_and_its_runtime_only(tmp_path):
    version = _json("package.json")["version"]
    vsix = EXTENSION / f"ammr-rules-{version}.vsix"
    if not vsix.is_file():
        _unavailable(f"{vsix.relative_to(ROOT)} is not built: run editors/vscode/build.sh (needs Debian nodejs/npm)")
    with zipfile.ZipFile(vsix) as archive:
        names = set(archive.namelist())
        archive.extractall(tmp_path)
    assert {"extension/package.json", "extension/language-configuration.json", "extension/src/extension.js",
            "extension/src/command.js", "extension/syntaxes/ammr.tmLanguage.json", "extension/LICENSE.txt",
            "extension/readme.md", "extension/node_modules/vscode-languageclient/node.js"} <= names
    left_out = ("extension/scripts/", "extension/test/", "extension/build.sh", "extension/package-lock.json",
                "extension/node_modules/vscode-textmate/", "extension/node_modules/vscode-oniguruma/",
                "extension/node_modules/@vscode/")
    assert not [n for n in names if n.startswith(left_out)]
    done = subprocess.run([_node(with_modules=False), "-e", LOAD_PACKAGED, str(tmp_path / "extension" / "src" / "extension.js")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout == "activate deactivate"
