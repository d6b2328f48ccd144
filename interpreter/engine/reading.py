"""Document files as plain data, with the position of every key and value: YAML 1.2 and JSON.

What a person reads in the file is what the checker reads:

- YAML is read with the YAML 1.2 core schema, not PyYAML's YAML 1.1: `030000` is not octal
  (12 288), `1:23:20` is not base 60 (5 000), `yes`/`no`/`on`/`off` are not booleans (`true` and
  `false` are), `30_000` is not 30000. A number written in a form that YAML readers disagree on
  (a leading zero, `0x`, `0o`, `0b`, base 60, `_` separators) is an error with a hint. A date is
  a plain `YYYY-MM-DD`; nothing else becomes a date.
- A `.json` file is read as JSON (RFC 8259) by the scanner below, which keeps positions: what
  JSON does not allow (`030000`, `NaN`, comments, a trailing comma) is an error.
- Integers are `int`, decimals `Decimal` (never float), and no figure has more than
  `MAX_DIGITS` digits.

Limits, each an error with its position: a file of at most `MAX_BYTES` bytes, and only a regular
file (a FIFO, a device or a folder is refused; `-` reads standard input); documents nested at
most `MAX_DEPTH` levels; at most `MAX_VALUES` values (aliases counted as what they stand for).
"""

from __future__ import annotations

import bisect
import json
import os
import re
import stat
import sys
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, NoReturn

import yaml

from ..language.diagnostics import Diagnostic, Failed
from ..language.syntax import Span

_scanstring: Any = json.decoder.scanstring  # type: ignore[attr-defined]  # public in json.decoder, not in its stubs

MAX_BYTES = 10 * 1024 * 1024        # a pool's documents are a few kB; 10 MB is no document, and could fill memory
MAX_DEPTH = 64                      # the deepest document type nests 4 levels
MAX_VALUES = 100_000                # after aliases are expanded
# A figure of the Regulation has a handful of digits; one of thousands, or written as
# 1e999999999, is a typing accident, and turned into an exact fraction would take forever.
MAX_DIGITS = 40
FIRST_YEAR, LAST_YEAR = 1900, 2200  # the years a document's dates and years may name


def too_long(number: Decimal) -> bool:
    """More than MAX_DIGITS digits, or a magnitude beyond them (1e999999999, which as an exact
    fraction would take forever): a typing accident, in a document or on the command line."""
    return len(number.as_tuple().digits) > MAX_DIGITS or abs(number.adjusted()) > MAX_DIGITS
STDIN = "-"

Path_ = tuple  # a path into a document: ("pledges", "DE", "relocations")


@dataclass
class Raw:
    data: Any
    positions: dict[Path_, Span]
    text: str                       # the whole file, for the excerpts of messages


# Text holding a surrogate code point (U+D800..U+DFFF) cannot be written as UTF-8: not to the
# terminal, to a report, or to pydantic (UnicodeEncodeError, a traceback). No file holds one as
# it is (read_text refuses such bytes), but JSON's "\ud800" and YAML's "\ud800" escapes make one.
_SURROGATE = re.compile("[\ud800-\udfff]")


def surrogate_text(text: str) -> bool:
    """True when `text` holds a surrogate (the generated readers step aside for it)."""
    return not text.isascii() and _SURROGATE.search(text) is not None


def unencodable(data: Any, path: Path_ = ()) -> Path_ | None:
    """The path of the first key or text in `data` that holds a surrogate (a key's path ends in
    "<key>", as in Raw.positions), or None."""
    if type(data) is str:
        return path if surrogate_text(data) else None
    if isinstance(data, dict):
        for key, value in data.items():
            if type(key) is str and surrogate_text(key):
                return path + (key, "<key>")
            found = unencodable(value, path + (key,))
            if found is not None:
                return found
    elif isinstance(data, (list, tuple)):
        for i, value in enumerate(data):
            found = unencodable(value, path + (i,))
            if found is not None:
                return found
    return None


# ------------------------------------------------------------------ bytes

def shown_name(path: Path | str) -> str:
    """How messages name a document file: its path as given, or <stdin>."""
    return "<stdin>" if str(path) == STDIN else str(path)


