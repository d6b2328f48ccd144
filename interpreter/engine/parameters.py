"""Parameters of the rules set for one check: `ammr check --set date_of_application=2026-06-12`.

A parameter is a value the rules declare with a default and a citation (`parameter
date_of_application: date = 1 July 2026`, Art 85), where the law leaves a choice or the sources
disagree. `--set NAME=VALUE` replaces the default for one check. The value is read as a document's
field of the parameter's type is (and as `ammr sweep --vary` reads its values): a date YYYY-MM-DD,
a year, a whole number of persons, EUR to the cent, a share (0.25, 1/4 or 25 %), yes or no, a
member state code. A mistake is reported at its place in the option, each --set option being one
line of the source "--set", with exit code 2 like any bad command line.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..language import typesys as T
from ..language.diagnostics import Diagnostic, Failed, did_you_mean
from ..language.syntax import Span
from .values import value_reader

SOURCE = "--set"
_SCALARS = (T.DATE, T.YEAR, T.BOOL, T.TEXT, T.MEMBER_STATE)
_EXAMPLES = {T.DATE: "2026-06-12", T.YEAR: "2027", T.BOOL: "yes", T.TEXT: "words", T.MEMBER_STATE: "DE",
             T.PERSONS: "30000", T.EUR: "600000000.00", T.SHARE: "25%"}


def parameter_values(rules, settings: Iterable[str]) -> dict[str, Any]:
    """The value of each parameter set, exact, as the evaluator takes it (`Case.parameters`).
    Raises `Failed` with every mistake, positioned in the source "--set"."""
    settings = tuple(settings)
    parameters = {name: v for name, v in rules.program.values.items() if v.kind == "parameter"}
    out: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for line, setting in enumerate(settings, 1):
        try:
            name, value = _setting(rules, parameters, setting, line)
        except Failed as failure:
            problems.extend(failure.diagnostics)
            continue
        if name in out:
            problems.append(Diagnostic("P005", f"'{name}' is set twice", _span(line, setting, setting),
                                       "give each parameter one --set"))
        out[name] = value
    if problems:
        raise Failed(problems, {SOURCE: "\n".join(settings)})
    return out


def _setting(rules, parameters: dict, setting: str, line: int) -> tuple[str, Any]:
    raw_name, sep, raw_value = setting.partition("=")
    name, text = raw_name.strip(), raw_value.strip()
    if not sep or not name or not text:
        raise Failed([Diagnostic("P001", f"'{setting}' is not NAME=VALUE", _span(line, setting, setting),
                                 "e.g. --set date_of_application=2026-06-12")])
    if name not in parameters:
        kind = rules.program.values[name].kind if name in rules.program.values else ""
        message = f"'{name}' is a {kind} of the rules, not a parameter" if kind \
            else f"no parameter '{name}' in the rules"
        hint = did_you_mean(name, parameters) or ("the parameters are: " + ", ".join(parameters) if parameters
                                                  else "these rules declare no parameter")
        raise Failed([Diagnostic("P002", message, _span(line, setting, name), hint)])
    t = parameters[name].type
    if not (isinstance(t, T.Quantity) or t in _SCALARS):
        raise Failed([Diagnostic("P003", f"'{name}' is {t}: it cannot be set on the command line",
                                 _span(line, setting, name), "set it in a scenario's parameters: instead")])
    try:
        return name, value_reader(rules, t, name)(text)
    except Failed as failure:
        example = _EXAMPLES.get(t)
        said = failure.diagnostics[0].message        # it names a date, a year, yes or no; not a unit
        if isinstance(t, T.Quantity):
            said += f" ('{name}' is {_described(t)})"
        raise Failed([Diagnostic("P004", said,
                                 _span(line, setting, text, after=len(raw_name) + 1),
                                 f"e.g. --set {name}={example}" if example else "")]) from None


def _described(t: T.Quantity) -> str:
    named = {T.PERSONS: "a whole number of persons", T.EUR: "an amount in EUR, to the cent", T.SHARE: "a share"}
    return named.get(t) or f"a number of {t.describe()}"


def _span(line: int, setting: str, part: str, after: int = 0) -> Span:
    """Where `part` stands in the option's text (searched from `after`), on the option's own line."""
    column = max(setting.find(part, after), 0) + 1
    return Span(SOURCE, line, column, line, column + max(len(part), 1))
