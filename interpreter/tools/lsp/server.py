"""`ammr lsp`: the language server, over stdio, on pygls.

The rule set is the rules folder (`--rules`, else `rules/` in the editor's workspace folder, else the
project's), its files read from the editor's buffers where open. A rule file opened from elsewhere is
checked with the rules folder as if added to it, on its own (as `ammr lint FILE` does).

Checks run on one worker thread, the parser's state being one per process, a moment after the last
keystroke (`DEBOUNCE`), so that typing is not slowed by checks of texts already replaced. A request
(hover, definition, ...) waits for the check of the texts it is about, so that it never answers from
an older text. The scenario tests run when a rule file is first opened and whenever one is saved.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from lsprotocol import types
from pygls import uris
from pygls.lsp.server import LanguageServer

from ...api import rules_directory, scenario_folders
from ...language.diagnostics import Diagnostic, Failed
from ...report.coverage import Untested
from ..formatter import FormatError, format_text
from . import hover as hovering
from .complete import complete
from .convert import Positions, diagnostic
from .index import Key
from .outline import outline
from .state import Snapshot, check, run_scenarios

DEBOUNCE = 0.3             # seconds after the last change before the rules are checked again


def _version() -> str:
    try:
        return version("ammr-rules")
    except PackageNotFoundError:
        return "unknown"


class RulesServer(LanguageServer):
    def __init__(self, rules: Path | None = None, scenarios: Path | None = None):
        super().__init__("ammr", _version())
        self.rules_option = rules
        self.scenarios_option = scenarios
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ammr-check")
        self.snapshots: dict[Path | None, Snapshot] = {}     # None: the rules folder; else a file from outside
        self.untested = Untested()
        self.scenarios_run = False
        self.pending: asyncio.TimerHandle | None = None
        self.running: tuple[dict[Path, str], asyncio.Future] | None = None     # the check under way, and its texts
        self.published: set[str] = set()

    # -------------------------------------------------------------- the rule set
    @property
    def rules(self) -> Path:
        if self.rules_option is not None:
            return self.rules_option.resolve()
        root = self.workspace.root_path
        if root and any((Path(root) / "rules").glob("*.rules")):
            return (Path(root) / "rules").resolve()
        return rules_directory().resolve()

    def scenario_folder(self) -> Path | None:
        if self.scenarios_option is not None:
            return self.scenarios_option if self.scenarios_option.is_dir() else None
        return next((f for f in scenario_folders(self.rules) if f.is_dir()), None)

    def buffers(self) -> dict[Path, str]:
        """The texts of the rule files open in the editor, by resolved path."""
        texts = {}
        for document in self.workspace.text_documents.values():
            path = _path(document.uri)
            if path is not None and path.suffix == ".rules":
                texts[path] = document.source
        return texts

    def set_of(self, path: Path) -> Path | None:
        """The key of the rule set a file is checked in: None for the rules folder's own files."""
        return None if path.parent == self.rules else path

    def sets(self, texts: dict[Path, str]) -> list[Path | None]:
        return [None, *sorted(p for p in texts if self.set_of(p) is not None)]

    # -------------------------------------------------------------- checking
    def schedule(self) -> None:
        """Check a moment after the last change (each change puts the check off again)."""
        if self.pending is not None:
            self.pending.cancel()
        loop = asyncio.get_running_loop()
        self.pending = loop.call_later(DEBOUNCE, self.refresh)

    def refresh(self, scenarios: bool = False) -> asyncio.Future:
        """Check the texts as they are now, with the scenario tests if asked (or never run), and publish;
        a check of the same texts already under way is joined rather than repeated."""
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None
        texts = self.buffers()
        running = self.running
        if running is not None and not running[1].done() and running[0] == texts and not scenarios:
            return running[1]
        task = asyncio.ensure_future(self._refresh(texts, scenarios))
        self.running = (texts, task)
        return task

    async def _refresh(self, texts: dict[Path, str], scenarios: bool) -> None:
        try:
            await self._check(texts, scenarios)
        except Exception as error:              # a bug: say so in the client's log, keep serving
            traceback.print_exc(file=sys.stderr)
            self.window_log_message(types.LogMessageParams(
                type=types.MessageType.Error, message=f"ammr: internal error while checking the rules: "
                                                      f"{type(error).__name__}: {error} (please report it)"))

    async def _check(self, texts: dict[Path, str], scenarios: bool) -> None:
        loop = asyncio.get_running_loop()
        folder = self.scenario_folder()
        if (scenarios or not self.scenarios_run) and folder is not None:
            self.scenarios_run = True
            self.untested = await loop.run_in_executor(self.worker, run_scenarios, self.rules, [], texts, folder)
        elif folder is None and not self.scenarios_run:
            self.scenarios_run = True
            self.window_log_message(types.LogMessageParams(
                type=types.MessageType.Warning,
                message=f"ammr: no folder of scenario tests beside {self.rules} (tests/scenarios/): untested "
                        f"rules (E601, E602) are not reported; start `ammr lsp --scenarios DIR` to point at one"))
        keys = self.sets(texts)
        for key in keys:
            extra = [key] if key is not None else []
            untested = self.untested if key is None else Untested()
            self.snapshots[key] = await loop.run_in_executor(self.worker, check, self.rules, extra, texts, untested)
        for key in [k for k in self.snapshots if k not in keys]:
            del self.snapshots[key]
        self.publish()

    async def snapshot(self, uri: str) -> tuple[Snapshot, Path] | None:
        """The snapshot a document is in, made from the text the editor holds now."""
        path = _path(uri)
        if path is None:
            return None
        found = self.snapshots.get(self.set_of(path))
        if found is None or found.texts != self.buffers():     # not made from these texts (yet)
            await self.refresh()
            found = self.snapshots.get(self.set_of(path))
        return (found, path) if found is not None else None

    def publish(self) -> None:
        by_file: dict[Path, list[Diagnostic]] = {}
        texts: dict[Path, str] = {}
        for key, snapshot in self.snapshots.items():
            for name, text in snapshot.sources.items():
                texts.setdefault(Path(name).resolve(), text)
            for d in snapshot.diagnostics:
                path = Path(d.span.file).resolve()
                if key is None or path == key:            # a file from outside: only what is in it
                    by_file.setdefault(path, []).append(d)
        shown = set()
        for path, found in by_file.items():
            positions = Positions(texts.get(path, ""), self.workspace.position_codec)
            uri = uris.from_fs_path(str(path)) or path.as_uri()
            shown.add(uri)
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri=uri, diagnostics=[diagnostic(d, positions) for d in dict.fromkeys(found)]))
        for uri in self.published - shown:                  # what was reported before and is no more
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        self.published = shown

    def positions(self, snapshot: Snapshot, path: Path) -> Positions:
        return Positions(snapshot.source_of(path) or "", self.workspace.position_codec)

    def locations(self, snapshot: Snapshot, spans) -> list[types.Location]:
        out = []
        for span in spans:
            path = Path(span.file).resolve()
            out.append(types.Location(uri=uris.from_fs_path(str(path)) or path.as_uri(),
                                      range=self.positions(snapshot, path).range(span)))
        return out


