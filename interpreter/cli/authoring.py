"""Commands for rule authors: `ammr rules`, `lint`, `fmt`, `test`, `coverage`, `interpretations`."""

from __future__ import annotations

import difflib
import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..api import RuleSet, rules_directory
from ..language.diagnostics import Diagnostic, Failed, printable
from ..report.coverage import coverage_map, summary, untested_by
from ..report.interpretations import interpretation_register, reading_register
from ..tools import scenarios
from ..tools.calendar_range import calendar_warnings
from ..tools.files import write_atomic
from ..tools.formatter import format_file
from ..tools.lint import CHECKS, lint
from . import EXIT_RULES, EXIT_USAGE, Exit
from .common import (
    files_in,
    format_option,
    prepare_rules,
    report_failure,
    rule_files,
    rules_option,
    scenario_folder,
    scenarios_option,
)


@click.command("rules")
@rules_option
@format_option
def rules_command(rules_dir, fmt) -> None:
    """Check the rule files (names, types and units, citations, quotations, exceptions)
    without evaluating anything."""
    rules = prepare_rules(rules_dir, fmt)
    p = rules.program
    citations = sum(1 for _ in _all_citations(p))
    summary: dict[str, Any] = {
        "files": [f.path for f in p.files], "requirements": len(p.requirements), "exceptions": len(p.exceptions),
        "definitions": sum(1 for v in p.values.values() if v.kind == "definition"),
        "constants": sum(1 for v in p.values.values() if v.kind == "constant"),
        "documents": len(p.documents), "datasets": len(p.datasets), "citations": citations,
        "interpretations": sum(len(d.meta.interpretations) for f in p.files for d in f.declarations),
    }
    warnings = calendar_warnings_of(rules)
    if fmt == "json":
        click.echo(json.dumps({"errors": [], "warnings": [w.to_json() for w in warnings], **summary}, indent=2))
        return
    sources = {f.path: f.source for f in p.files}
    for warning in warnings:
        click.echo(warning.render(sources.get(warning.span.file)) + "\n", err=True)
    click.echo(f"{len(summary['files'])} rule files checked: no errors.")
    click.echo(f"  {summary['requirements']} requirements, {summary['exceptions']} exceptions, "
               f"{summary['definitions']} definitions, {summary['constants']} constants, "
               f"{summary['documents']} document types, {summary['datasets']} datasets")
    click.echo(f"  {summary['citations']} citations resolved against the law text; "
               f"{summary['interpretations']} interpretation notes")


@click.command("lint")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@rules_option
@format_option
@scenarios_option
@click.option("--no-scenarios", is_flag=True, help="Do not run the scenario tests (no E601 check).")
@click.option("--strict", is_flag=True, help="Fail on warnings too (exit code 1).")
@click.option("--list", "list_checks", is_flag=True, help="List the checks and their codes, and stop.")
def lint_command(paths, rules_dir, fmt, scenario_dir, no_scenarios, strict, list_checks) -> None:
    """Check rule files: every error `ammr rules` finds (E-codes), and warnings (W-codes) about
    rules that check but may not say what was meant.

    \b
    Beyond the language, lint holds the rules to the law and to their tests: a figure the cited
    provision does not state (E403), a title stating a figure the rule does not (E404), and a
    requirement or exception without a passing scenario where it holds and one where it fails
    (E601; the scenario tests are run for it).

    \b
    PATH is a rule file or a folder of them (default: the project's rules/). A file outside
    the rules folder is checked together with the rules, as if added to them.

    \b
    Exit codes: 0 no errors (warnings are printed but do not fail, unless --strict),
    1 warnings only, with --strict; 2 no scenario folder; 3 errors. A warning weighed and
    accepted is silenced by a comment on its line or just above it:  # lint: allow W202 <why>
    """
    if list_checks:
        for check in CHECKS.values():
            click.echo(f"{check.code}  {check.title}")
        return
    report = lint(paths, rules_dir, None if no_scenarios else scenario_folder(scenario_dir, rules_dir))
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
        raise Exit(EXIT_RULES)
    if strict and report.warnings:
        raise Exit(1)


