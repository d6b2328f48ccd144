"""Rendering: the view laid out by the Jinja2 templates in `templates/`, or published as JSON.

One template per format (text for the terminal, Markdown, one self-contained HTML file); the
wording of reasons and remedies comes from the view, so every format says the same thing.
"""

from __future__ import annotations

import hashlib
import importlib
import re
import sys
import textwrap
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click
import jinja2
from markupsafe import Markup

from ..language.diagnostics import printable
from .view import MARKS, MEANINGS

COLOURS = {"compliant": "green", "non_compliant": "red", "insufficient_information": "yellow",
           "needs_assessment": "cyan", "not_applicable": "bright_black"}
FORMATS = {"text": "explain.txt.j2", "md": "explain.md.j2", "html": "explain.html.j2"}
NAMES = {"compliant": "compliant", "non_compliant": "non-compliant",
         "insufficient_information": "insufficient information", "needs_assessment": "needs assessment",
         "not_applicable": "not applicable"}


def render_explanation(data: dict[str, Any], fmt: str, colour: bool = False) -> str:
    """The explanation in one of the formats: "text", "md", "html" or "json"."""
    if fmt == "json":
        return render_json(data)
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}': one of text, md, html, json")
    text = environment().get_template(FORMATS[fmt]).render(v=data, verdict=_styler(colour and fmt == "text"),
                                                            printed=Printed())
    return figures_unbroken(text) if fmt == "html" else text


class Printed:
    """What the printed report has shown so far. On paper a link cannot be followed, so each
    target is numbered once, in the order the report first shows it, its number printed beside the
    link and the targets listed at the end; and a provision quoted in full once is not quoted again."""

    def __init__(self):
        self.targets: list[str] = []
        self._quoted: set[str] = set()

    def link(self, url: str) -> int:
        """The link's number in the list at the end."""
        if url not in self.targets:
            self.targets.append(url)
        return self.targets.index(url) + 1

    def quoted_before(self, anchor: str) -> bool:
        """Whether the provision was quoted before (and note that it is quoted now)."""
        before = anchor in self._quoted
        self._quoted.add(anchor)
        return before


def render_explain(data: dict[str, Any], colour: bool = False) -> str:
    return render_explanation(data, "text", colour)


def render_check(data: dict[str, Any], colour: bool = False) -> str:
    """The short report of `ammr check`: one line per requirement, its reason and its remedy."""
    return environment().get_template("check.txt.j2").render(v=data, verdict=_styler(colour))


def render_audit(data: dict[str, Any]) -> str:
    """The audit record as the footer of a text report (`ammr explain` includes it itself)."""
    return environment().get_template("audit.txt.j2").render(v=data)


def render_json(data: dict[str, Any]) -> str:
    return render_json_utf8(data).decode()


def render_json_utf8(data: dict[str, Any]) -> bytes:
    """`render_json` encoded in UTF-8, made without the text in between."""
    return json_utf8({k: v for k, v in data.items() if k != "groups"})


# JSON escapes C0 controls itself; C1 controls and the marks that reorder text are escaped too, so
# that JSON shown on a terminal does nothing there (the data read back is the same).
_JSON_UNPRINTABLE = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ASCII = bytes(range(0x7f))                  # every byte below the first the pattern can match


def json_text(data: Any) -> str:
    """Data as the JSON the commands print: indented, UTF-8, nothing a terminal would act on."""
    from . import jsontext  # here: its encoder (pydantic-core) costs 15 ms to import, and text needs none
    fast = jsontext.utf8(data)
    if fast is not None and not _unprintable(fast):
        return fast.decode() + "\n"
    text = fast.decode() if fast is not None else jsontext.standard(data)
    return _JSON_UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n"


def json_utf8(data: Any) -> bytes:
    """The text of `json_text`, encoded in UTF-8 (what the portal sends), without the detour
    through str where nothing is to be escaped."""
    from . import jsontext  # as in json_text
    fast = jsontext.utf8(data)
    if fast is not None and not _unprintable(fast):
        return fast + b"\n"
    return json_text(data).encode()


