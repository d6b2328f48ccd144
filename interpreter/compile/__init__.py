"""The compiled engine: checked rules turned into Python functions, for speed.

The reference evaluator (`evaluate.py`) is the definition of what the rules mean;
this engine must give the same verdicts, missing facts and trace, and the test suite
runs every scenario through both (tests/test_compile.py). It is registered in
`api.ENGINES` as "compiled":

    rules.evaluate(case, engine="compiled")

`codegen.py` writes the Python source from the IR, `runtime.py` holds what that
source calls, and `engine.py` runs requirements and keeps the caches.
"""

from __future__ import annotations

from .engine import Compiled


def compiled(rules) -> Compiled:
    """The rule set's compiled program, built on first use and kept with the rule set."""
    if rules._compiled is None:
        rules._compiled = Compiled(rules.program, rules.tables)
    return rules._compiled