def _path(uri: str) -> Path | None:
    found = uris.to_fs_path(uri)
    return Path(found).resolve() if found else None


def _shown(snapshot: Snapshot, path: Path) -> str | None:
    """The file's name as spans name it."""
    return next((f.path for f in snapshot.files if Path(f.path).resolve() == path), None)


def _key_at(snapshot: Snapshot, path: Path, position: types.Position, server: RulesServer) -> Key | None:
    shown = _shown(snapshot, path)
    if shown is None:
        return None
    line, column = server.positions(snapshot, path).at(position)
    found = snapshot.index.at(shown, line, column)
    return found.key if found is not None else None


def make_server(rules: Path | None = None, scenarios: Path | None = None) -> RulesServer:
    server = RulesServer(rules, scenarios)

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    async def did_open(ls: RulesServer, params: types.DidOpenTextDocumentParams) -> None:
        await ls.refresh()

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    async def did_change(ls: RulesServer, params: types.DidChangeTextDocumentParams) -> None:
        ls.schedule()

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    async def did_save(ls: RulesServer, params: types.DidSaveTextDocumentParams) -> None:
        await ls.refresh(scenarios=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    async def did_close(ls: RulesServer, params: types.DidCloseTextDocumentParams) -> None:
        await ls.refresh()          # the file on disk counts again, not the buffer

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: RulesServer, params: types.HoverParams) -> types.Hover | None:
        found = await ls.snapshot(params.text_document.uri)
        if found is None:
            return None
        snapshot, path = found
        shown = _shown(snapshot, path)
        if shown is None:
            return None
        positions = ls.positions(snapshot, path)
        line, column = positions.at(params.position)
        citing = snapshot.index.citation_at(shown, line, column)
        occurrence = snapshot.index.at(shown, line, column) if citing is None else None
        if citing is not None:
            text: str | None = hovering.citation(snapshot.law, citing.node.text)
            span = citing.node.span
        elif occurrence is not None:
            text, span = hovering.name(snapshot, occurrence.key), occurrence.span
        else:
            return None
        if not text:
            return None
        return types.Hover(contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
                           range=positions.range(span))

    async def named(ls: RulesServer, uri: str, position: types.Position) -> tuple[Snapshot, Key] | None:
        """The snapshot of a document, and the key of the name at a position of it."""
        found = await ls.snapshot(uri)
        if found is None:
            return None
        snapshot, path = found
        key = _key_at(snapshot, path, position, ls)
        return (snapshot, key) if key is not None else None

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def definition(ls: RulesServer, params: types.DefinitionParams) -> list[types.Location]:
        found = await named(ls, params.text_document.uri, params.position)
        declared = found[0].index.declaration(found[1]) if found is not None else None
        return ls.locations(found[0], [declared.span]) if found is not None and declared is not None else []

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    async def references(ls: RulesServer, params: types.ReferenceParams) -> list[types.Location]:
        found = await named(ls, params.text_document.uri, params.position)
        if found is None:
            return []
        snapshot, key = found
        spans = [o.span for o in snapshot.index.references(key) if params.context.include_declaration or not o.declares]
        return ls.locations(snapshot, spans)

    @server.feature(types.TEXT_DOCUMENT_COMPLETION,
                    types.CompletionOptions(trigger_characters=["(", ".", " ", ":"]))
    async def completion(ls: RulesServer, params: types.CompletionParams) -> types.CompletionList:
        found = await ls.snapshot(params.text_document.uri)
        if found is None:
            return types.CompletionList(is_incomplete=False, items=[])
        snapshot, path = found
        document = ls.workspace.get_text_document(params.text_document.uri)
        positions = Positions(document.source, ls.workspace.position_codec)
        line, column = positions.at(params.position)
        before = positions.lines[line - 1][:column - 1] if line <= len(positions.lines) else ""
        items = complete(before, snapshot.index, snapshot.law, _shown(snapshot, path) or str(path), line)
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def symbols(ls: RulesServer, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol]:
        found = await ls.snapshot(params.text_document.uri)
        if found is None:
            return []
        snapshot, path = found
        rule_file = next((f for f in snapshot.files if Path(f.path).resolve() == path), None)
        return outline(rule_file, snapshot.law, ls.positions(snapshot, path)) if rule_file is not None else []

    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    async def formatting(ls: RulesServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        document = ls.workspace.get_text_document(params.text_document.uri)
        path = _path(params.text_document.uri)
        try:
            formatted = await asyncio.get_running_loop().run_in_executor(
                ls.worker, format_text, document.source, str(path or "<rules>"))
        except (Failed, FormatError) as problem:
            why = problem.diagnostics[0].message if isinstance(problem, Failed) else str(problem)
            ls.window_show_message(types.ShowMessageParams(
                type=types.MessageType.Warning, message=f"ammr fmt: the file is left as it is: {why}"))
            return None
        if formatted == document.source:
            return []
        whole = Positions(document.source, ls.workspace.position_codec).whole()
        return [types.TextEdit(range=whole, new_text=formatted)]

    return server


def serve(rules: Path | None = None, scenarios: Path | None = None) -> None:
    """Serve over stdin and stdout until the client says exit."""
    make_server(rules, scenarios).start_io()
