"""Checking documents: `ammr check`, `ammr explain`, `ammr schema`. Everything goes through the
public API (`interpreter.api`): the commands read options, call it and print what it renders."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path

import click

from ..api import explain as explain_result
from ..api import render
from ..language.diagnostics import did_you_mean, printable
from ..report.view import DEFAULT_DOCS
from . import Exit
from .common import (
    CHECK_JSON,
    checked_result,
    colour_option,
    data_option,
    emit,
    errors_as,
    format_option,
    lang_option,
    output_option,
    prepare_rules,
    reading_option,
    readings_all_option,
    rules_option,
    set_option,
    use_colour,
    years_option,
)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@rules_option
@format_option
@years_option
@data_option
@set_option
@reading_option
@readings_all_option
@lang_option
@colour_option
@output_option
def check(paths, rules_dir, fmt, data_years, data, settings, readings, readings_all, lang, colour, output) -> None:
    """Check documents (YAML or JSON files, or folders of them) and print a verdict,
    citation, reason and remedy for every applicable requirement.

    \b
    With --format json the result follows the schema ammr-check/1, with its audit record
    (`ammr verify` checks a stored one again); a document or rule file that cannot be read
    gives the schema's errors document instead."""
    errors = CHECK_JSON if fmt == "json" else "text"
    rules = prepare_rules(rules_dir, errors, data)
    result = checked_result(rules, paths, data_years, errors, settings, readings)
    data = explain_result(rules, result, traces=False, docs_url=DEFAULT_DOCS, pool=True,
                          readings_all=readings_all == "all", lang=lang)
    coloured = use_colour(colour) and fmt == "text" and not output
    emit(render(data, "json" if fmt == "json" else "check", colour=coloured), output, coloured)
    raise Exit(result.exit_code)


@click.command()
@click.argument("paths", nargs=-1, required=True)
@rules_option
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "json"]), default="text",
              show_default=True, help="text for the terminal, md (Markdown), html (one self-contained, "
                                      "printable file) or json (schema ammr-check/1).")
@years_option
@data_option
@set_option
@reading_option
@readings_all_option
@lang_option
@colour_option
@click.option("--requirement", "only", multiple=True, metavar="ID", help="Explain only these requirements.")
@click.option("--docs-url", metavar="URL",
              help="Root of the reference docs the citations link to: the published site's URL, or the "
                   "folder `mkdocs build` writes (default: site/, relative to where the output is written; "
                   "links into a folder name each page's index.html, so that they work opened from disk).")
@click.option("--trace", "with_trace", is_flag=True,
              help="Add the full trace of every verdict: each value computed, with its parts (in html, folded away).")
@output_option
def explain(paths, rules_dir, fmt, data_years, data, settings, readings, readings_all, lang, colour, only, docs_url,
            with_trace, output) -> None:
    """Explain every verdict: the provision quoted and linked, the values used with their sources,
    interpretations, exceptions considered, and for a non-compliance the remedy; after the summary,
    the pool report when the documents hold a Commission proposal or a Council act."""
    errors = CHECK_JSON if fmt == "json" else "text"
    rules = prepare_rules(rules_dir, errors, data)
    known = {r.name for r in rules.program.requirements}
    with errors_as(errors):
        for name in only:
            if name not in known:
                raise click.BadParameter(f"no requirement '{name}'. {did_you_mean(name, known)}",
                                         param_hint="--requirement")
    result = checked_result(rules, paths, data_years, errors, settings, readings)
    if only:
        result = replace(result, outcomes=tuple(o for o in result.outcomes if o.requirement in only))
    data = explain_result(rules, result, traces=with_trace, docs_url=_docs_url(docs_url, output),
                          readings_all=readings_all == "all", lang=lang)
    coloured = use_colour(colour) and fmt == "text" and not output
    emit(render(data, fmt, colour=coloured), output, coloured)
    raise Exit(result.exit_code)


def _docs_url(docs_url: str | None, output: str | None) -> str:
    """The docs root the links point to: as given, else the site/ folder relative to the output file."""
    if docs_url is not None:
        return docs_url
    if not output:
        return DEFAULT_DOCS
    site = Path.cwd() / DEFAULT_DOCS
    return os.path.relpath(site, Path(output).resolve().parent).replace(os.sep, "/")


@click.command()
@click.argument("type_name", required=False)
@rules_option
@output_option
def schema(type_name, rules_dir, output) -> None:
    """Print the JSON Schema of a document type (without TYPE_NAME: list the types)."""
    rules = prepare_rules(rules_dir)
    documents = rules.program.documents
    if type_name is None:
        for name, spec in documents.items():
            click.echo(f"{name:28} {spec.decl.description}")
        return
    if type_name not in rules.reader.models.structs:
        raise click.BadParameter(f"no document type '{printable(type_name)}'. "
                                 f"{did_you_mean(type_name, documents) or 'Types: ' + ', '.join(documents)}",
                                 param_hint="TYPE_NAME")
    emit(json.dumps(rules.schema(type_name), indent=2, ensure_ascii=False) + "\n", output)
