"""The shipped text of Regulation (EU) 2024/1351 as a citable tree.

Rule files cite provisions ("Art 12(2)(a)", "Art 57(4), second sentence").
This module parses such citations, resolves them against the law text in
``rules/law/`` and checks quotes against the resolved text, so that every
citation in the rule base points at words that really are in the act.

The tree is article -> paragraph -> subparagraph -> points (nested).  Articles
without numbered paragraphs hold one paragraph whose ``number`` is None, so
the rest of the code never needs a second shape.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import cast

__all__ = [
    "ORDINALS",
    "CITATION_PATTERN",
    "CitationRef",
    "CitationSyntaxError",
    "parse_citation",
    "Citation",
    "Provision",
    "UnresolvedCitation",
    "LawFormatError",
    "Point",
    "Subparagraph",
    "Paragraph",
    "Article",
    "Law",
    "split_sentences",
]

ORDINALS = (
    "first", "second", "third", "fourth", "fifth",
    "sixth", "seventh", "eighth", "ninth", "tenth",
)
_ORDINAL_ALT = "|".join(ORDINALS)

# Kept textually identical to the rule grammar's CITATION token: the grammar
# decides what reaches parse_citation, so parse_citation must accept all of it.
CITATION_PATTERN = (
    r"(?:Art(?:icle)?\.?[ \t]*\d+(?:\([0-9]+\)|\([a-z]+\))*|Annex[ \t]+[IVX]+)"
    rf"(?:,?[ \t]+(?:{_ORDINAL_ALT})[ \t]+(?:sub)?paragraph)?"
    r"(?:,?[ \t]+point[ \t]*\((?:[a-z]+|[0-9]+)\)(?:\([a-z]+\))*)?"
    rf"(?:,?[ \t]+(?:{_ORDINAL_ALT})[ \t]+sentence)?"
)

_CARDINALS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def _ordinal(n: int) -> str:
    # Beyond "tenth" the act would write digits anyway; never fail on display.
    return ORDINALS[n - 1] if 1 <= n <= len(ORDINALS) else f"{n}th"


def _cardinal(n: int) -> str:
    return _CARDINALS[n] if 0 <= n < len(_CARDINALS) else str(n)


# --------------------------------------------------------------------------
# Point labels: (a)..(z), (i)..(xxx), (1)..(n)
# --------------------------------------------------------------------------

_ROMAN_VALUES = (("x", 10), ("ix", 9), ("v", 5), ("iv", 4), ("i", 1))


def _int_to_roman(n: int) -> str:
    out = []
    for symbol, value in _ROMAN_VALUES:
        while n >= value:
            out.append(symbol)
            n -= value
    return "".join(out)


# Sub-points in EU acts stay far below 40; a table keeps successor checks exact.
_ROMANS = tuple(_int_to_roman(n) for n in range(1, 40))
_LETTERS = tuple("abcdefghijklmnopqrstuvwxyz")
_FIRST_LABEL = {"number": "1", "letter": "a", "roman": "i"}


def _roman_to_int(text: str) -> int | None:
    lowered = text.lower()
    return _ROMANS.index(lowered) + 1 if lowered in _ROMANS else None


def _label_kinds(label: str) -> tuple[str, ...]:
    """Every kind a label could be; 'i', 'v' and 'x' are both letters and romans."""
    if label.isdigit():
        return ("number",)
    kinds = []
    if label in _ROMANS:
        kinds.append("roman")
    if label in _LETTERS:
        kinds.append("letter")
    return tuple(kinds)


def _label_value(label: str, kind: str) -> int:
    if kind == "number":
        return int(label)
    if kind == "roman":
        return _ROMANS.index(label) + 1
    return _LETTERS.index(label) + 1


def _label_rank(label: str, kind: str | None = None) -> int:
    """Position of a label in its sequence, to tell how near two labels are.

    kind settles 'i', 'v' and 'x', which are letters or roman numerals."""
    kinds = _label_kinds(label)
    if not kinds:
        return 0
    return _label_value(label, kind if kind in kinds else kinds[0])


def _is_successor(label: str, kind: str, previous: str) -> bool:
    if kind not in _label_kinds(label) or kind not in _label_kinds(previous):
        return False
    return _label_value(label, kind) == _label_value(previous, kind) + 1


class _LabelOrderError(ValueError):
    def __init__(self, message: str, index: int):
        super().__init__(message)
        self.index = index


def _point_depths(labels: list[str]) -> list[tuple[int, str]]:
    """Depth and kind of each point label, in order.

    A label continues the innermost open level it is the successor of, so
    (i) after (h) is the letter i, and (v) after (iv) is a roman numeral.  A
    label that continues nothing must be the first label of a kind not yet
    open ((a), (i), (1)) and opens a level under the previous point.  The one
    look-ahead: (i) after (h) but followed by (ii) opens sub-points of (h).
    Raises _LabelOrderError for anything else (a skipped or repeated label).
    """
    stack: list[tuple[str, str]] = []  # (kind, last label) per open level
    result = []
    for index, label in enumerate(labels):
        following = labels[index + 1] if index + 1 < len(labels) else None
        depth = _continued_level(stack, label)
        if depth is not None and _starts_romans_under_h(stack, depth, label, following):
            depth = None
        if depth is not None:
            kind = stack[depth][0]
            del stack[depth + 1:]
            stack[depth] = (kind, label)
        else:
            kind = _opened_kind(stack, label, index)
            stack.append((kind, label))
            depth = len(stack) - 1
        result.append((depth, kind))
    return result


def _starts_romans_under_h(stack: list[tuple[str, str]], depth: int, label: str, following: str | None) -> bool:
    roman_open = any(kind == "roman" for kind, _ in stack)
    return (label, following) == ("i", "ii") and stack[depth][0] == "letter" and not roman_open


def _continued_level(stack: list[tuple[str, str]], label: str) -> int | None:
    for depth in range(len(stack) - 1, -1, -1):
        kind, previous = stack[depth]
        if _is_successor(label, kind, previous):
            return depth
    return None


def _opened_kind(stack: list[tuple[str, str]], label: str, index: int) -> str:
    open_kinds = {kind for kind, _ in stack}
    for kind, first in _FIRST_LABEL.items():
        if label == first and kind not in open_kinds:
            return kind
    after = f" after ({stack[-1][1]})" if stack else " as the first point"
    raise _LabelOrderError(f"point ({label}) cannot come{after}: labels must run in sequence", index)


# --------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------

# A break is ". " before an upper-case letter (optionally an opening quote),
# unless the full stop belongs to an abbreviation that precedes a number/name.
_SENTENCE_BREAK = re.compile(r"(?<=\.)\s+(?=[‘“\"']?[A-Z])")
_ABBREVIATIONS = frozenset({"No.", "Nos.", "Art.", "Arts.", "p.", "pp.", "e.g.", "i.e.", "cf.", "para.", "OJ."})


def split_sentences(prose: str) -> tuple[str, ...]:
    """Split prose into sentences at '. ' followed by an upper-case letter."""
    sentences, start = [], 0
    for match in _SENTENCE_BREAK.finditer(prose):
        candidate = prose[start:match.start()]
        last_word = candidate.rsplit(None, 1)[-1] if candidate.strip() else ""
        if last_word in _ABBREVIATIONS:
            continue
        sentences.append(candidate)
        start = match.end()
    tail = prose[start:]
    if tail.strip():
        sentences.append(tail)
    return tuple(sentences)


# --------------------------------------------------------------------------
# Citations as written
# --------------------------------------------------------------------------


class CitationSyntaxError(ValueError):
    """A citation that does not follow the citation syntax."""

    def __init__(self, message: str, offset: int, hint: str):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} (at character {self.offset + 1}); {self.hint}"


@dataclass(frozen=True)
class CitationRef:
    """A citation as written in a rule file, not yet resolved."""

    text: str
    article: str
    annex: bool
    groups: tuple[str, ...] = ()
    subparagraph: int | None = None
    points: tuple[str, ...] = ()
    sentence: int | None = None
    # "Art 85, second paragraph": an unnumbered paragraph of an article without numbered paragraphs,
    # which the law text holds as the subparagraphs of the article's one paragraph
    as_paragraph: bool = False


_EXAMPLES = (
    "write e.g. 'Art 12(2)(a)', 'Art 12(3), second subparagraph', 'Art 85, second paragraph', "
    "'Art 66, point (a)', 'Art 57(4), second sentence' or 'Annex I'"
)
_HEAD = re.compile(r"Art(?:icle)?\.?[ \t]*(?P<number>\d+)|Annex[ \t]+(?P<roman>[IVX]+)")
_GROUP = re.compile(r"\((?P<label>[0-9]+|[a-z]+)\)")
_SUBPARAGRAPH = re.compile(rf",?[ \t]+(?P<ordinal>{_ORDINAL_ALT})[ \t]+(?P<sub>sub)?paragraph")
_POINT = re.compile(r",?[ \t]+point[ \t]*\((?P<first>[a-z]+|[0-9]+)\)(?P<rest>(?:\([a-z]+\))*)")
_SENTENCE = re.compile(rf",?[ \t]+(?P<ordinal>{_ORDINAL_ALT})[ \t]+sentence")


def parse_citation(text: str) -> CitationRef:
    """Parse a citation such as 'Art 12(2)(a)' or 'Art 57(4), second sentence'.

    Accepts every string CITATION_PATTERN matches in full, with optional
    surrounding whitespace.  Raises CitationSyntaxError otherwise.
    """
    if not isinstance(text, str):
        raise CitationSyntaxError(f"a citation must be text, not {type(text).__name__}", 0, _EXAMPLES)
    pos = len(text) - len(text.lstrip())
    end = len(text.rstrip())
    head = _HEAD.match(text, pos, end)
    if head is None:
        raise _head_error(text, pos, end)
    annex = head.group("roman") is not None
    article = head.group("roman") if annex else str(int(head.group("number")))
    pos = head.end()

    groups: list[str] = []
    while not annex and (group := _GROUP.match(text, pos, end)):
        groups.append(group.group("label"))
        pos = group.end()

    subparagraph, as_paragraph = None, False
    if match := _SUBPARAGRAPH.match(text, pos, end):
        subparagraph = ORDINALS.index(match.group("ordinal")) + 1
        as_paragraph = match.group("sub") is None
        pos = match.end()
    points: tuple[str, ...] = ()
    if match := _POINT.match(text, pos, end):
        points = (match.group("first"), *_GROUP.findall(match.group("rest")))
        pos = match.end()
    sentence = None
    if match := _SENTENCE.match(text, pos, end):
        sentence = ORDINALS.index(match.group("ordinal")) + 1
        pos = match.end()

    if pos != end:
        raise _trailing_error(text, pos, end, annex)
    return CitationRef(text, article, annex, tuple(groups), subparagraph, points, sentence, as_paragraph)


def _head_error(text: str, pos: int, end: int) -> CitationSyntaxError:
    rest = text[pos:end]
    if not rest:
        return CitationSyntaxError("empty citation", pos, _EXAMPLES)
    if re.match(r"(?i)(art(icle)?|annex)\b", rest) and not re.match(r"Art|Annex", rest):
        return CitationSyntaxError("unexpected capitalisation", pos, "write 'Art', 'Article' or 'Annex'")
    if re.match(r"Articles\b|Arts\.?\b", rest):
        return CitationSyntaxError("a citation names one article", pos,
                                   "cite each article separately, e.g. 'Art 61' and 'Art 62'")
    if prefix := re.match(r"Art(?:icle)?\.?[ \t]*", rest):
        return CitationSyntaxError("expected an article number", pos + prefix.end(),
                                   "write the number in digits, e.g. 'Art 12'")
    if prefix := re.match(r"Annex[ \t]*", rest):
        return CitationSyntaxError("expected an annex number", pos + prefix.end(),
                                   "write the annex number in capital roman numerals, e.g. 'Annex I'")
    return CitationSyntaxError("a citation starts with 'Art', 'Article' or 'Annex'", pos, _EXAMPLES)


def _trailing_error(text: str, pos: int, end: int, annex: bool) -> CitationSyntaxError:
    rest = text[pos:end]
    word = re.sub(r"^[,\s]+", "", rest)
    at = pos + (len(rest) - len(word))
    message, hint = _diagnose_trailing(text, pos, end, rest, word, annex)
    # Bracket mistakes are at the bracket (or the space before it), the rest at the next word.
    at_bracket = re.match(r"[ \t]*\(", rest) is not None
    return CitationSyntaxError(message, pos if at_bracket else at, hint)


def _diagnose_trailing(text: str, pos: int, end: int, rest: str, word: str, annex: bool) -> tuple[str, str]:
    """Name the most likely mistake in the text left over after parsing."""
    if annex and rest.startswith("("):
        return "an annex is cited as a whole", "write 'Annex I'"
    if re.match(r"\([A-Z]+\)", rest):
        return "point labels are lower case", "write e.g. '(a)' or '(ii)'"
    if rest.startswith("("):
        return "malformed bracket", "a bracket holds a number like (2) or lower-case letters like (a) or (ii), then ')'"
    if re.match(r"[ \t]+\(", rest):
        return "space before a bracket", "write the brackets straight after the number, e.g. 'Art 12(2)(a)'"
    if any(pattern.match(text, pos, end) for pattern in (_SUBPARAGRAPH, _POINT, _SENTENCE)):
        return "parts out of order or repeated", "write the parts in this order: subparagraph, point, sentence"
    if re.match(r"points\b", word):
        return "a citation names one point", "cite each point separately, e.g. 'point (a)' and 'point (b)'"
    if re.match(r"point\b", word):
        return "malformed point", "write e.g. 'point (a)' or 'point (8)(a)'"
    if re.match(r"paragraphs?\b", word):
        return "paragraphs are cited by number", "write the paragraph in brackets, e.g. 'Art 12(3)'"
    if re.match(r"\S+[ \t]+(subparagraph|paragraph|sentence)\b", word):
        return "ordinal not understood", f"spell it out in lower case: {', '.join(ORDINALS)}"
    return f"unexpected text {word[:20]!r}", _EXAMPLES


# --------------------------------------------------------------------------
# Resolved citations and provisions
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """A resolved, canonical citation.

    ``subparagraph`` is None when the paragraph (or article) has a single
    subparagraph: naming it would add nothing, and one form per provision
    keeps equality meaningful.
    """

    article: str
    annex: bool = False
    paragraph: int | None = None
    subparagraph: int | None = None
    points: tuple[str, ...] = ()
    sentence: int | None = None
    # False when another subparagraph of the paragraph has a point with the
    # same first label: short() must then name the subparagraph to stay
    # unambiguous.  Display-only, so it does not take part in equality.
    points_locate_subparagraph: bool = field(default=True, compare=False, repr=False)
    # True in an article without numbered paragraphs: its unnumbered paragraphs, held as the
    # subparagraphs of its one paragraph, are named "paragraph" ("Art. 85, second paragraph").
    # Display-only, like the flag above.
    unnumbered: bool = field(default=False, compare=False, repr=False)

    def short(self) -> str:
        """Compact form, e.g. 'Art. 12(2)(a)', 'Art. 66, point (a)'."""
        omit_subparagraph = self.subparagraph is None or (
            bool(self.points) and self.subparagraph == 1 and self.points_locate_subparagraph
        )
        head = self._head("Art.")
        if self.points and self.paragraph is not None and omit_subparagraph:
            head += self._labels()
            return self._join(head, None, False)
        return self._join(head, None if omit_subparagraph else self.subparagraph, bool(self.points))

    def contains(self, other: Citation) -> bool:
        """Whether `other` is this provision or lies inside it (Art 57(1), first sentence is in Art 57(1))."""
        if (other.article, other.annex) != (self.article, self.annex):
            return False
        for part in ("paragraph", "subparagraph", "sentence"):
            if getattr(self, part) is not None and getattr(other, part) != getattr(self, part):
                return False
        return other.points[:len(self.points)] == self.points

    def full(self) -> str:
        """Formal form, e.g. 'Article 12(2), first subparagraph, point (a)'."""
        return self._join(self._head("Article"), self.subparagraph, bool(self.points))

    def anchor(self) -> str:
        """A stable HTML id, e.g. 'art-12-2-s1-a', 'art-57-4-sent2', 'annex-1'."""
        if self.annex:
            parts = [f"annex-{_roman_to_int(self.article) or self.article.lower()}"]
        else:
            parts = [f"art-{self.article}"]
        if self.paragraph is not None:
            parts.append(str(self.paragraph))
        if self.subparagraph is not None:
            parts.append(f"s{self.subparagraph}")
        parts.extend(self.points)
        if self.sentence is not None:
            parts.append(f"sent{self.sentence}")
        return "-".join(parts)

    def __str__(self) -> str:
        return self.short()

    @property
    def part(self) -> str:
        """What a subdivision of this paragraph is called: an unnumbered paragraph of an article
        without numbered paragraphs, else a subparagraph."""
        return "paragraph" if self.unnumbered else "subparagraph"

    def _head(self, word: str) -> str:
        if self.annex:
            return f"Annex {self.article}"
        paragraph = f"({self.paragraph})" if self.paragraph is not None else ""
        return f"{word} {self.article}{paragraph}"

    def _labels(self) -> str:
        return "".join(f"({label})" for label in self.points)

    def _join(self, head: str, subparagraph: int | None, with_points: bool) -> str:
        parts = [head]
        if subparagraph is not None:
            parts.append(f"{_ordinal(subparagraph)} {self.part}")
        if with_points:
            parts.append(f"point {self._labels()}")
        if self.sentence is not None:
            parts.append(f"{_ordinal(self.sentence)} sentence")
        return ", ".join(parts)


@dataclass(frozen=True)
class Provision:
    """What a citation resolves to: the cited words and their context."""

    citation: Citation
    article_title: str
    text: str
    lead_in: str
    complete: bool


class UnresolvedCitation(LookupError):
    """A well-formed citation that names nothing in the shipped text."""

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.suggestions = tuple(suggestions)

    def __str__(self) -> str:
        if not self.suggestions:
            return self.message
        return f"{self.message} (did you mean {' or '.join(self.suggestions)}?)"


class LawFormatError(ValueError):
    """The law directory does not follow the format described in its README."""

    def __init__(self, message: str, path: Path | str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: " if self.path else ""
        return f"{where}{self.message}"


# --------------------------------------------------------------------------
# The tree
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    label: str
    kind: str                       # "letter", "roman" or "number"
    line: str                       # its own line, starting "(a) "
    children: tuple[Point, ...]
    citation: Citation
    lead_in: str                    # subparagraph prose plus enclosing point lines

    @property
    def text(self) -> str:
        return "\n".join([self.line, *(child.text for child in self.children)])

    @property
    def body(self) -> str:
        """The point's own words without its label."""
        return self.line[len(self.label) + 3:]

    @property
    def sentences(self) -> tuple[str, ...]:
        return split_sentences(self.body)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Subparagraph:
    number: int
    prose: str                      # lead-in or body, without points or "2. "
    points: tuple[Point, ...]
    text: str                       # as in the source, points included
    citation: Citation

    @property
    def sentences(self) -> tuple[str, ...]:
        return split_sentences(self.prose)