def _unprintable(body: bytes) -> bool:
    """Whether UTF-8 JSON holds a character that json_text escapes. Asked of the characters outside
    ASCII only: every byte of a character written in several bytes is 0x80 or above, so what is
    left is whole characters (over the 170 kB of a check: 0.15 ms instead of 0.7 ms)."""
    return _JSON_UNPRINTABLE.search(body.translate(None, _ASCII).decode()) is not None


TEMPLATES = Path(__file__).with_name("templates")
PRECOMPILED = "interpreter.report.precompiled"


class Loader(jinja2.FileSystemLoader):
    """The templates of `templates/`, each from its precompiled module in `precompiled/` when that
    module was made from the same source (SHA-256) by the same Jinja2 version, else compiled from
    the source as usual. Compiling the templates `ammr check` shows costs about 50 ms of CPU, a
    fifth of the command; the modules are package code (`python -m interpreter.tools.templates`
    writes them, a test fails when one is stale), so nothing is read from a cache folder."""

    def __init__(self) -> None:
        super().__init__(str(TEMPLATES))

    def load(self, environment: jinja2.Environment, name: str, globals: Any = None) -> jinja2.Template:
        module = precompiled_module(name)
        if module is None:
            return super().load(environment, name, globals)
        # the module's globals receive the environment (as jinja2.ModuleLoader does): a fresh
        # module for each load, so that two environments never share one
        sys.modules.pop(module.__name__, None)
        return environment.template_class.from_module_dict(environment, module.__dict__, globals or {})


def module_name(template: str) -> str:
    """The precompiled module of a template: "pool-states.txt.j2" -> "pool_states_txt"."""
    return re.sub(r"\W", "_", template.removesuffix(".j2"))


def source_sha256(template: str) -> str:
    return hashlib.sha256((TEMPLATES / template).read_bytes()).hexdigest()


def precompiled_module(template: str) -> Any:
    """The precompiled module of `template` if it is up to date, else None."""
    try:
        index = importlib.import_module(PRECOMPILED)
        if index.JINJA2 != jinja2.__version__ or index.SOURCES.get(template) != source_sha256(template):
            return None
        return importlib.import_module(f"{PRECOMPILED}.{module_name(template)}")
    except (ImportError, OSError):
        return None


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=Loader(), trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, finalize=_printable,
                             autoescape=lambda name: name is not None and name.endswith(".html.j2"))
    env.filters["wrap"] = _wrap
    env.filters["md"] = md_escape
    env.filters["code"] = md_code
    env.filters["url"] = md_url
    env.filters["rstrip"] = lambda text: str(text).rstrip()
    env.filters["verdict_name"] = lambda v: NAMES.get(v, v)
    env.filters["unitless"] = unitless
    env.globals["trace_lines"] = trace_lines
    env.globals["marks"] = MARKS
    env.globals["meanings"] = MEANINGS
    return env


def _wrap(text: str, indent: int, width: int = 100, first: int | None = None) -> str:
    """Wrapped to `width`, continuation lines indented by `indent`; the first line is taken to
    start at column `first` (default: `indent`), where the template writes it after its label."""
    start = indent if first is None else first
    return textwrap.fill(" ".join(str(text).split()), width=width, initial_indent="x" * start,
                         subsequent_indent=" " * indent, break_on_hyphens=False, break_long_words=False)[start:]


def unitless(text: str) -> str:
    """A figure without its unit, for a table whose heading names it: "≈ EUR 1 200.50" -> "≈ 1 200.50",
    "21 000 persons" -> "21 000"."""
    return re.sub(r"EUR |\s+persons?\b", "", str(text))


# Where a line may not break in a figure of the HTML report: between groups of digits ("620 271 800 000"),
# after "EUR" and "≈" before a figure, and before "%". A text node is everything between two tags.
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_INSIDE_FIGURE = re.compile(r"(?<=\d) (?=\d{3}(?!\d))|(?<=\bEUR) (?=[≈\d])|(?<=≈) (?=EUR|\d)|(?<=\d) (?=%)")
_JOINED = re.compile(r"\S*(?:&nbsp;\S*)+")
_NOT_TEXT = ("style", "script", "title")          # elements whose content is not laid out as the page's text


