"""Hostile input and the file system (issue 13): what a command writes, reads, caches and runs.

The input cases are in the catalogue (tests/bad_inputs/, test_bad_inputs.py); here are those that
need the file system set up (devices, FIFOs, links, modes, a planted cache entry, signals, two
processes at once) or a program of their own. Each names the defect of the issue it keeps fixed.
"""

import errno
import json
import os
import pickle
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import markdown
import pytest

from interpreter import Failed, RuleSet, cli
from interpreter.language import cache as prepared
from interpreter.report.figures import percent
from interpreter.tools import files

ROOT = Path(__file__).resolve().parent.parent
PROPOSAL = ROOT / "examples" / "2026" / "commission-proposal.yaml"
DOCUMENT = "document: CommissionProposal\npool_year: 2026\nadopted_on: 2025-10-01\nrelocations: 30000\n" \
           "financial_contributions: 600000000\n"


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def ammr_process(*args, stdin=None, timeout=120, env=None, **options) -> subprocess.CompletedProcess:
    """The installed command in a process of its own (for what cannot be done in this one)."""
    return subprocess.run([sys.executable, "-m", "interpreter", *map(str, args)], input=stdin, capture_output=True,
                          timeout=timeout, env={**os.environ, "AMMR_NO_CACHE": "1", **(env or {})}, **options)


# ------------------------------------------------------------------ 1. -o replaces whatever is at the path

def test_output_to_a_fifo_is_written_through(ammr, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()                      # reads while the command writes: a pipe holds only 64 kB
    code, _, err = ammr("explain", PROPOSAL, "--format", "json", "-o", fifo)
    assert code == 1, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced by a regular file"
    reader.join(timeout=60)
    if reader.is_alive():               # nothing was written: let the reader see the end, and fail
        os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        reader.join(timeout=10)
    assert received and json.loads(received[0])["schema"] == "ammr-check/1"


@pytest.mark.skipif(os.geteuid() != 0, reason="making a device file (mknod) needs root")
def test_output_to_a_device_stays_a_device(ammr, tmp_path):
    device = tmp_path / "fakenull"
    os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))      # /dev/null's numbers
    code, _, err = ammr("explain", PROPOSAL, "-o", device)
    assert code == 1, err
    assert stat.S_ISCHR(os.stat(device).st_mode), "the device was replaced by a regular file"


def test_output_through_a_link_replaces_its_target_and_keeps_its_mode(ammr, tmp_path, umask_022):
    target = tmp_path / "report.txt"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.txt"
    link.symlink_to(target.name)
    code, _, err = ammr("explain", PROPOSAL, "-o", link)
    assert code == 1, err
    assert link.is_symlink() and os.readlink(link) == "report.txt"
    assert "Compliance" in target.read_text() or "Overall" in target.read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_new_files_get_the_umask_and_formatted_rule_files_keep_their_mode(ammr, tmp_path, umask_022):
    code, _, _ = ammr("explain", PROPOSAL, "-o", tmp_path / "new.md", "--format", "md")
    assert code == 1 and stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o644
    code, _, _ = ammr("sweep", PROPOSAL, "--vary", "relocations=1,2", "--grid", "-o", tmp_path / "sweep.csv")
    assert code == 0 and stat.S_IMODE((tmp_path / "sweep.csv").stat().st_mode) == 0o644
    messy = tmp_path / "messy.rules"
    messy.write_text("constant   x = 1 persons\n  cites Art 63(1)\n")
    messy.chmod(0o644)
    target = tmp_path / "elsewhere.rules"
    messy.rename(target)
    messy.symlink_to(target.name)
    code, _, err = ammr("fmt", messy)
    assert code == 0, err
    assert messy.is_symlink() and target.read_text() == "constant x = 1 persons\n  cites Art 63(1)\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_docs_are_written_with_the_umask_into_a_folder_made_for_them(ammr, tmp_path, umask_022):
    root = tmp_path / "new" / "site-source"
    code, _, err = ammr("docs", "--root", root)
    assert code == 0, err
    assert stat.S_IMODE((root / "generated_docs").stat().st_mode) == 0o755
    assert stat.S_IMODE((root / "mkdocs.yml").stat().st_mode) == 0o644


