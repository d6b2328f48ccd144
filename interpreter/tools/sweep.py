"""What-if sweeps: one case evaluated over a grid or a seeded random sample of values.

    ammr sweep examples/sweep/council-act-2026.yaml --vary pledges.NL.relocations=0..800:100 \
        --vary pledges.NL.financial_contributions=40000000,43742210.70,46000000 --grid -o nl.csv

The template is read and validated once. Each `--vary PATH=VALUES` names a field of one
document and the values it takes; every value is checked against the field's type as a
document would be (persons whole and not negative, EUR to the cent, ...). A scenario is
the template with those fields set: the records on the way to a changed field are
copied, the rest is shared, so that what did not change is the same object in every
scenario and the compiled engine keeps what it computed from it (the reference key, the
fair shares, definitions of unchanged records) instead of computing it again. Values
stay exact throughout and are written to the CSV as exact text.
"""

from __future__ import annotations

import csv
import gc
import io
import multiprocessing
import random
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, timedelta
from fractions import Fraction
from functools import cached_property
from itertools import islice, product
from math import gcd
from pathlib import Path
from typing import Any

from ..engine.compiled import compiled
from ..engine.compiled.runtime import build, fraction
from ..engine.documents import UNDISCLOSED, Document, ListValue, RecordValue, TableValue
from ..engine.evaluate import Case
from ..engine.outcomes import NOT_APPLICABLE, SEVERITY
from ..engine.values import exact_number, problem, value_reader
from ..language import typesys as T
from ..language.diagnostics import Diagnostic, Failed, did_you_mean
from .files import write_atomic_stream

GRID_LIMIT = 1_000_000            # scenarios; beyond this, a sample says as much
MEMO_LIMIT = 50_000               # definitions of records kept across scenarios before starting afresh


# ------------------------------------------------------------------ inputs

