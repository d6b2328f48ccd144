"""The `ammr` command: the click group, the exit codes, and run() that turns every outcome into one.

The commands live one module per group (documents.py: check, explain, schema; authoring.py: rules,
lint, fmt, test, coverage, interpretations; docs.py; sweep.py; verify.py; lsp.py; data.py; serve.py)
and are imported only when run (click's "lazy loading of subcommands"), so `ammr --help` imports none of them.

Exit codes (also printed by `ammr --help`, with the environment variables):
  0   every applicable requirement is compliant
  1   at least one requirement is non-compliant
  2   the command line or a document is wrong (the message says where), or a file cannot be
      read or written (the message names it and the system's reason: a full disk, a folder)
  3   a rule file is wrong (the message says where)
  4   nothing non-compliant, but information is missing for some requirement
  5   nothing non-compliant or missing, but some requirement needs an authority's assessment
  70  an internal error (a bug: please report it)
  130 interrupted (Ctrl-C), also while the command starts
"""


from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

try:
    import importlib
    from typing import Any

    import click

    from ..tools.files import CannotWrite
except KeyboardInterrupt:             # Ctrl-C while the command starts: no traceback (see run())
    sys.stderr.write("Interrupted.\n")
    raise SystemExit(130) from None

if TYPE_CHECKING:                 # `ammr --help` does not import it: see _as_failed
    from ..language.diagnostics import Failed

EXIT_USAGE, EXIT_RULES, EXIT_INTERNAL = 2, 3, 70

_EPILOG = """\b
Exit codes:
  0   all applicable requirements compliant
  1   some requirement non-compliant
  2   bad command line or document, or a file that cannot be read or written
  3   bad rule file
  4   information missing (nothing non-compliant)
  5   assessment needed (nothing non-compliant or missing)
  70  internal error (a bug in ammr)
  130 interrupted (Ctrl-C)

\b
Environment (the flags come first):
  AMMR_RULES       the rule set (default: the one installed with ammr)
  AMMR_CACHE_DIR   where the prepared rules are kept (default: the platform's cache folder for
                   ammr, e.g. ~/.cache/ammr); used only if it is yours and writable by no one else
  AMMR_NO_CACHE    set (e.g. to 1): prepare the rules afresh every time, keep nothing
  AMMR_CHECKED_AT  the time of the check in results, ISO 8601 (to reproduce them)
  AMMR_DEBUG       set: show the traceback of an internal error instead of exit code 70
  AMMR_DATABASE    ammr serve: the database URL when --database is not given
  NO_COLOR         set: no colours (nor with TERM=dumb, nor when the output is not a terminal)

\b
Shell completion: eval "$(_AMMR_COMPLETE=bash_source ammr)" (or zsh_source, fish_source)
"""


# name -> (module of interpreter.cli, function, the first paragraph of its help). The help is kept
# here so that `ammr --help` lists the commands without importing them; a test checks it against
# each command's own docstring.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("documents", "check", "Check documents (YAML or JSON files, or folders of them) and print a verdict, "
                                    "citation, reason and remedy for every applicable requirement."),
    "coverage": ("authoring", "coverage", "The coverage map: for every paragraph of the shipped law text, whether "
                                          "it is encoded (with its rules and passing scenario tests), left to an "
                                          "authority's assessment (who, and the words that say so), or not "
                                          "checkable (why). Exit code 1 when there are gaps."),
    "data": ("data", "data", "The reference data of the rules (Eurostat population and GDP, Art 66 and Annex I)."),
    "docs": ("docs", "docs", "Generate the reference documentation (generated_docs/ and mkdocs.yml) from the rule "
                             "files. The same rules give byte-identical files; the folder is replaced whole or not "
                             "at all. Then: mkdocs serve (or mkdocs build)."),
    "explain": ("documents", "explain", "Explain every verdict: the provision quoted and linked, the values used "
                                        "with their sources, interpretations, exceptions considered, and for a "
                                        "non-compliance the remedy; after the summary, the pool report when the "
                                        "documents hold a Commission proposal or a Council act."),
    "fmt": ("authoring", "fmt_command", "Lay out rule files in the one canonical layout, keeping every comment. "
                                        "Each file is written whole or not at all, and only if formatting leaves "
                                        "what it says unchanged."),
    "interpretations": ("authoring", "interpretations", "The interpretation register: every reading of a provision "
                                                        "the text leaves open (its default, its alternatives and how "
                                                        "to choose one), then every interpretation note with its "
                                                        "rule, citations and place (for legal review)."),
    "lint": ("authoring", "lint_command", "Check rule files: every error `ammr rules` finds (E-codes), and "
                                          "warnings (W-codes) about rules that check but may not say what was "
                                          "meant."),
    "lsp": ("lsp", "lsp", "Run the language server over stdin and stdout, for an editor (VS Code with "
                          "editors/vscode/, Neovim, Emacs, ...): diagnostics as you type, the law's words on hover, "
                          "definitions, references, completion, formatting and the outline."),
    "rules": ("authoring", "rules_command", "Check the rule files (names, types and units, citations, quotations, "
                                            "exceptions) without evaluating anything."),
    "schema": ("documents", "schema", "Print the JSON Schema of a document type (without TYPE_NAME: list the types)."),
    "serve": ("serve", "serve", "Serve the pledge portal: the API under /api/v1/ (OpenAPI at /docs) and the web form."),
    "sweep": ("sweep", "sweep", "Evaluate a document (or a folder case) over a grid or a seeded sample of values, "
                                "and write the inputs and the verdict of every requirement, one row per scenario, "
                                "to a CSV."),
    "test": ("authoring", "test_command", "Run the rule scenarios (YAML files of facts and the verdicts expected of "
                                          "them) and say which pass and which fail, with what was expected and what "
                                          "came out. The same scenarios run as tests under pytest."),
    "verify": ("verify", "verify", "Check a stored result again: do the same rules and the same documents give the "
                                   "same verdicts?"),
}