def read_text(path: Path) -> str:
    """The text of a document file (or of standard input, for `-`), within the limits."""
    shown = shown_name(path)
    if str(path) == STDIN:
        data = sys.stdin.buffer.read(MAX_BYTES + 1)
    else:
        data = _read_regular(path)
    if len(data) > MAX_BYTES:
        raise _too_large(shown)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Failed([Diagnostic("D002", "the file is not valid UTF-8 text", Span(shown, 1, 1, 1, 1),
                                 f"byte {error.start} cannot be decoded; save the file as UTF-8")]) from None


def _too_large(shown: str) -> Failed:
    return Failed([Diagnostic("D017", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB",
                              Span(shown, 1, 1, 1, 1), "a document of the pool is a few kilobytes: "
                                                       "is this the file you meant?")])


def _read_regular(path: Path) -> bytes:
    """A regular file, opened without blocking (a FIFO would wait for a writer) and checked once open."""
    at = Span(str(path), 1, 1, 1, 1)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise Failed([Diagnostic("D001", f"cannot read the file: {error.strerror}", at)]) from None
    with os.fdopen(fd, "rb") as handle:
        kind = os.fstat(fd).st_mode
        if not stat.S_ISREG(kind):
            what = "a folder" if stat.S_ISDIR(kind) else "a FIFO" if stat.S_ISFIFO(kind) else \
                "a device" if stat.S_ISCHR(kind) or stat.S_ISBLK(kind) else "not a regular file"
            raise Failed([Diagnostic("D016", f"cannot read the file: it is {what}", at,
                                     "give a document file; to read standard input, write -")])
        if os.fstat(fd).st_size > MAX_BYTES:        # refused by its size, before a byte is read
            raise _too_large(str(path))
        try:
            return handle.read(MAX_BYTES + 1)           # bounded still: a file may grow while it is read
        except OSError as error:
            raise Failed([Diagnostic("D001", f"cannot read the file: {error.strerror}", at)]) from None


# ------------------------------------------------------------------ documents

def read_documents(path: Path) -> list[Raw]:
    """Every document in a YAML or JSON file, with the position of every key and value."""
    text = read_text(path)
    if Path(path).suffix.lower() == ".json":
        return [JsonReader(text, shown_name(path)).document()]
    return parse_yaml(text, shown_name(path))


def parse_yaml(text: str, filename: str) -> list[Raw]:
    try:
        out = []
        for node in yaml.compose_all(text, Loader=Loader):
            if node is None:
                continue
            positions: dict[Path_, Span] = {}
            problems: list[Diagnostic] = []
            data = _construct(node, (), positions, problems, filename, _Budget())
            if problems:
                raise Failed(problems, {filename: text})
            out.append(Raw(data, positions, text))
        return out
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        message = " ".join(str(error.problem or error.context or "not valid YAML").split())
        raise Failed([Diagnostic("D003", f"not valid YAML or JSON: {message}",
                                 Span(filename, line, column, line, column + 1),
                                 "check indentation, colons and quotes around this point")],
                     {filename: text}) from None
    except yaml.reader.ReaderError as error:       # a character YAML does not allow, e.g. a raw ESC
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        raise Failed([Diagnostic("D003", f"not valid YAML: the character U+{error.character:04X} is not allowed "
                                         "in a YAML file", Span(filename, line, column, line, column + 1),
                                 "write control characters as escapes in double quotes, e.g. \"\\t\"")],
                     {filename: text}) from None
    except yaml.YAMLError as error:
        raise Failed([Diagnostic("D003", f"not valid YAML or JSON: {error}", Span(filename, 1, 1, 1, 1))]) from None
    except _TooMany as many:
        line, column = many.mark.line + 1, many.mark.column + 1
        raise Failed([Diagnostic("D007", f"the document holds more than {MAX_VALUES} values",
                                 Span(filename, line, column, line, column + 1),
                                 "a document of the Regulation holds a few hundred values: is this the right file?")],
                     {filename: text}) from None
    except RecursionError:
        raise Failed([Diagnostic("D004", f"the document is nested more than {MAX_DEPTH} levels deep",
                                 Span(filename, 1, 1, 1, 1))]) from None


# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution), with decimal
# integers only, plain dates, and the number forms YAML 1.1 reads otherwise caught first.
_NUMBER_FORMS = re.compile(r"""(?: [-+]?0[0-9_]+(\.[0-9_]*)?([eE][-+]?[0-9]+)?   # leading zero: octal in YAML 1.1
                                |[-+]?0[xXoObB][0-9a-fA-F_]*                      # hexadecimal, octal, binary
                                |[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?     # base 60: 1:23:20
                                |[-+]?[0-9.][0-9_.]*_[0-9_.]*([eE][-+]?[0-9]+)?   # underscores: 30_000
                             )$""", re.X)
_NUMBER_FORM = "tag:ammr:number-form"


class _TooMany(Exception):
    def __init__(self, mark):
        self.mark = mark


class Loader(yaml.SafeLoader):
    """PyYAML's parser with the YAML 1.2 core schema's resolution of plain scalars. It stops after
    MAX_VALUES values (keys not counted, aliases counted once): composing a file of 10 MB of short
    lines node by node would take a minute before _construct counts them."""
    yaml_implicit_resolvers: dict = {}
    composed = 0

    def compose_document(self):
        self.composed = 0
        return super().compose_document()

    def compose_node(self, parent, index):
        if not (isinstance(parent, yaml.MappingNode) and index is None):     # a key is not a value
            self.composed += 1
            if self.composed > MAX_VALUES:
                raise _TooMany(self.peek_event().start_mark)
        return super().compose_node(parent, index)


for _tag, _pattern, _first in (
        (_NUMBER_FORM, _NUMBER_FORMS, "-+0123456789."),
        ("tag:yaml.org,2002:null", re.compile(r"(?:~|null|Null|NULL)$"), "~nN"),
        ("tag:yaml.org,2002:bool", re.compile(r"(?:true|True|TRUE|false|False|FALSE)$"), "tTfF"),
        ("tag:yaml.org,2002:int", re.compile(r"[-+]?(?:0|[1-9][0-9]*)$"), "-+0123456789"),
        ("tag:yaml.org,2002:float", re.compile(r"""(?: [-+]?(\.[0-9]+|(0|[1-9][0-9]*)(\.[0-9]*)?)([eE][-+]?[0-9]+)?
                                                    |[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN) )$""", re.X),
         "-+0123456789."),
        ("tag:yaml.org,2002:timestamp", re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}$"), "0123456789"),
        ("tag:yaml.org,2002:null", re.compile(r"$"), "")):
    Loader.add_implicit_resolver(_tag, _pattern, list(_first) or [""])


class _Budget:
    """Aliases let a small YAML file stand for an enormous document (a "billion laughs"), or
    for one that contains itself: count the values, and know the values being built."""

    def __init__(self):
        self.values = 0
        self.building: set[int] = set()


def _construct(node, path: Path_, positions, problems, filename, budget: _Budget) -> Any:
    positions[path] = _mark(node, filename)
    budget.values += 1
    if budget.values > MAX_VALUES:
        if budget.values == MAX_VALUES + 1:
            problems.append(Diagnostic("D007", f"the document holds more than {MAX_VALUES} values",
                                       _mark(node, filename), "an alias (*name) repeated inside repeated aliases "
                                                              "multiplies what it stands for: write the values out"))
        return None
    if len(path) > MAX_DEPTH:
        problems.append(Diagnostic("D004", f"the document is nested more than {MAX_DEPTH} levels deep",
                                   _mark(node, filename), "no document type nests this deep"))
        return None
    if id(node) in budget.building:
        problems.append(Diagnostic("D008", "this alias stands for a value that contains it", _mark(node, filename),
                                   "a value cannot hold itself: write the values out"))
        return None
    if isinstance(node, yaml.MappingNode):
        budget.building.add(id(node))
        out: dict = {}
        for key_node, value_node in node.value:
            key = _key(key_node, filename, problems)
            if key is None:
                continue
            if key in out:
                problems.append(Diagnostic("D006", f"the key '{key}' appears twice", _mark(key_node, filename),
                                           "a later value would silently replace the earlier one: keep one"))
                continue
            out[key] = _construct(value_node, path + (key,), positions, problems, filename, budget)
            positions[path + (key, "<key>")] = _mark(key_node, filename)
        budget.building.discard(id(node))
        return out
    if isinstance(node, yaml.SequenceNode):
        budget.building.add(id(node))
        items = [_construct(child, path + (i,), positions, problems, filename, budget)
                 for i, child in enumerate(node.value)]
        budget.building.discard(id(node))
        return items
    try:
        return scalar(node.tag, node.value, node.style is not None)
    except ValueError as error:
        code = "D018" if node.tag == _NUMBER_FORM else "D009"
        message, _, hint = str(error).partition("\n")
        problems.append(Diagnostic(code, message, _mark(node, filename), hint))
        return None