@dataclass(frozen=True)
class Paragraph:
    number: int | None              # None for articles without numbered paragraphs
    subparagraphs: tuple[Subparagraph, ...]
    citation: Citation

    @property
    def text(self) -> str:
        return "\n\n".join(sub.text for sub in self.subparagraphs)


@dataclass(frozen=True)
class Article:
    number: str                     # "12", or "I" for an annex
    annex: bool
    title: str
    complete: bool
    paragraphs: tuple[Paragraph, ...]
    text: str                       # the body as in the source, paragraph numbers included
    file: str
    citation: Citation
    part: str = ""                  # "I", "II", ... or "Annex", from index.json

    @property
    def numbered(self) -> bool:
        """True when the article is divided into numbered paragraphs."""
        return self.paragraphs[0].number is not None

    @property
    def name(self) -> str:
        return f"Annex {self.number}" if self.annex else f"Article {self.number}"

    def paragraph(self, number: int | None) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.number == number), None)


# --------------------------------------------------------------------------
# Reading the files
# --------------------------------------------------------------------------

_HEADING = re.compile(r"# (?:Article (?P<number>\d+)|Annex (?P<roman>[IVX]+)) — (?P<title>\S.*)")
_NUMBERED = re.compile(r"(?P<number>\d+)\. (?P<rest>.*)")
_POINT_LINE = re.compile(r"\((?P<label>[a-z]+|[0-9]+)\) \S")