@click.command("fmt")
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
    files = rule_files(paths or (rules_directory(),))
    changed: list[Path] = []
    failures: list[Failed] = []
    for path in files:
        try:
            before, after = format_file(path)
        except Failed as failed:
            failures.append(failed)
            continue
        if before == after:
            continue
        changed.append(path)
        if diff:
            click.echo(printable("".join(difflib.unified_diff(before.splitlines(True), after.splitlines(True),
                                                              f"{path} (as it is)", f"{path} (formatted)"))), nl=False)
        if check:
            click.echo(f"would reformat {printable(str(path))}", err=True)
        else:
            write_atomic(path, after)
            click.echo(f"reformatted {printable(str(path))}", err=True)
    for failure in failures:
        click.echo(failure.render() + "\n", err=True)
    verb = "would be reformatted" if check else "reformatted"
    click.echo(f"{len(files)} rule file{'s' if len(files) != 1 else ''}: {len(changed)} {verb}, "
               f"{len(files) - len(changed) - len(failures)} already formatted"
               + (f", {len(failures)} with errors (left as they are)" if failures else "") + ".", err=True)
    if failures:
        raise Exit(EXIT_RULES)
    if check and changed:
        raise Exit(1)


@click.command("test")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@rules_option
@click.option("-k", "match", metavar="TEXT", help="Run only the scenarios whose name contains TEXT.")
def test_command(paths, rules_dir, match) -> None:
    """Run the rule scenarios (YAML files of facts and the verdicts expected of them) and say
    which pass and which fail, with what was expected and what came out. The same scenarios
    run as tests under pytest.

    \b
    PATH is a scenario file or a folder of them (default: the rule set's scenarios: its
    scenarios/ folder, as installed, else tests/scenarios/ beside the rules folder).
    When whole folders run (no file named, no -k), every requirement and exception must also
    have a passing scenario where it holds and one where it fails, and every paragraph encoded
    by definitions only a passing scenario that checks one of their values: what has not fails
    the run, as it fails `ammr lint` (E601, E602).
    Exit codes: 0 all passed, 1 some failed or a rule is untested, 2 a scenario file is wrong,
    3 a rule file is wrong.
    """
    folders = paths or (scenario_folder(None, rules_dir, "as PATH"),)
    files = files_in(folders, lambda f: sorted(p for p in f.rglob("*") if p.suffix in (".yaml", ".yml")))
    found, problems = [], []
    for path in files:
        try:
            found += [s for s in scenarios.load(path) if not match or match in s.name]
        except Failed as failure:
            problems.append(failure)
    if problems:
        report_failure(Failed([d for f in problems for d in f.diagnostics],
                       {k: v for f in problems for k, v in f.sources.items()}), EXIT_USAGE)
    if not found:
        raise click.BadParameter("no scenarios found" + (f" named like '{match}'" if match else ""), param_hint="PATH")
    rules = prepare_rules(rules_dir)
    current, reports = None, []
    for scenario in found:
        if scenario.file != current:
            current = scenario.file
            click.echo(current)
        report = scenarios.verify(rules, scenario)
        reports.append(report)
        click.echo(f"  {'✔ pass' if report.passed else '✘ FAIL'}  {scenario.name}")
        if not report.passed:
            click.echo("\n".join("        " + line for line in report.render().split("\n")[1:]))
    failed = sum(1 for r in reports if not r.passed)
    click.echo(f"\n{len(found)} scenario{'s' if len(found) != 1 else ''}: {len(found) - failed} passed, "
               f"{failed} failed.")
    untested = untested_by(rules, reports) if not match and all(Path(p).is_dir() for p in folders) else []
    if untested:
        click.echo(f"\n{len(untested)} untested:", err=True)
        click.echo(Failed([g.diagnostic() for g in untested],
                          {f.path: f.source for f in rules.program.files}).render(), err=True)
    if failed or untested:
        raise Exit(1)

@click.command()
@rules_option
@format_option
@scenarios_option
@click.option("--gaps", "only_gaps", is_flag=True,
              help="Show only the gaps: paragraphs without a status, and encoded ones whose rules have no "
                   "passing scenario where they hold and one where they fail.")
