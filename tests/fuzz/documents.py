"""Documents as people type them, built from the rules' own document types (hypothesis).

Every field of every document type, nested records, tables by Member State and lists included,
is written with a value of its kind as a person might type it: plain figures and dates, and
the forms that trip readers: leading zeros, thousands separators (space, comma, dot,
underscore), signs, exponents, foreign digits (Arabic-Indic, full-width, Devanagari), base 60,
hexadecimal, extreme sizes and dates, yes/no words, and text with control characters, Markdown
and HTML. Each generated document comes with the tokens written for its figures, so that the
harness can compare what the checker read with what a person reads (oracle.py).

Also: the bundled examples with one field at a time replaced (`mutated_examples`).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import yaml
from hypothesis import strategies as st

from interpreter.engine.reading import parse_yaml
from interpreter.language import syntax as A
from interpreter.language import typesys as T

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = sorted((ROOT / "examples").rglob("*.yaml"))

FOREIGN = "\u0660\u0661\u0663\u0669\uff10\uff11\uff13\uff19\u0966\u0967\u096f"   # Arabic-Indic, full-width, Devanagari


@dataclass
class Written:
    """A generated document: its text, and for each figure the document's place in the file, the
    field's path in it, its kind and the token typed."""
    text: str
    suffix: str
    figures: list[tuple[int, tuple, str, str]] = field(default_factory=list)
    hostility: int = 100


def kind_of(t: T.Type, declared: A.TypeExpr | None) -> str:
    if isinstance(t, T.Quantity):
        if t.dim == T.PERSONS.dim:
            return "persons"
        if t.dim == T.EUR.dim:
            return "EUR"
        if not t.dim:
            return "share" if isinstance(declared, A.SimpleType) and declared.name == "share" else "number"
        return "other quantity"
    return {T.DATE: "date", T.YEAR: "year", T.BOOL: "bool", T.TEXT: "text", T.MEMBER_STATE: "member state"}.get(t, "")


# ------------------------------------------------------------------ tokens of one kind

digits = st.integers(0, 10**12).map(str) | st.integers(0, 10**45).map(str) | st.sampled_from(
    ["0", "1", "29999", "30000", "30001", "600000000", "9" * 23, "9" * 28, "9" * 40, "9" * 41])


# The strategies drawn from for every token are made once, here: hypothesis validates a strategy
# the first time it is drawn from, which for one made anew at each draw cost more than the check.
_FORMS = st.sampled_from(["zero", "space", "comma", "dot", "underscore", "sign", "foreign", "base60", "hex",
                          "exponent", "decimal", "percent", "ratio", "word", "empty", "trailing", "nbsp"])
_ONE_TO_THREE = st.integers(1, 3)
_SIGNS = st.sampled_from(["-", "+", "--", "+-"])
_FOREIGN_DIGIT = st.sampled_from(FOREIGN)
_BASE60 = st.lists(st.integers(0, 59).map(str), min_size=2, max_size=3)
_RADIX = st.sampled_from(["0x", "0o", "0b"])
_EXPONENT = st.integers(-50, 50)
_FRACTION_DIGITS, _FRACTION_LENGTH = st.integers(0, 9999), st.integers(0, 4)
_MINUS = st.sampled_from(["-", ""])
_PERCENT_SIGN = st.sampled_from(["%", " %", " percent"])
_WORDS = st.sampled_from(["yes", "no", "on", "off", "y", "n", "null", "~", "true", "NaN", ".inf", "-.inf",
                          "Infinity", "one thousand", "EUR 5", "5 EUR", "30 000 persons"])
_TRAILING = st.sampled_from([".", ".0", ".00", ".000", "e0", " ", "\t"])