class _DraftSubparagraph:
    """Lines of one subparagraph while its file is being read."""

    def __init__(self):
        self.blocks: list[list[str]] = []
        self.prose: list[str] = []
        self.points: list[tuple[int, str]] = []  # (line number, line)


def _blocks(lines: list[str], first_number: int) -> list[list[tuple[int, str]]]:
    """Split body lines at blank lines, keeping 1-based line numbers."""
    blocks: list[list[tuple[int, str]]] = [[]]
    for offset, line in enumerate(lines):
        if line.strip():
            blocks[-1].append((first_number + offset, line.rstrip()))
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def _group_paragraphs(blocks, path) -> list[tuple[int | None, list[_DraftSubparagraph]]]:
    paragraphs: list[tuple[int | None, list[_DraftSubparagraph]]] = []
    for block in blocks:
        lineno, first = block[0]
        if all(_POINT_LINE.match(line) for _, line in block):
            if not paragraphs:
                raise LawFormatError("points before any text that introduces them", path, lineno)
            sub = paragraphs[-1][1][-1]
            sub.blocks.append([line for _, line in block])
            sub.points.extend(block)
            continue
        numbered = _NUMBERED.match(first)
        if numbered:
            number = int(numbered.group("number"))
            _check_paragraph_number(paragraphs, number, path, lineno)
            paragraphs.append((number, []))
            block = [(lineno, numbered.group("rest")), *block[1:]]
        elif not paragraphs:
            paragraphs.append((None, []))
        paragraphs[-1][1].append(_draft_subparagraph(block, path))
    if not paragraphs:
        raise LawFormatError("no text under the heading", path, 1)
    return paragraphs