# ------------------------------------------------------------------ 2. the cache runs no one else's code

class _Planted:
    """A pickle that creates a file when it is loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_planted_pickle_is_not_run(rules_copy, tmp_path):
    RuleSet.prepare(rules_copy, cache=True)
    (entry,) = (tmp_path / "cache").glob("*.pickle")
    marker = tmp_path / "planted-code-ran"
    entry.write_bytes(pickle.dumps(_Planted(marker)))              # the entry's own name, someone else's content
    assert RuleSet.prepare(rules_copy, cache=True).program.requirements
    assert not marker.exists(), "a planted pickle in the cache was loaded"


def test_a_cache_folder_others_may_write_is_not_used(rules_copy, tmp_path, ammr):
    shared = tmp_path / "cache"
    shared.mkdir()
    shared.chmod(0o777)
    marker = tmp_path / "planted-code-ran"
    RuleSet.prepare(rules_copy, cache=True)
    assert not list(shared.iterdir()), "an entry was written into a folder anyone may write"
    (shared / "anything.pickle").write_bytes(pickle.dumps(_Planted(marker)))
    code, _, err = ammr("rules", "--rules", rules_copy)
    assert code == 0 and not marker.exists()
    assert "not using the cache: the cache folder" in err and "is writable by others" in err


def test_the_cache_folder_is_made_private(rules_copy, tmp_path):
    RuleSet.prepare(rules_copy, cache=True)
    assert stat.S_IMODE((tmp_path / "cache").stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "cache" / prepared.KEY_FILE).stat().st_mode) == 0o600


def test_a_data_file_changed_in_place_is_seen(rules_copy):
    def nl_share() -> str:
        rules = RuleSet.prepare(rules_copy, cache=True)
        return percent(rules.value(rules.case([]), "share", ("NL",)))
    assert nl_share() == "5.2074 %"
    data = rules_copy / "data" / "eurostat-population.csv"
    before = data.stat()
    data.write_text(data.read_text().replace("NL,2024,17942942", "NL,2024,97942942"))    # the same size
    os.utime(data, ns=(before.st_atime_ns, before.st_mtime_ns))                            # the same time
    assert data.stat().st_size == before.st_size
    assert nl_share() == "12.5389 %"


# ------------------------------------------------------------------ 4. exit 70 only for bugs

def test_a_full_disk_is_said_with_the_path_and_leaves_the_file_whole(ammr, tmp_path, monkeypatch):
    target = tmp_path / "report.txt"
    target.write_text("the old report")

    def full(fd):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    monkeypatch.setattr(files.os, "fsync", full)
    code, _, err = ammr("explain", PROPOSAL, "-o", target)
    assert code == 2 and f"cannot write {target}: No space left on device" in err and "internal error" not in err
    assert target.read_text() == "the old report" and sorted(p.name for p in tmp_path.iterdir()) == ["report.txt"]


def test_a_folder_that_cannot_be_written_is_said(ammr, tmp_path, monkeypatch):
    real_open = files.os.open

    def refused(path, flags, mode=0o777, **kwargs):
        if flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, mode, **kwargs)
    monkeypatch.setattr(files.os, "open", refused)
    code, _, err = ammr("explain", PROPOSAL, "-o", tmp_path / "out.txt")
    assert code == 2 and f"cannot write {tmp_path / 'out.txt'}: Permission denied" in err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_standard_output_on_a_full_device_is_said():
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "interpreter", "check", str(PROPOSAL)], stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=120, env={**os.environ, "AMMR_NO_CACHE": "1"})
    assert done.returncode == 2 and "No space left on device" in done.stderr and "Traceback" not in done.stderr


def test_ctrl_c_while_the_command_starts_says_interrupted():
    """A KeyboardInterrupt while the command's modules are imported (here made to happen)."""
    program = textwrap.dedent("""
        import sys
        class Interrupt:
            def find_spec(self, name, path=None, target=None):
                if name == "click":
                    raise KeyboardInterrupt
        sys.meta_path.insert(0, Interrupt())
        from interpreter.cli import main_entry
        main_entry()
    """)
    done = subprocess.run([sys.executable, "-c", program, "check", str(PROPOSAL)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 130 and done.stderr == "Interrupted.\n", done.stderr


def test_ctrl_c_while_the_rules_are_prepared_says_interrupted(monkeypatch, capsys):
    def interrupted(*_, **__):
        raise KeyboardInterrupt
    monkeypatch.setattr(RuleSet, "prepare", interrupted)
    assert cli.run(cli.main, ["check", str(PROPOSAL)]) == 130
    assert capsys.readouterr().err.strip() == "Interrupted."       # after the empty line click writes past ^C


# ------------------------------------------------------------------ 5. a bound on what is read

def _limited():
    """A child that cannot take more than 1 GB, so that the test of an unbounded read cannot take the machine."""
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_an_endless_device_is_refused_at_once():
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "interpreter", "check", "/dev/zero"], capture_output=True, text=True,
                          timeout=60, preexec_fn=_limited, env={**os.environ, "AMMR_NO_CACHE": "1"})
    assert done.returncode == 2 and "/dev/zero:1:1: error[D016]: cannot read the file: it is a device" in done.stderr
    assert time.monotonic() - start < 30


