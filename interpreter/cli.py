"""The `ammr` command.

Exit codes (also printed by `ammr --help`):
  0  every applicable requirement is compliant
  1  at least one requirement is non-compliant
  2  the command line or a document is wrong (the message says where)
  3  a rule file is wrong (the message says where)
  4  nothing non-compliant, but information is missing for some requirement
  5  nothing non-compliant or missing, but some requirement needs an authority's assessment
  70 an internal error (a bug: please report it)
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Callable

import click

from .language.diagnostics import Failed

EXIT_USAGE, EXIT_RULES, EXIT_INTERNAL = 2, 3, 70

_EPILOG = """\b
Exit codes:
  0  all applicable requirements compliant
  1  some requirement non-compliant
  2  bad command line or document
  3  bad rule file
  4  information missing (nothing non-compliant)
  5  assessment needed (nothing non-compliant or missing)
  70 internal error
"""


class _Exit(Exception):
    def __init__(self, code: int):
        self.code = code


def _colour(ctx_colour: bool | None) -> bool:
    """Colour when asked, else only on a terminal that shows it (not a pipe, not TERM=dumb, not NO_COLOR)."""
    if ctx_colour is not None:
        return ctx_colour
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ and os.environ.get("TERM", "") != "dumb"


def _report(failure: Failed, code: int, fmt: str = "text") -> None:
    if fmt == "json":
        click.echo(json.dumps({"errors": [d.to_json() for d in failure.diagnostics]}, indent=2, ensure_ascii=False))
    else:
        click.echo(failure.render(), err=True)
        count = len(failure.diagnostics)
        click.echo(f"\n{count} error{'s' if count != 1 else ''}.", err=True)
    raise _Exit(code)


def _prepare(rules: Path | None, fmt: str = "text"):
    from .api import RuleSet
    try:
        return RuleSet.prepare(rules, cache=True)
    except Failed as failure:
        _report(failure, EXIT_RULES, fmt)


def _data_years(values: tuple[str, ...]) -> dict[str, int]:
    out = {}
    for value in values:
        name, sep, year = value.partition("=")
        if not sep or not year.strip().isdigit():
            raise click.BadParameter(f"'{value}': write DATASET=YEAR, e.g. population=2024", param_hint="--data-year")
        out[name.strip()] = int(year)
    return out


def _result(rules, paths: tuple[str, ...], data_years: tuple[str, ...], fmt: str, settings: tuple[str, ...] = ()):
    years = _data_years(data_years)
    unknown = [name for name in years if name not in rules.tables]
    if unknown:
        raise click.BadParameter(f"no dataset '{unknown[0]}'; datasets: {', '.join(rules.tables)}",
                                 param_hint="--data-year")
    try:
        from .engine.parameters import parameter_values
        return rules.check(paths, years, parameters=parameter_values(rules, settings))
    except Failed as failure:
        _report(failure, EXIT_USAGE, fmt)


def _emit(text: str, output: str | None, colour: bool = False) -> None:
    if output:
        from .tools.files import write_atomic
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    else:
        click.echo(text, nl=False, color=colour)


_rules_option = click.option("--rules", "rules_dir", type=click.Path(file_okay=False, path_type=Path),
                             help="Folder of rule files (default: the project's rules/).")
_format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                              show_default=True, help="Output format.")
_years_option = click.option("--data-year", "data_years", multiple=True, metavar="DATASET=YEAR",
                             help="Eurostat reference year for a dataset, e.g. population=2024 "
                                  "(default: the year the documents state, else the latest complete year).")
_set_option = click.option("--set", "settings", multiple=True, metavar="NAME=VALUE",
                           help="Set a parameter of the rules for this check, written as in a document, "
                                "e.g. date_of_application=2026-06-12 (the output says it was set).")
_colour_option = click.option("--color/--no-color", "colour", default=None,
                              help="Colour the verdicts (default: when writing to a terminal).")


@click.group(epilog=_EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ammr-rules")
def main() -> None:
    """Check documents of the EU Annual Solidarity Pool against Regulation (EU) 2024/1351 (AMMR),
    and explain every verdict with the provision that decides it."""


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_rules_option
@_format_option
@_years_option
@_set_option
@_colour_option
def check(paths, rules_dir, fmt, data_years, settings, colour) -> None:
    """Check documents (YAML or JSON files, or folders of them) and print a verdict,
    citation, reason and remedy for every applicable requirement."""
    from .report.render import render_check, render_json
    rules = _prepare(rules_dir, fmt)
    result = _result(rules, paths, data_years, fmt, settings)
    data = _view(rules, result, traces=False, docs_url=None, output=None)
    from .report.pool import pool_report, render_pool
    pool = pool_report(rules, result)
    coloured = _colour(colour) and fmt == "text"
    if fmt == "json":
        click.echo(render_json({**data, "pool": pool} if pool else data), nl=False)
    else:
        click.echo(render_check(data, coloured) + (render_pool(pool) if pool else ""), nl=False, color=coloured)
    raise _Exit(result.exit_code)


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_rules_option
@click.option("--format", "fmt", type=click.Choice(["text", "md", "html", "json"]), default="text",
              show_default=True, help="text for the terminal, md (Markdown), html (one self-contained, "
                                      "printable file) or json (schema ammr-check/1).")
@_years_option
@_set_option
@_colour_option
@click.option("--requirement", "only", multiple=True, metavar="ID", help="Explain only these requirements.")
@click.option("--docs-url", metavar="URL",
              help="Root of the built reference docs the citations link to (default: the site/ folder "
                   "that `mkdocs build` writes, relative to where the output is written).")
@click.option("--trace", "with_trace", is_flag=True,
              help="Add the full trace of every verdict: each value computed, with its parts (in html, folded away).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (atomically).")
def explain(paths, rules_dir, fmt, data_years, settings, colour, only, docs_url, with_trace, output) -> None:
    """Explain every verdict: the provision quoted and linked, the values used with their sources,
    interpretations, exceptions considered, and for a non-compliance the remedy."""
    from .report.render import render
    rules = _prepare(rules_dir, "json" if fmt == "json" else "text")
    known = {r.name for r in rules.program.requirements}
    for name in only:
        if name not in known:
            from .language.diagnostics import did_you_mean
            raise click.BadParameter(f"no requirement '{name}'. {did_you_mean(name, known)}", param_hint="--requirement")
    result = _result(rules, paths, data_years, "json" if fmt == "json" else "text", settings)
    if only:
        from .api import Result
        result = Result(result.case, tuple(o for o in result.outcomes if o.requirement in only))
    data = _view(rules, result, traces=with_trace, docs_url=docs_url, output=output)
    coloured = _colour(colour) and fmt == "text" and not output
    _emit(render(data, fmt, coloured), output, coloured)
    raise _Exit(result.exit_code)


def _view(rules, result, traces: bool, docs_url: str | None, output: str | None) -> dict:
    """The rendering stage's input: the verdicts, the remedies the engine derives, the docs links."""
    from .report import remedy
    from .report.view import DEFAULT_DOCS
    from .report.view import view
    if docs_url is None:
        site = Path.cwd() / DEFAULT_DOCS
        docs_url = os.path.relpath(site, Path(output).resolve().parent) if output else DEFAULT_DOCS
        docs_url = docs_url.replace(os.sep, "/")
    return view(result, rules, traces=traces, remedies=remedy.find(rules, result), docs_url=docs_url)