def _check_paragraph_number(paragraphs, number: int, path, lineno: int) -> None:
    if paragraphs and paragraphs[0][0] is None:
        raise LawFormatError("numbered paragraph after unnumbered text", path, lineno)
    expected = paragraphs[-1][0] + 1 if paragraphs else 1
    if number != expected:
        raise LawFormatError(f"paragraph {number} where paragraph {expected} was expected", path, lineno)


def _draft_subparagraph(block: list[tuple[int, str]], path) -> _DraftSubparagraph:
    draft = _DraftSubparagraph()
    draft.blocks.append([line for _, line in block])
    for lineno, line in block:
        if _POINT_LINE.match(line):
            draft.points.append((lineno, line))
        elif draft.points:
            # Closing words after points do not occur in the shipped text;
            # refusing them keeps "text = prose + points" true.
            raise LawFormatError("text after the points of a subparagraph", path, lineno)
        else:
            draft.prose.append(line)
    return draft


def _build_points(entries, base: Citation, lead_in: str, shared: frozenset = frozenset()) -> tuple[Point, ...]:
    """Turn (depth, kind, label, line) entries, children after parents, into a tree.

    shared: top-level labels that other subparagraphs of the paragraph use too;
    their citations must keep naming the subparagraph (sub-points inherit this)."""
    points = []
    index = 0
    while index < len(entries):
        depth, kind, label, line = entries[index]
        end = index + 1
        while end < len(entries) and entries[end][0] > depth:
            end += 1
        citation = replace(base, points=base.points + (label,))
        if not base.points:
            citation = replace(citation, points_locate_subparagraph=label not in shared)
        children = _build_points(entries[index + 1:end], citation, f"{lead_in}\n{line}" if lead_in else line)
        points.append(Point(label, kind, line, children, citation, lead_in))
        index = end
    return tuple(points)