def test_a_file_over_the_limit_is_refused_by_its_size_before_it_is_read(tmp_path, monkeypatch):
    """Refused on its size as the file system gives it (a sparse file of 1 GB here), not after
    reading MAX_BYTES of it; the message names the documented limit."""
    from interpreter import Failed
    from interpreter.engine import reading
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(1024 ** 3)
    opened = os.fdopen

    class Unread:
        def __init__(self, *args, **kwargs):
            self.handle = opened(*args, **kwargs)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def read(self, *args):
            raise AssertionError("the file was read before its size was checked")
    monkeypatch.setattr(os, "fdopen", Unread)
    with pytest.raises(Failed) as refused:
        reading.read_text(big)
    assert f"error[D017]: the file is larger than {reading.MAX_BYTES // 1024 ** 2} MB" in refused.value.render()


def test_a_fifo_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    done = subprocess.run([sys.executable, "-m", "interpreter", "check", str(fifo)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "AMMR_NO_CACHE": "1"})
    assert done.returncode == 2 and "error[D016]: cannot read the file: it is a FIFO" in done.stderr
    assert "write -" in done.stderr


def test_a_document_of_too_many_values_is_refused_as_it_is_read(ammr, tmp_path):
    """Counted while PyYAML composes the file, not after: 100 000 short lines took 20 s to compose."""
    many = tmp_path / "many.yaml"
    many.write_text("document: CommissionProposal\n" + "".join(f"k{i}: {i}\n" for i in range(100_001)))
    code, _, err = ammr("check", many)
    assert code == 2 and "error[D007]: the document holds more than 100000 values" in err
    assert "a document of the Regulation holds a few hundred values" in err


@pytest.mark.parametrize("figure", ["\u0663\u0660\u0660", "Infinity", "1e999999999", "1" * 41])
def test_a_figure_of_supplied_reference_data_is_read_as_a_person_reads_it(tmp_path, figure):
    """Arabic-Indic digits were read as 300, Infinity was an internal error, 1e999999999 ran until stopped."""
    from test_supplied_data import _document, _write
    document = _document(2024)
    document["datasets"]["gdp"]["figures"]["BE"] = figure
    with pytest.raises(Failed) as failure:
        RuleSet.prepare(data=_write(tmp_path, document))
    # D009 where the file's own reader refuses it first (1e999999999 is written without quotes)
    assert [d.code for d in failure.value.diagnostics] in (["D059"], ["D009"]), failure.value.render()


def test_a_dash_reads_standard_input():
    done = ammr_process("check", "-", "--format", "json", stdin=DOCUMENT.encode())
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["documents"][0]["label"] == "<stdin>"
    broken = ammr_process("check", "-", stdin=b"document: CommissionProposal\nrelocations: 030000\n")
    assert broken.returncode == 2 and b"<stdin>:2:14: error[D018]" in broken.stderr



