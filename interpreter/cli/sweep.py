"""`ammr sweep`: one case evaluated over a grid or a sample of values, written to a CSV."""

from __future__ import annotations

import sys
import time

import click

from ..language.diagnostics import Failed, did_you_mean, printable
from ..tools import sweep as S
from . import EXIT_USAGE
from .common import (
    data_option,
    parse_data_years,
    prepare_rules,
    reading_option,
    readings_chosen,
    report_failure,
    rules_option,
    years_option,
)


@click.command("sweep")
@click.argument("template", nargs=-1, required=True)
@click.option("--vary", "specs", multiple=True, required=True, metavar="PATH=VALUES",
              help="A field and its values: pledges.NL.relocations=0..800:100 (a range, with a step), "
                   "relocations=29999,30000 (a list); '*' for each participating member state; "
                   "Type:path when the case has several documents.")
@click.option("--grid", is_flag=True, help="Every combination of the values.")
@click.option("--sample", type=click.IntRange(min=1), metavar="N", help="N scenarios drawn at random (exactly).")
@click.option("--seed", type=int, default=0, show_default=True, help="The seed of --sample.")
@click.option("--requirement", "only", multiple=True, metavar="ID", help="Only these requirements.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="The CSV to write (atomically).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Processes to spread the scenarios over; the CSV is the same byte for byte.")
@rules_option
@years_option
@data_option
@reading_option
def sweep(template, specs, grid, sample, seed, only, output, jobs, rules_dir, data_years, data, readings) -> None:
    """Evaluate a document (or a folder case) over a grid or a seeded sample of values, and write
    the inputs and the verdict of every requirement, one row per scenario, to a CSV."""
    if grid == (sample is not None):
        raise click.UsageError("give either --grid or --sample N")
    rules = prepare_rules(rules_dir, data=data)
    known = {r.name for r in rules.program.requirements}
    for name in only:
        if name not in known:
            raise click.BadParameter(f"no requirement '{name}'. {did_you_mean(name, known)}",
                                     param_hint="--requirement")
    years = parse_data_years(data_years)
    for name in years:
        if name not in rules.tables:
            raise click.BadParameter(f"no dataset '{name}'; datasets: {', '.join(rules.tables)}",
                                     param_hint="--data-year")
    try:
        chosen = readings_chosen(rules, readings)
    except Failed as failure:
        report_failure(failure, EXIT_USAGE)
    try:
        documents = rules.read(template)
        run = S.Sweep(rules, documents, specs, years, only or None, chosen)
        total, values = S.scenarios(run.inputs, grid, sample, seed)
    except Failed as failure:
        raise click.BadParameter("\n".join(f"{d.message}" + (f" ({d.hint})" if d.hint else "")
                                           for d in failure.diagnostics), param_hint="--vary") from None
    start = time.perf_counter()
    # rows are written as they come (memory does not grow with the scenarios), the file appears whole at the end
    if total >= 200:
        with click.progressbar(length=total, label=f"{total} scenarios", file=sys.stderr) as bar:
            def progress(items):
                for item in items:
                    yield item
                    bar.update(1)
            columns = run.write(values, output, jobs, progress)
    else:
        columns = run.write(values, output, jobs)
    click.echo(f"wrote {printable(str(output))}: {total} scenarios, {columns - len(run.inputs) - 2} verdict columns "
               f"({time.perf_counter() - start:.2f} s)", err=True)
    set_here = ", ".join(f"{name} = {value}" for name, value in chosen.items())
    click.echo(f"readings: {set_here + ' (set for this check); every other' if set_here else 'every'} reading at its "
               f"default (`ammr interpretations` lists them)", err=True)