def _point_entries(draft: _DraftSubparagraph, path) -> list[tuple[int, str, str, str]]:
    labels = [cast(re.Match, _POINT_LINE.match(line)).group("label") for _, line in draft.points]
    try:
        depths = _point_depths(labels)
    except _LabelOrderError as error:
        raise LawFormatError(str(error), path, draft.points[error.index][0]) from None
    return [(depth, kind, label, line) for (depth, kind), label, (_, line) in zip(depths, labels, draft.points)]


def _build_paragraph(number, drafts, article: Citation, path) -> Paragraph:
    paragraph = replace(article, paragraph=number, unnumbered=number is None)
    several = len(drafts) > 1
    first_labels: Counter[str] = Counter()
    entries_per_draft = []
    for draft in drafts:
        entries = _point_entries(draft, path)
        entries_per_draft.append(entries)
        first_labels.update({label for depth, _, label, _ in entries if depth == 0})
    subparagraphs = []
    for index, (draft, entries) in enumerate(zip(drafts, entries_per_draft), start=1):
        base = replace(paragraph, subparagraph=index if several else None)
        prose = "\n".join(draft.prose)
        shared = frozenset(label for label, count in first_labels.items() if count > 1)
        points = _build_points(entries, base, prose, shared)
        text = "\n\n".join("\n".join(lines) for lines in draft.blocks)
        subparagraphs.append(Subparagraph(index, prose, points, text, base))
    return Paragraph(number, tuple(subparagraphs), paragraph)


