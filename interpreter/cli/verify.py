"""`ammr verify RESULT.json`: check a stored result again from its audit record (report/audit.py).

The rules must be the record's (the SHA-256 of the rule set), the documents too (each by the SHA-256
of its content), and the reference years, parameters and readings are the record's; then the check
is run again and its verdicts compared with the record's, outcome by outcome."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from ..api import RuleSet
from ..engine.digest import file_sha256
from ..engine.documents import Document
from ..engine.parameters import parameter_values
from ..language.diagnostics import Failed, printable
from ..report.audit import document_ids, tool_version
from ..report.view import SCHEMA, outcome_id_of
from . import EXIT_USAGE, Exit
from .common import prepare_rules, rules_option

SAME, DIFFERENT = 0, 1


@click.command()
@click.argument("result_file", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("paths", nargs=-1)
@rules_option
def verify(result_file, paths, rules_dir) -> None:
    """Check a stored result again: do the same rules and the same documents give the same verdicts?

    \b
    RESULT_FILE is the JSON of `ammr check` or `ammr explain` (schema ammr-check/1). The
    documents are read again from the paths its audit record names, or from PATHS (files or
    folders, matched to the record by the SHA-256 of their content). The rules are those of
    --rules, $AMMR_RULES or the installed ones, and must be the record's (the same SHA-256).
    Exit codes: 0 the same verdicts; 1 different verdicts (each listed); 2 cannot verify: the
    file is no result, or a document or the rule set is not the record's (the hash that differs
    is named); 3 a rule file is wrong.
    """
    record = _recorded(_read(result_file), result_file)
    rules = prepare_rules(rules_dir)
    _same_rules(rules, record)
    if record.supplied is not None:
        rules = _with_supplied_data(rules, *record.supplied)
    documents = _documents(rules, record.documents, paths)
    try:
        readings = {"readings": record.readings} if record.readings else {}
        case = rules.case(documents, record.years, parameter_values(rules, record.settings), **readings)
    except Failed as failure:
        _cannot(f"the record's choices do not apply to these rules:\n{failure.render()}")
    result = rules.evaluate(case, trace=False)
    ids = document_ids(case.documents)
    now = {outcome_id_of(o, ids): (o.requirement, o.verdict) for o in result.outcomes}
    differences = verdict_differences(record.outcomes, now)
    made = f"recorded {record.checked_at} by ammr-rules {record.tool}" + \
        (f", verified with {tool_version()}" if record.tool != tool_version() else "")
    if differences:
        # the record is a file like any input: what it says is shown with its control characters escaped
        click.echo(printable(f"{result_file}: {len(differences)} verdict{'s' if len(differences) != 1 else ''} "
                             f"differ{'s' if len(differences) == 1 else ''} from the record ({made}), with the same "
                             f"rules and documents:"))
        for line in differences:
            click.echo(printable(f"  {line}"))
        raise Exit(DIFFERENT)
    click.echo(printable(f"{result_file}: the same verdicts: all {len(record.outcomes)} verdicts of the record "
                         f"confirmed ({made}), with the same rules (sha256 {record.rules_sha256}) and the same "
                         f"{len(documents)} document{'s' if len(documents) != 1 else ''}."))
    raise Exit(SAME)


@dataclass(frozen=True)
class Recorded:
    """What verifying reads from a result: its audit record, and its verdicts."""
    rules_sha256: str
    rule_files: dict[str, str]                    # path in the rules folder -> sha256
    documents: tuple[dict[str, Any], ...]         # each with its label, path, index and sha256
    years: dict[str, int]
    supplied: tuple[str, str] | None              # reference data a user supplied (--data): path, sha256
    settings: tuple[str, ...]                     # the parameters set, as --set NAME=VALUE
    readings: dict[str, str]
    tool: str
    checked_at: str
    outcomes: tuple[Verdict, ...]


@dataclass(frozen=True)
class Verdict:
    outcome_id: str
    requirement: str
    verdict: str
    title: str


def verdict_differences(recorded: tuple[Verdict, ...], now: dict[str, tuple[str, str]]) -> list[str]:
    """Each recorded outcome whose verdict is not the one given now, or that is not given now; and
    each outcome given now of a requirement the record has, which the record lacks. (A requirement
    the record has not at all was left out of it, e.g. by `ammr explain --requirement`.)"""
    out = []
    for o in recorded:
        given = now.get(o.outcome_id)
        if given is None:
            out.append(f"{o.outcome_id}: {o.verdict} in the record, not given now")
        elif given[1] != o.verdict:
            out.append(f"{o.outcome_id} ({o.title}): {o.verdict} in the record, {given[1]} now")
    recorded_ids = {o.outcome_id for o in recorded}
    requirements = {o.requirement for o in recorded}
    out += [f"{key}: {verdict} now, not in the record" for key, (requirement, verdict) in now.items()
            if key not in recorded_ids and requirement in requirements]
    return out


def _recorded(record: dict[str, Any], path: Path) -> Recorded:
    """The parts of a result that verifying needs; a record that lacks one (edited, or cut short)
    cannot be verified."""
    try:
        audit = record["audit"]
        return Recorded(
            str(audit["rules"]["sha256"]), {str(f["path"]): str(f["sha256"]) for f in audit["rules"]["files"]},
            tuple({key: d[key] for key in ("label", "path", "index", "sha256")} for d in audit["documents"]),
            {str(d["dataset"]): int(d["year"]) for d in audit["data"]},
            next(((str(d["file"]), str(d["sha256"])) for d in audit["data"] if d.get("supplied")), None),
            tuple(f"{name}={p['value']}" for name, p in audit["parameters"].items() if p["set"]),
            {str(k): str(v) for k, v in audit["readings"].items()}, str(audit["tool"]["version"]),
            str(audit["checked_at"]),
            tuple(Verdict(str(o["outcome_id"]), str(o["id"]), str(o["verdict"]), str(o["title"]))
                  for o in record["outcomes"]))
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        _cannot(f"{path} is not a whole result: its audit record or verdicts lack {error}")


def _read(path: Path) -> dict[str, Any]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        _cannot(f"cannot read {path}: {error.strerror}")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        _cannot(f"{path} is not JSON: {error}")
    if not isinstance(record, dict) or record.get("schema") != SCHEMA:
        _cannot(f"{path} is not a result of `ammr check --format json` (schema {SCHEMA})")
    if "errors" in record:
        _cannot(f"{path} records errors, not verdicts: nothing was checked")
    if "audit" not in record:
        _cannot(f"{path} has no audit record: it was made by a version of ammr without one")
    return record


def _same_rules(rules: RuleSet, recorded: Recorded) -> None:
    prints = rules.fingerprint
    if prints.sha256 == recorded.rules_sha256:
        return
    changes = prints.changes(recorded.rule_files)
    _cannot(f"the rules are not the record's: sha256 {recorded.rules_sha256} in the record, {prints.sha256} for "
            f"the rules in {rules.shown_directory}" + (f" ({'; '.join(changes)})" if changes else ""))


def _with_supplied_data(rules: RuleSet, path: str, recorded: str) -> RuleSet:
    """The rule set on the reference data the check was given (--data), read again from where the
    record says, if its content is the record's."""
    if not Path(path).is_file():
        _cannot(f"{path}, the reference data of the check, is not there (paths are as given to the check)")
    now = file_sha256(Path(path))
    if now != recorded:
        _cannot(f"{path} has changed: sha256 {recorded} in the record, {now} now")
    try:
        return rules.with_data(path)
    except Failed as failure:
        _cannot(f"the reference data cannot be read:\n{failure.render()}")