@pytest.mark.parametrize("line, place", [('note: "x\\ud800"', "note"), ('id: "COM\\udfff"', "id"),
                                         ('pledges: {DE: {"\\ud800x": 1}}', "pledges.DE.\\ud800x")],
                         ids=["note", "id", "nested-key"])
def test_a_lone_surrogate_from_standard_input_is_refused_with_its_place(line, place):
    """A "\\ud800" escape makes text UTF-8 cannot hold: it was a traceback (exit 70) from pydantic
    or from writing the note; now exit 2 with the line and column of the value or key."""
    done = ammr_process("explain", "-", stdin=(DOCUMENT + line + "\n").encode())
    assert done.returncode == 2, done.stderr
    assert b"<stdin>:6:" in done.stderr and b"error[D019]" in done.stderr, done.stderr
    assert f"'{place}' holds a lone surrogate".encode() in done.stderr, done.stderr
    assert b"Traceback" not in done.stderr


# ------------------------------------------------------------- 6. text from documents reaches the terminal and Markdown raw

def test_a_file_name_cannot_put_html_into_the_markdown_report(ammr, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "`x` <img src=x onerror=alert(1)> [a](javascript:alert(1)) | y.yaml"
    (tmp_path / name).write_text(DOCUMENT.replace("adopted_on: 2025-10-01", "adopted_on: 2025-10-20"))
    code, out, err = ammr("explain", name, "--format", "md")
    assert code == 1, err
    html = markdown.markdown(out, extensions=["tables"])
    assert "<img" not in html and 'href="javascript:' not in html         # the name is shown as text only
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_value_in_a_markdown_table_cannot_put_html_into_the_report(ammr, tmp_path):
    """Found by the long fuzz run: Python-Markdown (as MkDocs uses it) does not read \\< as an escape,
    in a raw HTML block (<details>) either: a value in the trace became an <img onerror=...> element."""
    example = ROOT / "examples" / "synthetic-2027" / "deduction-request-austria.yaml"
    text = example.read_text(encoding="utf-8")
    ground = next(line for line in text.splitlines() if line.startswith("ground:"))
    (tmp_path / "request.yaml").write_text(text.replace(ground, 'ground: "`code` <img src=x onerror=alert(1)>"'))
    code, out, err = ammr("explain", tmp_path / "request.yaml", "--format", "md", "--trace")
    assert code in (1, 4, 5), err
    html = markdown.markdown(out, extensions=["tables"])
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_text_output_shows_no_control_character(ammr, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "p\x1b[31m.yaml"
    (tmp_path / name).write_text('document: CommissionProposal\nnote: "\\e]8;;http://x/\\e\\\\y\\e]8;;\\e\\\\"\n'
                                 + DOCUMENT.split("\n", 1)[1])
    for command in (["check", name], ["explain", name], ["explain", name, "--trace"]):
        code, out, err = ammr(*command)
        assert code == 1 and "\x1b" not in out + err, command
        assert "p\\x1b[31m.yaml" in out


def test_a_result_file_given_to_verify_prints_no_control_character(ammr, tmp_path, monkeypatch):
    """The record is a file like any input. (click removes colour codes itself when the output is not a
    terminal, as here, so an escape is looked for in its written-out form.)"""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yaml").write_text(DOCUMENT)
    code, out, _ = ammr("check", "p.yaml", "--format", "json")
    record = json.loads(out)
    for outcome in record["outcomes"]:
        outcome["verdict"] = "\x1b[2J" + outcome["verdict"]
    (tmp_path / "r.json").write_text(json.dumps(record))
    code, out, err = ammr("verify", "r.json")
    assert code == 1 and "\\x1b[2Jcompliant in the record" in out, out + err


def test_names_typed_on_the_command_line_are_echoed_escaped(ammr, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.yaml").write_text(DOCUMENT)
    code, _, err = ammr("sweep", "p.yaml", "--vary", "relocations=1,2", "--grid", "-o", "o\x1b]8;;x\x07.csv")
    assert code == 0 and "wrote o\\x1b]8;;x\\x07.csv:" in err
    code, _, err = ammr("schema", "p\x1b]8;;x\x07")
    assert code == 2 and "no document type 'p\\x1b]8;;x\\x07'" in err


# ------------------------------------------------------------------ 7. rule files name only their own folder

def test_a_law_text_folder_linked_from_elsewhere_is_refused(rules_copy, tmp_path, ammr):
    """The folder is confined after links are followed: a link named law is as far as its target."""
    elsewhere = tmp_path / "elsewhere"
    (rules_copy / "law").rename(elsewhere)
    (rules_copy / "law").symlink_to(elsewhere)
    code, _, err = ammr("rules", "--rules", rules_copy)
    assert code == 3 and "error[E709]: the law text folder 'law' is outside the rules folder" in err


def test_a_data_file_linked_from_elsewhere_is_refused(rules_copy, tmp_path, ammr):
    data = rules_copy / "data" / "eurostat-gdp.csv"
    data.rename(tmp_path / "gdp.csv")
    data.symlink_to(tmp_path / "gdp.csv")
    code, _, err = ammr("rules", "--rules", rules_copy)
    assert code == 3 and "error[E708]: 'data/eurostat-gdp.csv' is outside the rules folder" in err


# ------------------------------------------------------------------ 8. ammr docs and signals, two at once

WRITER = textwrap.dedent("""
    import json, os, signal, sys
    from pathlib import Path
    from interpreter.tools import docs
    files = json.loads(Path(sys.argv[1]).read_text())
    root = Path(sys.argv[2])
    if sys.argv[3] == "signal":           # SIGTERM to itself while the pages are being written
        written = []
        original = Path.write_text
        def write_text(self, *args, **kwargs):
            written.append(self)
            if len(written) == 5:
                os.kill(os.getpid(), signal.SIGTERM)
            return original(self, *args, **kwargs)
        Path.write_text = write_text
        docs.write(files, root)
    else:                                 # each rename made slow, so that two runs at once overlap
        import time
        original_replace = os.replace
        def replace(*args, **kwargs):
            time.sleep(0.02)
            return original_replace(*args, **kwargs)
        os.replace = replace
        for _ in range(int(sys.argv[3])):
            docs.write(files, root)
""")


@pytest.fixture(scope="module")
def site_files(tmp_path_factory) -> Path:
    from interpreter.cli import reference
    from interpreter.tools import docs
    files = docs.generate(RuleSet.prepare(), ROOT / "tests" / "scenarios", reference())
    path = tmp_path_factory.mktemp("site") / "files.json"
    path.write_text(json.dumps(files))
    return path


def test_sigterm_while_the_docs_are_written_leaves_no_half_made_folder(site_files, tmp_path):
    done = subprocess.run([sys.executable, "-c", WRITER, site_files, tmp_path, "signal"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated_docs", "mkdocs.yml"]
    assert (tmp_path / "generated_docs" / "index.md").is_file()


def test_two_runs_at_once_take_turns(site_files, tmp_path):
    runs = [subprocess.Popen([sys.executable, "-c", WRITER, site_files, tmp_path, "15"], stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]
    errors = [run.communicate(timeout=300)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    assert sorted(p.name for p in tmp_path.iterdir()) == ["generated_docs", "mkdocs.yml"]


def test_leftovers_of_a_killed_run_are_ignored_by_git():
    ignored = (ROOT / ".gitignore").read_text().split("\n")
    assert ".generated_docs.new.*/" in ignored and ".generated_docs.old.*/" in ignored


# ------------------------------------------------------------------ the environment is documented

def test_every_environment_variable_is_in_the_help_and_the_readme():
    import re
    used = {name for path in (ROOT / "interpreter").rglob("*.py")
            for name in re.findall(r"\bAMMR_[A-Z_]+\b", path.read_text(encoding="utf-8"))}
    used -= {"AMMR_PORTAL_SETTINGS"}           # internal: how `ammr serve` hands its settings to its workers
    assert {"AMMR_RULES", "AMMR_CACHE_DIR", "AMMR_NO_CACHE", "AMMR_DEBUG"} <= used
    helptext = cli.reference()["main"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [n for n in sorted(used) if n not in helptext] == []
    assert [n for n in sorted(used) if n not in readme] == []