def _read_article(directory: Path, entry: dict) -> Article:
    path = directory / entry["file"]
    if not path.resolve().is_relative_to(directory.resolve()):        # the index names no file elsewhere
        raise LawFormatError(f"the file '{entry['file']}' of article {entry['number']} is outside the law text folder",
                             directory / "index.json")
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise LawFormatError(f"cannot read the file: {error}", path) from None
    heading = _HEADING.fullmatch(lines[0].rstrip()) if lines else None
    if heading is None:
        raise LawFormatError("first line must be '# Article N — Title' or '# Annex I — Title'", path, 1)
    annex = heading.group("roman") is not None
    number = heading.group("roman") or heading.group("number")
    if number != entry["number"] or annex != (entry["part"] == "Annex"):
        raise LawFormatError(f"heading names {number}, index.json says {entry['number']}", path, 1)
    blocks = _blocks(lines[1:], 2)
    citation = Citation(number, annex)
    paragraphs = tuple(
        _build_paragraph(paragraph_number, drafts, citation, path)
        for paragraph_number, drafts in _group_paragraphs(blocks, path)
    )
    text = "\n\n".join("\n".join(line for _, line in block) for block in blocks)
    return Article(number, annex, heading.group("title"), entry["complete"], paragraphs, text, entry["file"], citation,
                   entry["part"])


_INDEX_KEYS = ("id", "number", "title", "part", "complete", "file")


def _read_index(directory: Path) -> list[dict]:
    path = directory / "index.json"
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise LawFormatError(f"cannot read the index: {error}", path) from None
    if not isinstance(entries, list) or not entries:
        raise LawFormatError("the index must be a non-empty JSON list", path)
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or any(key not in entry for key in _INDEX_KEYS):
            raise LawFormatError(f"entry {position} must have the keys {', '.join(_INDEX_KEYS)}", path)
        if not isinstance(entry["complete"], bool) or not isinstance(entry["number"], str):
            raise LawFormatError(f"entry {position}: 'complete' must be true/false and 'number' a string", path)
    return entries


# --------------------------------------------------------------------------
# The law
# --------------------------------------------------------------------------


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _describe_labels(labels: list[str]) -> str:
    """'points (a) and (b)', 'points (a) to (j)', 'only point (a)'."""
    labels = list(dict.fromkeys(labels))  # the same label may recur in several subparagraphs
    shown = [f"({label})" for label in labels]
    if len(shown) == 1:
        return f"only point {shown[0]}"
    in_sequence = _points_in_sequence(labels)
    if len(shown) > 2 and in_sequence:
        return f"points {shown[0]} to {shown[-1]}"
    return f"points {_and_list(shown)}"


def _points_in_sequence(labels: list[str]) -> bool:
    try:
        return all(depth == 0 for depth, _ in _point_depths(labels))
    except _LabelOrderError:
        return False


def _nearest(items, target_rank: int, rank, limit: int = 3) -> list:
    """Items closest to target_rank, ties in document order."""
    ordered = sorted(enumerate(items), key=lambda pair: (abs(rank(pair[1]) - target_rank), pair[0]))
    return [item for _, item in ordered[:limit]]


_QUOTE_MAP = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})


def _normalise(text: str) -> str:
    # Quotes in rule files are typed by hand: straight quotes, collapsed
    # whitespace and no Markdown italics must not count as differences.
    text = text.translate(_QUOTE_MAP).replace("*", "")
    return " ".join(text.split())


