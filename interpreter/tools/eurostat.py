"""Refresh the reference data of Art 66 and Annex I from Eurostat (`ammr data update`).

Fetches population (`demo_pjan`) and GDP (`nama_10_gdp`) for the given Member States with the
SDMX client library sdmx1 (the optional extra `data`), writes them in the project's CSV format
(geo,year,value,unit,dataset,source_url) with the dataset's last update as Eurostat states it and
the retrieval date, and describes what changed against the current files, down to the reference
key. Values stay the strings Eurostat published (sdmx1 does not convert them) and are compared as
exact Fractions: no float touches a figure. This is the only code of the project that uses the
network; checks read the shipped files only.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import io
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from xml.etree import ElementTree

EUROSTAT_API = "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1"
COLUMNS = ("geo", "year", "value", "unit", "dataset", "source_url")
TIMEOUT_SECONDS = 60


class EurostatError(Exception):
    """Nothing was written; the message is one line for the user (exit code 2)."""


@dataclass(frozen=True)
class Dataset:
    name: str           # the dataset's name in the rules (rules/art-066.rules)
    flow: str           # Eurostat's code
    key: str            # the series key before geo, in the dataset's dimension order
    file: str           # the file the rules read, under the rule set's folder
    unit: str           # the unit column, as in the shipped file
    label: str          # the dataset column, before the vintage and retrieval date
    whole: bool         # persons are whole numbers


POPULATION = Dataset("population", "demo_pjan", "A.NR.TOTAL.T", "data/eurostat-population.csv", "persons (NR)",
                     "demo_pjan (age=TOTAL, sex=T), population on 1 January", True)
GDP = Dataset("gdp", "nama_10_gdp", "A.CP_MEUR.B1GQ", "data/eurostat-gdp.csv", "EUR million, current prices (CP_MEUR)",
              "nama_10_gdp (na_item=B1GQ, GDP at market prices)", False)
DATASETS = (POPULATION, GDP)

Figures = dict[tuple[str, int], str]          # (geo, year) -> the value as published


@dataclass(frozen=True)
class Extract:
    dataset: Dataset
    figures: Figures                          # in the order of the Member States asked for, then year
    vintage: str | None                       # Eurostat's UPDATE_DATA of the dataset, as stated
    retrieved: date
    url: str                                  # the data query, exactly as sent
    flags: tuple[tuple[str, int, str], ...]   # (geo, year, OBS_FLAG) as published

    def dataset_column(self) -> str:
        update = f"Eurostat update of {self.vintage}" if self.vintage else "Eurostat states no update date"
        return f"{self.dataset.label}; {update}; retrieved {self.retrieved.isoformat()}"

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for (geo, year), value in self.figures.items():
            writer.writerow((geo, year, value, self.dataset.unit, self.dataset_column(), self.url))
        return out.getvalue()


# --- the rule set: who takes part, and the current figures -------------------------------------

def participating_member_states(rules_dir: Path) -> tuple[str, ...]:
    """The codes of the `member state XX "..." participates` lines of regulation.rules, in order."""
    path = rules_dir / "regulation.rules"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise EurostatError(f"{path}: cannot read the rule file: {error.strerror}") from None
    codes = re.findall(r'^member state ([A-Z]{2}) "[^"]*" participates', text, flags=re.MULTILINE)
    if not codes:
        raise EurostatError(f"{path}: no `member state XX \"...\" participates` line: no Member State to fetch")
    return tuple(codes)


def read_figures(path: Path) -> Figures:
    """The (geo, year) -> value of a dataset file; an absent file has no figures."""
    if not path.exists():
        return {}
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return _rows(csv.DictReader(handle), path)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        reason = getattr(error, "strerror", None) or error
        raise EurostatError(f"{path}: cannot read the current figures: {reason}") from None


def _rows(reader: csv.DictReader, path: Path) -> Figures:
    if not {"geo", "year", "value"} <= set(reader.fieldnames or ()):
        raise EurostatError(f"{path}:1: the header must be {','.join(COLUMNS)}")
    figures: Figures = {}
    for row in reader:
        year = (row["year"] or "").strip()
        value = (row["value"] or "").strip()
        if not year.isdigit() or not _is_number(value):
            raise EurostatError(f"{path}:{reader.line_num}: a row needs a year and a number: "
                                f"{row['year']!r}, {row['value']!r}")
        figures[((row["geo"] or "").strip(), int(year))] = value
    return figures


def _is_number(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


# --- fetching ------------------------------------------------------------------------------------

def fetch(dataset: Dataset, geos: tuple[str, ...], since: int, retrieved: date,
          api_url: str = EUROSTAT_API, session=None) -> Extract:
    """One dataset for `geos` from `since` on. `session` is a requests.Session to send through
    (tests mount their recorded responses on one); by default a fresh one."""
    client = _client(api_url, session)
    flow = _ask(client, api_url, lambda **kw: client.dataflow(dataset.flow, params={"references": "none"}, **kw))
    query = dict(key=f"{dataset.key}.{'+'.join(geos)}", params={"startPeriod": str(since)})
    message = _ask(client, api_url, lambda **kw: client.data(dataset.flow, **query, **kw))
    url = message.response.url
    figures, flags = _figures(message, dataset, geos, url)
    missing = [geo for geo in geos if not any(g == geo for g, _ in figures)]
    if missing:
        raise EurostatError(f"{dataset.flow}: Eurostat returned no figure for {', '.join(missing)} "
                            f"(asked for {len(geos)} Member States at {url})")
    ordered = {key: figures[key] for key in sorted(figures, key=lambda k: (geos.index(k[0]), k[1]))}
    return Extract(dataset, ordered, _update_date(flow), retrieved, url, tuple(sorted(flags)))


def _client(api_url: str, session):
    try:
        import sdmx  # optional extra `data`: only this command needs it
        from sdmx.source import get_source  # same extra
    except ImportError:
        raise EurostatError("`ammr data update` needs the Eurostat client: pip install 'ammr-rules[data]'") from None
    client = sdmx.Client(session=session or sdmx.session.Session(timeout=TIMEOUT_SECONDS))
    # Eurostat's quirks (references=descendants, ZIP footers) with the endpoint asked for
    client.source = dataclasses.replace(get_source("ESTAT"), url=api_url.rstrip("/"))
    return client


def _ask(client, api_url: str, request):
    """Send one query; every failure becomes one line saying what went wrong where."""
    import requests  # installed with sdmx1, the optional extra `data`
    url = request(dry_run=True).url
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "response"        # the bytes received, to say where a bad message breaks
        try:
            # the reader prints its internal state to stdout when a message does not parse:
            # a debugging aid for its authors, not for our user, who gets one line below
            with contextlib.redirect_stdout(io.StringIO()):
                return request(tofile=copy)
        except (requests.ConnectionError, requests.Timeout) as error:
            raise EurostatError(f"cannot reach Eurostat at {api_url} ({_reason(error)}): "
                                "the network is needed for `ammr data update` only; nothing was written") from None
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else "?"
            raise EurostatError(f"Eurostat answered HTTP {status} to {url}; nothing was written") from None
        except requests.RequestException as error:      # too many redirects, a bad certificate, ...
            raise EurostatError(f"the query {url} failed ({type(error).__name__}); nothing was written") from None
        except Exception as error:      # the reader's many ways of refusing a malformed message
            raise EurostatError(f"malformed response to {url}: {_malformation(copy, error)}") from None


def _malformation(copy: Path, error: Exception) -> str:
    """Where the XML breaks, if it does; else what the reader said."""
    try:
        ElementTree.fromstring(copy.read_bytes())
    except ElementTree.ParseError as bad:
        line, column = bad.position
        reason = str(bad).split(":")[0]
        return f"not well-formed XML at line {line}, column {column + 1} ({reason})"
    except OSError:
        pass
    cause = error.__cause__ or error
    text = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


def _reason(error: Exception) -> str:
    text = str(error)
    found = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text) or re.search(r"(Read timed out|timed out)", text)
    return found.group(1).strip() if found else type(error).__name__


def _update_date(message) -> str | None:
    for flow in message.dataflow.values():
        for annotation in flow.annotations:
            if annotation.type == "UPDATE_DATA" and str(annotation.title or "").strip():
                return str(annotation.title).strip()
    return None


def _figures(message, dataset: Dataset, geos: tuple[str, ...], url: str):
    if not getattr(message, "data", None):
        raise EurostatError(f"malformed response to {url}: no data set in the message")
    figures: Figures = {}
    flags = []
    for series_key, observations in message.data[0].series.items():
        dims = {name: value.value for name, value in series_key.values.items()}
        geo = dims.pop("geo", None)
        if ".".join(dims.values()) != dataset.key:
            raise EurostatError(f"malformed response to {url}: "
                                f"a series {'.'.join(dims.values())} instead of {dataset.key}")
        if geo not in geos:
            continue
        for obs in observations:
            year, value = _observation(obs, dataset, geo, url)
            if value is None:
                continue
            if (geo, year) in figures:
                raise EurostatError(f"malformed response to {url}: two figures for {geo} in {year}")
            figures[(geo, year)] = value
            flag = obs.attached_attribute.get("OBS_FLAG")
            if flag is not None and str(flag.value).strip():
                flags.append((geo, year, str(flag.value).strip()))
    return figures, flags


def _observation(obs, dataset: Dataset, geo: str, url: str) -> tuple[int, str | None]:
    period = str(obs.dimension.values["TIME_PERIOD"].value) if obs.dimension else ""
    if not re.fullmatch(r"\d{4}", period):
        raise EurostatError(f"malformed response to {url}: {geo} has the period '{period}', not a year")
    value = "" if obs.value is None else str(obs.value).strip()
    if value in ("", "NaN", ":"):           # Eurostat's ways of saying "no figure"
        return int(period), None
    try:
        exact = Decimal(value)
    except InvalidOperation:
        exact = None
    if exact is None or not exact.is_finite() or (dataset.whole and exact != exact.to_integral_value()):
        kind = "a whole number" if dataset.whole else "a number"
        raise EurostatError(f"malformed response to {url}: {geo} {period} is '{value}', not {kind}")
    return int(period), value


# --- writing: whole or nothing ---------------------------------------------------------------------

def write_folder(extracts: tuple[Extract, ...], target: Path) -> tuple[Path, ...]:
    """Write the files into `target`, a new or empty folder: all of them, or none."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise EurostatError(f"{target}: exists and is not an empty folder; name a new one with --to")
    staging = target.parent / f".{target.name}.partial-{os.getpid()}"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()                     # mode from the umask, like any folder the user makes
        for extract in extracts:
            (staging / Path(extract.dataset.file).name).write_text(extract.csv_text(), encoding="utf-8")
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except OSError as error:
        if staging.is_dir():
            _remove(staging)
        raise EurostatError(f"{target}: cannot write ({error.strerror}: {error.filename}); "
                            "nothing was written") from None
    return tuple(target / Path(e.dataset.file).name for e in extracts)


