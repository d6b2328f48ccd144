"""Scenario tests for the rules: facts -> expected verdict, citation and values.

A scenario file (YAML, under tests/scenarios/) lists scenarios; each gives the
documents of a case, optionally the data years, parameters and readings (`readings:
{fair_share_composition: cumulative}`, as `--reading` chooses them), and what must come out:

    scenarios:
      - name: 29 999 relocations fall one short
        documents:
          - document: CommissionProposal
            relocations: 29999
        expect:
          - requirement: proposal_minimum_relocations
            verdict: non_compliant
            cites: Art 12(2)(a)
            reason: 1 person short            # optional: words the reason must contain
        values:
          - of: share(DE)                     # a definition applied to member states
            equals: 2169/10000                # exact (a fraction or a decimal), or:
            shown: 21.6904 %                  # as displayed

The pytest plugin (`pytest_plugin.py`: each scenario a test item) and `ammr test` both run
them through `verify()`, whose report says what was expected and what came out.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from ..api import Result, RuleSet
from ..engine.outcomes import Missing, Outcome
from ..language import typesys as T
from ..language.diagnostics import Diagnostic, Failed, did_you_mean
from ..language.law import CitationSyntaxError, UnresolvedCitation
from ..language.syntax import Span
from ..report.figures import show
from ..report.reason import reason


@dataclass(frozen=True)
class Scenario:
    file: str
    name: str
    documents: tuple[dict, ...]
    expect: tuple[dict, ...]
    values: tuple[dict, ...] = ()
    data_years: dict[str, int] = field(default_factory=dict)
    parameters: dict[str, Any] = field(default_factory=dict)      # e.g. {date_of_application: 2026-06-12}
    line: int = 0                       # where the scenario starts in its file
    readings: dict[str, str] = field(default_factory=dict)        # e.g. {fair_share_composition: cumulative}
    # for each document, where each of its values is written in the file (by path, as the document
    # reader takes them), so that a document's errors point at the scenario file's line and column
    places: tuple[dict, ...] = ()

    @property
    def id(self) -> str:
        return f"{Path(self.file).stem}::{self.name}"


def load(path: str | Path) -> list[Scenario]:
    """The scenarios of one file. Raises `Failed` (S-codes, positioned) if the file is not a
    list of scenarios, each with a name and what it expects."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Failed([Diagnostic("S001", f"cannot read the scenario file: {error}",
                                 Span(str(path), 1, 1, 1, 1))]) from None
    places: dict = {}
    try:
        root = yaml.compose(text)
        if root is not None:
            _places(root, (), places, str(path), yaml.SafeLoader(""))
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise Failed([Diagnostic("S002", f"not valid YAML: {getattr(error, 'problem', None) or error}",
                                 Span(str(path), line, column, line, column + 1))], {str(path): text}) from None
    except _Unreadable as error:
        raise Failed([Diagnostic("S002", error.message, error.span,
                                 "write dates as YYYY-MM-DD and numbers of a few digits")], {str(path): text}) from None

    def where(i: int) -> Span:
        line = places[("scenarios", i)].line if ("scenarios", i) in places else 1
        return Span(str(path), line, 1, line, 2)

    entries = data.get("scenarios") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise Failed([Diagnostic("S003", "a scenario file holds a list under 'scenarios:'", Span(str(path), 1, 1, 1, 2),
                                 "scenarios:\n  - name: ...\n    documents: [...]\n    expect: [...]")],
                     {str(path): text})
    out: list[Scenario] = []
    problems: list[Diagnostic] = []
    names: dict[str, int] = {}
    for i, entry in enumerate(entries):
        problem = _malformed(entry)
        if problem:
            problems.append(Diagnostic("S003", problem, where(i),
                                       "see the format at the top of interpreter/tools/scenarios.py"))
            continue
        if entry["name"] in names:
            problems.append(Diagnostic("S004", f"two scenarios are named '{entry['name']}'", where(i),
                                       f"the first is at line {names[entry['name']]}; names identify scenarios"))
            continue
        names[entry["name"]] = where(i).line
        documents = tuple(entry.get("documents") or ())
        out.append(Scenario(str(path), entry["name"], documents,
                            tuple(entry.get("expect") or ()), tuple(entry.get("values") or ()),
                            dict(entry.get("data_years") or {}), dict(entry.get("parameters") or {}),
                            where(i).line, {str(k): str(v) for k, v in (entry.get("readings") or {}).items()},
                            tuple(_under(places, ("scenarios", i, "documents", j)) for j in range(len(documents)))))
    if problems:
        raise Failed(problems, {str(path): text})
    return out