@main.command()
@click.argument("type_name", required=False)
@_rules_option
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (atomically).")
def schema(type_name, rules_dir, output) -> None:
    """Print the JSON Schema of a document type (without TYPE_NAME: list the types)."""
    rules = _prepare(rules_dir)
    documents = rules.program.documents
    if type_name is None:
        for name, spec in documents.items():
            click.echo(f"{name:28} {spec.decl.description}")
        return
    if type_name not in rules.reader.models.structs:
        from .language.diagnostics import did_you_mean
        raise click.BadParameter(f"no document type '{type_name}'. "
                                 f"{did_you_mean(type_name, documents) or 'Types: ' + ', '.join(documents)}",
                                 param_hint="TYPE_NAME")
    _emit(json.dumps(rules.schema(type_name), indent=2, ensure_ascii=False) + "\n", output)


@main.command("rules")
@_rules_option
@_format_option
def rules_command(rules_dir, fmt) -> None:
    """Check the rule files (names, types and units, citations, quotations, exceptions)
    without evaluating anything."""
    rules = _prepare(rules_dir, fmt)
    p = rules.program
    citations = sum(1 for _ in _all_citations(p))
    summary = {
        "files": [f.path for f in p.files], "requirements": len(p.requirements), "exceptions": len(p.exceptions),
        "definitions": sum(1 for v in p.values.values() if v.kind == "definition"),
        "constants": sum(1 for v in p.values.values() if v.kind == "constant"),
        "documents": len(p.documents), "datasets": len(p.datasets), "citations": citations,
        "interpretations": sum(len(d.meta.interpretations) for f in p.files for d in f.declarations),
    }
    if fmt == "json":
        click.echo(json.dumps({"errors": [], **summary}, indent=2))
        return
    click.echo(f"{len(summary['files'])} rule files checked: no errors.")
    click.echo(f"  {summary['requirements']} requirements, {summary['exceptions']} exceptions, "
               f"{summary['definitions']} definitions, {summary['constants']} constants, "
               f"{summary['documents']} document types, {summary['datasets']} datasets")
    click.echo(f"  {summary['citations']} citations resolved against the law text; "
               f"{summary['interpretations']} interpretation notes")