def _key(node, filename, problems) -> Any:
    """A key is a name (or a number or a date, which a table of years or days may use)."""
    if isinstance(node, yaml.ScalarNode):
        try:
            key = scalar(node.tag, node.value, node.style is not None)
        except ValueError:
            key = None
        if key is not None and not isinstance(key, (bool, Decimal)):
            return key if isinstance(key, (int, date)) else str(key)
    problems.append(Diagnostic("D005", "a key must be a plain name", _mark(node, filename)))
    return None


def _mark(node, filename) -> Span:
    s, e = node.start_mark, node.end_mark
    return Span(filename, s.line + 1, s.column + 1, e.line + 1, e.column + 1)


_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool",
         "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp", _NUMBER_FORM}


def scalar(tag: str, text: str, quoted: bool = False) -> Any:
    """A YAML scalar's value by its (resolved or explicit) tag; ValueError says what is wrong,
    then, after a newline, what to write instead. A quoted (or block) scalar is text."""
    if tag not in _TAGS:
        raise ValueError(f"the tag {tag.replace('tag:yaml.org,2002:', '!!')} is not read here\n"
                         "write the value without a tag")
    if quoted or tag == "tag:yaml.org,2002:str":
        return text
    if tag == _NUMBER_FORM:
        raise ValueError(f"'{text}' is written in a form YAML readers disagree on\n" + _number_form_hint(text))
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        if text not in ("true", "True", "TRUE", "false", "False", "FALSE"):
            raise ValueError(f"'{text}' is not true or false\nanswer yes/no with true or false")
        return text.lower() == "true"
    if tag == "tag:yaml.org,2002:timestamp":
        return _date(text)
    return number(text)


def _number_form_hint(text: str) -> str:
    digits = text.lstrip("+-")
    if ":" in text:
        return "a YAML 1.1 reader takes this for a number in base 60; put it in quotes if it is text"
    if "_" in text:
        return f"write the number without separators: {text.replace('_', '')}"
    if digits[:2].lower() in ("0x", "0o", "0b"):
        return "write the number in decimal digits"
    return (f"a leading zero makes it octal for a YAML 1.1 reader: write {digits.lstrip('0') or '0'}, "
            "or put it in quotes if it is text")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"'{text}' is not a date in the calendar\nwrite dates as YYYY-MM-DD") from None


def number(text: str) -> int | Decimal:
    """A decimal integer or number, exactly, within MAX_DIGITS digits."""
    if re.fullmatch(r"[-+]?[0-9]+", text):
        if len(text.lstrip("+-")) > MAX_DIGITS:
            raise ValueError(f"a figure of more than {MAX_DIGITS} digits\n"
                             f"figures of the Regulation have a few digits: is a digit repeated?")
        return int(text)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"cannot read the number '{text[:40]}'\nwrite a number such as 30000 or 0.25") from None
    if value.is_finite() and too_long(value):
        raise ValueError(f"a figure of more than {MAX_DIGITS} digits\n"
                         f"figures of the Regulation have a few digits: is a digit repeated?")
    return value


# ------------------------------------------------------------------ JSON