class Exit(Exception):
    """A command's exit code, raised by the command and returned by run()."""

    def __init__(self, code: int):
        self.code = code


class LazyGroup(click.Group):
    """A group whose commands are imported when one is run or its help is shown."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, name, _ = COMMANDS[cmd_name]
        command = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        assert isinstance(command, click.Command), f"{module}.{name} is not a click command"
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from COMMANDS, shortened as click shortens a command's own help."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [(name, click.Command(name,
                                     help=COMMANDS[name][2]).get_short_help_str(limit)) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, epilog=_EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ammr-rules")
def main() -> None:
    """Check documents of the EU Annual Solidarity Pool against Regulation (EU) 2024/1351 (AMMR),
    and explain every verdict with the provision that decides it."""


def reference(width: int = 100) -> dict[str, Any]:
    """The help of `ammr` and of every command, at a fixed width: the CLI page of the docs."""
    root = click.Context(main, info_name="ammr", terminal_width=width, max_content_width=width,
                         **main.context_settings)
    commands = []
    for name in main.list_commands(root):
        command = main.get_command(root, name)
        assert command is not None
        commands.append({"name": name, "help": command.get_help(click.Context(command, info_name=name, parent=root))})
    return {"main": main.get_help(root), "commands": commands}


def run(entry: click.Command, args: list[str] | None = None) -> int:
    """Run the command group and turn every outcome into an exit code, never a traceback."""
    try:
        entry.main(args=args, prog_name="ammr", standalone_mode=False)
        return 0
    except Exit as done:
        return done.code
    except click.exceptions.Abort as aborted:   # click turns Ctrl-C (and end of input at a prompt) into Abort
        click.echo("Interrupted." if isinstance(aborted.__cause__, KeyboardInterrupt) else "Aborted.", err=True)
        return 130
    except click.ClickException as error:
        error.show()
        return EXIT_USAGE
    except click.exceptions.Exit as done:
        return done.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except CannotWrite as error:                # the user's situation (a full disk, a folder), not a bug
        click.echo(f"ammr: {error}", err=True)
        return EXIT_USAGE
    except OSError as error:                    # e.g. standard output on a full disk
        click.echo(f"ammr: {error.strerror or error}" + (f": {error.filename}" if error.filename else ""), err=True)
        return EXIT_USAGE
    except Exception as error:
        failed = _as_failed(error)
        if failed is not None:                  # a stage failed outside the paths above
            click.echo(failed.render(), err=True)
            return EXIT_USAGE
        # a bug: say so plainly, keep the traceback for developers
        if os.environ.get("AMMR_DEBUG"):
            raise
        click.echo(f"ammr: internal error: {type(error).__name__}: {error}\n"
                   "This is a bug in ammr, not in your input. Run again with AMMR_DEBUG=1 to see the "
                   "traceback, and report it.", err=True)
        return EXIT_INTERNAL


def _as_failed(error: Exception) -> Failed | None:
    """`error` if it is a `Failed`, found without importing its module (and the syntax tree's
    dataclasses) for `ammr --help`: a `Failed` can only have been raised once that module was."""
    diagnostics = sys.modules.get("interpreter.language.diagnostics")
    return error if diagnostics is not None and isinstance(error, diagnostics.Failed) else None


# True when the command is the whole process (the `ammr` program, not a test calling run()): what
# it prepares then lives until the process exits, and common.prepare_rules freezes it (gc.freeze).
standalone = False


def main_entry() -> None:
    global standalone
    standalone = True
    sys.exit(run(main))