def _malformed(entry: Any) -> str:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        return "a scenario is a mapping with a 'name:'"
    for key in ("documents", "expect", "values"):
        if not isinstance(entry.get(key) or [], list) or not all(isinstance(x, dict) for x in entry.get(key) or []):
            return f"scenario '{entry['name']}': '{key}' is a list of mappings"
    for key in ("data_years", "parameters", "readings"):
        if not isinstance(entry.get(key) or {}, dict):
            return f"scenario '{entry['name']}': '{key}' is a mapping"
    if not entry.get("expect") and not entry.get("values"):
        return f"scenario '{entry['name']}' expects nothing: give 'expect:' or 'values:'"
    for e in entry.get("expect") or []:
        if "requirement" not in e or "verdict" not in e:
            return f"scenario '{entry['name']}': each expectation names a 'requirement' and a 'verdict'"
    for e in entry.get("values") or []:
        if "of" not in e:
            return f"scenario '{entry['name']}': each value expectation says what it is 'of'"
    return ""


class _Unreadable(Exception):
    def __init__(self, message: str, span: Span):
        super().__init__(message)
        self.message = message
        self.span = span


_MAX_DEPTH = 100        # scenario files are a few levels deep; an alias that holds itself is not


def _places(node, path: tuple, out: dict, filename: str, loader: yaml.SafeLoader) -> None:
    """The span of every value under `node`, by its path (keys as yaml.safe_load reads them), and of
    every key (its path, then "<key>"), as the document reader takes positions. A merge key
    (`<<: *base`) brings in the base's values where they are written; keys of the mapping's own win."""
    start, end = node.start_mark, node.end_mark
    span = Span(filename, start.line + 1, start.column + 1, end.line + 1, end.column + 1)
    if len(path) > _MAX_DEPTH:
        raise _Unreadable("the scenarios are nested too deeply", span)
    out[path] = span
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in _pairs(node, 0):
            key = _scalar(key_node, filename, loader)
            if isinstance(key, (list, dict)) or path + (key,) in out:
                continue                     # not a plain key (the reader says so), or given before
            out[path + (key, "<key>")] = Span(filename, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                              key_node.end_mark.line + 1, key_node.end_mark.column + 1)
            _places(value_node, path + (key,), out, filename, loader)
    elif isinstance(node, yaml.SequenceNode):
        for i, child in enumerate(node.value):
            _places(child, path + (i,), out, filename, loader)
    else:
        _scalar(node, filename, loader)


def _pairs(node: yaml.MappingNode, depth: int) -> list:
    """The key and value nodes of a mapping, its own first, then those a merge key brings in."""
    if depth > _MAX_DEPTH:
        raise _Unreadable("a merge key (<<) brings in a mapping that merges itself", Span("", 1, 1, 1, 1))
    own = [(k, v) for k, v in node.value if k.tag != "tag:yaml.org,2002:merge"]
    merged = [v for k, v in node.value if k.tag == "tag:yaml.org,2002:merge"]
    bases = [m for v in merged for m in (v.value if isinstance(v, yaml.SequenceNode) else [v])]
    return own + [pair for base in bases if isinstance(base, yaml.MappingNode) for pair in _pairs(base, depth + 1)]


def _scalar(node, filename: str, loader: yaml.SafeLoader) -> Any:
    """A key or value as yaml.safe_load reads it; a value it cannot read (30 February) is an error here."""
    if not isinstance(node, yaml.ScalarNode):
        return node.value
    try:
        value = loader.construct_object(node, deep=True)
    except (ValueError, TypeError, yaml.YAMLError) as error:
        mark = node.start_mark
        raise _Unreadable(f"cannot read the value '{node.value[:40]}': {error}",
                          Span(filename, mark.line + 1, mark.column + 1, mark.line + 1,
                               mark.column + 1 + len(node.value[:40]))) from None
    return value if not isinstance(value, (list, dict)) else str(value)


def _under(places: dict, prefix: tuple) -> dict:
    """The places below `prefix`, with paths relative to it."""
    return {path[len(prefix):]: span for path, span in places.items() if path[:len(prefix)] == prefix}


def discover(directory: str | Path) -> list[Scenario]:
    return [s for p in sorted(Path(directory).rglob("*.yaml")) for s in load(p)]


@dataclass(frozen=True)
class Mismatch:
    """One expectation a scenario's verdicts do not meet: the problems in words, and what was
    expected against what came out, line by line, for a diff."""
    problems: tuple[str, ...]
    title: str = ""
    expected: tuple[str, ...] = ()
    actual: tuple[str, ...] = ()


