"""Rule text -> typed syntax tree (`syntax.py`), or positioned syntax errors.

Lark's LALR parser with positions does the grammar work; a Transformer turns its
parse tree into frozen dataclasses, and `_assemble` checks which clauses a
declaration may carry, so that a misplaced clause reads as a sentence rather
than as a list of expected tokens.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, cast

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import (
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from . import syntax as A
from .diagnostics import Collector, Diagnostic, Failed, did_you_mean
from .law import CitationSyntaxError, parse_citation

GRAMMAR = Path(__file__).with_name("grammar.lark")

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
MAGNITUDES = {"thousand": 10**3, "million": 10**6, "billion": 10**9}
DECLARATION_KEYWORDS = ("act", "authority", "member state", "constant", "parameter", "dataset", "calendar",
                        "document", "record", "definition", "requirement", "exception", "coverage", "report",
                        "reading")

_comments: list[Token] = []


@lru_cache(maxsize=1)
def parser() -> Lark:
    # cache=True keeps the LALR tables on disk between runs (start-up time matters for the CLI)
    return Lark.open(str(GRAMMAR), parser="lalr", propagate_positions=True,
                     maybe_placeholders=False, cache=True,
                     lexer_callbacks={"COMMENT": _comments.append})


def parse_file(path: str | Path) -> A.RuleFile:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise Failed([Diagnostic("E001", f"cannot read rule file: {error.strerror}",
                                 A.Span(str(path), 1, 1, 1, 1))]) from None
    try:
        text = raw.decode("utf-8-sig")       # a byte order mark, as some editors write, is not text
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise Failed([Diagnostic("E002", "the file is not valid UTF-8 text",
                                 A.Span(str(path), line, column, line, column + 1),
                                 "save the rule file with UTF-8 encoding")]) from None
    return parse_text(text, str(path))


def parse_text(text: str, filename: str = "<rules>") -> A.RuleFile:
    """Parse one rule file. Raises `Failed` with every syntax and structure error found."""
    rule_file, diagnostics = parse_partial(text, filename)
    if diagnostics:
        raise Failed(diagnostics, {filename: text})
    return rule_file


def parse_partial(text: str, filename: str = "<rules>") -> tuple[A.RuleFile, list[Diagnostic]]:
    """Parse one rule file as far as it goes: every declaration that parses, and every error found.

    A syntax error leaves out the declaration it is in; the others are still built, so that their
    own errors are reported with it (all errors at once), and so that an editor can still tell what
    the names of a file that does not parse are."""
    _comments.clear()
    try:
        trees = [(parser().parse(text), list(_comments))]
        diagnostics: list[Diagnostic] = []
    except UnexpectedInput as first:
        diagnostics, trees = _recover(text, filename, first)
    collector = Collector()
    declarations: list[A.Declaration] = []
    comments: list[Token] = []
    for tree, found in trees:
        too_far = _beyond_limits(tree, filename)
        if too_far:                          # the builder would go too deep: report, and build nothing
            diagnostics += too_far
            continue
        try:
            declarations += _Builder(filename, text, collector).transform(tree)
        except VisitError as error:          # a literal the grammar accepts but the calendar does not
            if isinstance(error.orig_exc, Failed):
                diagnostics += error.orig_exc.diagnostics
                continue
            raise
        comments += found
    diagnostics = sorted([*diagnostics, *collector.diagnostics], key=lambda d: (d.span.line, d.span.column))
    return A.RuleFile(filename, text, tuple(declarations), tuple((c.line or 0, str(c)) for c in comments)), diagnostics


# Every later stage walks expressions recursively; a rule nested deeper than this is no
# reading of a law anyone writes, and would exhaust Python's stack (measured: about 250 levels
# of 'and' through check, evaluate and explain). Numbers beyond 40 digits are typing accidents.
MAX_NESTING = 100
MAX_DIGITS = 40


def _beyond_limits(tree: Tree, filename: str) -> list[Diagnostic]:
    """The first expression nested too deeply and every overlong number, found without recursion."""
    out: list[Diagnostic] = []
    stack: list[tuple[Tree, int]] = [(tree, 0)]
    deep_reported = False
    while stack:
        node, depth = stack.pop()
        if depth > MAX_NESTING and not deep_reported:
            deep_reported = True
            out.append(Diagnostic("E108", f"this expression is nested more than {MAX_NESTING} levels deep",
                                  _span(filename, node.meta), "split it into definitions, each with a name"))
        for child in node.children:
            if isinstance(child, Tree):
                stack.append((child, depth + 1))
            elif isinstance(child, Token) and child.type in ("NUMBER", "INT") \
                    and sum(c.isdigit() for c in child) > MAX_DIGITS:
                out.append(Diagnostic("E109", f"a number of {sum(c.isdigit() for c in child)} digits",
                                      _span(filename, child),
                                      f"no figure of the rules needs more than {MAX_DIGITS} digits"))
    return sorted(out, key=lambda d: (d.span.line, d.span.column))


def _recover(text: str, filename: str, first: UnexpectedInput) -> tuple[list[Diagnostic], list[tuple[Tree, list]]]:
    """Report one syntax error per broken declaration, not just the first of the file, and keep
    the parse trees (with their comments) of the declarations that are not broken.

    Each declaration starts at the beginning of a line with its keyword; parsing each
    alone (the rest blanked out, so positions stay true) finds its own error. A declaration
    cut short shows up in the whole file as an error at the next one's keyword; parsed alone,
    it is reported where it is cut short instead.
    """
    starts = [m.start() for m in re.finditer(
        r"^(?:{})\b".format("|".join(k.replace(" ", r"\s+") for k in DECLARATION_KEYWORDS)), text, re.M)]
    whole = syntax_diagnostic(first, text, filename)
    if len(starts) > 200 or not starts:     # a pathological file: one message is enough
        return [whole], []
    diagnostics = [whole] if (getattr(first, "pos_in_stream", 0) or 0) < starts[0] else []
    seen = {(d.span.line, d.span.column) for d in diagnostics}
    trees = []
    first_begin = starts[0] if diagnostics else 0          # the comments before the first declaration
    for begin, end in zip([first_begin, *starts[1:]], starts[1:] + [len(text)]):
        chunk = re.sub(r"[^\n]", " ", text[:begin]) + text[begin:end]
        _comments.clear()
        try:
            trees.append((parser().parse(chunk), list(_comments)))
        except UnexpectedInput as error:
            diagnostic = syntax_diagnostic(error, text, filename)
            key = (diagnostic.span.line, diagnostic.span.column)
            if key not in seen:
                seen.add(key)
                diagnostics.append(diagnostic)
    return diagnostics or [whole], trees


# ------------------------------------------------------------ syntax errors

_READABLE = {
    "NAME": "a name", "STRING": "a quoted text", "CITATION": "a citation such as Art 12(2)(a)",
    "NUMBER": "a number", "INT": "a whole number", "UNIT": "a unit (persons, EUR, days, ...)",
    "MONTH": "a month", "ISO_DATE": "a date", "AGGREGATE": "sum(...), count(...), ...",
    "MAGNITUDE": "million or billion", "YES_NO": "yes/no", "$END": "the end of the file",
}


def _describe(terminal: str) -> str:
    if terminal in _READABLE:
        return _READABLE[terminal]
    for definition in parser().terminals:
        if definition.name == terminal and definition.pattern.type == "str":
            return f"'{definition.pattern.value}'"
    return terminal.lower()


def _expected(error: UnexpectedInput) -> str:
    names = sorted({_describe(t) for t in (getattr(error, "expected", None) or getattr(error, "allowed", None) or ())})
    if not names:
        return ""
    if len(names) > 8:
        names = names[:8] + ["..."]
    return "expected " + ", ".join(names)


def syntax_diagnostic(error: UnexpectedInput, text: str, filename: str) -> Diagnostic:
    """One syntax error as a sentence about the rules, with a hint: first the mistakes people
    make (recognised by example, see `_MISTAKES`), then what the grammar expected."""
    line, column = getattr(error, "line", 1) or 1, getattr(error, "column", 1) or 1
    known = _lexical_mistake(error, text, filename) or _citation_cut_short(error, text, filename) \
        or _keyword_out_of_place(error, text, filename) or _known_mistake(error, text, filename)
    if known is not None:
        return known
    if isinstance(error, UnexpectedEOF) or (isinstance(error, UnexpectedToken) and error.token.type == "$END"):
        return Diagnostic("E101", "the file ends in the middle of a declaration",
                          _error_span(error, text, filename), _expected(error))
    if isinstance(error, UnexpectedCharacters):
        position = error.pos_in_stream or 0
        char = text[position] if position < len(text) else ""
        return Diagnostic("E103", f"unexpected character {char!r}", A.Span(filename, line, column, line, column + 1),
                          _expected(error))
    token = getattr(error, "token", "")
    span = A.Span(filename, line, column, line, column + max(1, len(str(token))))
    return Diagnostic("E104", f"unexpected {_token_words(token)}", span, _expected(error))




# The mistakes people make, each shown by a few small examples of it. Lark matches the parser
# state an error leaves behind against the states of these examples (`match_examples`), so a
# mistake is recognised wherever it is made, not only where its words look alike. The state
# includes how deep the parser is, hence each mistake is written out in each kind of place.
_FIRST = ['act "a"', 'authority A "a"', 'member state AA "a" participates', 'constant c = 1',
          'parameter p: date = 1 January 2026', 'dataset d: persons by member state file "f"', 'calendar c file "f"',
          'document D', 'document D "d"', 'record R', 'definition d = 1', 'requirement r "t"', 'exception e "t"',
          'coverage Art 1 not checkable "x"', 'report r', 'report r figure f = d', 'reading r "q" default d "d"']
_LATER = [f"{first} source \"s\"" for first in _FIRST]
_FIELD = [f"{head}{clause}{first} f: text{extra}" for head in ("document D", 'document D "d"', "record R")
          for clause in ("", " cites Art 1") for first in ("", " e: text")
          for extra in ("", ' "f"', " default 1", ' "f" default 1')]
_CLAUSE_PLACES = _FIRST + _LATER
_RULES = ['requirement r "t"', 'exception e "t"', 'requirement r "t" source "s"', 'exception e "t" source "s"']

_MISTAKES: dict[str, list[str]] = {
    # 'cites' with no citation after it (or after 'and')
    "citation": [f"{place} cites {rest}" for place in _CLAUSE_PLACES + _FIELD
                 for rest in ("for", "", "Art 1 and for", "Art 1 and", '"Art 1"', "article 1", "12")],
    # a requirement, exception, authority or act without its quoted title
    "title": [f"{kind} cites" for kind in ("requirement r", "exception e", "authority A", "act", "member state DE")]
             + [f"{kind} {word}" for kind in ("requirement r", "exception e")
                for word in ("for", "when", "requires", "x")],
    # 'for proposal' without ': CommissionProposal'
    "binding type": [f"{place} {clause} p {rest}" for place in _RULES for clause in ("for", "using")
                     for rest in ("requires", "", "P", ", q: Q")]
                    + ["definition d(p) = 1", "definition d(p: T, q) = 1"],
    # 'needs assessment by Commission' without the words of the law
    "assessment words": [f"{place} needs assessment by A {rest}" for place in _RULES for rest in ("", "cites")]
                        + ['coverage Art 1 needs assessment by A', 'coverage Art 1 needs assessment by A cites'],
    # 'then' that does not say what the exception does
    "outcome": [f"{place} then {rest}" for place in _RULES for rest in ("", "when", "applicable", "x")],
    # 'priority high'
    "priority": [f"{place} priority {rest}" for place in _RULES for rest in ("", "high", "1.5", "when")],
    # a definition or constant without '='
    "equals": ["definition d x", "definition d: persons x", "definition d(p: T) x", "definition d(p: T): T x",
               "constant c x", "constant c: persons x", "constant c", "parameter p: date x", "parameter p x"],
    # a member state without 'participates' or 'does not participate'
    "participation": ['member state DE "Germany" cites', 'member state DE "Germany"', 'member state DE "Germany" x',
                      'member state DE "Germany" participates from x'],
    # a word at the start of a declaration that is no kind of declaration
    "declaration": ["requirment", "x", 'requirement r "t" cites Art 1 x'],
    # a word where a clause begins that is no clause (or an operator is missing before it)
    "clause": [f"{place} {word}" for place in _CLAUSE_PLACES for word in ("x", "require x")]
              + [f"{place} {clause} x y" for place in _RULES for clause in ("requires", "when", "unless")]
              + [f"{place} {clause} (x) y" for place in _RULES for clause in ("requires", "when", "unless")]
              + [f"{place} = x y" for place in ("definition d", "definition d: persons")],
}

_MISTAKE_HINTS = {
    "title": 'give it {an} {what} in quotes after its name, e.g. {example}',
    "binding type": "name the type after a colon, e.g. for proposal: CommissionProposal",
    "assessment words": 'quote, after the authority, the words of the provision that leave the decision to it, '
                        'e.g. needs assessment by Commission "shall take this duly into account"',
    "outcome": "say what the exception does: then not applicable, then compliant, then requires <condition>, "
               'or then needs assessment by <authority> "<words of the law>"',
    "priority": "a priority is a whole number; the higher one wins when two exceptions apply: priority 1",
    "equals": "give the value after '=', e.g. {example}",
    "participation": "say whether it takes part: participates, participates from 11 June 2024, or does not participate",
}

_MISTAKE_MESSAGES = {
    "title": "the {kind} needs a quoted {what} after its name",
    "binding type": "'{name}' needs its type",
    "assessment words": "the words of the law that leave the decision to the authority are missing",
    "outcome": "'then' must say what the exception does",
    "priority": "'priority' must be followed by a whole number",
    "equals": "the value of this {kind} is missing",
    "participation": "the member state does not say whether it takes part",
}

DECLARATION_WORDS = ("act", "authority", "member", "constant", "parameter", "dataset", "calendar", "document", "record",
                     "definition", "requirement", "exception", "coverage", "report", "reading")
CLAUSE_WORDS = ("cites", "interpretation", "source", "file", "scale", "eli", "url", "law", "for", "using", "when",
                "unless", "requires", "needs", "notwithstanding", "priority", "then", "default")
# Clause keywords followed by an expression or a name: a keyword written there is read as a name.
_TAKES_A_VALUE = {"requires": "a condition", "when": "a condition", "unless": "a condition",
                  "and": "a condition", "or": "a condition", "not": "a condition",
                  "for": "a name and its type, e.g. for proposal: CommissionProposal",
                  "using": "a name and its type, e.g. using proposal: CommissionProposal",
                  "notwithstanding": "the names of the requirements it sets aside", "scale": "a number",
                  "default": "a value", "in": "a table or list", "then": "what the exception does"}


@cache
def _example_error(example: str) -> UnexpectedInput | None:
    try:
        parser().parse(example)
    except UnexpectedInput as error:
        return error
    return None


def _parse_example(example: str):
    """`match_examples` parses each example; the parse of an example never changes, so keep it."""
    error = _example_error(example)
    if error is not None:
        raise error
    return None


def _known_mistake(error: UnexpectedInput, text: str, filename: str) -> Diagnostic | None:
    if getattr(error, "state", None) is None:
        return None
    label = error.match_examples(_parse_example, _MISTAKES, use_accepts=True)
    if label is None:
        return None
    if label == "citation":
        return _no_citation(error, text, filename)
    if label in ("declaration", "clause"):
        return _unknown_word(label, error, text, filename)
    span = _missing_span(error, text, filename)
    pos = getattr(error, "pos_in_stream", None) or len(text)
    if label == "binding type":
        name = _last_word(text, pos) or "the name"
        token = getattr(error, "token", None)
        if token is not None and token.type == "NAME" and str(token)[:1].isupper():
            return Diagnostic("E127", f"a colon is missing between '{name}' and its type", span,
                              f"write {name}: {token}")
        return Diagnostic("E127", _MISTAKE_MESSAGES[label].format(name=name), span, _MISTAKE_HINTS[label])
    kind = _declaration_before(text, pos) or "declaration"
    if label == "title":
        what = {"authority": "description", "member state": "country name"}.get(kind, "title")
        hint = _MISTAKE_HINTS[label].format(an=_article(what), what=what,
                                            example=_EXAMPLES.get(kind, _EXAMPLES["requirement"]))
        return Diagnostic("E124", _MISTAKE_MESSAGES[label].format(kind=kind, what=what), span, hint)
    hint = _MISTAKE_HINTS[label].format(example=_VALUE_EXAMPLES.get(kind, _VALUE_EXAMPLES["constant"]))
    return Diagnostic("E129", _MISTAKE_MESSAGES[label].format(kind=kind), span, hint)


_EXAMPLES = {"requirement": 'requirement proposal_minimum_relocations "At least 30 000 relocations"',
             "exception": 'exception proposal_no_need_for_solidarity "No need for solidarity measures indicated"',
             "authority": 'authority Commission "the European Commission"',
             "member state": 'member state DE "Germany" participates',
             "act": 'act "Regulation (EU) 2024/1351"'}
_VALUE_EXAMPLES = {"constant": "constant minimum_relocations = 30 000 persons",
                   "parameter": "parameter cut_off: date = 1 January 2026",
                   "definition": "definition total_population: persons = sum(population[m] for each m in "
                                 "participating member states)"}


def _error_span(error: UnexpectedInput, text: str, filename: str) -> A.Span:
    """Where the error is; at the end of the input, just after the last word read."""
    token = getattr(error, "token", None)
    if token is None or token.type == "$END" or not str(token):
        # Lark's end token borrows the position of the last token read
        last = token if token is not None and token.end_pos is not None else \
            (getattr(error, "token_history", None) or [None])[-1]
        end = last.end_pos if last is not None and last.end_pos is not None else len(text.rstrip())
        return _span_at(filename, text, end, 1)
    return A.Span(filename, token.line, token.column, token.line, token.column + len(str(token).split("\n")[0]))


def _missing_span(error: UnexpectedInput, text: str, filename: str) -> A.Span:
    """Something is missing: point just after the last word read when the next one is on a
    later line (it belongs to the next clause), else at the word that stands in its place."""
    token = getattr(error, "token", None)
    last = (getattr(error, "token_history", None) or [None])[-1]
    if token is not None and token.type != "$END" and last is not None and last.end_pos is not None \
            and token.line > last.end_line:
        return _span_at(filename, text, last.end_pos, 1)
    return _error_span(error, text, filename)


def _no_citation(error: UnexpectedInput, text: str, filename: str) -> Diagnostic:
    token = getattr(error, "token", None)
    word = str(token) if token is not None and token.type != "$END" else ""
    cites = [m for m in re.finditer(r"\b(?:cites|and)\b",
                                    text[:getattr(error, "pos_in_stream", len(text)) or len(text)])]
    if word.startswith('"'):
        hint = f"write the citation without quotes: cites {word.strip(chr(34))}"
    elif re.fullmatch(r"(?i)art(?:icle)?\.?", word):
        hint = "write 'Art' with a capital A, e.g. cites Art 12(2)(a)"
    elif word[:1].isdigit():
        hint = f"start the citation with 'Art', e.g. cites Art {word}"
    elif word in ("paragraph", "point", "subparagraph"):
        hint = "name the article first, e.g. cites Art 12(2), point (a)"
    else:
        hint = "name the provision the rule encodes, e.g. cites Art 12(2)(a) or cites Annex I"
    span = _error_span(error, text, filename)
    if cites and (not word or (token is not None and token.line != _line_of(text, cites[-1].start()))):
        keyword = cites[-1]                 # nothing follows on the line: point at 'cites' itself
        line, column = _line_of(text, keyword.start()), _column_of(text, keyword.start())
        span = A.Span(filename, line, column, line, column + len(keyword.group()))
    after = "'and'" if cites and cites[-1].group() == "and" else "'cites'"
    return Diagnostic("E120", f"{after} must be followed by a citation", span, hint)


def _unknown_word(label: str, error: UnexpectedInput, text: str, filename: str) -> Diagnostic | None:
    token = getattr(error, "token", None)
    if token is None or token.type != "NAME":
        return None
    word, span = str(token), _error_span(error, text, filename)
    expected = set(getattr(error, "expected", None) or ())
    if _column_of(text, token.start_pos) == 1 or "CITES" not in expected:
        hint = did_you_mean(word, DECLARATION_KEYWORDS) \
            or "a declaration starts with one of: " + ", ".join(DECLARATION_KEYWORDS)
        return Diagnostic("E125", f"'{word}' does not start a declaration", span, hint)
    hint = did_you_mean(word, CLAUSE_WORDS) or \
        "a clause starts with one of: " + ", ".join(w for w in CLAUSE_WORDS if w not in ("law", "default"))
    return Diagnostic("E126", f"'{word}' does not start a clause", span,
                      hint + ("; is an operator ('and', 'or', 'is at least') missing before it?"
                              if hint.startswith("a clause") else ""))


def _keyword_out_of_place(error: UnexpectedInput, text: str, filename: str) -> Diagnostic | None:
    """`requires for p: ...`, `when cites ...`: a keyword where a condition or name belongs is read
    as a name, and the parser trips only on the word after it. Point at the keyword."""
    if not isinstance(error, UnexpectedToken) or error.token.type == "$END":
        return None
    window = max(0, error.token.start_pos - _LOOK_BACK)
    match = re.search(r"\b([a-z]+)\s+([a-z]+)\s*$", text[window:error.token.start_pos])
    if not match:
        return None
    clause, word = match.groups()
    if clause not in _TAKES_A_VALUE or word not in DECLARATION_WORDS + CLAUSE_WORDS:
        return None
    start = window + match.start(2)
    line, column = _line_of(text, start), _column_of(text, start)
    return Diagnostic("E123", f"'{clause}' must be followed by {_TAKES_A_VALUE[clause]}, but '{word}' begins another "
                              f"{'declaration' if word in DECLARATION_WORDS else 'clause'}",
                      A.Span(filename, line, column, line, column + len(word)),
                      f"complete the condition after '{clause}', or remove '{clause}'" if clause in ("and", "or", "not")
                      else f"complete the '{clause}' clause, or remove it; clauses may come in any order, each "
                           f"starting with its keyword")


def _lexical_mistake(error: UnexpectedInput, text: str, filename: str) -> Diagnostic | None:
    """Numbers and operators written as elsewhere: 0,5  30,000  1.000.000  ==  &&  'text'."""
    pos = getattr(error, "pos_in_stream", None)
    if pos is None or pos >= len(text):
        return None
    if isinstance(error, UnexpectedCharacters) and text[pos] == '"':
        return Diagnostic("E102", "this quoted text is not closed on its line", _span_at(filename, text, pos, 1),
                          'end the text with " on the same line; split a long text into several "..." pieces')
    around = text[max(0, pos - 40):pos + 40]
    offset = pos - max(0, pos - 40)
    if text[pos] == ",":
        number = re.search(r"(?<![\w.])(\d[\d.]*),(\d+)$", around[:offset + 1] + _digits_after(text, pos + 1))
        if number:
            whole, part = number.groups()
            written = f"{whole},{part}"
            span = _span_at(filename, text, pos - len(whole), len(written))
            if len(part) == 3 and "." not in whole and len(whole) <= 3:
                return Diagnostic("E122", f"'{written}' groups thousands with a comma", span,
                                  f"write {whole} {part}: thousands are grouped with spaces, as in the Official "
                                  f"Journal (a decimal is written with a point: {whole}.{part})")
            return Diagnostic("E121", f"'{written}' has a decimal comma", span,
                              f"write {whole.replace('.', ' ')}.{part}: decimals are written with a point "
                              f"(and thousands grouped with spaces)")
    if isinstance(error, UnexpectedToken) and text[pos].isdigit() and re.search(r"\d\.\d{3}\.$", around[:offset]):
        start = pos - len(cast(re.Match, re.search(r"[\d.]+$", around[:offset])).group())
        written = text[start:pos] + cast(re.Match, re.match(r"\d+", text[pos:])).group()
        return Diagnostic("E122", f"'{written}' groups thousands with points",
                          _span_at(filename, text, start, len(written)),
                          f"write {written.replace('.', ' ')}: thousands are grouped with spaces, "
                          "as in the Official Journal")
    for written, (name, hint) in _FOREIGN_OPERATORS.items():
        start = pos - 1 if written == "==" else pos
        if written == "==" and (not isinstance(error, UnexpectedToken) or text[start - 1:start] in ("<", ">", "!")):
            continue
        if text.startswith(written, start):
            return Diagnostic("E128", f"{name} is not part of the rule language",
                              _span_at(filename, text, start, len(written)), hint)
    return None


_QUOTES = 'quote texts with straight double quotes: "..."'
_FOREIGN_OPERATORS = {"==": ("'=='", "write '=' or 'is'"), "&&": ("'&&'", "write 'and'"), "||": ("'||'", "write 'or'"),
                      "&": ("'&'", "write 'and'"), "|": ("'|'", "write 'or'"),
                      "!": ("'!'", "write 'not', or '!=' for 'is not'"),
                      "'": ("a single quote", _QUOTES), "\u2019": ("a typographic quote", _QUOTES),
                      "\u201c": ("a typographic quote", _QUOTES)}
_LOOK_BACK = 200          # how far back a message looks for the words before an error


def _digits_after(text: str, pos: int) -> str:
    return cast(re.Match, re.match(r"\d*", text[pos:pos + 40])).group()


def _span_at(filename: str, text: str, start: int, width: int) -> A.Span:
    line, column = _line_of(text, start), _column_of(text, start)
    return A.Span(filename, line, column, line, column + max(1, width), start, start + width)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _column_of(text: str, pos: int) -> int:
    return pos - (text.rfind("\n", 0, pos) + 1) + 1


def _last_word(text: str, pos: int) -> str:
    match = re.search(r"([A-Za-z_]\w*)\s*$", text[max(0, pos - _LOOK_BACK):pos])
    return match.group(1) if match else ""


def _declaration_before(text: str, pos: int) -> str:
    """The kind of the declaration the position is in: the last declaration keyword at a line start."""
    found = list(re.finditer(r"^(act|authority|member\s+state|constant|parameter|dataset|calendar|document|record|"
                             r"definition|requirement|exception|coverage|report|reading)\b", text[:pos], re.M))
    return " ".join(found[-1].group(1).split()) if found else ""


def _citation_cut_short(error: UnexpectedInput, text: str, filename: str) -> Diagnostic | None:
    """A citation the grammar read only in part ("Art 12, paragraph 2"): let the citation
    reader say what is wrong with the whole of it."""
    previous = (getattr(error, "token_history", None) or [None])[-1]
    if previous is None or previous.type != "CITATION":
        return None
    rest = text[previous.start_pos:].split("\n", 1)[0]
    written = re.split(r"\s+and\s+|\s+(?=(?:for|requires|when|unless|interpretation|source)\b)", rest)[0].rstrip()
    try:
        parse_citation(written)
    except CitationSyntaxError as problem:
        span = A.Span(filename, previous.line, previous.column, previous.line, previous.column + len(written))
        return Diagnostic("E400", f"cannot read the citation '{written}': {problem.message}", span, problem.hint)
    return None


def _token_words(token: Any) -> str:
    if token.type == "NAME":
        return f"name '{token}'"
    if token.type == "STRING":
        return "quoted text"
    return f"'{token}'"


# ---------------------------------------------------------------- builder

def _span(filename: str, meta_or_token) -> A.Span:
    m = meta_or_token
    if getattr(m, "empty", False):
        return A.NOWHERE
    return A.Span(filename, m.line, m.column, m.end_line, m.end_column,
                  getattr(m, "start_pos", 0) or 0, getattr(m, "end_pos", 0) or 0)


def _number(token: Token) -> Fraction:
    return Fraction(Decimal(re.sub(r"[ \u00a0\u202f]", "", str(token))))


def _unquote(token: Token) -> str:
    return re.sub(r"\\(.)", r"\1", str(token)[1:-1])


@v_args(meta=True)
class _Builder(Transformer):
    """Parse tree -> ast. Clauses come back as (kind, payload, span) triples."""

    def __init__(self, filename: str, text: str, collector: Collector):
        super().__init__()
        self._file = filename
        self._source = text
        self._collector = collector

    def _sp(self, meta) -> A.Span:
        return _span(self._file, meta)

    def _tsp(self, token: Token) -> A.Span:
        return _span(self._file, token)

    # -- top level
    def start(self, meta, children):
        return children

    def string(self, meta, tokens):
        return " ".join(_unquote(t) for t in tokens), self._sp(meta)

    # -- clauses
    def cites(self, meta, tokens):
        return ("cites", tuple(A.CitationNode(str(t), self._tsp(t)) for t in tokens), self._sp(meta))

    @staticmethod          # a maker of methods, called in the class body
    def _note(kind):
        def method(self, meta, children):
            text, span = children[0]
            return (kind, A.Note(text, span), self._sp(meta))
        return method

    interpretation = _note("interpretation")
    source = _note("source")

    @staticmethod          # a maker of methods, called in the class body
    def _plain(kind):
        def method(self, meta, children):
            value = children[0]
            if isinstance(value, Token):
                value = _unquote(value)
            return (kind, value, self._sp(meta))
        return method

    file = _plain("file")
    eli = _plain("eli")
    url = _plain("url")
    law_text = _plain("law_text")
    scale = _plain("scale")
    when = _plain("when")
    unless = _plain("unless")
    requires = _plain("requires")
    then = _plain("then")

    def priority(self, meta, children):
        return ("priority", int(children[0]), self._sp(meta))

    def for_each(self, meta, children):
        name, source = children
        return ("for_each", A.ForEach(str(name), source, self._sp(meta)), self._sp(meta))

    def for_subject(self, meta, children):
        return ("for", tuple(children), self._sp(meta))

    def using(self, meta, children):
        return ("using", tuple(children), self._sp(meta))

    def notwithstanding(self, meta, children):
        return ("notwithstanding", tuple((str(t), self._tsp(t)) for t in children), self._sp(meta))

    def assessment(self, meta, children):
        authority, (quote, _) = children
        return ("assessment", A.Assessment(str(authority), quote, self._sp(meta), self._tsp(authority)),
                self._sp(meta))

    def outcome_not_applicable(self, meta, _):
        return A.Consequence("not_applicable", span=self._sp(meta))

    def outcome_compliant(self, meta, _):
        return A.Consequence("compliant", span=self._sp(meta))

    def outcome_assessment(self, meta, children):
        return A.Consequence("assessment", assessment=children[0][1], span=self._sp(meta))

    def outcome_requires(self, meta, children):
        return A.Consequence("requires", condition=children[0], span=self._sp(meta))

    def binding(self, meta, children):
        name, type_ = children
        return A.Binding(str(name), type_, self._sp(meta))

    def parameters(self, meta, children):
        return tuple(children)

    # -- types
    def quantity_type(self, meta, children):
        unit = _canonical_unit(str(children[0]))
        per = _canonical_unit(str(children[1])) if len(children) > 1 else None
        return A.QuantityType(span=self._sp(meta), unit=unit, per=per)

    @staticmethod          # a maker of methods, called in the class body
    def _simple(name):
        def method(self, meta, children):
            return A.SimpleType(span=self._sp(meta), name=name)
        return method

    share_type = _simple("share")
    number_type = _simple("number")
    date_type = _simple("date")
    year_type = _simple("year")
    bool_type = _simple("yes/no")
    text_type = _simple("text")
    member_state_type = _simple("member state")

    def named_type(self, meta, children):
        return A.NamedType(span=self._sp(meta), name=str(children[0]))

    def table_type(self, meta, children):
        return A.TableType(span=self._sp(meta), value=children[0])

    def list_type(self, meta, children):
        return A.ListType(span=self._sp(meta), item=children[0])

    # -- expressions
    def number(self, meta, children):
        token = children[0]
        return A.Number(span=self._sp(meta), value=_number(token), text=str(token))

    def quantity(self, meta, children):
        token, unit = children
        return A.Quantity(span=self._sp(meta), value=_number(token), unit=_canonical_unit(str(unit)),
                          text=f"{token} {unit}")

    def percent(self, meta, children):
        return A.Percent(span=self._sp(meta), value=_number(children[0]) / 100, text=f"{children[0]} %")

    def money(self, meta, children):
        value = _number(children[0])
        text = f"EUR {children[0]}"
        if len(children) > 1:
            value *= MAGNITUDES[str(children[1])]
            text += f" {children[1]}"
        return A.Money(span=self._sp(meta), value=value, text=text)

    def date_words(self, meta, children):
        day, month, year = children
        return A.DateLiteral(span=self._sp(meta), value=self._date(int(_number(year)), MONTHS.index(str(month)) + 1,
                                                                     int(_number(day)), meta))

    def date_iso(self, meta, children):
        y, m, d = (int(p) for p in str(children[0]).split("-"))
        return A.DateLiteral(span=self._sp(meta), value=self._date(y, m, d, meta))

    def _date(self, year: int, month: int, day: int, meta) -> date:
        try:
            return date(year, month, day)
        except ValueError as error:
            self._collector.error("E105", f"not a calendar date: {error}", self._sp(meta))
            return date(1970, 1, 1)

    def date_in_year(self, meta, children):
        day, month, year = children
        day_number, month_number = int(_number(day)), MONTHS.index(str(month)) + 1
        self._date(2024, month_number, day_number, meta)       # leap year: 29 February is allowed
        return A.DateInYear(span=self._sp(meta), day=day_number, month=month_number, year=year)

    def none(self, meta, _):
        return A.NoItems(span=self._sp(meta))

    def yes(self, meta, _):
        return A.Bool(span=self._sp(meta), value=True)

    def no(self, meta, _):
        return A.Bool(span=self._sp(meta), value=False)

    def text(self, meta, children):
        return A.Text(span=self._sp(meta), value=_unquote(children[0]))

    def name(self, meta, children):
        return A.Name(span=self._sp(meta), name=str(children[0]))

    def participating(self, meta, _):
        return A.Participating(span=self._sp(meta))

    def field_access(self, meta, children):
        target, name = children
        return A.FieldAccess(span=self._sp(meta), target=target, name=str(name))

    def index(self, meta, children):
        target, key = children
        return A.Index(span=self._sp(meta), target=target, key=key)

    def call(self, meta, children):
        name, *args = children
        return A.Call(span=self._sp(meta), name=str(name), args=tuple(args))

    def aggregate(self, meta, children):
        kind, body, var, source, *where = children
        return A.Aggregate(span=self._sp(meta), kind=str(kind), body=body, var=str(var), source=source,
                           where=where[0] if where else None)

    def neg(self, meta, children):
        return A.Unary(span=self._sp(meta), op="-", operand=children[0])

    def not_(self, meta, children):
        return A.Unary(span=self._sp(meta), op="not", operand=children[0])

    @staticmethod          # a maker of methods, called in the class body
    def _binary(op):
        def method(self, meta, children):
            left, right = children
            return A.Binary(span=self._sp(meta), op=op, left=left, right=right)
        return method

    add, sub, mul, div = _binary("+"), _binary("-"), _binary("*"), _binary("/")
    and_, or_ = _binary("and"), _binary("or")

    def compare(self, meta, children):
        left, (op, wording), right = children
        return A.Compare(span=self._sp(meta), op=op, left=left, right=right, wording=wording)

    @staticmethod          # a maker of methods, called in the class body
    def _comparator(op):
        # The wording is the comparator as written ("is at least", ">="), from its own tokens:
        # the text between the operands may also hold a closing bracket or a comment.
        def method(self, meta, _):
            written = re.sub(r"#[^\n]*", " ", self._source[meta.start_pos:meta.end_pos])
            return op, " ".join(written.split())
        return method

    op_ge, op_le, op_gt = _comparator(">="), _comparator("<="), _comparator(">")
    op_lt, op_eq, op_ne = _comparator("<"), _comparator("="), _comparator("!=")

    def is_given(self, meta, children):
        return A.IsGiven(span=self._sp(meta), operand=children[0], negated=False)

    def is_not_given(self, meta, children):
        return A.IsGiven(span=self._sp(meta), operand=children[0], negated=True)

    def member_of(self, meta, children):
        return A.MemberOf(span=self._sp(meta), item=children[0], collection=children[1])

    def not_member_of(self, meta, children):
        return A.MemberOf(span=self._sp(meta), item=children[0], collection=children[1], negated=True)

    def if_expr(self, meta, children):
        condition, then, otherwise = children
        return A.If(span=self._sp(meta), condition=condition, then=then, otherwise=otherwise)

    # -- declarations
    def act(self, meta, children):
        (title, _), *clauses = children
        c = self._clauses("act", clauses, {"eli", "url", "law_text"})
        return A.Act(name=title, span=self._sp(meta), name_span=self._sp(meta), meta=c.meta,
                     eli=c.one("eli") or "", url=c.one("url") or "", law_text=c.one("law_text") or "")

    def authority(self, meta, children):
        name, (description, _), *clauses = children
        c = self._clauses("authority", clauses, set())
        return A.Authority(name=str(name), span=self._sp(meta), name_span=self._tsp(name), meta=c.meta,
                           description=description)

    def participates(self, meta, children):
        return ("participates", children[0].value if children else None)

    def not_participating(self, meta, _):
        return ("does not participate", None)

    def member_state(self, meta, children):
        code, (country, _), (status, since), *clauses = children
        c = self._clauses("member state", clauses, set())
        return A.MemberState(name=str(code), span=self._sp(meta), name_span=self._tsp(code), meta=c.meta,
                             country=country, participates=status == "participates", since=since)

    def constant(self, meta, children):
        name, *rest = children
        declared = rest.pop(0) if isinstance(rest[0], A.TypeExpr) else None
        value, *clauses = rest
        c = self._clauses("constant", clauses, set())
        return A.Constant(name=str(name), span=self._sp(meta), name_span=self._tsp(name), meta=c.meta,
                          declared=declared, value=value)

    def parameter(self, meta, children):
        name, declared, default, *clauses = children
        c = self._clauses("parameter", clauses, set())
        return A.Parameter(name=str(name), span=self._sp(meta), name_span=self._tsp(name), meta=c.meta,
                           declared=declared, default=default)

    def calendar(self, meta, children):
        name, *rest = children
        description = rest.pop(0)[0] if rest and _is_string(rest[0]) else ""
        c = self._clauses("calendar", rest, {"file"})
        if not c.one("file"):
            self._collector.error("E110", f"calendar '{name}' names no file", self._sp(meta),
                                  'add: file "data/official-holidays.csv"')
        return A.Calendar(name=str(name), span=self._sp(meta), name_span=self._tsp(name), meta=c.meta,
                          description=description, file=c.one("file") or "")

    def dataset(self, meta, children):
        name, declared, *rest = children
        description = rest.pop(0)[0] if rest and _is_string(rest[0]) else ""
        c = self._clauses("dataset", rest, {"file", "scale"})
        if not c.one("file"):
            self._collector.error("E110", f"dataset '{name}' names no file", self._sp(meta),
                                 'add: file "data/<name>.csv"')
        return A.Dataset(name=str(name), span=self._sp(meta), name_span=self._tsp(name), meta=c.meta,
                         declared=declared, description=description, file=c.one("file") or "",
                         scale=c.one("scale"))

    def field(self, meta, children):
        name, type_, *rest = children
        description = rest.pop(0)[0] if rest and _is_string(rest[0]) else ""
        default, citations = None, ()
        for option in rest:
            if isinstance(option, tuple) and option[0] == "cites":
                citations += option[1]
            else:
                default = option
        return A.Field(str(name), type_, description, default, citations, self._sp(meta))

    def field_default(self, meta, children):
        return children[0]

    def field_option(self, meta, children):
        return children[0]

    def _structure(self, meta, children, is_document):
        name, *rest = children
        description = rest.pop(0)[0] if rest and _is_string(rest[0]) else ""
        fields = tuple(r for r in rest if isinstance(r, A.Field))
        clauses = [r for r in rest if not isinstance(r, A.Field)]
        c = self._clauses("document" if is_document else "record", clauses, set())
        return A.Structure(name=str(name), span=self._sp(meta), name_span=self._tsp(name), meta=c.meta,
                           is_document=is_document, description=description, fields=fields)

    def document(self, meta, children):
        return self._structure(meta, children, True)

    def record(self, meta, children):
        return self._structure(meta, children, False)

    def not_checkable(self, meta, children):
        return ("not_checkable", children[0][0])

    def left_to_assessment(self, meta, children):
        return ("needs_assessment", children[0][1])

    def figure(self, meta, children):
        name, source, *rest = children
        field = rest.pop(0) if rest and isinstance(rest[0], Token) else None
        citations = rest[0][1] if rest else ()
        return A.Figure(str(name), str(source), str(field) if field is not None else None, citations, self._sp(meta),
                        self._tsp(name), self._tsp(field if field is not None else source))

    def report(self, meta, children):
        name, *rest = children
        description = rest.pop(0)[0] if rest and _is_string(rest[0]) else ""
        figures = tuple(r for r in rest if isinstance(r, A.Figure))
        c = self._clauses("report", [r for r in rest if not isinstance(r, A.Figure)], set())
        return A.Report(name=str(name), span=self._sp(meta), name_span=self._tsp(name), meta=c.meta,
                        description=description, figures=figures)

    def reading_default(self, meta, children):
        name, (description, _) = children
        return A.ReadingValue(str(name), description, True, span=self._sp(meta), name_span=self._tsp(name))

    def reading_alternative(self, meta, children):
        name, (description, _), *parts = children
        uses = tuple(p for p in parts if isinstance(p, A.Substitution))
        excluded = tuple(p for p in parts if isinstance(p, A.Exclusion))
        why = [p[1] for p in parts if isinstance(p, tuple) and p[0] == "not encoded"]
        for extra in why[1:]:
            self._collector.error("E107", "'not encoded' is given twice", extra[1], "say once why it is not encoded")
        return A.ReadingValue(str(name), description, False, uses, excluded, why[0][0] if why else None,
                              self._sp(meta), self._tsp(name))

    def uses(self, meta, children):
        substitute, replaced = children
        return A.Substitution(str(substitute), str(replaced), None, self._sp(meta), self._tsp(substitute),
                              self._tsp(replaced))

    def uses_with(self, meta, children):
        reading, value, substitute, replaced = children
        return A.Substitution(str(substitute), str(replaced), (str(reading), str(value)), self._sp(meta),
                              self._tsp(substitute), self._tsp(replaced))

    def not_with(self, meta, children):
        reading, value, (reason, _) = children
        return A.Exclusion(str(reading), str(value), reason, self._sp(meta))

    def not_encoded(self, meta, children):
        return ("not encoded", (children[0][0], self._sp(meta)))

    def reading(self, meta, children):
        name, (question, _), *rest = children
        values = tuple(r for r in rest if isinstance(r, A.ReadingValue))
        c = self._clauses("reading", [r for r in rest if not isinstance(r, A.ReadingValue)], set())
        defaults = [v for v in values if v.is_default]
        if not defaults:
            self._collector.error("E115", f"reading '{name}' names no default", self._tsp(name),
                                  'say which reading the rules follow: default <name> "<what it says>"')
        for extra in defaults[1:]:
            self._collector.error("E107", "'default' is given twice", extra.span, "a reading has one default")
        if not any(not v.is_default for v in values):
            self._collector.error("E115", f"reading '{name}' names no alternative", self._tsp(name),
                                  'a question with one answer is an interpretation note: add alternative <name> '
                                  '"<what it says>", or write an interpretation instead')
        self._require_citation("reading", name, c)
        return A.Reading(name=str(name), span=self._sp(meta), name_span=self._tsp(name), meta=c.meta,
                         question=question, values=values)

    def coverage(self, meta, children):
        token, (status, payload), *clauses = children
        c = self._clauses("coverage", clauses, set())
        citation = A.CitationNode(str(token), self._tsp(token))
        return A.Coverage(name=str(token), span=self._sp(meta), name_span=self._tsp(token),
                          meta=A.Meta((citation, *c.meta.citations), c.meta.interpretations, c.meta.sources),
                          citation=citation, status=status,
                          reason=payload if status == "not_checkable" else "",
                          assessment=payload if status == "needs_assessment" else None)

    def definition(self, meta, children):
        name, *rest = children
        has_params = rest and isinstance(rest[0], tuple) and rest[0] and isinstance(rest[0][0], A.Binding)
        params = rest.pop(0) if has_params else ()
        declared = rest.pop(0) if rest and isinstance(rest[0], A.TypeExpr) else None
        body, *clauses = rest
        c = self._clauses("definition", clauses, set())
        return A.Definition(name=str(name), span=self._sp(meta), name_span=self._tsp(name), meta=c.meta,
                            params=params, declared=declared, body=body)

    def requirement(self, meta, children):
        name, (title, _), *clauses = children
        c = self._clauses("requirement", clauses,
                          {"for", "using", "for_each", "when", "unless", "requires", "assessment"},
                          repeatable={"unless"})
        span = self._sp(meta)
        if c.one("requires") is None and c.one("assessment") is None:
            self._collector.error("E111", f"requirement '{name}' says neither what it requires nor who assesses it",
                                  self._tsp(name), "add a 'requires <condition>' or a "
                                  "'needs assessment by <authority> \"<quoted words>\"' clause")
        if c.one("requires") is not None and c.one("assessment") is not None:
            self._collector.error("E112", f"requirement '{name}' both requires a condition and leaves it to assessment",
                                 self._tsp(name), "split it into two requirements, one per duty")
        self._require_citation("requirement", name, c)
        return A.Requirement(name=str(name), span=span, name_span=self._tsp(name), meta=c.meta, title=title,
                             subjects=c.one("for") or (), using=c.one("using") or (),
                             for_each=c.one("for_each"), when=c.one("when"), unless=tuple(c.all("unless")),
                             requires=c.one("requires"), assessment=c.one("assessment"))

    def exception(self, meta, children):
        name, (title, _), *clauses = children
        c = self._clauses("exception", clauses, {"for", "using", "notwithstanding", "priority", "when", "then"})
        for needed, hint in (("notwithstanding",
                              "name the requirements it sets aside: 'notwithstanding <requirement>'"),
                             ("priority", "give it a priority: 'priority 1' (higher wins over lower)"),
                             ("then", "say what happens: 'then not applicable', 'then needs assessment by ...'")):
            if c.one(needed) is None:
                self._collector.error("E113", f"exception '{name}' has no '{needed}' clause", self._tsp(name), hint)
        self._require_citation("exception", name, c)
        return A.Exception_(name=str(name), span=self._sp(meta), name_span=self._tsp(name), meta=c.meta,
                            title=title, subjects=c.one("for") or (), using=c.one("using") or (),
                            targets=c.one("notwithstanding") or (), priority=c.one("priority"),
                            when=c.one("when"), outcome=c.one("then"))

    def _require_citation(self, kind: str, name: Token, c: _Clauses) -> None:
        if not c.meta.citations:
            said = "every reading says which provision it reads" if kind == "reading" \
                else "every rule says which provision it encodes"
            self._collector.error("E114", f"{kind} '{name}' cites no provision", self._tsp(name),
                                 f"{said}: add 'cites Art <n>(<paragraph>)'")

    def _clauses(self, kind: str, clauses: list, allowed: set[str],
                 repeatable: AbstractSet[str] = frozenset()) -> _Clauses:
        return _Clauses(kind, clauses, allowed, repeatable, self._collector)


def _is_string(value) -> bool:
    return isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str) and isinstance(value[1], A.Span)


_CLAUSE_WORDS = {"for_each": "for each", "for": "for", "law_text": "law text", "assessment": "needs assessment by",
                 "then": "then", "notwithstanding": "notwithstanding"}


class _Clauses:
    """The clauses of one declaration, sorted by kind, with misplaced ones reported."""

    def __init__(self, kind, clauses, allowed, repeatable, collector: Collector):
        self.by_kind: dict[str, list] = {}
        citations, interpretations, sources = [], [], []
        for clause_kind, payload, span in clauses:
            if clause_kind == "cites":
                citations.extend(payload)
            elif clause_kind == "interpretation":
                interpretations.append(payload)
            elif clause_kind == "source":
                sources.append(payload)
            elif clause_kind not in allowed:
                word = _CLAUSE_WORDS.get(clause_kind, clause_kind)
                collector.error("E106", f"'{word}' does not belong in {_article(kind)} {kind}", span,
                                _placement_hint(clause_kind))
            elif clause_kind in self.by_kind and clause_kind not in repeatable:
                word = _CLAUSE_WORDS.get(clause_kind, clause_kind)
                collector.error("E107", f"'{word}' is given twice", span,
                                "combine the conditions with 'and', or remove one")
            else:
                self.by_kind.setdefault(clause_kind, []).append(payload)
        self.meta = A.Meta(tuple(citations), tuple(interpretations), tuple(sources))

    def one(self, kind):
        values = self.by_kind.get(kind)
        return values[0] if values else None

    def all(self, kind):
        return self.by_kind.get(kind, [])


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def _placement_hint(kind: str) -> str:
    return {
        "priority": "priorities order exceptions; put it in the exception that sets this rule aside",
        "notwithstanding": "write the derogation as its own 'exception' declaration",
        "then": "'then' says what an exception does; requirements say 'requires'",
        "requires": "definitions and constants give their value after '='",
        "for_each": "only requirements are checked once per item",
        "file": "only datasets and calendars name a file",
        "scale": "only datasets have a scale",
    }.get(kind, "")


def _canonical_unit(unit: str) -> str:
    return {"person": "persons", "day": "days", "week": "weeks", "month": "months"}.get(unit, unit)
