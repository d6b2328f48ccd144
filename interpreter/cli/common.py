"""What the commands share: preparing the rules, reading a case, reporting failures, the options."""

from __future__ import annotations

import gc
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import click

from .. import cli
from ..api import Result, RuleSet, display_path, rules_directory, scenario_folders
from ..engine.parameters import parameter_values
from ..language import cache
from ..language.diagnostics import Diagnostic, Failed, printable
from ..language.syntax import Span
from ..report import links
from ..tools.files import write_atomic
from . import EXIT_RULES, EXIT_USAGE, Exit


def use_colour(ctx_colour: bool | None) -> bool:
    """Colour when asked, else only on a terminal that shows it (not a pipe, not TERM=dumb, not NO_COLOR)."""
    if ctx_colour is not None:
        return ctx_colour
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM", "") != "dumb"


CHECK_JSON = "ammr-check/1"     # as `fmt`: errors as the errors document of that schema (check, explain)


def report_failure(failure: Failed, code: int, fmt: str = "text") -> NoReturn:
    """Every error, with its place: on standard error, or with fmt "json" as {"errors": [...]} on
    standard output, or with fmt CHECK_JSON as the errors document of the schema ammr-check/1."""
    if fmt in ("json", CHECK_JSON):
        errors = [d.to_json() for d in failure.diagnostics]
        data = {"schema": CHECK_JSON, "exit_code": code, "errors": errors} if fmt == CHECK_JSON else {"errors": errors}
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        click.echo(failure.render(), err=True)
        count = len(failure.diagnostics)
        click.echo(f"\n{count} error{'s' if count != 1 else ''}.", err=True)
    raise Exit(code)


def prepare_rules(rules: Path | None, fmt: str = "text", data: str | None = None) -> RuleSet:
    """The rule set (a wrong rule file: exit 3), on the reference data a user supplied, if any (a
    wrong reference-data document: exit 2, like any document)."""
    try:
        prepared = RuleSet.prepare(rules, cache=True)
    except Failed as failure:
        report_failure(failure, EXIT_RULES, fmt)
    # In the `ammr` process the rule set lives as long as the command: its objects (a few hundred
    # thousand, read from the cache with the collector paused) are moved out of the cyclic
    # collector's way, or its first passes would walk them all. Not in a test's process, which
    # prepares again and again and must get its garbage back.
    if cli.standalone:
        gc.freeze()
    if cache.refused():
        click.echo(f"ammr: not using the cache: {printable(cache.refused() or '')}", err=True)
    if data is None:
        return prepared
    try:
        return prepared.with_data(data)
    except Failed as failure:
        report_failure(failure, EXIT_USAGE, fmt)


def scenario_folder(given: Path | None, rules_dir: Path | None, how: str = "with --scenarios DIR") -> Path:
    """The scenario tests a command runs or reads: the folder given, else the rule set's own
    (api.scenario_folders). Finding none is an error that says where it looked, never zero scenarios."""
    if given is not None:
        if not given.is_dir():
            raise click.BadParameter(f"no such folder: {given}", param_hint="--scenarios")
        return given
    rules = rules_dir if rules_dir is not None else rules_directory()
    looked = scenario_folders(rules)
    for folder in looked:
        if folder.is_dir():
            return display_path(folder)
    raise click.UsageError(f"no scenario tests for the rules in {display_path(rules)}: looked in "
                           + " and ".join(str(display_path(f)) for f in looked)
                           + f"; give the folder {how}")


def parse_data_years(values: tuple[str, ...]) -> dict[str, int]:
    out = {}
    for value in values:
        name, sep, year = value.partition("=")
        if not sep or not year.strip().isdigit():
            raise click.BadParameter(f"'{value}': write DATASET=YEAR, e.g. population=2024", param_hint="--data-year")
        out[name.strip()] = int(year)
    return out


@contextmanager
def errors_as(fmt: str) -> Iterator[None]:
    """A mistake in an option found while the command runs (an unknown dataset in --data-year)
    reported in `fmt`: as click reports it, or in the JSON the command would have printed."""
    try:
        yield
    except click.BadParameter as error:
        if fmt == "text":
            raise
        where = error.param_hint if isinstance(error.param_hint, str) else "the command line"
        report_failure(Failed([Diagnostic("U002", error.format_message(), Span(where, 1, 1, 1, 1))]), EXIT_USAGE, fmt)


