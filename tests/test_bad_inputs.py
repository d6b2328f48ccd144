"""The catalogue of bad inputs (tests/bad_inputs/, one file per case, issue 13): each is run
through the `ammr` command as a user would, and must give its exit code and its messages.

A case is a YAML file:

    defect: 3                       # the defect group of issue 13 it keeps fixed
    about: what went wrong before
    args: [check, proposal.yaml]    # the command line; files are made in an empty folder first
    files: {proposal.yaml: "..."}   # their text (YAML escapes in double quotes)
    padded: {large.yaml: 10485761}  # optional: a document of so many bytes
    rules: {art-012.rules: [old, new]}      # optional: a copy of the rules with a text replaced,
    extra_rules: {zz.rules: "..."}          #   or a file added; then --rules rules is passed
    exit: 2
    expect: [lines that must appear in the output, each whole]
    absent: [text that must not appear]     # optional

Cases are read with PyYAML's safe loader: the catalogue is ours, not input under test. Each case
runs under a time limit (SECONDS of CPU time, or four times as long by the clock): a case whose
bug was a hang (vary-huge-exponent) fails on code without the fix instead of hanging the suite."""

import shutil
from pathlib import Path

import pytest
import yaml
from fuzz.harness import watchdog

from interpreter import cli

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((Path(__file__).parent / "bad_inputs").glob("*.yaml"))
SECONDS = 30            # the slowest case takes under a second


class TookTooLong(BaseException):
    """Not an Exception: the command's own handlers (exit 70 for a bug) must not catch it."""


def load(path: Path) -> dict:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert {"defect", "about", "args", "exit", "expect"} <= set(case), path
    return case


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_input(path, tmp_path, monkeypatch, capsys):
    case = load(path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AMMR_NO_CACHE", "1")
    for name, text in (case.get("files") or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    for name, size in (case.get("padded") or {}).items():        # a document of `size` bytes, mostly comments
        head = b"document: CommissionProposal\n"
        (tmp_path / name).write_bytes(head + (b"#" * 99 + b"\n") * ((size - len(head)) // 100)
                                      + b"#" * ((size - len(head)) % 100))
    args = [str(a) for a in case["args"]]
    if case.get("rules") or case.get("extra_rules"):
        shutil.copytree(ROOT / "rules", tmp_path / "rules")
        for name, (old, new) in (case.get("rules") or {}).items():
            target = tmp_path / "rules" / name
            text = target.read_text(encoding="utf-8")
            assert old in text, f"{path.name}: '{old}' is not in rules/{name}"
            target.write_text(text.replace(old, new), encoding="utf-8")
        for name, text in (case.get("extra_rules") or {}).items():
            (tmp_path / "rules" / name).write_text(text, encoding="utf-8")
        args += ["--rules", "rules"]
    try:
        with watchdog(SECONDS, raising=TookTooLong, by_the_clock=4):
            code = cli.run(cli.main, args)
    except TookTooLong as stopped:
        pytest.fail(f"{path.name}: {stopped} (it hangs: {case['about']})")
    out, err = capsys.readouterr()
    shown = out + err
    assert "Traceback" not in shown and "internal error" not in shown, shown
    assert code == case["exit"], shown
    lines = shown.split("\n")
    for line in case["expect"]:
        assert line in lines, f"{path.name}: expected the line\n{line}\nin\n{shown}"
    for text in case.get("absent") or []:
        assert text not in shown, f"{path.name}: '{text}' in\n{shown}"


def test_every_defect_of_the_issue_has_cases():
    defects = {load(p)["defect"] for p in CASES}
    assert {3, 4, 5, 6, 7} <= defects      # 1, 2 and 8 need a file system set up: test_hostile_io.py