@main.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_rules_option
@_format_option
@click.option("--strict", is_flag=True, help="Fail on warnings too (exit code 1).")
@click.option("--list", "list_checks", is_flag=True, help="List the checks and their codes, and stop.")
def lint_command(paths, rules_dir, fmt, strict, list_checks) -> None:
    """Check rule files without evaluating anything: every error `ammr rules` finds (E-codes),
    and warnings (W-codes) about rules that check but may not say what was meant.

    \b
    PATH is a rule file or a folder of them (default: the project's rules/). A file outside
    the rules folder is checked together with the rules, as if added to them.

    \b
    Exit codes: 0 no errors (warnings are printed but do not fail, unless --strict),
    1 warnings only, with --strict; 3 errors. A warning weighed and accepted is silenced by
    a comment on its line or just above it:  # lint: allow W202 <why>
    """
    from .tools.lint import CHECKS, lint
    if list_checks:
        for check in CHECKS.values():
            click.echo(f"{check.code}  {check.title}")
        return
    report = lint(paths, rules_dir)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        if report.diagnostics:
            click.echo(report.render() + "\n", err=True)
        errors, warnings = len(report.errors), len(report.warnings)
        click.echo(f"{len(report.files)} rule file{'s' if len(report.files) != 1 else ''}: "
                   f"{errors} error{'s' if errors != 1 else ''}, {warnings} warning{'s' if warnings != 1 else ''}.",
                   err=True)
    if report.errors:
        raise _Exit(EXIT_RULES)
    if strict and report.warnings:
        raise _Exit(1)


@main.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing: list the files that would change, exit 1 if any.")
@click.option("--diff", is_flag=True, help="Show the changes as a unified diff (with --check, nothing is written).")
def fmt_command(paths, check, diff) -> None:
    """Lay out rule files in the one canonical layout, keeping every comment. Each file is
    written whole or not at all, and only if formatting leaves what it says unchanged.

    \b
    PATH is a rule file or a folder of them (default: the project's rules/).
    Exit codes: 0 done (with --check: nothing to change), 1 with --check: some file would
    change, 3 a file does not parse (it is left as it is).
    """
    import difflib
    from .api import rules_directory
    from .tools.files import write_atomic
    from .tools.formatter import format_file
    files = _rule_files(paths or (rules_directory(),))
    changed, failures = [], []
    for path in files:
        try:
            before, after = format_file(path)
        except Failed as failure:
            failures.append(failure)
            continue
        if before == after:
            continue
        changed.append(path)
        if diff:
            click.echo("".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                                    f"{path} (as it is)", f"{path} (formatted)")), nl=False)
        if check:
            click.echo(f"would reformat {path}", err=True)
        else:
            write_atomic(path, after)
            click.echo(f"reformatted {path}", err=True)
    for failure in failures:
        click.echo(failure.render() + "\n", err=True)
    verb = "would be reformatted" if check else "reformatted"
    click.echo(f"{len(files)} rule file{'s' if len(files) != 1 else ''}: {len(changed)} {verb}, "
               f"{len(files) - len(changed) - len(failures)} already formatted"
               + (f", {len(failures)} with errors (left as they are)" if failures else "") + ".", err=True)
    if failures:
        raise _Exit(EXIT_RULES)
    if check and changed:
        raise _Exit(1)


def _rule_files(paths) -> list[Path]:
    return _files(paths, lambda folder: sorted(folder.glob("*.rules")))


def _files(paths, in_folder) -> list[Path]:
    """The files named, folders replaced by their files; shown relative to the working directory."""
    from .api import _display
    out: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            out.extend(_display(p) for p in in_folder(path))
        elif path.exists():
            out.append(path)
        else:
            raise click.BadParameter(f"no such file or folder: {path}", param_hint="PATH")
    return out


