"""Readings: the questions the text leaves open, each answer named, the answers switchable.

A `reading` declaration (grammar.lark) names a question, the reading the rules follow (its
default) and each alternative. An encoded alternative puts definitions in place of others
(`uses fair_share_value__cumulative for fair_share_value`): wherever the rules use the replaced
definition, the substitute is used instead. Checked here: each substitute exists and has the
signature of what it replaces, nothing is replaced twice, no substitute leads back to what it
replaces, and two alternatives that replace the same definition say how they combine (`with
READING = VALUE uses ...`) or that they cannot be chosen together (`not with READING = VALUE`).

For a check, `substitutions` turns a choice of readings into the names to replace, and
`choices` reads and checks a choice as the command line (`--reading NAME=VALUE`) or the API
(`RuleSet.case(..., readings={...})`) gives it, with positioned messages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import combinations

from . import ir
from . import syntax as A
from .diagnostics import Collector, Diagnostic, Failed, did_you_mean


class ReadingError(ValueError):
    """A choice of readings that cannot be evaluated: excluded or unresolved combinations."""


# ------------------------------------------------------------------ checking the declarations

def check_readings(declared: Iterable[A.Reading], values: Mapping[str, ir.Value], out: Collector,
                   citations: Callable[[Iterable[A.CitationNode]], tuple]) -> dict[str, ir.ReadingSpec]:
    """Every reading checked against the definitions of the rules and against each other."""
    readings: dict[str, ir.ReadingSpec] = {}
    decls: dict[str, A.Reading] = {}
    for decl in declared:
        if decl.name in decls:
            out.error("E201", f"the reading '{decl.name}' is declared twice", decl.name_span,
                      f"it was first declared at {decls[decl.name].name_span}; rename one of them")
            continue
        decls[decl.name] = decl
    for decl in decls.values():
        readings[decl.name] = _reading(decl, decls, values, out, citations(decl.meta.citations))
    graph = {name: ir.references(v.body) for name, v in values.items()}
    _check_chains(readings, decls, out)
    for r in readings.values():
        for a in r.alternatives:
            _check_cycle(graph, dict((y, x) for x, y in a.uses), _value_decl(decls[r.name], a.name), out)
    _check_pairs(readings, decls, graph, out)
    return readings


def _reading(decl: A.Reading, decls: Mapping[str, A.Reading], values: Mapping[str, ir.Value], out: Collector,
             cited: tuple) -> ir.ReadingSpec:
    seen: dict[str, A.ReadingValue] = {}
    for v in decl.values:
        if v.name in seen:
            out.error("E230", f"'{v.name}' is named twice in reading '{decl.name}'", v.name_span,
                      "give each reading of the question its own name")
        seen[v.name] = v
    default = decl.default
    alternatives = tuple(_alternative(decl, v, decls, values, out) for v in decl.alternatives)
    return ir.ReadingSpec(decl.name, decl, decl.question, default.name if default else "",
                          default.description if default else "", alternatives, cited)


def _alternative(decl: A.Reading, v: A.ReadingValue, decls: Mapping[str, A.Reading],
                 values: Mapping[str, ir.Value], out: Collector) -> ir.AlternativeSpec:
    if v.not_encoded is not None and (v.uses or v.excluded):
        out.error("E231", f"alternative '{v.name}' is said not to be encoded, yet names definitions",
                  v.name_span, "remove 'not encoded \"...\"', or the 'uses' and 'not with' lines")
    elif v.not_encoded is None and not any(u.together_with is None for u in v.uses):
        out.error("E231", f"alternative '{v.name}' puts no definition in place of another", v.name_span,
                  "name what it changes: uses <definition>__<reading> for <definition>; or say why it "
                  'cannot be: not encoded "<why>"')
    # only the substitutions that check are kept: a mistake is reported once, not again in every pair
    seen: dict[tuple[tuple[str, str] | None, str], A.Substitution] = {}
    uses = []
    for u in v.uses:
        key = (u.together_with, u.replaced)
        if key in seen:
            out.error("E232", f"'{u.replaced}' is replaced twice by alternative '{v.name}'", u.replaced_span,
                      f"it is first replaced at {seen[key].span}: keep one 'uses ... for {u.replaced}'")
            continue
        seen[key] = u
        other_ok = u.together_with is None or _check_other(decl, u.together_with, u.span, decls, out)
        if _check_substitution(u, values, out) and other_ok and v.not_encoded is None:
            uses.append(u)
    excluded = [x for x in v.excluded if _check_other(decl, (x.reading, x.value), x.span, decls, out)]
    return ir.AlternativeSpec(
        v.name, v.description,
        uses=tuple((u.substitute, u.replaced) for u in uses if u.together_with is None),
        combined=tuple((*u.together_with, u.substitute, u.replaced) for u in uses if u.together_with is not None),
        excluded=tuple((x.reading, x.value, x.reason) for x in excluded), not_encoded=v.not_encoded)


def _check_substitution(u: A.Substitution, values: Mapping[str, ir.Value], out: Collector) -> bool:
    definitions = [n for n, d in values.items() if d.kind == "definition"]
    found = []
    for name, span in ((u.substitute, u.substitute_span), (u.replaced, u.replaced_span)):
        value = values.get(name)
        if value is None:
            out.error("E233", f"no definition '{name}'", span, did_you_mean(name, definitions))
        elif value.kind != "definition":
            out.error("E233", f"'{name}' is a {value.kind}: a reading puts one definition in place of another",
                      span, "write the reading's value as a definition")
        else:
            found.append(value)
    if len(found) < 2:
        return False
    new, old = found
    if new.name == old.name:
        out.error("E234", f"'{new.name}' is put in place of itself", u.span, "name the alternative definition first")
        return False
    if [t for _, t in new.params] != [t for _, t in old.params] or new.type != old.type:
        out.error("E234", f"'{new.name}' cannot stand in for '{old.name}': {_signature(new)} is not "
                          f"{_signature(old)}", u.substitute_span,
                  "a definition put in place of another takes the same parameters and gives the same type")
        return False
    return True


def _signature(value: ir.Value) -> str:
    return f"({', '.join(str(t) for _, t in value.params)}): {value.type}"


def _check_other(decl: A.Reading, other: tuple[str, str], span: A.Span, decls: Mapping[str, A.Reading],
                 out: Collector) -> bool:
    """`with`/`not with` name an alternative of another reading."""
    name, value = other
    found = decls.get(name)
    if found is None:
        out.error("E235", f"no reading '{name}'", span, did_you_mean(name, decls))
    elif name == decl.name:
        out.error("E235", "an alternative is never chosen together with another of its own reading", span,
                  "name an alternative of another reading")
    elif value not in {v.name for v in found.alternatives}:
        default = found.default is not None and value == found.default.name
        said = "the default of" if default else "not an alternative of"
        out.error("E235", f"'{value}' is {said} reading '{name}'", span,
                  did_you_mean(value, [v.name for v in found.alternatives])
                  or "its alternatives: " + ", ".join(v.name for v in found.alternatives))
    else:
        return True
    return False


def _check_chains(readings: Mapping[str, ir.ReadingSpec], decls: Mapping[str, A.Reading], out: Collector) -> None:
    """A definition put in place of another is not itself replaced: one step, never a chain. Reported
    at the later of the two alternatives, which made the chain."""
    order = {name: i for i, name in enumerate(readings)}
    replacing = [(r.name, a.name, x, y) for r in readings.values() for a in r.alternatives
                 for x, y in (*a.uses, *((x, y) for *_, x, y in a.combined))]
    for r1, v1, _, y in replacing:
        for r2, v2, x2, _ in replacing:
            if x2 == y and (r1, v1) != (r2, v2):
                later = (r1, v1) if order[r1] >= order[r2] else (r2, v2)
                out.error("E236", f"'{y}' is put in place of another definition ({r2} = {v2}) and is itself "
                                  f"replaced ({r1} = {v1})", _value_decl(decls[later[0]], later[1]),
                          "replace the definition the rules use, not an alternative of it")


def _check_cycle(graph: Mapping[str, set[str]], mapping: Mapping[str, str], span: A.Span, out: Collector) -> None:
    loop = cycle(graph, mapping)
    if loop:
        out.error("E237", "with this reading a definition is defined in terms of itself: " + ", ".join(loop), span,
                  "a definition put in place of another must not use the one it replaces")


def cycle(graph: Mapping[str, set[str]], mapping: Mapping[str, str]) -> list[str]:
    """A loop through the definitions once `mapping` (replaced -> substitute) is applied, as the
    uses that make it ("a uses b (replaced by c)"), or []. The rules without substitutions have
    none, so a loop passes through a substitute: search from those."""
    state: dict[str, int] = {}
    path: list[tuple[str, str]] = []           # (definition, the use it makes next, as written)

    def visit(name: str) -> list[str]:
        state[name] = 1
        for ref in sorted(graph.get(name, ())):
            target = mapping.get(ref, ref)
            path.append((name, ref if ref == target else f"{ref} (replaced by {target})"))
            if state.get(target) == 1:
                start = next(i for i, (n, _) in enumerate(path) if n == target)
                return [f"{n} uses {used}" for n, used in path[start:]]
            if target not in state:
                found = visit(target)
                if found:
                    return found
            path.pop()
        state[name] = 2
        return []

    for substitute in sorted(set(mapping.values())):
        if substitute not in state:
            found = visit(substitute)
            if found:
                return found
    return []


def _check_pairs(readings: Mapping[str, ir.ReadingSpec], decls: Mapping[str, A.Reading],
                 graph: Mapping[str, set[str]], out: Collector) -> None:
    """Every two alternatives of different readings that replace the same definition say how they
    combine, or are excluded; and no two together lead a definition back to itself."""
    encoded = [(r, a) for r in readings.values() for a in r.alternatives if a.encoded]
    for (r1, a1), (r2, a2) in combinations(encoded, 2):
        if r1.name == r2.name or _excluded(r1, a1, r2, a2):
            continue
        # reported at the later of the two, which is the one that made the pair
        try:
            mapping = substitutions(readings, {r1.name: a1.name, r2.name: a2.name})
        except ReadingError as error:
            out.error("E238", str(error), _value_decl(decls[r2.name], a2.name),
                      f"resolve it in one of them: with {r1.name} = {a1.name} uses <definition> for <definition>; "
                      f"or exclude the combination: not with {r1.name} = {a1.name} \"<why>\"")
            continue
        _check_cycle(graph, mapping, _value_decl(decls[r2.name], a2.name), out)


def _excluded(r1: ir.ReadingSpec, a1: ir.AlternativeSpec, r2: ir.ReadingSpec, a2: ir.AlternativeSpec) -> str:
    """Why the two alternatives cannot be chosen together, or ""."""
    for mine, other in ((a1, (r2.name, a2.name)), (a2, (r1.name, a1.name))):
        for reading, value, why in mine.excluded:
            if (reading, value) == other:
                return why
    return ""


def _value_decl(decl: A.Reading, value: str) -> A.Span:
    return next((v.name_span for v in decl.values if v.name == value), decl.name_span)


# ------------------------------------------------------------------ a choice of readings

def substitutions(readings: Mapping[str, ir.ReadingSpec], chosen: Mapping[str, str]) -> dict[str, str]:
    """The definitions to replace (replaced -> substitute) for a choice of readings, whose names and
    values are known to be valid. Raises ReadingError for alternatives that cannot be chosen together."""
    picked = [(readings[name], readings[name].alternative(value)) for name, value in sorted(chosen.items())]
    alternatives = [(r, a) for r, a in picked if a is not None and a.encoded]
    for (r1, a1), (r2, a2) in combinations(alternatives, 2):
        why = _excluded(r1, a1, r2, a2)
        if why:
            raise ReadingError(f"{r1.name} = {a1.name} cannot be chosen together with {r2.name} = {a2.name}: {why}")
    pairs = {(r.name, a.name) for r, a in alternatives}
    by_name: dict[str, list[tuple[str, str]]] = {}
    for r, a in alternatives:
        for x, y in a.uses:
            by_name.setdefault(y, []).append((f"{r.name} = {a.name}", x))
    resolved = {y: x for _, a in alternatives for reading, value, x, y in a.combined if (reading, value) in pairs}
    out: dict[str, str] = {}
    for y, candidates in by_name.items():
        if y in resolved:
            out[y] = resolved[y]
        elif len({x for _, x in candidates}) > 1:
            raise ReadingError(f"{' and '.join(who for who, _ in candidates)} each replace '{y}', and no reading "
                               f"says how they combine")
        else:
            out[y] = candidates[0][1]
    out.update({y: x for y, x in resolved.items() if y not in out})
    return out


def choices(readings: Mapping[str, ir.ReadingSpec], settings: Iterable[tuple[str, str] | None], source: str,
            lines: Iterable[str]) -> dict[str, str]:
    """A choice of readings, each (name, value) checked: a reading of the rules and one of its
    values, an encoded one, no reading chosen twice, no excluded combination. Each setting is a line
    of `source` (`lines` are their texts, for the messages); None stands for a line that is not
    NAME=VALUE. Raises Failed with every mistake."""
    settings, lines = list(settings), list(lines)
    out: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for number, (setting, text) in enumerate(zip(settings, lines), 1):
        if setting is None:
            problems.append(Diagnostic("R006", f"'{text}' is not NAME=VALUE", _at(source, number, text, text),
                                       "e.g. --reading fair_share_composition=cumulative"))
            continue
        name, value = setting
        problem = _choice(readings, name, value, source, number, text)
        if problem is None and name in out:
            problem = Diagnostic("R004", f"the reading '{name}' is chosen twice", _at(source, number, text, name),
                                 "choose one value for each reading")
        if problem is not None:
            problems.append(problem)
            continue
        out[name] = value
    if not problems:
        try:
            substitutions(readings, out)
        except ReadingError as error:
            problems.append(Diagnostic("R005", str(error), _at(source, 1, lines[0] if lines else "", ""),
                                       "choose one of the two, or check them one at a time (--readings all)"))
    if problems:
        raise Failed(problems, {source: "\n".join(lines)})
    return out


def _choice(readings: Mapping[str, ir.ReadingSpec], name: str, value: str, source: str, number: int,
            text: str) -> Diagnostic | None:
    reading = readings.get(name)
    if reading is None:
        hint = did_you_mean(name, readings) or ("the readings: " + ", ".join(r for r in readings if
                                                                         readings[r].switchable)
                                                if readings else "these rules declare no reading")
        return Diagnostic("R001", f"no reading '{name}' in the rules", _at(source, number, text, name), hint)
    if value not in reading.values:
        return Diagnostic("R002", f"'{value}' is not a value of the reading '{name}'",
                          _at(source, number, text, value, after=len(name)),
                          did_you_mean(value, reading.values) or "its values: " + ", ".join(reading.values))
    alternative = reading.alternative(value)
    if alternative is not None and not alternative.encoded:
        return Diagnostic("R003", f"the reading {name} = {value} is described but not encoded: "
                                  f"{alternative.not_encoded}", _at(source, number, text, value, after=len(name)),
                          "`ammr interpretations` lists the readings that can be chosen")
    return None


def _at(source: str, line: int, text: str, part: str, after: int = 0) -> A.Span:
    column = max(text.find(part, after), 0) + 1 if part else 1
    return A.Span(source, line, column, line, column + max(len(part), 1))
