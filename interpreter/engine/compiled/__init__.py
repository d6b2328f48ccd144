"""The compiled engine: checked rules turned into Python functions, for speed.

The reference evaluator (`evaluate.py`) is the definition of what the rules mean;
this engine must give the same verdicts, missing facts and trace, and the test suite
runs every scenario through both (tests/test_compile.py). It is registered in
`api.ENGINES` as "compiled":

    rules.evaluate(case, engine="compiled")

From the checked program to running code:

    analysis.py    what is exact arithmetic, what may be kept across cases or folded
    inline.py      small definitions written into their callers (untraced code)
    codegen.py     the Python of each expression, traced and untraced
    arithmetic.py  exact arithmetic on integers inside expressions
    functions.py   the functions of definitions (D/T<n>) and requirements (I/R<n>)
    source.py      the generated module: lines, rule spans, constant pool
    runtime.py     what the generated code calls: exact numbers, steps, outcomes, the slow path
    engine.py      compiles, runs requirements for a case, keeps the caches
"""

from __future__ import annotations

from collections.abc import Mapping

from ..evaluate import Case
from .engine import Compiled


def compiled(rules, readings: Mapping[str, str] | None = None) -> Compiled:
    """The rule set's compiled program for a choice of readings (the defaults when none), built on
    first use and kept with the rule set: one module per choice of readings."""
    variant = rules._variant(Case((), readings=dict(readings or {})))
    if variant.compiled is None:
        variant.compiled = Compiled(variant.program, rules.tables)
    return variant.compiled