@st.composite
def hostile_number(draw) -> str:
    """A figure written in a form readers disagree on, or no figure at all."""
    base = draw(digits)
    form = draw(_FORMS)
    if form == "zero":
        return "0" * draw(_ONE_TO_THREE) + base
    if form in ("space", "comma", "dot", "underscore", "nbsp"):
        sep = {"space": " ", "comma": ",", "dot": ".", "underscore": "_", "nbsp": "\u00a0"}[form]
        groups = [base[max(0, i - 3):i] for i in range(len(base), 0, -3)][::-1]
        return sep.join(groups)
    if form == "sign":
        return draw(_SIGNS) + base
    if form == "foreign":
        position = draw(st.integers(0, len(base)))
        return base[:position] + draw(_FOREIGN_DIGIT) + base[position:]
    if form == "base60":
        return ":".join(draw(_BASE60))
    if form == "hex":
        return draw(_RADIX) + base[:6]
    if form == "exponent":
        return f"{base[:3]}e{draw(_EXPONENT)}"
    if form == "decimal":
        return f"{base}.{draw(_FRACTION_DIGITS).__str__()[:draw(_FRACTION_LENGTH)]}"
    if form == "percent":
        return f"{draw(_MINUS)}{base[:4]}{draw(_PERCENT_SIGN)}"
    if form == "ratio":
        return f"{draw(_MINUS)}{base[:50]}/{draw(digits)[:50]}"
    if form == "word":
        return draw(_WORDS)
    if form == "trailing":
        return base + draw(_TRAILING)
    return ""


def quoted(token: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """The token as typed, or in double or single quotes."""
    return st.tuples(token, st.sampled_from(["", '"', "'"])).map(lambda p: f"{p[1]}{p[0]}{p[1]}" if p[1] else p[0])


_YEARS = st.sampled_from([1899, 1900, 1970, 2025, 2026, 2200, 2201, 9999, 1, 10000]) | st.integers(1900, 2200)
_MONTHS, _DAYS = st.integers(0, 13), st.integers(0, 32)
_DATE_FORMS = st.sampled_from(["iso", "iso", "short", "words", "stamp", "zero", "compact", "slash"])
_NOT_DATES = st.sampled_from(["0", "1", "-1", "20251015", "1760486400"])


@st.composite
def dates(draw) -> str:
    year = draw(_YEARS)
    month, day = draw(_MONTHS), draw(_DAYS)
    form = draw(_DATE_FORMS)
    if form == "iso":
        return f"{year:04d}-{month:02d}-{day:02d}"
    if form == "short":
        return f"{year}-{month}-{day}"
    if form == "words":
        return f"{day} October {year}"
    if form == "stamp":
        return f"{year:04d}-{month:02d}-{day:02d}T10:00:00"
    if form == "zero":
        return draw(_NOT_DATES)
    if form == "compact":
        return f"{year:04d}{month:02d}{day:02d}"
    return f"{day:02d}/{month:02d}/{year}"


# Half of a UTF-16 pair, alone or the halves reversed: no character, and no UTF-8 holds it. A file
# cannot either, but a "\ud800" escape in JSON or in YAML's double quotes makes one (written so).
SURROGATES = ["\ud800", "a\udfff", "\udc00\ud800", "DE\udbff"]
texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30) | st.sampled_from(
    ["\x1b[2J", "\x1b]8;;http://example.org/\x1b\\link\x1b]8;;\x1b\\", "\u202eevil",
     "`code` <img src=x onerror=alert(1)>", "| a | b |", "[x](javascript:alert(1))", "\r\x9b31m", "a\x00b",
     *SURROGATES])
_UNENCODABLE = st.sampled_from(SURROGATES).map(lambda text: _double_quoted(text))


@functools.cache
def token(kind: str, hostile: bool = True) -> st.SearchStrategy[str]:
    """A value of `kind` as typed in YAML: plain and valid, or (`hostile`) in a form that trips
    readers (made once per kind: hypothesis validates a strategy when it is made, which would cost
    more than the check)."""
    return hostile_token(kind) if hostile else plain_token(kind)


def plain_token(kind: str) -> st.SearchStrategy[str]:
    if kind == "persons":
        return st.integers(0, 10**6).map(str) | st.sampled_from(["29999", "30000", "30001", "0", "+5"])
    if kind == "year":
        return st.integers(2020, 2035).map(str)
    if kind == "EUR":
        cents = st.tuples(st.integers(0, 10**10), st.integers(0, 99)).map(lambda p: f"{p[0]}.{p[1]:02d}")
        return st.integers(0, 10**10).map(str) | cents | cents.map(lambda c: f'"{c}"') | st.sampled_from(
            ["600000000", "599999999.99", "0.5", "6e8", "1E+3"])
    if kind in ("share", "number"):
        return st.sampled_from(["'1/3'", "0.25", "'25 %'", "25 %", "'100 %'", "0", "1", "'0 %'", "0.333", "'2/7'"])
    if kind == "date":
        return st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(str) | st.sampled_from(
            ["2025-10-15", "'2025-10-15'", "2200-12-31", "1900-01-01"])
    if kind == "bool":
        return st.sampled_from(["true", "false", "True", "FALSE"])
    if kind == "member state":
        return st.sampled_from(["DE", "FR", "EL", "NL", "MT"])
    return texts.map(_double_quoted)