def figures_unbroken(page: str) -> str:
    """The HTML page with every figure kept on one line: a no-break space (&nbsp;, visible in the
    source) wherever a space would let it break, and the figure in a span.fig that the style sheet
    keeps whole where long words may otherwise break anywhere (a narrow table cell on a phone). Only
    the text is changed: tags, the style sheet and scripts are left as they are."""
    parts = _TAG_OR_TEXT.split(page)
    inside = ""                                     # the element of _NOT_TEXT we are within, if any
    for i, part in enumerate(parts):
        if i % 2:
            tag = re.match(r"<(/?)(" + "|".join(_NOT_TEXT) + r")\b", part)
            if tag:
                inside = "" if tag.group(1) else tag.group(2)
        elif not inside:
            joined = _INSIDE_FIGURE.sub("&nbsp;", part)
            parts[i] = _JOINED.sub(lambda m: f'<span class="fig">{m.group(0)}</span>', joined)
    return "".join(parts)


class Styled(str):
    """Text with the terminal's colour codes in it, put there by the template's own styler: the one
    kind of output `_printable` lets through as it is."""


def _printable(value: Any) -> Any:
    """Every value a template writes (Jinja2's `finalize`): control characters written out, so
    that a document's note or a file name cannot clear the screen, recolour or hide text, or
    plant a hyperlink in the terminal. HTML keeps its markup (and Jinja2 still escapes it)."""
    if isinstance(value, Styled) or not isinstance(value, str):
        return value
    clean = printable(value)
    return Markup(clean) if isinstance(value, Markup) else clean


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|#])")


def md_escape(text: Any) -> str:
    """Text for Markdown: the law's and the documents' words, never read as markup (HTML, links,
    emphasis, a table's cell boundary)."""
    # < > & as entities: Python-Markdown (MkDocs) does not take \< as an escape, and in a table
    # cell it let <img onerror=...> through as HTML; CommonMark reads the entities the same
    words = " ".join(str(text).split()).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", words)


def md_code(text: Any) -> str:
    """A code span holding `text` exactly, whatever backticks it has: a fence of more backticks
    than it holds in a row (CommonMark), `|` escaped for a table cell, on one line."""
    inner = " ".join(str(text).split()).replace("|", "\\|")
    if not inner:
        return ""
    fence = "`" * (max((len(run) for run in re.findall("`+", inner)), default=0) + 1)
    pad = " " if inner.startswith("`") or inner.endswith("`") else ""
    return f"{fence}{pad}{inner}{pad}{fence}"


def md_url(url: Any) -> str:
    """A link target: characters that would end it or start markup percent-encoded (a link the
    rules and the command line make is unchanged)."""
    return quote(str(url), safe=":/#?&=%@+,;~!$'*.-_")


def _styler(colour: bool):

    def verdict(v: str, width: int = 0) -> str:
        text = f"{MARKS.get(v, ' ')} {v}".ljust(width)
        return Styled(click.style(text, fg=COLOURS.get(v), bold=v == "non_compliant")) if colour else text
    return verdict


def trace_lines(step: dict[str, Any] | None, indent: int = 6) -> list[str]:
    """The trace tree as indented lines; a step shared by several branches is shown once."""
    lines: list[str] = []
    seen: set[str] = set()

    def visit(s: dict[str, Any], depth: int) -> None:
        pad = " " * (indent + 2 * depth)
        value = s["shown"] + (f" (exactly {s['exact']})" if s["exact"] else "")
        if s["kind"] in ("compare", "logic", "not", "given", "member", "condition"):
            lines.append(f"{pad}{s['label']} \u2192 {s['shown']}")
        elif s["kind"] == "operand":
            return
        elif s["kind"] == "item":
            lines.append(f"{pad}for {s['label']}: {value}")
        else:
            where = f"  [{s['source']}]" if s["source"] else ""
            cites = f"  ({', '.join(s['citations'])})" if s["citations"] else ""
            lines.append(f"{pad}{s['label']} = {value}{cites}{where}")
            key = f"{s['kind']}:{s['label']}"
            if key in seen and s["children"]:
                lines.append(f"{pad}  (computed as shown above)")
                return
            seen.add(key)
        for child in s["children"]:
            visit(child, depth + 1)

    if step is not None:
        visit(step, 0)
    return lines
