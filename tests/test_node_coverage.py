"""Adding a construct is a checklist (CONTRIBUTING.md): every expression and declaration of the
syntax tree, and every node of the IR, has its case in the formatter, the checker, the reference
evaluator and the compiled engine. This test fails, naming the class, when one is forgotten."""

import inspect

from interpreter.engine.compiled import analysis
from interpreter.engine.compiled.arithmetic import Arithmetic
from interpreter.engine.compiled.codegen import Function
from interpreter.engine.evaluate import Case, Evaluator
from interpreter.language import ir
from interpreter.language import syntax as A
from interpreter.language.checker import Checker
from interpreter.tools import formatter


def _subclasses(module, base) -> list[type]:
    return [c for _, c in inspect.getmembers(module, inspect.isclass)
            if issubclass(c, base) and c is not base and c.__module__ == module.__name__]


EXPRESSIONS = _subclasses(A, A.Expr)
DECLARATIONS = _subclasses(A, A.Declaration)
NODES = _subclasses(ir, ir.Node)


def test_the_lists_are_not_empty():
    """A renamed base class would make every check below pass on nothing."""
    assert len(EXPRESSIONS) >= 20 and len(DECLARATIONS) >= 13 and len(NODES) >= 18
    assert A.Report in DECLARATIONS and A.Calendar in DECLARATIONS and ir.DateInYear in NODES


def test_every_expression_is_formatted():
    missing = [c.__name__ for c in EXPRESSIONS if c not in formatter.EXPRESSIONS]
    assert not missing, f"no case in tools/formatter.py EXPRESSIONS for: {missing}"


def test_every_expression_is_checked():
    missing = [c.__name__ for c in EXPRESSIONS if not hasattr(Checker, f"_e_{c.__name__}")]
    assert not missing, f"no _e_<Expression> method in language/checker.py for: {missing}"


def test_every_declaration_is_formatted_and_checked():
    unformatted = [c.__name__ for c in DECLARATIONS if c not in formatter.DECLARATIONS]
    unchecked = [c.__name__ for c in DECLARATIONS
                 if c not in Checker.COLLECT or not hasattr(Checker, Checker.COLLECT[c])]
    assert not unformatted, f"no case in tools/formatter.py DECLARATIONS for: {unformatted}"
    assert not unchecked, f"no case in language/checker.py Checker.COLLECT for: {unchecked}"


def test_every_ir_node_is_evaluated(rules):
    evaluator = Evaluator(rules.program, rules.tables, Case(()), trace=False)
    missing = [c.__name__ for c in NODES if c not in evaluator.dispatch]
    assert not missing, f"no case in engine/evaluate.py Evaluator.dispatch for: {missing}"


def test_every_ir_node_is_compiled():
    """The compiled engine knows a node (analysis.KNOWN) and emits its code: a `_<Node>` method of the
    code generator (codegen.Function), or the exact-integer arithmetic (Arithmetic) for constants and negation."""
    unknown = [c.__name__ for c in NODES if c not in analysis.KNOWN]
    assert not unknown, f"not in engine/compiled/analysis.py KNOWN (left to the reference evaluator): {unknown}"
    # Function.value() writes a constant itself; a negation is lowered into exact arithmetic (numbers only)
    by_arithmetic = {ir.Const: True, ir.Neg: hasattr(Arithmetic, "_lower")}
    missing = [c.__name__ for c in NODES if not hasattr(Function, f"_{c.__name__}") and not by_arithmetic.get(c)]
    assert not missing, f"no _<Node> method in engine/compiled/codegen.py Function for: {missing}"