@dataclass(frozen=True)
class Values:
    """What one input takes: a list of values, or a range (with a step) to go through or draw from."""
    choices: tuple = ()
    low: Any = None
    high: Any = None
    step: Any = None

    def grid(self) -> list:
        if self.choices:
            return list(self.choices)
        return [self._at(k) for k in range(self.count())]

    def count(self) -> int:
        if self.choices:
            return len(self.choices)
        return _steps(self.high - self.low, self.step) + 1

    def draw(self, rng: random.Random) -> Any:
        if self.choices:
            return self.choices[rng.randrange(len(self.choices))]
        return self._at(rng.randrange(self._count))

    def _at(self, k: int) -> Any:
        """The k-th value of the range: low + k steps, exactly (on integers for a Fraction)."""
        if isinstance(self.low, Fraction):
            n, step, d = self._exact
            return fraction(n + step * k, d)
        return self.low + self.step * k

    @cached_property
    def _count(self) -> int:
        return self.count()

    @cached_property
    def _exact(self) -> tuple[int, int, int]:
        """low and step over a common denominator."""
        d = self.low.denominator * self.step.denominator // gcd(self.low.denominator, self.step.denominator)
        return self.low.numerator * (d // self.low.denominator), self.step.numerator * (d // self.step.denominator), d


def _steps(span: Any, step: Any) -> int:
    if isinstance(span, timedelta):
        return span.days // step.days
    return int(span // step)


@dataclass(frozen=True)
class Input:
    """One varied field: which document, the path inside it, its type, and its values."""
    label: str                     # the path as written, with a member state for '*'
    document: int                  # index in the case's documents
    path: tuple                    # field names, member state codes and list positions
    type: T.Type
    values: Values


def inputs(rules, documents: tuple[Document, ...], specs: Iterable[str]) -> list[Input]:
    """Read `--vary PATH=VALUES` options against the template; every mistake at once."""
    out: list[Input] = []
    problems: list[Diagnostic] = []
    for spec in specs:
        try:
            out.extend(_input(rules, documents, spec))
        except Failed as failure:
            problems.extend(failure.diagnostics)
    labels = [i.label for i in out]
    for label in sorted({x for x in labels if labels.count(x) > 1}):
        problems.append(problem(f"{label} is varied twice", "give each field one --vary"))
    if problems:
        raise Failed(problems)
    return out


def _input(rules, documents, spec: str) -> list[Input]:
    path_text, sep, value_text = spec.partition("=")
    if not sep or not path_text.strip() or not value_text.strip():
        raise Failed([problem(f"'{spec}': write PATH=VALUES",
                               "e.g. pledges.NL.relocations=0..800:100 or relocations=29999,30000")])
    index, field_path = _document(documents, path_text.strip())
    parts = [p for p in field_path.split(".") if p]
    document = documents[index]
    expanded = _expand(rules, parts)
    out = []
    for parts in expanded:
        t = _field_type(rules, document, parts, path_text)
        label = (path_text.split(":")[0] + ":" if ":" in path_text.split(".")[0] else "") + ".".join(parts)
        out.append(Input(label, index, tuple(int(p) if p.isdigit() else p for p in parts), t,
                         _values(rules, t, value_text.strip(), label)))
    return out


def _document(documents, text: str) -> tuple[int, str]:
    """`Type:path` or `file:path` picks a document; a case of one document needs neither."""
    head, sep, rest = text.partition(":")
    if sep and "." not in head:
        found = [i for i, d in enumerate(documents) if head in (d.type, d.source) or d.source.endswith("/" + head)]
        if len(found) != 1:
            names = ", ".join(f"{d.type} ({d.label})" for d in documents)
            raise Failed([problem(f"'{head}' names {'no' if not found else 'more than one'} document of the case",
                                   f"the documents are: {names}")])
        return found[0], rest
    if len(documents) != 1:
        names = ", ".join(f"{d.type} ({d.label})" for d in documents)
        raise Failed([problem(f"'{text}': say which document, as Type:path",
                               f"the case has {len(documents)} documents: {names}")])
    return 0, text


def _expand(rules, parts: list[str]) -> list[list[str]]:
    """'*' in place of a member state: one input per participating member state."""
    if "*" not in parts:
        return [parts]
    i = parts.index("*")
    return [q for ms in rules.program.participating for q in _expand(rules, parts[:i] + [ms] + parts[i + 1:])]


def _field_type(rules, document: Document, parts: list[str], text: str) -> T.Type:
    structs = rules.program.structs
    t: T.Type = T.Record(document.type, True)
    for part in parts:
        if isinstance(t, T.Record):
            fields = structs[t.name].fields
            if part not in fields:
                raise Failed([problem(f"{text}: {t.name} has no field '{part}'",
                                       did_you_mean(part, fields) or f"its fields are: {', '.join(fields)}")])
            t = fields[part].type
        elif isinstance(t, T.Table):
            if part not in rules.program.member_states:
                raise Failed([problem(f"{text}: '{part}' is not a member state code",
                                       did_you_mean(part, rules.program.member_states)
                                       or "e.g. DE, NL, or * for each")])
            t = t.value
        elif isinstance(t, T.List):
            if not part.isdigit():
                raise Failed([problem(f"{text}: '{part}' is not a position in the list",
                                       "count from 0: measures.0.amount")])
            t = t.item
        else:
            raise Failed([problem(f"{text}: {t} has no part '{part}'")])
    if isinstance(t, (T.Record, T.Table, T.List)):
        raise Failed([problem(f"{text} is {t}: vary one of its fields", "name a field holding a single value")])
    return t


# -------------------------------------------------------------------- values

def _values(rules, t: T.Type, text: str, label: str) -> Values:
    """VALUES: a list `a,b,c`, or a range `low..high` with a step `:step` (for a grid, and
    for a sample of exact multiples); each checked against the field's type."""
    read = value_reader(rules, t, label)
    if ".." in text and t not in (T.TEXT, T.MEMBER_STATE, T.BOOL):
        bounds, _, step_text = text.partition(":")
        low_text, _, high_text = bounds.partition("..")
        low, high = read(low_text), read(high_text)
        step = _step(t, step_text, label)
        if high < low:
            raise Failed([problem(f"{label}: the range {text} is empty", "write the lower bound first")])
        values = Values(low=low, high=high, step=step)
        if t != T.DATE:
            for v in (low + step, high):          # the step keeps values within what the type allows
                _check_step(t, v, label)
        return values
    return Values(choices=tuple(read(v) for v in text.split(",")))


def _step(t: T.Type, text: str, label: str) -> Any:
    if t == T.DATE:
        days = text.strip() or "1"
        if not days.isdigit() or int(days) == 0:
            raise Failed([problem(f"{label}: the step is a whole number of days, more than 0", "e.g. :7")])
        return timedelta(days=int(days))
    if not text.strip():
        return Fraction(1) if t != T.YEAR else 1
    step = exact_number(text, label)
    if step <= 0:
        raise Failed([problem(f"{label}: the step must be more than 0")])
    return int(step) if t == T.YEAR and step.denominator == 1 else step


def _check_step(t: T.Type, value: Any, label: str) -> None:
    if t == T.PERSONS and Fraction(value).denominator != 1:
        raise Failed([problem(f"{label}: persons are whole numbers; the step must be whole too")])
    if t == T.EUR and (Fraction(value) * 100).denominator != 1:
        raise Failed([problem(f"{label}: EUR amounts go to the cent; the step must too")])


def exact_text(value: Any) -> str:
    """A value as exact text: 30000, 43742210.70 (EUR to the cent), 1/3, 2025-10-15, yes."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Fraction):
        n, d = value.numerator, value.denominator
        if d == 1:
            return str(n)
        if 100 % d == 0:                                  # a whole number of cents
            whole, cents = divmod(abs(n) * (100 // d), 100)
            return f"{'-' if n < 0 else ''}{whole}.{cents:02d}"
        return f"{n}/{d}"
    return str(value)


@contextmanager
def paused_collector() -> Iterator[None]:
    """A sweep makes many small objects that refer to no one in a cycle (records, outcomes, rows);
    Python's cyclic collector would go through the growing results again and again (about a
    third of the time of 10 000 scenarios). Reference counting still frees what is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# ---------------------------------------------------------------- scenarios

def scenarios(inputs_: list[Input], grid: bool, sample: int | None, seed: int) -> tuple[int, Iterator[tuple]]:
    """How many scenarios, and the values of each (in the order of the inputs)."""
    if grid:
        total = 1
        for i in inputs_:
            total *= i.values.count()
        if total > GRID_LIMIT:
            raise Failed([problem(f"the grid has {total} scenarios (more than {GRID_LIMIT})",
                                   "use --sample N --seed S, or fewer values")])
        return total, product(*(i.values.grid() for i in inputs_))
    rng = random.Random(seed)
    assert sample is not None           # the command asks for --grid or --sample N
    return sample, (tuple(i.values.draw(rng) for i in inputs_) for _ in range(sample))


class Patch:
    """The inputs as a tree over each document, so that a scenario copies each record on the
    way to a changed field once, however many of its fields change."""

    def __init__(self, rules, documents: tuple[Document, ...], inputs_: list[Input]):
        self.trees: dict[int, _Node] = {}
        structs = rules.program.structs
        for n, i in enumerate(inputs_):
            record = documents[i.document].record
            node = self.trees.get(i.document)
            if node is None:
                node = self.trees[i.document] = _Node(T.Record(documents[i.document].type, True), record.path,
                                                      record.origin)
            for position, part in enumerate(i.path):
                if position == len(i.path) - 1:
                    node.children[part] = n
                    node.leaves.append((part, n))
                else:
                    node = node.child(part, structs)

    def apply(self, documents: tuple[Document, ...], values: tuple) -> tuple[Document, ...]:
        out = list(documents)
        for index, tree in self.trees.items():
            d = documents[index]
            out[index] = build(Document, {**d.__dict__, "record": tree.build(d.record, values)})
        return tuple(out)


class _Node:
    """A record, table or list on the way to varied fields (at `path` in its document), and
    what changes in it: part -> _Node, or the index of the input that sets it."""

    def __init__(self, type_: T.Type, path: str, origin: str):
        self.type: Any = type_              # a Record, Table or List (kind says which)
        self.path, self.origin = path, origin
        self.kind = "record" if isinstance(type_, T.Record) else "table" if isinstance(type_, T.Table) else "list"
        self.children: dict[Any, Any] = {}
        self.leaves: list[tuple[Any, int]] = []         # (part, input) for the parts set directly
        self.inner: list[tuple[Any, _Node]] = []      # (part, node) for the parts changed further down

    def child(self, part: Any, structs: dict) -> _Node:
        if part not in self.children:
            if self.kind == "record":
                t = structs[self.type.name].fields[part].type
                path = f"{self.path}.{part}" if self.path else part
            else:
                t = self.type.value if self.kind == "table" else self.type.item
                path = f"{self.path}[{part}]"
            self.children[part] = _Node(t, path, self.origin)
            self.inner.append((part, self.children[part]))
        return self.children[part]

    def build(self, current: Any, values: tuple) -> Any:
        """`current` with the changes below this node: a copy; what does not change is shared.
        (Fields the template lists as undisclosed cannot be varied: see _check_disclosed.)"""
        if self.kind == "record":
            fields = dict(current.fields) if current is not None else {}
            for name, n in self.leaves:
                fields[name] = values[n]
            for name, node in self.inner:
                fields[name] = node.build(fields.get(name), values)
            return RecordValue(self.type.name, fields, self.path, self.origin)
        if self.kind == "table":
            table = TableValue(current if current is not None else {}, self.path, self.origin)
            for code, n in self.leaves:
                table[code] = values[n]
            for code, node in self.inner:
                table[code] = node.build(table.get(code), values)
            return table
        items = list(current or ())
        if max(self.children) >= len(items):
            raise Failed([problem(f"{self.origin}: {self.path}[{max(self.children)}]: the template's list has "
                                   f"{len(items)} item(s)")])
        for position, n in self.leaves:
            items[position] = values[n]
        for position, node in self.inner:
            items[position] = node.build(items[position], values)
        return ListValue(items)


def _check_disclosed(documents: tuple[Document, ...], inputs_: list[Input]) -> None:
    """A field the template lists as undisclosed (or inside one) cannot be varied."""
    for i in inputs_:
        value: Any = documents[i.document].record
        for part in i.path:
            if isinstance(value, RecordValue):
                value = value.fields.get(part)
            elif isinstance(value, (TableValue, ListValue)):
                value = value.get(part) if isinstance(value, TableValue) else \
                    (value[part] if part < len(value) else None)
            else:
                value = None
            if value is UNDISCLOSED:
                raise Failed([problem(f"{i.label} is listed as undisclosed in the template",
                                       "give it in the template, or take it out of 'undisclosed'")])


# ------------------------------------------------------------------ running

@dataclass
class Result:
    header: list[str]
    rows: list[list[str]]

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.header)
        writer.writerows(self.rows)
        return out.getvalue()