def hostile_token(kind: str) -> st.SearchStrategy[str]:
    if kind in ("persons", "year", "EUR", "share", "number"):
        return quoted(hostile_number()) | digits | _UNENCODABLE
    if kind == "date":
        return quoted(dates()) | _UNENCODABLE
    if kind == "bool":
        return st.sampled_from(["yes", "no", "on", "off", "y", "n", '"true"', "1", "0", "~", "", "Yes", "NO"])
    if kind == "member state":
        return st.sampled_from(["GR", "NO", "ON", "Y", "de", "XX", '"NL"', "UK", "EU"]) | _UNENCODABLE
    return texts.map(_double_quoted)


def _double_quoted(text: str) -> str:
    """A YAML double-quoted scalar holding `text` exactly (control characters as escapes)."""
    return yaml.dump(text, default_style='"', allow_unicode=True, width=10**6).strip().removesuffix("...").strip()


# ------------------------------------------------------------------ documents

@st.composite
def documents(draw, rules, as_json: bool | None = None) -> Written:
    """A document of one of the rules' types, every field possibly present, as YAML or JSON."""
    structs = rules.program.structs
    type_name = draw(made_once("document types", structs, lambda: st.sampled_from(
        sorted(n for n, s in structs.items() if s.is_document))))
    json_form = draw(st.booleans()) if as_json is None else as_json
    written = Written("", ".json" if json_form else ".yaml")
    written.hostility = draw(_HOSTILITY)       # percent of fields typed in a hostile form
    value = _record(draw, structs, type_name, (), written, rules, depth=0)
    value = {"document": type_name, **value}
    written.text = _json(value) if json_form else _yaml(value, 0)
    return written


_sometimes = st.integers(0, 2).map(bool)         # a field is present two times in three
_HOSTILITY = st.sampled_from([0, 0, 1, 5, 20, 50])
_PERCENT = st.integers(0, 99)
_LIST_LENGTH = st.integers(0, 2)
_STRATEGIES: dict = {}


def made_once(name: str, of: object, make) -> st.SearchStrategy:
    """The strategy `make()` for `name` of the object `of`, made once per process (see _FORMS).
    Keyed by the object's id, and the object held here, so that no other object takes its id."""
    key = (name, id(of))
    if key not in _STRATEGIES:
        _STRATEGIES[key] = (of, make())
    return _STRATEGIES[key][1]


@dataclass(frozen=True)
class Raw:
    """A token placed in the text as it is (not re-quoted)."""
    text: str


def _record(draw, structs, name, path, written, rules, depth) -> dict:
    spec = structs[name]
    chosen = [f for f in sorted(spec.fields) if draw(_sometimes)]
    out: dict = {f: _field(draw, structs, spec.fields[f].type, spec.fields[f].decl.type, path + (f,), written, rules,
                           depth) for f in sorted(chosen)}
    if chosen and draw(_PERCENT) < written.hostility // 5:      # a field's name with half a character in it
        out[Raw(_double_quoted(chosen[0] + draw(_SURROGATE)))] = out[chosen[0]]
    return out


_SURROGATE = st.sampled_from(["\ud800", "\udfff"])


def _field(draw, structs, t, declared, path, written, rules, depth):
    if isinstance(t, T.Record):
        return _record(draw, structs, t.name, path, written, rules, depth + 1) if depth < 3 else {}
    if isinstance(t, T.Table):
        states = rules.program.member_states
        codes = draw(made_once("codes", states, lambda: st.lists(
            st.sampled_from(list(states) + ["GR", "NO", "XX"]), unique=True, max_size=4)))
        value = declared.value if isinstance(declared, A.TableType) else None
        return {c: _field(draw, structs, t.value, value, path + (c,), written, rules, depth) for c in codes}
    if isinstance(t, T.List):
        item = declared.item if isinstance(declared, A.ListType) else None
        return [_field(draw, structs, t.item, item, path + (i,), written, rules, depth)
                for i in range(draw(_LIST_LENGTH))]
    kind = kind_of(t, declared)
    text = draw(token(kind, draw(_PERCENT) < written.hostility))
    written.figures.append((0, path, kind, text))
    return Raw(text)