def write_in_place(extracts: tuple[Extract, ...], rules_dir: Path) -> tuple[Path, ...]:
    """Replace the rule set's own files; if one cannot be replaced, the others are put back."""
    targets = tuple(rules_dir / e.dataset.file for e in extracts)
    staged = tuple(t.with_name(f".{t.name}.partial-{os.getpid()}") for t in targets)
    originals = {t: t.read_bytes() for t in targets if t.exists()}
    done: list[Path] = []
    try:
        for extract, path in zip(extracts, staged):
            path.write_text(extract.csv_text(), encoding="utf-8")
        for path, target in zip(staged, targets):
            path.replace(target)
            done.append(target)
    except OSError as error:
        for target in done:
            target.write_bytes(originals[target]) if target in originals else target.unlink()
        for path in staged:
            path.unlink(missing_ok=True)
        raise EurostatError(f"{rules_dir}: cannot replace the data files: {error.strerror}; "
                            "nothing was changed") from None
    return targets


def _remove(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()


# --- what changed -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    geo: str
    year: int
    old: str | None       # None: added
    new: str | None       # None: removed


def compare(old: Figures, new: Figures) -> tuple[Change, ...]:
    keys = sorted(old.keys() | new.keys())
    return tuple(Change(g, y, old.get((g, y)), new.get((g, y))) for g, y in keys
                 if old.get((g, y)) is None or new.get((g, y)) is None or _exact(old[g, y]) != _exact(new[g, y]))


def latest_complete_year(figures: Figures, geos: tuple[str, ...]) -> int | None:
    """The latest year with a figure for every one of `geos` (the rules' reading of "the latest
    available Eurostat data", rules/art-066.rules)."""
    years = sorted({year for _, year in figures}, reverse=True)
    return next((y for y in years if all((g, y) in figures for g in geos)), None)


def reference_key(population: Figures, gdp: Figures, geos: tuple[str, ...]):
    """((population year, GDP year), share by Member State): Annex I, 50 % of the population share
    plus 50 % of the GDP share, exact; None where a dataset has no complete year."""
    pop_year, gdp_year = latest_complete_year(population, geos), latest_complete_year(gdp, geos)
    if pop_year is None or gdp_year is None:
        return (pop_year, gdp_year), None
    years = (pop_year, gdp_year)
    pop = {g: _exact(population[g, pop_year]) for g in geos}
    money = {g: _exact(gdp[g, gdp_year]) for g in geos}
    total_pop, total_money = sum(pop.values()), sum(money.values())
    return years, {g: Fraction(1, 2) * pop[g] / total_pop + Fraction(1, 2) * money[g] / total_money for g in geos}


def _exact(published: str) -> Fraction:
    return Fraction(Decimal(published))


def percent(share: Fraction, signed: bool = False) -> str:
    """A share for display: per cent to four decimals, rounded half to even (display only)."""
    hundred = share * 100
    shown = (Decimal(hundred.numerator) / Decimal(hundred.denominator)).quantize(Decimal("0.0001"), ROUND_HALF_EVEN)
    return f"{shown:+}" if signed else f"{shown}"


def report(extracts: tuple[Extract, ...], current: dict[str, Figures], geos: tuple[str, ...]) -> str:
    """What changed, dataset by dataset, and the effect on the reference-key share of each of `geos`
    (the participating Member States)."""
    lines = []
    for extract in extracts:
        lines += _dataset_report(extract, current[extract.dataset.name])
    new = {e.dataset.name: e.figures for e in extracts}
    lines += _key_report(current, new, geos)
    return "\n".join(lines) + "\n"


def _dataset_report(extract: Extract, old: Figures) -> list[str]:
    changes = compare(old, extract.figures)
    counts = {kind: sum(1 for c in changes if _kind(c) == kind) for kind in ("added", "removed", "changed")}
    unchanged = len(extract.figures) - counts["added"] - counts["changed"]
    lines = [f"{extract.dataset.name} ({extract.dataset.flow}, {extract.dataset_column()}):",
             f"  {counts['added']} added, {counts['removed']} removed, {counts['changed']} changed, "
             f"{unchanged} unchanged"]
    for change in changes:
        kind = _kind(change)
        values = {"added": change.new, "removed": change.old, "changed": f"{change.old} → {change.new}"}[kind]
        lines.append(f"  {kind:<8} {change.geo} {change.year}: {values}")
    if extract.flags:
        lines.append("  flags as published (not in the CSV): "
                     + "; ".join(f"{g} {y} {f}" for g, y, f in extract.flags))
    return lines


def _kind(change: Change) -> str:
    return "added" if change.old is None else "removed" if change.new is None else "changed"


def _key_report(current: dict[str, Figures], new: dict[str, Figures], geos: tuple[str, ...]) -> list[str]:
    old_years, old_key = reference_key(current["population"], current["gdp"], geos)
    new_years, new_key = reference_key(new["population"], new["gdp"], geos)
    lines = [f"reference key (Annex I: 50 % population share + 50 % GDP share, {len(geos)} Member States; "
             f"population {_year(old_years[0])} → {_year(new_years[0])}, "
             f"GDP {_year(old_years[1])} → {_year(new_years[1])}):"]
    for geo in geos:
        old = percent(old_key[geo]) + " %" if old_key else "not computable"
        if new_key is None:
            lines.append(f"  {geo}  {old} → not computable")
        elif old_key is None or old_key[geo] == new_key[geo]:
            lines.append(f"  {geo}  {old} → {percent(new_key[geo])} %" + ("  (unchanged)" if old_key else ""))
        else:
            moved = percent(new_key[geo] - old_key[geo], signed=True)
            lines.append(f"  {geo}  {old} → {percent(new_key[geo])} %  ({moved} points)")
    return lines


def _year(year: int | None) -> str:
    return str(year) if year is not None else "no complete year"