class JsonReader:
    """JSON (RFC 8259) with the position of every key and value, as the YAML reader gives them.

    The standard library's `json` keeps no positions; this scanner reads the same grammar, with
    its string scanner, and the same limits as the YAML reader."""

    _WHITESPACE = re.compile(r"[ \t\n\r]*")
    _NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
    _WORDS = {"true": True, "false": False, "null": None}

    def __init__(self, text: str, filename: str):
        self.text = text
        self.filename = filename
        self.starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        self.positions: dict[Path_, Span] = {}
        self.problems: list[Diagnostic] = []
        self.values = 0

    def document(self) -> Raw:
        start = self._skip(1 if self.text.startswith("\ufeff") else 0)
        if start == len(self.text):
            self._fail(start, "the file holds no JSON value", "a JSON document is an object: {\"document\": ...}")
        data, end = self._value(start, ())
        end = self._skip(end)
        if end != len(self.text):
            self._fail(end, "more text after the JSON value", "a JSON file holds one value")
        if self.problems:
            raise Failed(self.problems, {self.filename: self.text})
        return Raw(data, self.positions, self.text)

    def _span(self, start: int, end: int) -> Span:
        line = bisect.bisect_right(self.starts, start)
        end_line = bisect.bisect_right(self.starts, max(start, end))
        return Span(self.filename, line, start - self.starts[line - 1] + 1,
                    end_line, max(start, end) - self.starts[end_line - 1] + 1)

    def _fail(self, at: int, message: str, hint: str = "", code: str = "D003") -> NoReturn:
        raise Failed([Diagnostic(code, f"not valid JSON: {message}" if code == "D003" else message,
                                 self._span(at, at + 1), hint)], {self.filename: self.text})

    def _skip(self, at: int) -> int:
        match = self._WHITESPACE.match(self.text, at)
        assert match is not None
        return match.end()

    def _value(self, at: int, path: Path_) -> tuple[Any, int]:
        self.values += 1
        if self.values > MAX_VALUES:
            self._fail(at, f"the document holds more than {MAX_VALUES} values", code="D007")
        if len(path) > MAX_DEPTH:
            self._fail(at, f"the document is nested more than {MAX_DEPTH} levels deep",
                       "no document type nests this deep", code="D004")
        char = self.text[at:at + 1]
        value: Any
        if char == "{":
            value, end = self._object(at, path)
        elif char == "[":
            value, end = self._array(at, path)
        elif char == '"':
            value, end = self._string(at)
        else:
            value, end = self._scalar(at)
        self.positions[path] = self._span(at, end)
        return value, end

    def _object(self, at: int, path: Path_) -> tuple[dict, int]:
        out: dict = {}
        at = self._skip(at + 1)
        if self.text[at:at + 1] == "}":
            return out, at + 1
        while True:
            if self.text[at:at + 1] != '"':
                self._fail(at, "expected a key in double quotes")
            key, end = self._string(at)
            self.positions[path + (key, "<key>")] = self._span(at, end)
            at = self._skip(end)
            if self.text[at:at + 1] != ":":
                self._fail(at, "expected ':' after the key")
            value, end = self._value(self._skip(at + 1), path + (key,))
            if key in out:
                self.problems.append(Diagnostic("D006", f"the key '{key}' appears twice",
                                                self.positions[path + (key, "<key>")],
                                                "a later value would silently replace the earlier one: keep one"))
            else:
                out[key] = value
            at = self._skip(end)
            char = self.text[at:at + 1]
            if char == "}":
                return out, at + 1
            if char != ",":
                self._fail(at, "expected ',' or '}'")
            at = self._skip(at + 1)

    def _array(self, at: int, path: Path_) -> tuple[list, int]:
        items: list = []
        at = self._skip(at + 1)
        if self.text[at:at + 1] == "]":
            return items, at + 1
        while True:
            value, end = self._value(at, path + (len(items),))
            items.append(value)
            at = self._skip(end)
            char = self.text[at:at + 1]
            if char == "]":
                return items, at + 1
            if char != ",":
                self._fail(at, "expected ',' or ']'")
            at = self._skip(at + 1)

    def _string(self, at: int) -> tuple[str, int]:
        try:
            return _scanstring(self.text, at + 1, True)
        except json.JSONDecodeError as error:
            self._fail(error.pos, error.msg)

    def _scalar(self, at: int) -> tuple[Any, int]:
        for word, value in self._WORDS.items():
            if self.text.startswith(word, at):
                return value, at + len(word)
        match = self._NUMBER.match(self.text, at)
        if match is None or (match.end() < len(self.text) and self.text[match.end()] in "0123456789.eE"):
            bad = re.match(r"[^\s,\]}]*", self.text[at:at + 40])
            word = bad.group() if bad else ""
            hint = f"JSON does not allow a leading zero: write {word.lstrip('0') or '0'}" \
                if re.fullmatch(r"0[0-9]+", word) else "JSON has numbers, strings in double quotes, true, false, null"
            self._fail(at, f"cannot read '{word or self.text[at:at + 1]}'", hint)
        try:
            return number(match.group()), match.end()
        except ValueError as error:
            message, _, hint = str(error).partition("\n")
            self.problems.append(Diagnostic("D009", message, self._span(at, match.end()), hint))
            return None, match.end()
