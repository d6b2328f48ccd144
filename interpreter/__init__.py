"""AMMR rules: the solidarity provisions of Regulation (EU) 2024/1351 as checked, citable rules.

Prepare a rule set once (parse and check the rule files, load the law text, the reference data and
the calendar they declare), then read and evaluate as many cases as you like:

    from interpreter import EXIT_CODES, RuleSet, explain, render

    rules = RuleSet.prepare()                          # the installed rules, or RuleSet.prepare("my-rules/")
    for folder in ("examples/2026", "examples/synthetic-2027"):
        result = rules.check([folder])                 # read + case + evaluate in one call
        print(result.overall, EXIT_CODES[result.overall])
        data = explain(rules, result)                  # the ammr-check/1 document, as plain data
        print(render(data, "text"))                    # or "md", "html", "json", "check"

Step by step: `rules.read(paths)` or `rules.document(mapping)` give `Document`s, `rules.case(documents,
data_years, parameters)` a `Case`, `rules.evaluate(case)` a `Result` of `Outcome`s (verdicts in
`VERDICTS`, or "not_applicable"); `rules.value(case, name, args)` the value of one definition (a
`Missing` when a fact is missing); `rules.schema(type_name)` a document type's JSON Schema. A rule
file or document that is wrong raises `Failed`, whose `diagnostics` are positioned `Diagnostic`s.
Every `explain()` ends with the audit record (member "audit"): the tool, the SHA-256 of the rule set
(`rules.fingerprint`), the parameters and data in force, each document's content hash, the time.
Without a folder, `RuleSet.prepare()` takes $AMMR_RULES, else the rules installed with the package.

Prepare once, check many (the fastest way, for a program that checks documents one after another):

    check = rules.checker("CouncilImplementingAct", only={"act_pledge_meets_fair_share"})
    outcomes = check(mapping)                          # a plain dict in, a tuple of `Outcome`s out

`rules.checker(document_type, only, data_years, parameters, readings, source)` fixes everything but
the document, reads the mapping with a reader generated for its type and calls the compiled rules on
it: the outcomes of `rules.evaluate(rules.case([rules.document(mapping)], ...), trace=False,
engine="compiled")`, untraced, without building a `Document`, `Case` or `Result`. It accepts exactly
what `rules.document` accepts: anything else takes that slow way, and raises `Failed` as it does.

Importing this package is cheap: each name is imported on first use.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__all__ = ["RuleSet", "Result", "Case", "Document", "Outcome", "Missing", "Failed", "Diagnostic", "VERDICTS",
           "EXIT_CODES", "explain", "render"]

# Where each public name is defined; the module is imported when the name is first used, so that
# `import interpreter` (and `ammr --help`) does not import Lark, pydantic or Jinja2.
_HOMES = {"RuleSet": "api", "Result": "api", "EXIT_CODES": "api", "explain": "api", "render": "api",
          "Case": "engine.evaluate", "Document": "engine.documents", "Outcome": "engine.outcomes",
          "Missing": "engine.outcomes", "VERDICTS": "engine.outcomes",
          "Failed": "language.diagnostics", "Diagnostic": "language.diagnostics"}

if TYPE_CHECKING:
    from .api import EXIT_CODES, Result, RuleSet, explain, render
    from .engine.documents import Document
    from .engine.evaluate import Case
    from .engine.outcomes import VERDICTS, Missing, Outcome
    from .language.diagnostics import Diagnostic, Failed


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'interpreter' has no attribute '{name}'")
    value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
