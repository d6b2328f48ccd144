"""`ammr lsp` end to end: the real server process over stdio, driven by pytest-lsp as an editor would.

The shipped rules are opened as buffers; a changed buffer replaces its file for the check and
nothing on disk changes. One server serves the module (it runs the scenario tests once, when the
first rule file is opened); each test opens what it needs and closes it again.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
ART_12 = RULES / "art-012.rules"
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.slow]


@pytest_lsp.fixture(scope="module", loop_scope="module",
                    config=ClientServerConfig(server_command=[sys.executable, "-m", "interpreter", "lsp"]))
async def client(lsp_client: LanguageClient):
    await lsp_client.initialize_session(types.InitializeParams(capabilities=types.ClientCapabilities(),
                                                               root_uri=ROOT.as_uri()))
    yield
    await lsp_client.shutdown_session()


def _uri(path: Path) -> str:
    return path.as_uri()


def _open(client: LanguageClient, path: Path, text: str | None = None) -> str:
    uri = _uri(path)
    client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=types.TextDocumentItem(
        uri=uri, language_id="ammr", version=1, text=text if text is not None else path.read_text(encoding="utf-8"))))
    return uri


def _close(client: LanguageClient, uri: str) -> None:
    client.text_document_did_close(types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))


async def _diagnostics(client: LanguageClient, uri: str, until, timeout: float = 60) -> list[types.Diagnostic]:
    """The diagnostics published for a document, once they satisfy `until` (or fail after `timeout`)."""
    async def wait():
        while not until(client.diagnostics.get(uri, [])):
            await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        return client.diagnostics[uri]
    return await asyncio.wait_for(wait(), timeout)


def _at(text: str, fragment: str, offset: int = 0, occurrence: int = 0) -> types.Position:
    """The LSP position (UTF-16 columns) of a fragment of a text, plus `offset` characters."""
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(fragment, start + 1)
    start += offset
    line = text.count("\n", 0, start)
    before = text[text.rfind("\n", 0, start) + 1:start]
    return types.Position(line=line, character=len(before.encode("utf-16-le")) // 2)


class _Counted(dict):
    """The client's diagnostics, counting how often each document's are published."""

    def __init__(self, *args):
        super().__init__(*args)
        self.updates: list[str] = []

    def __setitem__(self, uri, diagnostics):
        self.updates.append(uri)
        super().__setitem__(uri, diagnostics)


def _doc(uri: str, position: types.Position):
    return dict(text_document=types.TextDocumentIdentifier(uri=uri), position=position)


# ------------------------------------------------------------------ diagnostics

async def test_a_changed_minimum_is_reported_as_you_type_quoting_the_law(client: LanguageClient):
    text = ART_12.read_text(encoding="utf-8")
    uri = _open(client, ART_12, text)
    changed = text.replace("constant minimum_relocations = 30 000 persons", "constant minimum_relocations = 35 000 persons")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=changed)]))
    found = await _diagnostics(client, uri, lambda ds: any(d.code == "E403" for d in ds))
    e403 = next(d for d in found if d.code == "E403")
    assert e403.severity == types.DiagnosticSeverity.Error and e403.source == "ammr"
    assert e403.message.startswith("35 000 persons is not a figure of the provision cited: Art. 12(2)(a)")
    assert "(a) 30 000 for relocations;" in e403.message and "\nhint: write the figure as the law states it" \
        in e403.message
    assert e403.range.start == _at(changed, "35 000 persons")
    e404 = next(d for d in found if d.code == "E404")
    assert "the title “At least 30 000 relocations” says 30 000" in e404.message
    # back as it was, by way of four more changes typed in quick succession: one check, after the last
    client.diagnostics = published = _Counted(client.diagnostics)
    for version, figure in enumerate(("31", "32", "33", "30"), 3):
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(
                text=text.replace("= 30 000 persons", f"= {figure} 000 persons"))]))
    await _diagnostics(client, uri, lambda ds: not ds)
    assert published.updates.count(uri) < 4, published.updates
    _close(client, uri)


async def test_errors_are_positioned_in_utf16_columns(client: LanguageClient):
    text = ART_12.read_text(encoding="utf-8") + \
        '\nrequirement emoji_title "📜 A title with a scroll" cites Art 12(7)\n' \
        '  for proposal: CommissionProposal\n  requires proposal.classified\n'
    uri = _open(client, ART_12, text)
    found = await _diagnostics(client, uri, lambda ds: any(d.code == "E401" for d in ds))
    e401 = next(d for d in found if d.code == "E401")
    at = _at(text, "Art 12(7)")
    assert e401.range.start == at and e401.range.end.character == at.character + len("Art 12(7)")
    line = text.split("\n")[at.line]
    assert at.character == line.index("Art 12(7)") + 1          # the scroll is two UTF-16 units, one character
    assert "Article 12 has no paragraph 7" in e401.message and "hint: did you mean Art. 12(6)" in e401.message
    _close(client, uri)
    await _diagnostics(client, uri, lambda ds: not any(d.code == "E401" for d in ds))


async def test_a_file_that_does_not_parse_gives_its_errors_and_still_hovers(client: LanguageClient):
    text = ART_12.read_text(encoding="utf-8").replace(
        "constant minimum_financial_contributions = EUR 600 million",
        "constant minimum_financial_contributions = EUR 600 million million")
    uri = _open(client, ART_12, text)
    found = await _diagnostics(client, uri, lambda ds: any(d.code.startswith("E1") for d in ds))
    assert [d.code for d in found if d.code.startswith("E1")] == ["E126"]
    shown = await client.text_document_hover_async(types.HoverParams(**_doc(uri, _at(text, "Art 12(2)(a)", 2))))
    assert shown is not None and "30 000 for relocations" in shown.contents.value
    _close(client, uri)


# ------------------------------------------------------------------ hover

async def test_hover_on_a_citation_quotes_the_law_and_links_eur_lex(client: LanguageClient):
    text = ART_12.read_text(encoding="utf-8")
    uri = _open(client, ART_12)
    shown = await client.text_document_hover_async(types.HoverParams(**_doc(uri, _at(text, "Art 12(2)(a)", 4))))
    assert shown is not None and shown.contents.kind == types.MarkupKind.Markdown
    value = shown.contents.value
    assert value.startswith("**Article 12(2), first subparagraph, point (a)** — Article 12: Commission proposal")
    assert "> (a) 30 000 for relocations;" in value and "which shall be at least:" in value
    assert "(https://eur-lex.europa.eu/eli/reg/2024/1351/oj)" in value
    assert shown.range.start == _at(text, "Art 12(2)(a)")
    _close(client, uri)


async def test_hover_on_a_name_says_type_citation_notes_and_declaration(client: LanguageClient):
    text = ART_12.read_text(encoding="utf-8")
    uri = _open(client, ART_12)
    used = _at(text, "is at least minimum_relocations", len("is at least "))
    shown = await client.text_document_hover_async(types.HoverParams(**_doc(uri, used)))
    value = shown.contents.value
    assert value.startswith("**constant** `minimum_relocations`: persons")
    assert "cites Art. 12(2)(a)" in value and "constant minimum_relocations = 30 000 persons" in value
    noted = await client.text_document_hover_async(types.HoverParams(**_doc(
        uri, _at(text, "minimum_financial_contributions / minimum_relocations", 3))))
    assert noted.contents.value.startswith("**constant** `minimum_financial_contributions`: EUR")
    ratio = await client.text_document_hover_async(types.HoverParams(**_doc(
        uri, _at(text, "proposal.relocations * relocation_value", len("proposal.relocations * ")))))
    assert ratio.contents.value.startswith("**definition** `relocation_value`: EUR per person")
    assert "*Interpretation:* 'The ratio between the numbers set out in paragraph 2" in ratio.contents.value
    field = await client.text_document_hover_async(types.HoverParams(**_doc(
        uri, _at(text, "requires proposal.relocations is at least", len("requires proposal.") + 2))))
    assert field.contents.value.startswith("**field** `CommissionProposal.relocations`: persons — total annual")
    _close(client, uri)


# ------------------------------------------------------------------ definition and references

async def test_definition_and_references_across_rule_files(client: LanguageClient):
    art63 = RULES / "art-063.rules"
    text = art63.read_text(encoding="utf-8")
    uri = _open(client, art63)
    used = _at(text, "max(minimum_relocations", len("max("))
    [found] = await client.text_document_definition_async(types.DefinitionParams(**_doc(uri, used)))
    art12 = ART_12.read_text(encoding="utf-8")
    assert found.uri == _uri(ART_12) and found.range.start == _at(art12, "minimum_relocations = 30 000")
    places = await client.text_document_references_async(types.ReferenceParams(
        **_doc(uri, used), context=types.ReferenceContext(include_declaration=True)))
    files = {Path(p.uri).name for p in places}
    assert {"art-012.rules", "art-063.rules", "pool-report.rules"} <= {Path(p.uri.split("/")[-1]).name for p in places}
    assert len(files) >= 3 and any(p.range.start == _at(art12, "minimum_relocations = 30 000") for p in places)
    without = await client.text_document_references_async(types.ReferenceParams(
        **_doc(uri, used), context=types.ReferenceContext(include_declaration=False)))
    assert len(without) == len(places) - 1
    _close(client, uri)


async def test_definition_of_a_binding_a_type_and_a_field(client: LanguageClient):
    text = ART_12.read_text(encoding="utf-8")
    uri = _open(client, ART_12)
    requirement = text.index("requirement proposal_minimum_relocations")
    bound = text.index("for proposal: CommissionProposal", requirement) + len("for ")
    used = _at(text, "requires proposal.relocations is at least minimum_relocations", len("requires "))
    [binding] = await client.text_document_definition_async(types.DefinitionParams(**_doc(uri, used)))
    assert binding.range.start == _at(text[:bound] + "\x00" + text[bound + 1:], "\x00")
    [typed] = await client.text_document_definition_async(types.DefinitionParams(**_doc(
        uri, _at(text, "CommissionProposal", 3, occurrence=1))))
    assert typed.range.start == _at(text, "CommissionProposal")
    [field] = await client.text_document_definition_async(types.DefinitionParams(**_doc(
        uri, _at(text, "requires proposal.relocations is at least", len("requires proposal.")))))
    assert field.range.start == _at(text, "relocations: persons")
    _close(client, uri)


# ------------------------------------------------------------------ completion

async def test_completion_of_a_citation_offers_what_the_law_has(client: LanguageClient):
    text = ART_12.read_text(encoding="utf-8") + "\nconstant lsp_probe = 1\n  cites Art 12(\n"
    uri = _open(client, ART_12, text)
    end = _at(text, "cites Art 12(\n", len("cites Art 12("))
    paragraphs = await client.text_document_completion_async(types.CompletionParams(**_doc(uri, end)))
    assert [i.label for i in paragraphs.items] == ["1", "2", "3", "4", "5", "6"]
    text2 = text.replace("cites Art 12(\n", "cites Art 12(2)(\n")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text2)]))
    points = await client.text_document_completion_async(types.CompletionParams(
        **_doc(uri, _at(text2, "cites Art 12(2)(\n", len("cites Art 12(2)(")))))
    assert [i.label for i in points.items] == ["a", "b"] and points.items[0].detail == "Art. 12(2)(a)"
    _close(client, uri)


async def test_completion_of_fields_and_names(client: LanguageClient):
    text = ART_12.read_text(encoding="utf-8")
    uri = _open(client, ART_12)
    after_dot = _at(text, "requires proposal.relocations is at least", len("requires proposal."))
    fields = await client.text_document_completion_async(types.CompletionParams(**_doc(uri, after_dot)))
    assert {"relocations", "financial_contributions", "adopted_on"} <= {i.label for i in fields.items}
    assert "minimum_relocations" not in {i.label for i in fields.items}
    names = await client.text_document_completion_async(types.CompletionParams(**_doc(
        uri, _at(text, "is at least minimum_relocations", len("is at least ")))))
    labels = {i.label for i in names.items}
    assert {"minimum_relocations", "proposal", "requirement", "is at least", "persons", "time_limit"} <= labels
    _close(client, uri)


# ------------------------------------------------------------------ formatting and the outline

async def test_formatting_gives_what_ammr_fmt_gives(client: LanguageClient):
    before = ROOT / "tests" / "format" / "before" / "clause_order.rules"
    after = ROOT / "tests" / "format" / "after" / "clause_order.rules"
    uri = _open(client, before)
    edits = await client.text_document_formatting_async(types.DocumentFormattingParams(
        text_document=types.TextDocumentIdentifier(uri=uri), options=types.FormattingOptions(tab_size=2,
                                                                                            insert_spaces=True)))
    [edit] = edits
    assert edit.new_text == after.read_text(encoding="utf-8") and edit.range.start == types.Position(line=0, character=0)
    lines = before.read_text(encoding="utf-8").split("\n")
    assert edit.range.end == types.Position(line=len(lines) - 1, character=len(lines[-1]))
    _close(client, uri)


async def test_the_outline_is_by_article_then_declarations(client: LanguageClient):
    uri = _open(client, ART_12)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    names = [s.name for s in symbols]
    assert names[0] == "Article 12" and "Article 12: Commission proposal" not in names
    article = symbols[0]
    assert article.detail.startswith("Commission proposal for a Council implementing act")
    children = [c.name for c in article.children]
    assert children[:3] == ["CommissionProposal", "minimum_relocations", "minimum_financial_contributions"]
    assert "proposal_minimum_relocations" in children
    document = article.children[0]
    assert document.detail.startswith("document: ") and "relocations" in [f.name for f in document.children]
    _close(client, uri)


async def test_a_reading_is_in_the_outline_hovered_and_its_substitutes_lead_to_their_definitions(
        client: LanguageClient):
    art57 = RULES / "art-057.rules"
    text = art57.read_text(encoding="utf-8")
    uri = _open(client, art57)
    symbols = await client.text_document_document_symbol_async(types.DocumentSymbolParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    reading = next(c for s in symbols for c in (s.children or [s]) if c.name == "fair_share_composition")
    assert reading.detail.startswith("reading: Is the mandatory fair share one obligation")
    shown = await client.text_document_hover_async(types.HoverParams(**_doc(
        uri, _at(text, "\nreading fair_share_composition", len("\nreading ") + 2))))
    assert shown.contents.value.startswith("**reading** `fair_share_composition` — Is the mandatory fair share")
    substitute = _at(text, "uses fair_share_value__cumulative for", len("uses ") + 2)
    [found] = await client.text_document_definition_async(types.DefinitionParams(**_doc(uri, substitute)))
    assert found.range.start == _at(text, "definition fair_share_value__cumulative(", len("definition "))
    replaced = _at(text, "for fair_share_value\n", len("for ") + 2)
    [declared] = await client.text_document_definition_async(types.DefinitionParams(**_doc(uri, replaced)))
    assert declared.uri == _uri(art57)
    assert declared.range.start == _at(text, "definition fair_share_value(ms", len("definition "))
    _close(client, uri)
