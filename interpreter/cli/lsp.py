"""`ammr lsp`: the language server, for editors."""

from __future__ import annotations

from pathlib import Path

import click

from . import EXIT_USAGE, Exit
from .common import rules_option


@click.command("lsp")
@rules_option
@click.option("--scenarios", "scenario_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of scenario tests (YAML), for the checks of untested rules (E601, E602) [default: "
                   "tests/scenarios/ beside the rules folder; without one, those checks are left out].")
@click.option("--stdio", is_flag=True,
              help="Talk over stdin and stdout: the only way it talks, accepted because some clients ask for it.")
def lsp(rules_dir, scenario_dir, stdio) -> None:
    """Run the language server over stdin and stdout, for an editor (VS Code with editors/vscode/,
    Neovim, Emacs, ...): diagnostics as you type, the law's words on hover, definitions,
    references, completion, formatting and the outline.

    \b
    The rules folder is --rules, else rules/ in the editor's workspace folder, else the
    project's. Needs the optional dependencies: pip install 'ammr-rules[lsp]'.
    """
    try:
        from ..tools.lsp.server import serve  # pygls is imported only when the server runs (an optional extra)
    except ImportError as missing:
        click.echo(f"ammr lsp needs pygls: pip install 'ammr-rules[lsp]' ({missing})", err=True)
        raise Exit(EXIT_USAGE) from None
    serve(rules_dir, scenario_dir)
