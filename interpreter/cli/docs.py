"""`ammr docs`: the reference documentation generated from the rule files."""

from __future__ import annotations

from pathlib import Path

import click

from ..language.diagnostics import printable
from ..tools import docs as site
from . import EXIT_USAGE, Exit, reference
from .common import prepare_rules, rules_option, scenario_folder


@click.command()
@rules_option
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="Where generated_docs/ and mkdocs.yml are written.")
@click.option("--scenarios", "scenario_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Scenario tests to take worked examples from (default: the rule set's scenarios: its "
                   "scenarios/ folder, as installed, else tests/scenarios/ beside the rules folder).")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 and list the files that are out of date.")
def docs(rules_dir, root, scenario_dir, check_only) -> None:
    """Generate the reference documentation (generated_docs/ and mkdocs.yml) from the rule files.
    The same rules give byte-identical files; the folder is replaced whole or not at all.
    Then: mkdocs serve (or mkdocs build)."""
    folder = scenario_folder(scenario_dir, rules_dir)
    rules = prepare_rules(rules_dir)
    try:
        files = site.generate(rules, folder, reference())
    except ValueError as error:
        click.echo(f"ammr docs: {error}", err=True)
        raise Exit(EXIT_USAGE) from None
    if check_only:
        stale = site.differences(files, root)
        for line in stale:
            click.echo(line)
        if stale:
            click.echo(f"{len(stale)} file(s) out of date: run ammr docs", err=True)
            raise Exit(1)
        click.echo(f"{len(files)} files up to date.")
        return
    site.write(files, root)
    click.echo(printable(f"wrote {len(files) - 1} pages to {root / 'generated_docs'} and {root / site.CONFIG}"))
