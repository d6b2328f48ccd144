"""The checks every fuzzed input meets, counted rather than raised (a long run keeps going).

A document is either refused with positioned messages, or accepted; accepted, each figure it
states must hold what a person reads in it (oracle.py). With `full`, the case is also evaluated
and explained in every format: text output carries no control character, Markdown turned into
HTML carries no HTML from the input, HTML neither, the JSON reads back, and every figure shown
reads as its exact value. Anything else that escapes (a traceback: exit 70 to a user) is a bug;
an input taking longer than the watchdog is a hang. Each document read from the file (the plain
mapping, before validation) is also checked by the prepared checker (`RuleSet.checker`) and by
the slow path it stands for: outcomes that differ, or one refusing what the other accepts, are
a finding of their own ("paths differ").
"""

from __future__ import annotations

import json
import os
import re
import signal
import traceback
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from . import oracle
from .documents import Written

_CONTROL = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]")
class _Markup(HTMLParser):
    """The elements and attributes an HTML page really has (text that only reads like a tag, as
    `&lt;img onerror=...&gt;` does once escaped, is not one)."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("img", "script", "iframe", "object"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value!r}")


def _injected(html: str) -> list[str]:
    markup = _Markup()
    markup.feed(html)
    return markup.found


class Hang(Exception):
    """An input that took longer than the watchdog allows (not an OSError, which the program may catch)."""


@dataclass
class Tally:
    inputs: int = 0
    accepted: int = 0
    refused: int = 0
    evaluated: int = 0
    figures: int = 0
    bugs: list[tuple[str, str]] = field(default_factory=list)       # (input, traceback)
    hangs: list[str] = field(default_factory=list)
    misread: list[tuple[str, str]] = field(default_factory=list)    # (input, what)
    differ: list[tuple[str, str]] = field(default_factory=list)     # (input, how the two paths differ)
    compared: int = 0                                                 # documents given to both paths

    def add(self, other: Tally) -> None:
        for name in ("inputs", "accepted", "refused", "evaluated", "figures", "compared"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.bugs += other.bugs
        self.hangs += other.hangs
        self.misread += other.misread
        self.differ += other.differ


@contextmanager
def watchdog(seconds: int, raising: type[BaseException] = Hang, by_the_clock: int = 10):
    """`raising` (Hang) raised after `seconds` of the process's CPU time (so that a busy machine,
    which slows every input, finds no false hang), or `by_the_clock` times as long by the clock (an
    input that waits). The catalogue of bad inputs raises a BaseException, which no handler of
    the command catches."""
    if not seconds or not hasattr(signal, "SIGPROF"):
        yield
        return

    def hang(*_):
        raise raising(f"an input took more than {seconds} s of CPU time or {by_the_clock * seconds} s by the clock")
    previous = {number: signal.signal(number, hang) for number in (signal.SIGPROF, signal.SIGALRM)}
    signal.setitimer(signal.ITIMER_PROF, seconds)
    signal.alarm(by_the_clock * seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.alarm(0)
        for number, handler in previous.items():
            signal.signal(number, handler)


def _hang_inside(error: BaseException) -> bool:
    """A Hang that a library wrapped in its own exception (Lark's VisitError) is still a hang."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, Hang):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def check_document(rules, written: Written, folder: Path, tally: Tally, full: bool = False, seconds: int = 0) -> None:
    from interpreter import Failed
    tally.inputs += 1
    path = folder / f"fuzzed{written.suffix}"
    _rewrite(path, written.text)
    try:
        with watchdog(seconds):
            _both_paths(rules, path, written, tally)
            try:
                documents = rules.read([path])
            except Failed as failure:
                _positioned(failure)
                tally.refused += 1
                return
            tally.accepted += 1
            _figures(documents, written, tally)
            if full:
                _through_the_reports(rules, documents, written, tally)
    except Exception as error:                          # noqa: BLE001 - any other exception is the finding
        if _hang_inside(error):
            tally.hangs.append(written.text)
        else:
            tally.bugs.append((written.text, traceback.format_exc()))


def _both_paths(rules, path: Path, written: Written, tally: Tally) -> None:
    """Each document of the file, as the plain mapping the slow path validates, through the
    prepared checker and the slow path (checker.disagreement): a difference is a finding. A file
    that does not parse holds no mapping to compare (rules.read then refuses it)."""
    from interpreter import Failed
    from interpreter.engine.prepared import disagreement
    from interpreter.engine.reading import read_documents
    try:
        raws = read_documents(path)
    except Failed:
        return
    for raw in raws:
        tally.compared += 1
        differs = disagreement(rules, raw.data)
        if differs is not None:
            tally.differ.append((written.text, differs))


def _rewrite(path: Path, text: str) -> None:
    """`path` holding `text`: written over, then cut to its length. Opening with O_TRUNC, as
    write_text does, costs ext4 a flush at close (auto_da_alloc) that was a tenth of the long run."""
    data = text.encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        os.write(fd, data)
        os.ftruncate(fd, len(data))
    finally:
        os.close(fd)


def _positioned(failure) -> None:
    assert failure.diagnostics, "a failure without a diagnostic"
    for d in failure.diagnostics:
        assert re.fullmatch(r"[A-Z]\d{3}", d.code) and d.message and d.span.line >= 1 and d.span.column >= 1, d
    assert not _CONTROL.search(failure.render().replace("\n", "").replace("\t", "")), failure.render()


def _figures(documents, written: Written, tally: Tally) -> None:
    """Each figure accepted holds what a person reads in its token."""
    for index, path, kind, token in written.figures:
        if kind not in ("persons", "EUR", "share", "number", "date", "year", "bool"):
            continue
        if index >= len(documents):
            continue
        value = _at(documents[index].record, path)
        if value is _ABSENT:
            continue
        tally.figures += 1
        expected = oracle.reading(token, kind)
        if expected is oracle.AMBIGUOUS:
            tally.misread.append((written.text, f"{'.'.join(map(str, path))}: {token!r} accepted as {value!r}"))
        elif value != expected:
            tally.misread.append((written.text, f"{'.'.join(map(str, path))}: {token!r} read as {value!r}, "
                                                f"a person reads {expected!r}"))


_ABSENT = object()


def _at(record, path) -> Any:
    from interpreter.engine.documents import RecordValue
    value: Any = record
    for part in path:
        if isinstance(value, RecordValue):
            value = value.fields.get(str(part), _ABSENT)
        elif isinstance(value, dict):
            value = value.get(part, _ABSENT)
        elif isinstance(value, tuple) and isinstance(part, int) and part < len(value):
            value = value[part]
        else:
            return _ABSENT
        if value is _ABSENT:
            return _ABSENT
    return value if isinstance(value, (int, bool)) or type(value).__name__ in ("Fraction", "date") else _ABSENT


def _through_the_reports(rules, documents, written: Written, tally: Tally) -> None:
    import markdown

    from interpreter import Failed, explain, render
    try:
        case = rules.case(documents)
    except Failed as failure:                           # documents that disagree on the data year
        _positioned(failure)
        return
    result = rules.evaluate(case)
    tally.evaluated += 1
    data = explain(rules, result, traces=True, pool=True)
    for fmt in ("text", "check"):
        shown = render(data, fmt)
        assert not _CONTROL.search(shown.replace("\n", "").replace("\t", "")), f"a control character in {fmt}"
    html = render(data, "html")
    assert not _injected(html), f"HTML from the input in the HTML report: {_injected(html)}"
    md = markdown.markdown(render(data, "md"), extensions=["tables"])
    assert not _injected(md), f"HTML from the input in the Markdown report: {_injected(md)}"
    for text, exact, unit in _shown_figures(json.loads(render(data, "json"))):
        if not oracle.shown_matches(text, exact, unit):
            tally.misread.append((written.text, f"shown as {text!r}, exactly {exact} {unit}"))


def _shown_figures(data: Any):
    """Every figure of the JSON with its text and exact value."""
    if isinstance(data, dict):
        if {"exact", "unit", "text"} <= set(data) and isinstance(data["text"], str):
            yield data["text"], data["exact"], data["unit"]
        for value in data.values():
            yield from _shown_figures(value)
    elif isinstance(data, list):
        for value in data:
            yield from _shown_figures(value)


def check_rule_text(text: str, tally: Tally, seconds: int = 0) -> None:
    """A rule file through parse, format, lint, check and evaluation (test_fuzz_rules)."""
    from test_fuzz_rules import _through_everything
    tally.inputs += 1
    try:
        with watchdog(seconds):
            _through_everything(text)
        tally.accepted += 1
    except Exception as error:                          # noqa: BLE001 - any other exception is the finding
        if _hang_inside(error):
            tally.hangs.append(text)
        else:
            tally.bugs.append((text, traceback.format_exc()))


def remember_the_shipped_rule_files(folder: Path) -> None:
    """In this process, parse each rule file of `folder` once per content: every fuzzed rule file
    is checked with the shipped rule set (lint, then RuleSet.prepare), which parsed the same ~20
    shipped files twice per input, four fifths of a rule file's time. The fuzzed file itself, and
    any file elsewhere, is still parsed every time; the trees are frozen dataclasses, safe to share."""
    from interpreter.language import parse

    unmemoized = parse.parse_file
    if getattr(unmemoized, "remembers", False):
        return
    folder = folder.resolve()
    trees: dict[tuple[Path, bytes], Any] = {}

    def parse_file(path):
        where = Path(path).resolve()
        if where.parent != folder:
            return unmemoized(path)
        key = (where, where.read_bytes())
        if key not in trees:
            trees[key] = unmemoized(path)
        return trees[key]
    parse_file.remembers = True                     # type: ignore[attr-defined]
    parse.parse_file = parse_file
