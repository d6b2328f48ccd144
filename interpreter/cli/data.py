"""`ammr data`: the reference data of the rules. `ammr data update` refreshes the Eurostat figures.

A self-contained click group; the `ammr` command registers it. The only command of the project
that uses the network: checks read the shipped files only.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import click

from ..language.diagnostics import printable
from ..tools.eurostat import (
    DATASETS,
    EUROSTAT_API,
    EurostatError,
    fetch,
    participating_member_states,
    read_figures,
    report,
    write_folder,
    write_in_place,
)
from . import EXIT_USAGE, Exit


def retrieval_date() -> date:
    return date.today()


@click.group("data")
def data() -> None:
    """The reference data of the rules (Eurostat population and GDP, Art 66 and Annex I)."""


@data.command("update")
@click.option("--to", "target", type=click.Path(file_okay=False, path_type=Path),
              help="A new or empty folder for the two CSV files [default: ./eurostat-<today>].")
@click.option("--in-place", is_flag=True, help="Replace the rule set's own files (rules/data/) instead.")
@click.option("--rules", "rules_dir", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The rule set whose Member States and current figures to use [default: the shipped rules].")
@click.option("--geo", "extra", multiple=True, metavar="CODE",
              help="Fetch this code too (repeat it), e.g. DK or EU27_2020; the participating Member States "
                   "of regulation.rules are always fetched, and only they make the reference key.")
@click.option("--since", type=click.IntRange(1960, 2100), metavar="YEAR",
              help="The first reference year [default: the first year of the current file].")
@click.option("--api-url", default=EUROSTAT_API, show_default=True, metavar="URL",
              help="Eurostat's SDMX 2.1 endpoint, or a mirror of it.")
def update(target: Path | None, in_place: bool, rules_dir: Path | None, extra: tuple[str, ...],
           since: int | None, api_url: str) -> None:
    """Fetch population (demo_pjan) and GDP (nama_10_gdp) from Eurostat, write them with the
    dataset's last update and the retrieval date, and show what changed against the current
    figures, down to each Member State's reference-key share.

    \b
    Exit codes: 0 written; 2 bad command line, Eurostat unreachable, a malformed
    response or a Member State without figures (nothing is written then).
    """
    if in_place and target is not None:
        raise click.UsageError("--to and --in-place exclude each other")
    if urlsplit(api_url).scheme not in ("http", "https") or not urlsplit(api_url).netloc:
        raise click.BadParameter(f"'{api_url}' is not an http(s) URL", param_hint="--api-url")
    rules_dir = rules_dir or _shipped_rules()
    retrieved = retrieval_date()
    try:
        participating = participating_member_states(rules_dir)
        codes = tuple(dict.fromkeys((*participating, *(code.strip().upper() for code in extra))))
        current = {d.name: read_figures(rules_dir / d.file) for d in DATASETS}
        extracts = tuple(fetch(d, codes, since or _first_year(current[d.name], retrieved), retrieved, api_url)
                         for d in DATASETS)
        click.echo(report(extracts, current, participating), nl=False)
        if in_place:
            written = write_in_place(extracts, rules_dir)
        else:
            written = write_folder(extracts, target or Path(f"eurostat-{retrieved.isoformat()}"))
    except EurostatError as error:
        click.echo(f"ammr data update: {error}", err=True)
        raise Exit(EXIT_USAGE) from None
    for path, extract in zip(written, extracts):
        click.echo(f"wrote {printable(str(path))} ({len(extract.figures)} rows)")
    if in_place:
        click.echo(f"{rules_dir / 'data' / 'README.md'} still describes the previous extract: update its sources, "
                   "then run `ammr docs` (the reference key pages are generated from these files)")


def _shipped_rules() -> Path:
    from ..api import rules_directory  # late: it loads the whole checker
    return rules_directory()


def _first_year(figures: dict, today: date) -> int:
    """Fetch what the current file covers; with no current file, the last three years."""
    return min((year for _, year in figures), default=today.year - 3)