@main.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_rules_option
@click.option("-k", "match", metavar="TEXT", help="Run only the scenarios whose name contains TEXT.")
def test_command(paths, rules_dir, match) -> None:
    """Run the rule scenarios (YAML files of facts and the verdicts expected of them) and say
    which pass and which fail, with what was expected and what came out. The same scenarios
    run as tests under pytest.

    \b
    PATH is a scenario file or a folder of them (default: tests/scenarios/ beside the rules).
    Exit codes: 0 all passed, 1 some failed, 2 a scenario file is wrong, 3 a rule file is wrong.
    """
    from .tools import scenarios
    from .api import rules_directory
    folder = (Path(rules_dir) if rules_dir else rules_directory()).resolve().parent / "tests" / "scenarios"
    files = _files(paths or (folder,), lambda f: sorted(p for p in f.rglob("*") if p.suffix in (".yaml", ".yml")))
    found, problems = [], []
    for path in files:
        try:
            found += [s for s in scenarios.load(path) if not match or match in s.name]
        except Failed as failure:
            problems.append(failure)
    if problems:
        _report(Failed([d for f in problems for d in f.diagnostics],
                       {k: v for f in problems for k, v in f.sources.items()}), EXIT_USAGE)
    if not found:
        raise click.BadParameter("no scenarios found" + (f" named like '{match}'" if match else ""), param_hint="PATH")
    rules = _prepare(rules_dir)
    failed, current = 0, None
    for scenario in found:
        if scenario.file != current:
            current = scenario.file
            click.echo(current)
        report = scenarios.verify(rules, scenario)
        click.echo(f"  {'✔ pass' if report.passed else '✘ FAIL'}  {scenario.name}")
        if not report.passed:
            failed += 1
            click.echo("\n".join("        " + line for line in report.render().split("\n")[1:]))
    click.echo(f"\n{len(found)} scenario{'s' if len(found) != 1 else ''}: {len(found) - failed} passed, "
               f"{failed} failed.")
    if failed:
        raise _Exit(1)

@main.command()
@_rules_option
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="Where generated_docs/ and mkdocs.yml are written.")
@click.option("--scenarios", "scenario_dir", type=click.Path(file_okay=False, path_type=Path),
              default="tests/scenarios", show_default=True, help="Scenario tests to take worked examples from.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 and list the files that are out of date.")
def docs(rules_dir, root, scenario_dir, check_only) -> None:
    """Generate the reference documentation (generated_docs/ and mkdocs.yml) from the rule files.
    The same rules give byte-identical files; the folder is replaced whole or not at all.
    Then: mkdocs serve (or mkdocs build)."""
    from .tools import docs as site
    rules = _prepare(rules_dir)
    try:
        files = site.generate(rules, scenario_dir)
    except ValueError as error:
        click.echo(f"ammr docs: {error}", err=True)
        raise _Exit(EXIT_USAGE)
    if check_only:
        stale = site.differences(files, root)
        for line in stale:
            click.echo(line)
        if stale:
            click.echo(f"{len(stale)} file(s) out of date: run ammr docs", err=True)
            raise _Exit(1)
        click.echo(f"{len(files)} files up to date.")
        return
    site.write(files, root)
    click.echo(f"wrote {len(files) - 1} pages to {root / 'generated_docs'} and {root / site.CONFIG}")

_SCENARIOS = Path("tests/scenarios")


@main.command()
@_rules_option
@_format_option
@click.option("--scenarios", "scenario_dir", type=click.Path(file_okay=False, path_type=Path), default=_SCENARIOS,
              show_default=True, help="Folder of scenario tests (YAML).")
@click.option("--gaps", is_flag=True, help="Show only paragraphs without a status, or encoded without a passing scenario.")
def coverage(rules_dir, fmt, scenario_dir, gaps) -> None:
    """The coverage map: for every paragraph of the shipped law text, whether it is encoded
    (with its rules and passing scenario tests), left to an authority's assessment (who, and the
    words that say so), or not checkable (why). Exit code 1 when there are gaps."""
    from .tools import scenarios as S
    from .report.coverage import coverage_map, summary
    rules = _prepare(rules_dir, fmt)
    entries = coverage_map(rules, S.discover(scenario_dir) if scenario_dir.is_dir() else [])
    bad = [e for e in entries if e.status == "missing" or (e.rules and not e.scenarios) or e.failing]
    shown = bad if gaps else entries
    if fmt == "json":
        click.echo(json.dumps({"schema": "ammr-coverage/1", "summary": summary(entries),
                               "gaps": len(bad), "entries": [e.to_json() for e in shown]}, indent=2, ensure_ascii=False))
    else:
        article = None
        for e in shown:
            if e.article != article:
                article = e.article
                click.echo(f"\n{article}")
            click.echo(f"  {e.provision:40} {e.status}")
            if e.rules:
                click.echo(f"      rules: {', '.join(e.rules)}")
                click.echo(f"      scenarios: {len(e.scenarios)} passing" + (f", {len(e.failing)} failing" if e.failing else ""))
            if e.status == "needs_assessment":
                click.echo(f"      by {e.authority}: \u201c{e.quote}\u201d")
            if e.reason:
                click.echo(f"      {e.reason}")
        counts = summary(entries)
        click.echo(f"\n{len(entries)} units: " + ", ".join(f"{n} {k}" for k, n in counts.items())
                   + f"; {len(bad)} gap{'s' if len(bad) != 1 else ''}.")
    raise _Exit(1 if bad else 0)