def checked_result(rules: RuleSet, paths: tuple[str, ...], data_years: tuple[str, ...], fmt: str,
                   settings: tuple[str, ...] = (), readings: tuple[str, ...] = ()) -> Result:
    with errors_as(fmt):
        years = parse_data_years(data_years)
        unknown = [name for name in years if name not in rules.tables]
        if unknown:
            raise click.BadParameter(f"no dataset '{unknown[0]}'; datasets: {', '.join(rules.tables)}",
                                     param_hint="--data-year")
    try:
        chosen = readings_chosen(rules, readings)
        return rules.check(paths, years, parameters=parameter_values(rules, settings), readings=chosen)
    except Failed as failure:
        report_failure(failure, EXIT_USAGE, fmt)


READING_SOURCE = "--reading"


def readings_chosen(rules: RuleSet, settings: tuple[str, ...]) -> dict[str, str]:
    """`--reading NAME=VALUE` options, checked: `Failed` with each mistake at its place, each option
    being one line of the source "--reading"."""
    pairs = []
    for setting in settings:
        name, sep, value = (part.strip() for part in setting.partition("="))
        pairs.append((name, value) if sep and name and value else None)
    return rules.readings_chosen(pairs, READING_SOURCE, settings)


def emit(text: str, output: str | None, colour: bool = False) -> None:
    if output:
        write_atomic(output, text)
        click.echo(f"wrote {printable(str(output))}", err=True)
    else:
        click.echo(text, nl=False, color=colour)


rules_option = click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path),
                             help="Folder of rule files, with its law text and data (default: $AMMR_RULES, "
                                  "else the rules installed with ammr).")
format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                              show_default=True, help="Output format.")
years_option = click.option("--data-year", "data_years", multiple=True, metavar="DATASET=YEAR",
                             help="Eurostat reference year for a dataset, e.g. population=2024 "
                                  "(default: the year the documents state, else the latest complete year).")
set_option = click.option("--set", "settings", multiple=True, metavar="NAME=VALUE",
                           help="Set a parameter of the rules for this check, written as in a document, "
                                "e.g. date_of_application=2026-06-12 (the output says it was set).")
data_option = click.option("--data", "data", type=click.Path(exists=True, path_type=str), metavar="PATH",
                            help="Reference data of your own (population, GDP, their vintage, and who participates): "
                                 "a reference-data document, or a folder holding reference-data.yaml, instead of the "
                                 "Eurostat figures shipped with the rules (the output says which data were used).")
reading_option = click.option("--reading", "readings", multiple=True, metavar="NAME=VALUE",
                               help="Check under another reading of a provision the text leaves open, e.g. "
                                    "fair_share_composition=cumulative (`ammr interpretations` lists them; the "
                                    "output says which readings were used).")
readings_all_option = click.option("--readings", "readings_all", type=click.Choice(["all"]),
                                   help="all: also evaluate under each alternative reading, one reading changed at a "
                                        "time, and say of each verdict whether it holds under every reading or on "
                                        "which it depends.")


def _language(ctx, param, value: str) -> str:
    try:
        return links.language(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


lang_option = click.option("--lang", "lang", default=links.DEFAULT_LANGUAGE, show_default=True, metavar="XX",
                           callback=_language,
                           help="Language of the links to the Regulation on EUR-Lex: one of the 24 official "
                                "languages (" + " ".join(links.LANGUAGES) + ").")
output_option = click.option("-o", "--output", type=click.Path(dir_okay=False),
                              help="Write to this file (atomically).")
colour_option = click.option("--color/--no-color", "colour", default=None,
                              help="Colour the verdicts (default: when writing to a terminal).")


scenarios_option = click.option("--scenarios", "scenario_dir", type=click.Path(file_okay=False, path_type=Path),
                                help="Folder of scenario tests (YAML) [default: the rule set's scenarios: its "
                                     "scenarios/ folder, as installed, else tests/scenarios/ beside the rules folder].")



def rule_files(paths) -> list[Path]:
    return files_in(paths, lambda folder: sorted(folder.glob("*.rules")))


def files_in(paths, in_folder: Callable[[Path], list[Path]]) -> list[Path]:
    """The files named, folders replaced by their files; shown relative to the working directory."""
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out.extend(display_path(p) for p in in_folder(path))
        elif path.exists():
            out.append(path)
        else:
            raise click.BadParameter(f"no such file or folder: {path}", param_hint="PATH")
    return out