@dataclass(frozen=True)
class Report:
    scenario: Scenario
    result: Result | None
    mismatches: tuple[Mismatch, ...]

    @property
    def passed(self) -> bool:
        return not self.mismatches

    @property
    def problems(self) -> list[str]:
        return [p for m in self.mismatches for p in m.problems]

    def render(self) -> str:
        """For a person: each problem, then expected against actual as a unified diff."""
        out = [f"scenario '{self.scenario.name}' ({self.scenario.file}:{self.scenario.line})"]
        for m in self.mismatches:
            out += ([f"  {m.title}"] if m.title else []) + [f"  {line}" for p in m.problems for line in p.split("\n")]
            if m.expected or m.actual:
                diff = difflib.unified_diff(list(m.expected), list(m.actual), "expected", "actual", lineterm="", n=10)
                out += [f"    {line}" for line in diff]
        return "\n".join(line for line in out if line is not None)


def verify(rules: RuleSet, scenario: Scenario, engine: str = "reference") -> Report:
    """Evaluate a scenario with the named engine and compare with what it expects."""
    places = scenario.places or tuple({} for _ in scenario.documents)
    documents: list = []
    invalid: list[Diagnostic] = []
    for i, (data, where) in enumerate(zip(scenario.documents, places)):
        try:
            documents.append(rules.document(data, f"{scenario.id}#{i + 1}", where))
        except Failed as failure:                # every document's errors, not only the first's
            invalid += failure.diagnostics
    try:
        if invalid:
            raise Failed(invalid)
        case = rules.case(documents, scenario.data_years, scenario.parameters, scenario.readings)
    except Failed as failure:
        shown = Failed(failure.diagnostics, {**_source(scenario.file), **failure.sources})
        return Report(scenario, None, (Mismatch((f"the scenario's documents or readings are invalid:\n"
                                                 f"{shown.render()}",)),))
    result = rules.evaluate(case, engine=engine)
    mismatches = [_outcome_mismatch(rules, result, e) for e in scenario.expect]
    mismatches += [Mismatch(tuple(problems)) for e in scenario.values if (problems := _check_value(rules, case, e))]
    return Report(scenario, result, tuple(m for m in mismatches if m is not None))


def _source(path: str) -> dict[str, str]:
    """The scenario file's text, to quote the line of an error in it."""
    try:
        return {path: Path(path).read_text(encoding="utf-8")}
    except (OSError, UnicodeDecodeError):
        return {}


def run(rules: RuleSet, scenario: Scenario, engine: str = "reference") -> tuple[Result | None, list[str]]:
    """Evaluate a scenario with the named engine. Returns the result and the list of
    mismatches (empty: it passed)."""
    report = verify(rules, scenario, engine)
    return report.result, report.problems


def _outcome_mismatch(rules: RuleSet, result: Result, e: dict) -> Mismatch | None:
    problems, o = _check_outcome(rules, result, e)
    if not problems:
        return None
    if o is None:
        return Mismatch(tuple(problems))
    expected, actual = [f"verdict: {e['verdict']}"], [f"verdict: {o.verdict}"]
    cited = ", ".join(p.citation.short() for p in o.citations if p is not None)
    if "cites" in e:
        try:
            expected.append(f"cites: {rules.program.law.resolve(e['cites']).citation.short()}")
        except (CitationSyntaxError, UnresolvedCitation):
            expected.append(f"cites: {e['cites']}")
    actual.append(f"cites: {cited}")
    if "cites" not in e:
        expected.append(actual[-1])
    said = reason(o)
    # the expected reason is words the actual one must contain: shown whole when it does
    expected.append(f"reason: {e['reason']}" if "reason" in e and str(e["reason"]) not in said else f"reason: {said}")
    actual.append(f"reason: {said}")
    for key, label, got in (("missing", "missing", "; ".join(o.missing)), ("authority", "assessed by", o.authority),
                            ("decided_by", "decided by", o.decided_by)):
        if key in e:
            wanted = e[key]
            expected.append(f"{label}: {'; '.join(map(str, wanted)) if isinstance(wanted, list) else wanted}")
            actual.append(f"{label}: {got}")
    return Mismatch(tuple(problems), f"{o.key} \u2014 {o.title}", tuple(expected), tuple(actual))


