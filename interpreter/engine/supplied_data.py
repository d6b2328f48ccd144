"""Reference data a user supplies: population and GDP of another vintage, and who participates.

The rules ship the Eurostat figures they cite (`rules/data/`). To reproduce the Commission's
figures on the vintage it used, or to try other figures, a user gives a reference-data document
(`ammr check --data FILE`, `RuleSet.prepare(data=FILE)`) instead of copying the rules folder:

    reference_data: the figures the Commission used for the 2026 pool     # what they are
    participating:                                                        # optional
      as_of: 2025-11-11
      member_states: [BE, BG, CZ, ...]
    datasets:
      population:
        dataset: demo_pjan (age=TOTAL, sex=T), population on 1 January
        vintage: 2025-07-10            # the release of the dataset the figures come from
        year: 2024                     # the reference year of the figures
        unit: persons
        source: https://ec.europa.eu/eurostat/databrowser/view/demo_pjan      # optional
        figures: {BE: 11817096, BG: 6445481, ...}
      gdp:
        ...
        unit: EUR million              # the unit the rules read the dataset in (its scale)
        figures: {BE: "620271.8", ...}

It is validated like any document, each mistake at its place: every dataset the rules declare is
given once; every participating Member State has a figure; figures are exact (no floating-point
value) and not negative; the unit is the one the rules read. The output of a check says which
data were used (the file, the dataset, its vintage and year).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..language import typesys as T
from ..language.diagnostics import Diagnostic, Failed, did_you_mean
from ..language.syntax import Span
from .reading import MAX_DIGITS, read_documents, too_long
from .reference_data import Figure, Table

NAMES = ("reference-data.yaml", "reference-data.yml", "reference-data.json")
_DATASET_KEYS = ("dataset", "vintage", "year", "unit", "source", "figures")
_MAGNITUDES = {1: "", 1_000: " thousand", 1_000_000: " million", 1_000_000_000: " billion"}


def data_file(path: Path) -> Path:
    """The reference-data document a path names: the file itself, or the one a folder holds."""
    if path.is_dir():
        found = [path / name for name in NAMES if (path / name).is_file()]
        if len(found) != 1:
            raise Failed([Diagnostic("D050", f"{path} holds no reference-data file" if not found
                                     else f"{path} holds several reference-data files",
                                     Span(str(path), 1, 1, 1, 1), f"name it one of: {', '.join(NAMES)}")])
        return found[0]
    return path


def unit_of(dataset_type: T.Type, scale: Fraction) -> str:
    """The unit a dataset of the rules is read in: 'persons', 'EUR million'."""
    value = dataset_type.value if isinstance(dataset_type, T.Table) else dataset_type
    base = "persons" if value == T.PERSONS else "EUR" if value == T.EUR else str(value)
    return base + _MAGNITUDES.get(int(scale), f" x {scale}") if scale.denominator == 1 else f"{base} x {scale}"


class SuppliedData:
    """A reference-data document, checked against the datasets and member states of the rules."""

    def __init__(self, path: Path, datasets: dict, member_states: dict, participating: tuple[str, ...]):
        self.path = path
        raws = read_documents(path)
        if len(raws) != 1:
            raise Failed([Diagnostic("D051", "a reference-data file holds one document", Span(str(path), 1, 1, 1, 1),
                                     "give the datasets of one vintage in one document")])
        self.data, self.positions = raws[0].data, raws[0].positions
        self.datasets = datasets                     # the rules' DatasetSpecs
        self.member_states = member_states           # code -> A.MemberState
        self.problems: list[Diagnostic] = []
        self.title = ""
        self.as_of: date | None = None
        self.participating = participating
        self.tables: dict[str, Table] = {}
        self._read()
        if self.problems:
            raise Failed(self.problems, {str(path): path.read_text(encoding="utf-8")})

    # ------------------------------------------------------------ messages
    def _at(self, *where) -> Span:
        """The place of an entry: its key when it has one (a mapping's value starts on the next line)."""
        return self.positions.get((*where, "<key>")) or self.positions.get(tuple(where)) \
            or self.positions.get(()) or Span(str(self.path), 1, 1, 1, 1)

    def _error(self, code: str, message: str, where: tuple, hint: str = "") -> None:
        self.problems.append(Diagnostic(code, message, self._at(*where), hint))

    # ------------------------------------------------------------ reading
    def _read(self) -> None:
        if not isinstance(self.data, dict):
            self._error("D051", "reference data is a mapping: reference_data, participating, datasets", ())
            return
        for key in self.data:
            if key not in ("reference_data", "participating", "datasets"):
                self._error("D052", f"no such entry '{key}' in reference data", (key, "<key>"),
                            did_you_mean(str(key), ("reference_data", "participating", "datasets"))
                            or "the entries are: reference_data, participating, datasets")
        self.title = str(self.data.get("reference_data") or "")
        if not self.title:
            self._error("D053", "say what these data are: reference_data: \"...\"", ())
        if "participating" in self.data:
            self._participating(self.data["participating"])
        datasets = self.data.get("datasets")
        if not isinstance(datasets, dict):
            self._error("D053", "datasets: give each dataset of the rules, by name", ("datasets",) if datasets else (),
                        "the rules declare: " + ", ".join(self.datasets))
            return
        for name in datasets:
            if name not in self.datasets:
                self._error("D052", f"the rules declare no dataset '{name}'", ("datasets", name, "<key>"),
                            did_you_mean(str(name), self.datasets) or "the rules declare: " + ", ".join(self.datasets))
        for name, spec in self.datasets.items():
            if name not in datasets:
                self._error("D053", f"no figures for the dataset '{name}'", ("datasets",),
                            f"give {name}: its dataset, vintage, year, unit and figures")
            else:
                self._dataset(name, spec, datasets[name])

    def _participating(self, value: Any) -> None:
        where = ("participating",)
        if not isinstance(value, dict):
            self._error("D054", "participating gives as_of (the date of the list) and member_states", where)
            return
        as_of = value.get("as_of")
        if isinstance(as_of, str):                 # JSON has no dates: YYYY-MM-DD
            try:
                as_of = date.fromisoformat(as_of)
            except ValueError:
                pass
        if not isinstance(as_of, date):
            self._error("D054", "participating: as_of is the date of the list (YYYY-MM-DD)", where + ("as_of",)
                        if "as_of" in value else where)
        else:
            self.as_of = as_of
        codes = value.get("member_states")
        if not isinstance(codes, list) or not codes or not all(isinstance(c, str) for c in codes):
            self._error("D054", "participating: member_states lists two-letter codes", where + ("member_states",)
                        if "member_states" in value else where)
            return
        for i, code in enumerate(codes):
            if code not in self.member_states:
                self._error("D055", f"'{code}' is not a member state of the rules", where + ("member_states", i),
                            {"GR": "Greece is EL in Eurostat codes"}.get(code)
                            or did_you_mean(code, self.member_states) or "use a two-letter Eurostat country code")
        if len(set(codes)) != len(codes):
            self._error("D055", "a member state is listed twice", where + ("member_states",))
        self.participating = tuple(c for c in self.member_states if c in codes)

    def _dataset(self, name: str, spec, value: Any) -> None:
        where = ("datasets", name)
        if not isinstance(value, dict):
            self._error("D056", f"{name}: give dataset, vintage, year, unit and figures", where)
            return
        for key in value:
            if key not in _DATASET_KEYS:
                self._error("D052", f"{name}: no such entry '{key}'", where + (key, "<key>"),
                            did_you_mean(str(key), _DATASET_KEYS) or "the entries are: " + ", ".join(_DATASET_KEYS))
        for key in ("dataset", "vintage", "year", "unit", "figures"):
            if key not in value:
                self._error("D056", f"{name}: '{key}' is missing", where, _HINTS[key])
        year = value.get("year")
        if "year" in value and (not isinstance(year, int) or isinstance(year, bool)):
            self._error("D056", f"{name}: year is the reference year of the figures, e.g. 2024", where + ("year",))
        expected = unit_of(spec.type, spec.scale)
        if "unit" in value and value["unit"] != expected:
            self._error("D057", f"{name}: the unit is {value['unit']!r}, but the rules read {name} in {expected}",
                        where + ("unit",), f"give the figures in {expected}, and say so: unit: {expected}")
        figures = value.get("figures")
        if "figures" in value and not isinstance(figures, dict):
            self._error("D056", f"{name}: figures map each member state to its figure", where + ("figures",))
            return
        if not isinstance(figures, dict) or not isinstance(year, int):
            return
        read: dict[tuple[str, int], Figure] = {}
        label = f"{value.get('dataset')}, vintage {value.get('vintage')}"
        for code, figure in figures.items():
            exact = self._figure(name, code, figure, where + ("figures", code))
            if exact is not None and code in self.member_states:
                read[(code, year)] = Figure(exact * spec.scale, str(figure), expected, label,
                                            str(value.get("source") or self.path))
            elif code not in self.member_states:
                self._error("D055", f"{name}: '{code}' is not a member state of the rules",
                            where + ("figures", code, "<key>"),
                            did_you_mean(str(code), self.member_states) or "use a two-letter Eurostat country code")
        missing = [c for c in self.participating if c not in figures]
        if missing:
            verb = "participates" if len(missing) == 1 else "participate"
            self._error("D058", f"{name}: no figure for {', '.join(missing)}, which {verb}", where + ("figures",),
                        "every participating Member State needs a figure for its share")
        self.tables[name] = Table(name, str(self.path), read)

    def _figure(self, name: str, code: Any, figure: Any, where: tuple) -> Fraction | None:
        if isinstance(figure, float) or isinstance(figure, bool) or not isinstance(figure, (int, str)):
            self._error("D059", f"{name}: the figure of {code} must be an exact number (a whole number, or a "
                                f"decimal in quotes), not {figure!r}", where)
            return None
        text = str(figure).strip()
        # digits 0-9 as a person reads them: Decimal would also take '٣٠٠', 'Infinity' and 1e999999999
        if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text) or too_long(Decimal(text)):
            self._error("D059", f"{name}: the figure of {code} is not a number of at most {MAX_DIGITS} digits "
                                f"0-9: {figure!r}", where)
            return None
        exact = Fraction(Decimal(text))
        if exact < 0:
            self._error("D059", f"{name}: the figure of {code} is negative", where,
                        "population and GDP are not negative")
            return None
        return exact

    def describe(self) -> str:
        """What the output says of the data used."""
        return f"{self.title} ({self.path})"


_HINTS = {"dataset": "the dataset the figures come from, e.g. demo_pjan (age=TOTAL, sex=T)",
          "vintage": "the release of the dataset, e.g. 2025-07-10", "year": "the reference year, e.g. year: 2024",
          "unit": "the unit of the figures, as the rules read the dataset", "figures": "figures: {BE: ..., BG: ...}"}