def _documents(rules: RuleSet, recorded: tuple[dict[str, Any], ...], paths: tuple[str, ...]) -> list[Document]:
    """The record's documents, read again and matched to it by the hash of their content."""
    given = paths or tuple(dict.fromkeys(d["path"] for d in recorded))
    if not paths:
        gone = [p for p in given if not Path(p).exists()]
        if gone:
            _cannot(f"{gone[0]} is not there (paths are as given to the check): give the documents after "
                    f"the result file")
    try:
        read = list(rules.read(given))
    except Failed as failure:
        _cannot(f"the documents cannot be read:\n{failure.render()}")
    out = []
    for d in recorded:
        found = next((i for i, x in enumerate(read) if x.sha256 == d["sha256"]), None)
        if found is None:
            there = next((x for x in read if x.source == d["path"] and x.index == d["index"]), None)
            if there is not None:
                _cannot(f"{d['label']} has changed: sha256 {d['sha256']} in the record, {there.sha256} now")
            _cannot(f"no document given has the content of {d['label']} (sha256 {d['sha256']})")
        out.append(read.pop(found))
    if read:
        _cannot(f"{read[0].label} (sha256 {read[0].sha256}) is not one of the record's documents")
    return out


def _cannot(why: str) -> NoReturn:
    click.echo(printable(f"ammr verify: cannot verify: {why}"), err=True)
    raise Exit(EXIT_USAGE)