def _check_outcome(rules: RuleSet, result: Result, e: dict) -> tuple[list[str], Outcome | None]:
    name, instance = e["requirement"], e.get("instance")
    if rules.program.requirement(name) is None:
        hint = did_you_mean(str(name), [r.name for r in rules.program.requirements])
        return [f"no requirement '{name}' in the rules" + (f"; {hint}" if hint else "")], None
    matches = [o for o in result.outcomes
               if o.requirement == name and (instance is None or o.instance == str(instance))]
    if not matches:
        return [f"{name}{f'[{instance}]' if instance else ''}: no verdict at all"], None
    if len(matches) > 1 and instance is None:
        keys = ', '.join(o.key for o in matches)
        return [f"{name}: {len(matches)} verdicts ({keys}); say which with 'instance:'"], None
    o = matches[0]
    problems = []
    if o.verdict != e["verdict"]:
        problems.append(f"{o.key}: expected {e['verdict']}, got {o.verdict} ({reason(o)})")
    if "cites" in e:
        try:
            wanted = rules.program.law.resolve(e["cites"]).citation
        except (CitationSyntaxError, UnresolvedCitation) as error:
            return problems + [f"{o.key}: the expected citation '{e['cites']}' does not resolve: {error.message}"], o
        got = [p.citation for p in o.citations if p is not None]
        if not any(wanted.contains(c) for c in got):
            said = ', '.join(c.short() for c in got)
            problems.append(f"{o.key}: expected a citation of {wanted.short()}, got {said}")
    if "reason" in e:
        text = reason(o)
        if str(e["reason"]) not in text:
            problems.append(f"{o.key}: the reason should mention '{e['reason']}' but reads: {text}")
    for part in e.get("missing", ()):
        if not any(str(part) in m for m in o.missing):
            problems.append(f"{o.key}: '{part}' should be listed as missing; missing: {list(o.missing)}")
    if "authority" in e and o.authority != e["authority"]:
        problems.append(f"{o.key}: expected assessment by {e['authority']}, got {o.authority}")
    if "decided_by" in e and o.decided_by != e["decided_by"]:
        problems.append(f"{o.key}: expected the exception {e['decided_by']} to decide, got {o.decided_by}")
    return problems, o


def named(scenario: Scenario) -> set[str]:
    """The rules a scenario tests: the requirements it expects verdicts of, the exceptions it expects
    to decide, and the definitions whose values it checks."""
    deciding = {e["decided_by"] for e in scenario.expect if "decided_by" in e}
    return {e["requirement"] for e in scenario.expect} | deciding | {value_name(v) for v in scenario.values}


_CALL = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*$")


def value_name(e: dict) -> str:
    """The definition a `values:` entry tests ("share" for `of: share(DE)`)."""
    match = _CALL.match(str(e.get("of", "")))
    return match.group(1) if match else ""


def _check_value(rules: RuleSet, case, e: dict) -> list[str]:
    match = _CALL.match(str(e["of"]))
    program = rules.program
    if not match or match.group(1) not in program.values:
        return [f"values: cannot read '{e['of']}' as a definition applied to arguments"]
    spec = program.values[match.group(1)]
    args = [a.strip() for a in (match.group(2) or "").split(",") if a.strip()]
    if len(args) != len(spec.params):
        return [f"values: {spec.name} takes {len(spec.params)} argument(s)"]
    try:
        values = tuple(_argument(case, a, t) for a, (_, t) in zip(args, spec.params))
    except (LookupError, ValueError) as error:
        return [f"values: {error}"]
    value = rules.value(case, spec.name, values)
    problems = []
    if "equals" in e:
        if isinstance(value, (date, bool)) or spec.type in (T.DATE, T.BOOL):
            if value != e["equals"]:
                problems.append(f"{e['of']} = {value}, expected {e['equals']}")
        elif isinstance(value, Missing) or Fraction(value) != _exact(e["equals"]):
            problems.append(f"{e['of']} = {value}, expected exactly {_exact(e['equals'])}")
    if "shown" in e:
        shown = show(value, spec.type)
        if shown != str(e["shown"]):
            problems.append(f"{e['of']} is shown as '{shown}', expected '{e['shown']}'")
    if "missing" in e and not (isinstance(value, Missing) and any(str(e["missing"]) in p for p in value.paths)):
        problems.append(f"{e['of']} should be missing '{e['missing']}', got {value}")
    return problems


def _argument(case, text: str, t: T.Type) -> Any:
    """A member state code, or a document part written `Type.field.sub[KEY]`."""
    if t == T.MEMBER_STATE:
        return text
    if t == T.DATE:
        return date.fromisoformat(text)
    if isinstance(t, T.Quantity):
        return _exact(text)
    type_name, _, path = text.partition(".")
    documents = [d for d in case.documents if d.type == type_name]
    if len(documents) != 1:
        raise LookupError(f"'{text}': need exactly one {type_name} document")
    value: Any = documents[0].record
    for part in re.findall(r"[A-Za-z_]\w*|\[[A-Z]{2}\]", path):
        value = value[part[1:-1]] if part.startswith("[") else value.fields[part]
    return value


def _exact(value: Any) -> Fraction:
    if isinstance(value, float):
        raise ValueError("write expected values as exact numbers or strings, not floats")
    return Fraction(str(value).replace(" ", ""))