def coverage(rules_dir, fmt, scenario_dir, only_gaps) -> None:
    """The coverage map: for every paragraph of the shipped law text, whether it is encoded
    (with its rules and passing scenario tests), left to an authority's assessment (who, and the
    words that say so), or not checkable (why). Exit code 1 when there are gaps."""
    folder = scenario_folder(scenario_dir, rules_dir)
    rules = prepare_rules(rules_dir, fmt)
    try:
        found = scenarios.discover(folder)
    except Failed as failure:
        report_failure(failure, EXIT_USAGE, fmt)
    entries = coverage_map(rules, found)
    bad = [e for e in entries if e.status == "missing" or (e.rules and not e.scenarios) or e.failing or e.untested]
    shown = bad if only_gaps else entries
    if fmt == "json":
        click.echo(json.dumps({"schema": "ammr-coverage/1", "summary": summary(entries),
                               "gaps": len(bad), "entries": [e.to_json() for e in shown]},
                              indent=2, ensure_ascii=False))
    else:
        article = None
        for e in shown:
            if e.article != article:
                article = e.article
                click.echo(f"\n{article}")
            click.echo(f"  {e.provision:40} {e.status}")
            if e.rules:
                click.echo(f"      rules: {', '.join(e.rules)}")
                failing = f", {len(e.failing)} failing" if e.failing else ""
                click.echo(f"      scenarios: {len(e.scenarios)} passing{failing}")
            if e.status == "needs_assessment":
                click.echo(f"      by {e.authority}: \u201c{e.quote}\u201d")
            if e.reason:
                click.echo(f"      {e.reason}")
            for missing in e.untested:
                click.echo(f"      untested: {missing}")
        counts = summary(entries)
        click.echo(f"\n{len(entries)} units: " + ", ".join(f"{n} {k}" for k, n in counts.items())
                   + f"; {len(bad)} gap{'s' if len(bad) != 1 else ''}.")
    raise Exit(1 if bad else 0)


@click.command()
@rules_option
@format_option
def interpretations(rules_dir, fmt) -> None:
    """The interpretation register: every reading of a provision the text leaves open (its default, its
    alternatives and how to choose one), then every interpretation note with its rule, citations and place
    (for legal review)."""
    rules = prepare_rules(rules_dir, fmt)
    readings = reading_register(rules.program)
    notes = interpretation_register(rules.program)
    if fmt == "json":
        click.echo(json.dumps({"schema": "ammr-interpretations/1", "readings": readings, "interpretations": notes},
                              indent=2, ensure_ascii=False))
        return
    for r in readings:
        click.echo(f"{r['file']}:{r['line']}  reading {r['name']}  ({'; '.join(r['citations'])})")
        click.echo(f"    {r['question']}")
        click.echo(f"    default {r['default']['name']}: {r['default']['description']}")
        for a in r["alternatives"]:
            how = f"--reading {r['name']}={a['name']}" if a["encoded"] else f"not encoded: {a['not_encoded']}"
            click.echo(f"    alternative {a['name']}: {a['description']}  [{how}]")
        if r["requirements"]:
            click.echo(f"    can change: {', '.join(r['requirements'])}")
        if r["notes"]:
            click.echo(f"    named in the notes of: {', '.join(r['notes'])}")
        click.echo("")
    for n in notes:
        click.echo(f"{n['file']}:{n['line']}  {n['kind']} {n['rule']}  ({'; '.join(n['citations']) or 'no citation'})")
        click.echo(f"    {n['text']}\n")
    switchable = sum(1 for r in readings if r["switchable"])
    click.echo(f"{len(readings)} readings ({switchable} switchable with --reading NAME=VALUE), "
               f"{len(notes)} interpretation notes.")


def calendar_warnings_of(rules: RuleSet) -> list[Diagnostic]:
    """The warnings about the rule set's calendar of official holidays, as of today."""
    spec = rules.program.calendar
    if spec is None or rules.holidays is None:
        return []
    return calendar_warnings(rules.directory / spec.decl.file, rules.holidays.path, spec.decl.span, date.today())


def _all_citations(program):
    for f in program.files:
        for d in f.declarations:
            yield from d.meta.citations
