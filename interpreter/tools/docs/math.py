"""A definition of the rules as a formula: MathML, written here from the rule's own syntax tree.

Where the Official Journal gives a formula as an image that the shipped text lacks (Annex I), the
article's page shows the formula as the rules encode it, so that a reader can set it beside the
official image. It is generated, never typed: what is shown is what is computed. MathML is
rendered by the browser itself (MathML Core), so the site loads no script and nothing from
elsewhere. An expression the formula cannot show (a condition, a date) gives None.
"""

from __future__ import annotations

from html import escape

from ...language import syntax as A
from ...report import figures as V

# How tightly an operator binds, to know where a formula needs parentheses.
_LEVEL = {"+": 1, "-": 1, "*": 2, "/": 3}


class NotAFormula(Exception):
    """The expression holds something a formula does not show."""


def formula(decl: A.Definition) -> str | None:
    """`name(params) = body` as a MathML block, or None."""
    try:
        body = _math(decl.body)
    except NotAFormula:
        return None
    head = _name(decl.name)
    if decl.params:
        head = f"<mrow>{head}<mo>(</mo>{_join([_name(p.name) for p in decl.params])}<mo>)</mo></mrow>"
    return f'<div class="formula"><math display="block"><mrow>{head}<mo>=</mo>{body}</mrow></math></div>'


def _math(e: A.Expr, level: int = 0) -> str:
    if isinstance(e, A.Binary) and e.op in _LEVEL:
        return _binary(e, level)
    if isinstance(e, A.Percent):
        return f"<mn>{V.decimal_text(e.value * 100, 0 if (e.value * 100).denominator == 1 else 2)}</mn><mo>%</mo>"
    if isinstance(e, (A.Number, A.Quantity, A.Money)):
        return f"<mn>{escape(e.text or str(e.value))}</mn>"
    if isinstance(e, A.Name):
        return _name(e.name)
    if isinstance(e, A.Participating):
        return "<mtext>participating Member States</mtext>"
    if isinstance(e, A.FieldAccess):
        return f"<mrow>{_math(e.target, 9)}<mo>.</mo>{_name(e.name)}</mrow>"
    if isinstance(e, A.Index):
        return f"<msub>{_math(e.target, 9)}{_math(e.key, 9)}</msub>"
    if isinstance(e, A.Call):
        return f"<mrow>{_name(e.name)}<mo>(</mo>{_join([_math(a) for a in e.args])}<mo>)</mo></mrow>"
    if isinstance(e, A.Aggregate) and e.kind == "sum" and e.where is None:
        below = f"<mrow>{_name(e.var)}<mo>∈</mo>{_math(e.source)}</mrow>"
        return f'<mrow><munder><mo largeop="true">∑</mo>{below}</munder>{_math(e.body, 2)}</mrow>'
    if isinstance(e, A.Unary) and e.op == "-":
        return f"<mrow><mo>−</mo>{_math(e.operand, 9)}</mrow>"
    raise NotAFormula(type(e).__name__)


def _binary(e: A.Binary, level: int) -> str:
    if e.op == "/":                                  # a fraction needs no parentheses: the bar groups it
        return f"<mfrac>{_math(e.left)}{_math(e.right)}</mfrac>"
    mine = _LEVEL[e.op]
    sign = {"+": "+", "-": "−", "*": "·"}[e.op]
    inner = f"{_math(e.left, mine)}<mo>{sign}</mo>{_math(e.right, mine + 1)}"
    return f"<mrow><mo>(</mo>{inner}<mo>)</mo></mrow>" if mine < level else f"<mrow>{inner}</mrow>"


def _name(name: str) -> str:
    return f"<mi>{escape(name)}</mi>"


def _join(parts: list[str]) -> str:
    return "<mo>,</mo>".join(parts)
