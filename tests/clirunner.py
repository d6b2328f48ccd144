"""The `ammr` command as click's CliRunner sees it: arguments in, the exit code that `cli.run` gives
out (the command's own `Exit` codes included), with input for prompts. For tests that answer prompts
or read click's Result; the `ammr` fixture of conftest.py serves the rest."""

import click

from interpreter import cli


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False,
                                 "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def AMMR(args: tuple[str, ...]) -> None:
    raise SystemExit(cli.run(cli.main, list(args)))