def _yaml(value, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{_scalar(key)}:\n{_yaml(item, indent + 2)}")
            else:
                lines.append(f"{pad}{_scalar(key)}: {_scalar(item)}")
        return "\n".join(lines) + ("\n" if indent == 0 else "")
    if isinstance(value, list):
        if not value:
            return "[]"
        out = []
        for item in value:
            body = _yaml(item, indent + 2) if isinstance(item, (dict, list)) and item else _scalar(item)
            out.append(f"{pad}- {body.lstrip()}" if isinstance(item, (dict, list)) else f"{pad}- {body}")
        return "\n".join(out)
    return _scalar(value)


def _scalar(value) -> str:
    if isinstance(value, Raw):
        return value.text if value.text.strip() else "''"
    if isinstance(value, dict):
        return "{}"
    if isinstance(value, list):
        return "[]"
    return str(value)


def _json(value) -> str:
    """JSON with the tokens as typed: a quoted token becomes a JSON string, a bare one stays bare."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_json(k) if isinstance(k, Raw) else json.dumps(str(k))}: {_json(v)}"
                               for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    if isinstance(value, Raw):
        text = value.text
        if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
            inner = text[1:-1]
            # a surrogate as JSON's escape: UTF-8 cannot hold it as it is, and a file could not either
            return json.dumps(yaml.safe_load(text) if text[0] == '"' else inner, ensure_ascii=False) \
                .encode("utf-8", "backslashreplace").decode("utf-8")
        return text or '""'
    return json.dumps(value)


# ------------------------------------------------------------------ the examples, one field at a time

def example_fields(rules) -> list[tuple[str, list[tuple[int, tuple, str, int, int]]]]:
    """For each bundled example: its text, and its scalar fields with their kind and place."""
    out = []
    for path in EXAMPLES:
        text = path.read_text(encoding="utf-8")
        spots = []
        for index, raw in enumerate(parse_yaml(text, str(path))):
            type_name = raw.data.get("document") if isinstance(raw.data, dict) else None
            for where, span in raw.positions.items():
                if not where or where[-1] == "<key>" or where[0] in ("document", "note", "data_years", "undisclosed"):
                    continue
                kind = _kind_at(rules, type_name, where)
                if kind and span.line == span.end_line:
                    lines = text.split("\n")
                    start = sum(len(line) + 1 for line in lines[:span.line - 1]) + span.column - 1
                    end = start + span.end_column - span.column
                    spots.append((index, where, kind, start, end))
        out.append((text, spots))
    return out


def _kind_at(rules, type_name, where) -> str:
    structs = rules.program.structs
    if type_name not in structs:
        return ""
    t, declared = T.Record(type_name, True), None
    for part in where:
        if isinstance(t, T.Record):
            f = structs[t.name].fields.get(str(part))
            if f is None:
                return ""
            t, declared = f.type, f.decl.type
        elif isinstance(t, T.Table):
            t, declared = t.value, declared.value if isinstance(declared, A.TableType) else None
        elif isinstance(t, T.List):
            t, declared = t.item, declared.item if isinstance(declared, A.ListType) else None
        else:
            return ""
    return kind_of(t, declared) if not isinstance(t, (T.Record, T.Table, T.List)) else ""


@st.composite
def mutated_examples(draw, rules, fields=None) -> Written:
    """A bundled example with one to three of its fields retyped as people might."""
    fields = fields if fields is not None else example_fields(rules)
    text, spots = draw(made_once("examples", fields, lambda: st.sampled_from(fields)))
    written = Written(text, ".yaml")
    if not spots:
        return written
    chosen = sorted(draw(made_once("spots", spots, lambda: st.lists(
        st.sampled_from(spots), min_size=1, max_size=3, unique_by=lambda s: s[3]))), key=lambda s: -s[3])
    for index, where, kind, start, end in chosen:
        new = draw(token(kind, draw(st.booleans())))
        written.text = written.text[:start] + (new if new.strip() else "''") + written.text[end:]
        written.figures.append((index, where, kind, new))
    return written
