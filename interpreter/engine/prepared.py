"""The prepared checker (issue 15): prepare once for one document type, then check many documents.

    check = rules.checker("CouncilImplementingAct", only={"act_pledge_meets_fair_share"})
    outcomes = check({"document": "CouncilImplementingAct", ...})     # a plain dict in, Outcomes out

Everything that is the same for every document is done once, when the checker is made: the data
years, parameters and readings are fixed and checked (as `RuleSet.case` checks them), the compiled
engine's program is chosen, the requirements asked for are sorted into those decided by their
generated function straight away and the rest, and the document type's reader is generated
(readgen.py). A call then reads the mapping with that reader and calls the compiled requirement
functions on the record; it builds no `Document`, `Case` or `Result`, and takes no digest.

It is exactly as strict as the slow path, `rules.evaluate(rules.case([rules.document(data)], ...),
trace=False, engine="compiled")`, and gives the same outcomes: a mapping the generated reader does
not read as it is (anything unusual or wrong, a `data_years` or `undisclosed` list, another document
type) is checked by that slow path, which raises `Failed` with positioned messages where it is
wrong. `compare(data)` runs both and says where they differ (tests/test_prepared.py, the fuzz runs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..language.diagnostics import Failed
from ..language.syntax import Span
from .compiled import compiled
from .compiled.engine import Context
from .documents import Document, _declared_id
from .evaluate import Case
from .outcomes import Outcome
from .readgen import Readers, StepAside
from .reading import surrogate_text
from .records import RecordValue

_DIRECT, _EACH, _GENERAL = 0, 1, 2    # how a requirement is run: see PreparedCheck._steps


class PreparedCheck:
    """A callable: a plain mapping in, the tuple of its `Outcome`s out (see the module's text)."""

    def __init__(self, rules, document: str, only: Iterable[str] | None = None,
                 data_years: dict[str, int] | None = None, parameters: dict[str, Any] | None = None,
                 readings: Mapping[str, str] | None = None, source: str = "<data>"):
        if document not in rules.reader.document_types:
            raise ValueError(f"unknown document type '{document}': one of {', '.join(rules.reader.document_types)}")
        self.rules = rules
        self.type = document
        self.source = source
        self.only = frozenset(only) if only is not None else None
        self._choices = (data_years, parameters, readings)
        # the case without documents: its data years, parameters and readings are every case's here
        self.empty = rules.case((), data_years, parameters, readings)
        self.compiled = compiled(rules, self.empty.readings)
        self._read = _readers(rules).reader(document, document=True)
        self._steps = self._sorted()
        self._shown = (source, document)

    def _sorted(self) -> list[tuple[int, Any]]:
        """Each requirement asked for, with how it is run: a plan on this document type with no
        `using` documents and compiled is called straight away (_DIRECT, or _EACH for `for each`);
        any other goes through `Plan.run` (_GENERAL), which sees the whole case. A requirement on
        another document type is left out: with no document of its type, neither engine gives it
        an outcome (Plan.run, Evaluator.requirement)."""
        steps: list[tuple[int, Any]] = []
        for plan in self.compiled.plans:
            if (self.only is not None and plan.name not in self.only) or plan.subject not in (None, self.type):
                continue
            if plan.delegated is None and not plan.using and plan.subject == self.type:
                steps.append((_EACH, plan.fast) if plan.each else (_DIRECT, plan.fast))
            else:
                steps.append((_GENERAL, plan))
        return steps

    # ------------------------------------------------------------ checking
    def __call__(self, data: Any) -> tuple[Outcome, ...]:
        record = self.record(data)
        if record is None:
            return self.slow(data)
        return self.evaluate(record)

    def evaluate(self, record: RecordValue, memo: dict | None = None) -> tuple[Outcome, ...]:
        """The outcomes for the record of a document of this type already read (a sweep's scenario).
        `memo` (Compiled.new_memo), passed for every call, keeps definitions of unchanged records."""
        c = _Context(self, record, memo)
        out: list[Outcome] = []
        shown = self._shown
        try:
            for how, run in self._steps:
                if how is _DIRECT:
                    out.append(run(c, shown, None, record))
                elif how is _EACH:
                    run(c, out, shown, record)
                else:
                    run.run(c, out)
        except (Failed, KeyboardInterrupt):
            raise
        except Exception as error:         # as Compiled.evaluate: say where in the rules
            raise self.compiled.located(error) from error
        return tuple(out)

    def record(self, data: Any):
        """The document's record read by the generated reader, or None when the slow path must decide.
        Its `id`, `note`, `data_years` and `undisclosed` are checked by the slow path's own functions."""
        if type(data) is not dict or data.get("document") != self.type:
            return None
        note = data.get("note")
        reader = self.rules.reader
        try:
            if note is not None and (type(note) is not str or surrogate_text(note)) \
                    or not self._same_years(data.get("data_years")):
                return None
            if "id" in data:
                if type(data["id"]) is str and surrogate_text(data["id"]):
                    return None                 # the slow path refuses it, with its message
                _declared_id(data["id"], _nowhere)
            record = self._read(data, "", self.source)
            undisclosed = data.get("undisclosed")
            if undisclosed:
                reader._mark_undisclosed(record, undisclosed, _nowhere)
            return record
        except (StepAside, Failed):
            return None

    def _same_years(self, stated: Any) -> bool:
        """The data years a document states (data_years:) change nothing here: those the checker
        was given decide, and for the other datasets the document states the year it would have."""
        if stated is None:
            return True
        given = self._choices[0] or {}
        years = {**self.empty.data_years,
                 **{k: v for k, v in self.rules.reader._data_years(stated, _nowhere).items() if k not in given}}
        return years == self.empty.data_years

    def slow(self, data: Any) -> tuple[Outcome, ...]:
        """The slow path: read and validate the document (`Failed`, positioned, when it is wrong),
        gather the case and evaluate it with the compiled engine."""
        rules = self.rules
        case = rules.case([rules.document(data, self.source)], *self._choices)
        return tuple(rules.evaluate(case, trace=False, only=self.only, engine="compiled").outcomes)

    def compare(self, data: Any) -> str | None:
        """Both paths on `data`: None when they agree (the same outcomes, or both refuse), else what differs."""
        def outcome(run) -> Any:
            try:
                return [_comparable(o) for o in run(data)]
            except Failed:
                return ("refused",)
            except Exception as error:     # noqa: BLE001  # a bug of either path is a difference to report
                return ("failed", type(error).__name__)
        fast, slow = outcome(self), outcome(self.slow)
        if fast == slow:
            return None
        return f"the prepared checker gives {fast!r}, the slow path {slow!r}"


def disagreement(rules, data: Any, **choices: Any) -> str | None:
    """For the fuzz runs: the prepared checker of `data`'s document type (made once per rule set,
    type and choices) and the slow path on `data`; None when they agree, else what differs. A
    mapping without a known document type is the slow path's to refuse: nothing to compare."""
    name = data.get("document") if isinstance(data, dict) else None
    if not isinstance(name, str) or name not in rules.reader.document_types:
        return None
    made = rules.__dict__.setdefault("_checkers", {})
    key = (name, repr(sorted(choices.items())))
    if key not in made:
        made[key] = PreparedCheck(rules, name, **choices)
    return made[key].compare(data)


def _comparable(o: Outcome) -> tuple:
    return (o.requirement, o.document, o.document_type, o.instance, o.verdict, o.missing, o.decided_by)


def _nowhere(path: tuple) -> Any:
    return Span("<data>", 1, 1, 1, 1)


def _readers(rules) -> Readers:
    """The rule set's generated readers, made once per rule set."""
    found = getattr(rules, "_readers", None)
    if found is None:
        found = rules._readers = Readers(rules.program.structs, tuple(rules.program.member_states))
    return found


class _Context(Context):
    """What the generated functions see of one case (compiled/engine.Context), made for a checked
    document without its `Case`: the case is made only if a function asks for it (the slow path of
    an expression, a requirement that is not called straight away)."""
    __slots__ = ("_checker", "_record", "_empty", "_case")
    _empty: Case
    _case: Case | None

    def __init__(self, checker: PreparedCheck, record: RecordValue, memo: dict | None):
        self._checker = checker
        self._record = record
        super().__init__(checker.compiled, checker.empty, False, memo)

    @property                                   # a slot of Context, made lazily here
    def case(self) -> Case:
        if self._case is None:
            empty, checker = self._empty, self._checker
            document = Document(checker.type, checker.source, 0, 1, self._record)
            self._case = Case((document,), empty.data_years, empty.data_year_reasons, empty.parameters,
                              empty.holidays, empty.readings)
        return self._case

    @case.setter
    def case(self, empty: Case) -> None:
        """Context.__init__ sets the case: here the checker's case without documents, whose data
        years, parameters and readings are this case's."""
        self._empty, self._case = empty, None