class Sweep:
    """A template case, the inputs varied over it, and the compiled engine to evaluate it."""

    def __init__(self, rules, documents: tuple[Document, ...], specs: Iterable[str],
                 data_years: dict[str, int] | None = None, only: Iterable[str] | None = None,
                 readings: dict[str, str] | None = None):
        self.rules = rules
        self.documents = documents
        self.inputs = inputs(rules, documents, specs)
        _check_disclosed(documents, self.inputs)
        self.patch = Patch(rules, documents, self.inputs)
        # the data years, calendar and readings of every scenario
        self.template = rules.case(documents, data_years, readings=readings)
        self.years, self.reasons = self.template.data_years, self.template.data_year_reasons
        self.only = frozenset(only) if only is not None else None
        self.program = compiled(rules, self.template.readings)
        self.memo = self.program.new_memo()
        self._evaluated = 0
        # one document: its scenarios go straight to the compiled requirement functions (the
        # prepared checker), without a Document and a Case each
        self.checker = rules.checker(documents[0].type, self.only, self.years, readings=self.template.readings,
                                     source=documents[0].label) if len(documents) == 1 else None

    def case(self, values: tuple) -> Case:
        return replace(self.template, documents=self.patch.apply(self.documents, values), parameters={})

    def outcomes(self, values: tuple) -> list:
        """The verdicts of one scenario. Definitions of records that did not change are kept
        from scenario to scenario (they are the same objects), up to MEMO_LIMIT values."""
        self._evaluated += 1
        if self._evaluated % 1000 == 0 and sum(len(t) for t in self.memo.values()) > MEMO_LIMIT:
            self.memo = self.program.new_memo()
        if self.checker is not None:
            tree = self.patch.trees.get(0)
            record = self.documents[0].record
            return list(self.checker.evaluate(tree.build(record, values) if tree is not None else record, self.memo))
        return self.program.evaluate(self.case(values), False, self.only, self.memo)

    def run(self, values: Iterable[tuple], progress: Callable[[Iterable], Iterable] = lambda x: x) -> Result:
        """Every scenario's row, in memory (for a few scenarios; `write` streams them to a file)."""
        table = _Table(len(self.inputs))
        rows = [table.cells(row) for row in progress(self.rows(values))]
        return Result(table.header(self.inputs), [row + [""] * (table.width - len(row)) for row in rows])

    def write(self, values: Iterable[tuple], output: str | Path, jobs: int = 1,
              progress: Callable[[Iterable], Iterable] = lambda x: x) -> int:
        """Write the CSV of every scenario to `output` (whole or not at all), one row at a time:
        memory does not grow with the number of scenarios. With `jobs` > 1 the scenarios are spread
        over that many processes and the file is the same byte for byte. Returns the number of
        verdict columns."""
        table = _Table(len(self.inputs))
        # the rows wait in a temporary file of the system's until the header (every column) is known
        with tempfile.TemporaryFile("w+", encoding="utf-8", newline="") as body:
            writer = csv.writer(body, lineterminator="\n")
            first = None                           # the width of the first row: later columns pad it
            for row in progress(self.rows(values, jobs)):
                cells = table.cells(row)
                first = len(cells) if first is None else first
                writer.writerow(cells)
            body.seek(0)
            grew = first is not None and first != table.width
            write_atomic_stream(output, lambda handle: _finish(handle, table, self.inputs, body, grew))
        return table.width

    def rows(self, values: Iterable[tuple], jobs: int = 1) -> Iterator[Row]:
        """The row of every scenario, in order; with `jobs` > 1 computed by that many processes."""
        with paused_collector():
            if jobs <= 1:
                for n, scenario in enumerate(values, 1):
                    yield self.row(n, scenario)
            else:
                yield from _parallel(self, values, jobs)

    def row(self, n: int, scenario: tuple) -> Row:
        single = self._single
        verdicts = []
        worst = len(SEVERITY) - 1                  # "compliant" when nothing applies (Result.overall)
        for o in self.outcomes(scenario):
            key = o.key if o.document is None or o.document_type in single else f"{o.document}: {o.key}"
            verdicts.append((key, o.verdict))
            if o.verdict != NOT_APPLICABLE:
                worst = min(worst, _RANK[o.verdict])
        return n, [exact_text(v) for v in scenario], SEVERITY[worst], verdicts

    @cached_property
    def _single(self) -> set[str]:
        return {t for t in {d.type for d in self.documents} if self._one_of_type(t)}

    def _one_of_type(self, type_name: str) -> bool:
        return sum(1 for d in self.documents if d.type == type_name) == 1