class Law:
    """The shipped text of the AMMR, with citation resolution and quote checks."""

    title = "Regulation (EU) 2024/1351"
    ELI = "http://data.europa.eu/eli/reg/2024/1351/oj"
    EUR_LEX = "https://eur-lex.europa.eu/eli/reg/2024/1351/oj"

    def __init__(self, articles: tuple[Article, ...]):
        self._articles = tuple(articles)
        self._by_key = {(a.number, a.annex): a for a in self._articles}
        self._provisions = tuple(p for a in self._articles for p in self._article_provisions(a))
        self._by_citation = {p.citation: p for p in self._provisions}

    @classmethod
    def load(cls, directory: Path | str) -> Law:
        """Read index.json and every file it lists."""
        directory = Path(directory)
        entries = _read_index(directory)
        articles = tuple(_read_article(directory, entry) for entry in entries)
        keys = [(a.number, a.annex) for a in articles]
        if len(set(keys)) != len(keys):
            raise LawFormatError("the index lists an article twice", directory / "index.json")
        return cls(articles)

    # -- lookup -------------------------------------------------------------

    def articles(self) -> tuple[Article, ...]:
        return self._articles

    def article(self, number: str, annex: bool = False) -> Article | None:
        key = str(number).strip()
        key = str(int(key)) if key.isdigit() else key.upper()
        return self._by_key.get((key, bool(annex)))

    def provisions(self) -> tuple[Provision, ...]:
        """Every article, paragraph, subparagraph (when a paragraph has several),
        point and sub-point, in document order."""
        return self._provisions

    # -- resolution ---------------------------------------------------------

    def resolve(self, ref: CitationRef | str) -> Provision:
        """The provision a citation names.

        Raises CitationSyntaxError for a string that does not parse and
        UnresolvedCitation when the citation names nothing in the text.
        """
        if not isinstance(ref, CitationRef):
            ref = parse_citation(ref)
        article = self._find_article(ref)
        if ref.as_paragraph and article.numbered:
            place = (ref.subparagraph or 1) - 1
            raise UnresolvedCitation(
                f"{article.name} has numbered paragraphs: cite one by its number"
                + (" (a subdivision of a numbered paragraph is a subparagraph)" if ref.groups else ""),
                tuple(p.citation.short() for p in article.paragraphs[place:place + 1] if not ref.groups))
        if article.numbered and not ref.groups and not ref.points and ref.subparagraph is None and ref.sentence is None:
            return self._by_citation[article.citation]
        paragraph, labels = self._split_groups(article, ref)
        subparagraph = self._stated_subparagraph(paragraph, ref.subparagraph)
        if labels:
            if subparagraph is None:
                subparagraph = self._subparagraph_holding(article, paragraph, labels[0])
            point = self._descend(article, subparagraph, labels)
            if ref.sentence is None:
                return self._by_citation[point.citation]
            return self._sentence(article, point.citation, point.sentences, ref.sentence, point.lead_in)
        if ref.sentence is None:
            # A lone subparagraph shares its paragraph's citation, so this also
            # turns "Art 57(4), first subparagraph" into "Art. 57(4)".
            return self._by_citation[(subparagraph or paragraph).citation]
        if subparagraph is None:
            subparagraph = self._only_subparagraph(paragraph, ref.sentence)
        return self._sentence(article, subparagraph.citation, subparagraph.sentences, ref.sentence, "")

    def _find_article(self, ref: CitationRef) -> Article:
        article = self.article(ref.article, ref.annex)
        if article is not None:
            return article
        if ref.annex:
            annexes = [a for a in self._articles if a.annex]
            names = ", ".join(a.name for a in annexes) or "none"
            raise UnresolvedCitation(
                f"Annex {ref.article} is not in the shipped text; the shipped annexes are: {names}",
                tuple(a.citation.short() for a in annexes[:3]),
            )
        shipped = [a for a in self._articles if not a.annex]
        target = int(ref.article) if str(ref.article).isdigit() else 0
        nearest = _nearest(shipped, target, lambda a: int(a.number))
        raise UnresolvedCitation(
            f"Article {ref.article} is not in the shipped text of {self.title}; "
            f"the nearest shipped articles are {_and_list([a.number for a in nearest])}",
            tuple(a.citation.short() for a in nearest),
        )

    def _split_groups(self, article: Article, ref: CitationRef) -> tuple[Paragraph, tuple[str, ...]]:
        """The paragraph the citation names, and the point labels below it."""
        if not article.numbered:
            # Without numbered paragraphs "Art 66(a)" and "Art 2(19)" are points.
            return article.paragraphs[0], ref.groups + ref.points
        if not ref.groups or not ref.groups[0].isdigit():
            problem = (f"({ref.groups[0]}) cannot come straight after the article number"
                       if ref.groups else "name the paragraph")
            raise UnresolvedCitation(
                f"{article.name} is divided into numbered paragraphs; {problem}",
                self._with_each_paragraph(article, ref),
            )
        number = int(ref.groups[0])
        paragraph = article.paragraph(number)
        if paragraph is None:
            numbers = [p.number for p in article.paragraphs]
            has = f"paragraphs 1 to {numbers[-1]}" if len(numbers) > 1 else "only paragraph 1"
            nearest = _nearest(article.paragraphs, number, lambda p: p.number)
            raise UnresolvedCitation(
                f"{article.name} has no paragraph {number}; it has {has}",
                tuple(p.citation.short() for p in nearest),
            )
        return paragraph, ref.groups[1:] + ref.points

    def _with_each_paragraph(self, article: Article, ref: CitationRef) -> tuple[str, ...]:
        """Suggestions for a citation that forgot its paragraph: the same
        citation under each paragraph, where that resolves."""
        found = []
        for paragraph in article.paragraphs:
            candidate = replace(ref, groups=(str(paragraph.number), *ref.groups))
            try:
                found.append(self.resolve(candidate).citation.short())
            except UnresolvedCitation:
                continue
            if len(found) == 3:
                break
        return tuple(found)

    def _stated_subparagraph(self, paragraph: Paragraph, number: int | None) -> Subparagraph | None:
        subs = paragraph.subparagraphs
        if number is None or 1 <= number <= len(subs):
            return subs[number - 1] if number else None
        nearest = _nearest(subs, number, lambda sub: sub.number)
        part = paragraph.citation.part
        raise UnresolvedCitation(
            f"{paragraph.citation.full()} has no {_ordinal(number)} {part}; "
            f"it has {_cardinal(len(subs))} {part}{'s' if len(subs) > 1 else ''}",
            tuple(sub.citation.short() for sub in nearest),
        )

    def _subparagraph_holding(self, article: Article, paragraph: Paragraph, label: str) -> Subparagraph:
        holders = [sub for sub in paragraph.subparagraphs if any(p.label == label for p in sub.points)]
        if len(holders) == 1:
            return holders[0]
        where = paragraph.citation.full()
        if holders:
            which = " and ".join(_ordinal(sub.number) for sub in holders)
            part = paragraph.citation.part
            raise UnresolvedCitation(
                f"{where} has a point ({label}) in its {which} {part}s; say which {part}",
                tuple(next(p for p in sub.points if p.label == label).citation.short() for sub in holders[:3]),
            )
        siblings = [point for sub in paragraph.subparagraphs for point in sub.points]
        raise self._missing_point(article, where, label, siblings, paragraph.number or 0)

    def _descend(self, article: Article, subparagraph: Subparagraph, labels: tuple[str, ...]) -> Point:
        children, parent = subparagraph.points, subparagraph.citation
        point: Point | None = None
        for label in labels:
            point = next((child for child in children if child.label == label), None)
            if point is None:
                raise self._missing_point(article, parent.full(), label, list(children), parent.paragraph or 0)
            children, parent = point.children, point.citation
        assert point is not None, "a point citation names at least one label"
        return point

    def _missing_point(self, article: Article, where: str, label: str, siblings: list[Point], near: int):
        if siblings:
            target = _label_rank(label, siblings[0].kind)
            nearest = _nearest(siblings, target, lambda p: _label_rank(p.label, p.kind))
            return UnresolvedCitation(
                f"{where} has no point ({label}); it has {_describe_labels([p.label for p in siblings])}",
                tuple(p.citation.short() for p in nearest),
            )
        # No points at all here: the author probably has the wrong paragraph,
        # so offer the same label where it exists in this article.
        elsewhere = [
            point for paragraph in article.paragraphs for sub in paragraph.subparagraphs
            for point in sub.points if point.label == label
        ]
        nearest = _nearest(elsewhere, near, lambda point: point.citation.paragraph or 0)
        return UnresolvedCitation(f"{where} has no points", tuple(p.citation.short() for p in nearest))

    def _only_subparagraph(self, paragraph: Paragraph, sentence: int) -> Subparagraph:
        subs = paragraph.subparagraphs
        if len(subs) == 1:
            return subs[0]
        holders = [sub for sub in subs if len(sub.sentences) >= sentence]
        raise UnresolvedCitation(
            f"{paragraph.citation.full()} has {_cardinal(len(subs))} {paragraph.citation.part}s; "
            f"say which one holds the {_ordinal(sentence)} sentence",
            tuple(replace(sub.citation, sentence=sentence).short() for sub in holders[:3]),
        )

    def _sentence(self, article: Article, citation: Citation, sentences, number: int, lead_in: str) -> Provision:
        if 1 <= number <= len(sentences):
            cited = replace(citation, sentence=number)
            return Provision(cited, article.title, sentences[number - 1], lead_in, article.complete)
        count = len(sentences)
        nearest = _nearest(list(range(1, count + 1)), number, lambda n: n)
        raise UnresolvedCitation(
            f"{citation.full()} has no {_ordinal(number)} sentence; "
            f"it has {_cardinal(count)} sentence{'' if count == 1 else 's'}",
            tuple(replace(citation, sentence=n).short() for n in nearest),
        )

    # -- provisions ---------------------------------------------------------

    def _article_provisions(self, article: Article):
        def provision(citation: Citation, text: str, lead_in: str = "") -> Provision:
            return Provision(citation, article.title, text, lead_in, article.complete)

        yield provision(article.citation, article.text)
        for paragraph in article.paragraphs:
            if paragraph.number is not None:
                yield provision(paragraph.citation, paragraph.text)
            several = len(paragraph.subparagraphs) > 1
            for sub in paragraph.subparagraphs:
                if several:
                    yield provision(sub.citation, sub.text)
                for top in sub.points:
                    for point in top.walk():
                        yield provision(point.citation, point.text, point.lead_in)

    # -- quotes -------------------------------------------------------------

    def find_quote(self, provision: Provision, quote: str) -> bool:
        """True when quote appears verbatim in the provision text or its lead-in,
        ignoring whitespace runs, typographic quotes and Markdown italics."""
        if not isinstance(quote, str) or not quote.strip():
            return False
        wanted = _normalise(quote)
        return wanted in _normalise(provision.text) or wanted in _normalise(provision.lead_in)

    def closest_passage(self, provision: Provision, quote: str) -> str:
        """The passage of the provision most like quote, for an error message."""
        if not isinstance(quote, str) or not quote.strip():
            return ""
        wanted = _normalise(quote)
        best, best_score = "", -1.0
        for source in (provision.text, provision.lead_in):
            passage, score = _best_window(_normalise(source).split(" "), wanted)
            if score > best_score:
                best, best_score = passage, score
        return best