@main.command()
@_rules_option
@_format_option
def interpretations(rules_dir, fmt) -> None:
    """Every interpretation note in the rules, with its rule, citations and place (for legal review)."""
    rules = _prepare(rules_dir, fmt)
    from .report.interpretations import interpretation_register
    notes = interpretation_register(rules.program)
    if fmt == "json":
        click.echo(json.dumps({"schema": "ammr-interpretations/1", "interpretations": notes}, indent=2,
                              ensure_ascii=False))
        return
    for n in notes:
        click.echo(f"{n['file']}:{n['line']}  {n['kind']} {n['rule']}  ({'; '.join(n['citations']) or 'no citation'})")
        click.echo(f"    {n['text']}\n")
    click.echo(f"{len(notes)} interpretation notes.")


@main.command("sweep")
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
@_rules_option
@_years_option
def sweep(template, specs, grid, sample, seed, only, output, rules_dir, data_years) -> None:
    """Evaluate a document (or a folder case) over a grid or a seeded sample of values, and write
    the inputs and the verdict of every requirement, one row per scenario, to a CSV."""
    import time
    from .tools import sweep as S
    if grid == (sample is not None):
        raise click.UsageError("give either --grid or --sample N")
    rules = _prepare(rules_dir)
    known = {r.name for r in rules.program.requirements}
    for name in only:
        if name not in known:
            from .language.diagnostics import did_you_mean
            raise click.BadParameter(f"no requirement '{name}'. {did_you_mean(name, known)}", param_hint="--requirement")
    years = _data_years(data_years)
    for name in years:
        if name not in rules.tables:
            raise click.BadParameter(f"no dataset '{name}'; datasets: {', '.join(rules.tables)}", param_hint="--data-year")
    try:
        documents = rules.read(template)
        run = S.Sweep(rules, documents, specs, years, only or None)
        total, values = S.scenarios(run.inputs, grid, sample, seed)
    except Failed as failure:
        raise click.BadParameter("\n".join(f"{d.message}" + (f" ({d.hint})" if d.hint else "")
                                           for d in failure.diagnostics), param_hint="--vary") from None
    start = time.perf_counter()
    if total >= 200:
        with click.progressbar(length=total, label=f"{total} scenarios", file=sys.stderr) as bar:
            def progress(items):
                for item in items:
                    yield item
                    bar.update(1)
            result = run.run(values, progress)
    else:
        result = run.run(values)
    from .tools.files import write_atomic
    write_atomic(output, result.csv())
    click.echo(f"wrote {output}: {total} scenarios, {len(result.header) - len(run.inputs) - 2} verdict columns "
               f"({time.perf_counter() - start:.2f} s)", err=True)


def _all_citations(program):
    for f in program.files:
        for d in f.declarations:
            yield from d.meta.citations


def run(entry: Callable[..., None], args: list[str] | None = None) -> int:
    """Run the command group and turn every outcome into an exit code, never a traceback."""
    try:
        entry.main(args=args, prog_name="ammr", standalone_mode=False)
        return 0
    except _Exit as done:
        return done.code
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 130
    except click.ClickException as error:
        error.show()
        return EXIT_USAGE
    except click.exceptions.Exit as done:
        return done.exit_code
    except Failed as failure:                   # a stage failed outside the paths above
        click.echo(failure.render(), err=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:                  # a bug: say so plainly, keep the traceback for developers
        if os.environ.get("AMMR_DEBUG"):
            raise
        click.echo(f"ammr: internal error: {type(error).__name__}: {error}\n"
                   "This is a bug in ammr, not in your input. Run again with AMMR_DEBUG=1 to see the "
                   "traceback, and report it.", err=True)
        return EXIT_INTERNAL


def main_entry() -> None:
    sys.exit(run(main))