# ------------------------------------------------------------------ rows, in one process or several

Row = tuple[int, list[str], str, list[tuple[str, str]]]     # scenario number, inputs, overall, (column, verdict)
_RANK = {v: i for i, v in enumerate(SEVERITY)}
_CHUNK = 500                      # scenarios sent to a worker at a time
_WORKING: Sweep | None = None     # the sweep a worker process runs (inherited when it is forked)


class _Table:
    """The columns of the CSV, in the order their verdicts first appear, and each row's cells."""

    def __init__(self, inputs: int):
        self.inputs = inputs
        self.columns: dict[str, int] = {}

    @property
    def width(self) -> int:
        return 2 + self.inputs + len(self.columns)

    def header(self, inputs: list[Input]) -> list[str]:
        return ["scenario", *(i.label for i in inputs), "overall", *self.columns]

    def cells(self, row: Row) -> list[str]:
        n, values, overall, verdicts = row
        found = {}
        for key, verdict in verdicts:
            found[self.columns.setdefault(key, len(self.columns))] = verdict
        return [str(n), *values, overall, *(found.get(c, "") for c in range(len(self.columns)))]


def _finish(handle, table: _Table, inputs: list[Input], body, grew: bool) -> None:
    """The header, then the rows; a row written before some column first appeared gets it empty."""
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(table.header(inputs))
    if not grew:
        shutil.copyfileobj(body, handle)
        return
    for cells in csv.reader(body):
        writer.writerow(cells + [""] * (table.width - len(cells)))


def _parallel(sweep: Sweep, values: Iterable[tuple], jobs: int) -> Iterator[Row]:
    """The rows, computed by `jobs` forked processes over chunks of scenarios, yielded in order. At
    most two chunks per process are in flight, so memory does not grow with the scenarios."""
    global _WORKING
    _WORKING = sweep
    numbered = enumerate(values, 1)
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            pending: deque = deque()
            while True:
                while len(pending) < 2 * jobs:
                    chunk = list(islice(numbered, _CHUNK))
                    if not chunk:
                        break
                    pending.append(pool.submit(_work, chunk))
                if not pending:
                    return
                yield from pending.popleft().result()
    finally:
        _WORKING = None


def _work(chunk: list[tuple[int, tuple]]) -> list[Row]:
    assert _WORKING is not None
    return [_WORKING.row(n, scenario) for n, scenario in chunk]