def _token_key(word: str) -> str:
    return re.sub(r"[^\w]", "", word.lower())


def _best_window(words: list[str], wanted: str) -> tuple[str, float]:
    """Most similar run of words: rank every window by shared words, then
    refine the best few with difflib over words (over characters, or over
    every window, it is too slow for long quotes)."""
    words = [w for w in words if w]
    if not words:
        return "", -1.0
    wanted_words = wanted.split(" ")
    size = min(len(wanted_words), len(words))
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2([_token_key(w) for w in wanted_words])
    best, best_score = "", -1.0
    for start in _likely_starts(words, wanted_words, size):
        for first in range(max(0, start - 2), min(len(words), start + 3)):
            for length in range(max(1, size - 2), size + 3):
                window = words[first:first + length]
                matcher.set_seq1([_token_key(w) for w in window])
                score = matcher.ratio()
                if score > best_score:
                    best, best_score = " ".join(window), score
    return best, best_score


def _likely_starts(words: list[str], wanted_words: list[str], size: int) -> list[int]:
    """Starts of the few windows of `size` words sharing most words with the quote."""
    wanted_keys = Counter(_token_key(w) for w in wanted_words)
    window = Counter(_token_key(w) for w in words[:size])
    overlaps = []
    for start in range(len(words) - size + 1):
        if start:
            window[_token_key(words[start - 1])] -= 1
            window[_token_key(words[start + size - 1])] += 1
        overlaps.append((sum((window & wanted_keys).values()), -start))
    return [-negative for _, negative in sorted(overlaps, reverse=True)[:3]]
