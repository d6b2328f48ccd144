"""A Pygments lexer for the AMMR rules language, for the docs and any Pygments-based tool.

Registered through the `pygments.lexers` entry point under the name `ammr`, so that a
Markdown code fence marked ```ammr is highlighted by MkDocs. It follows the token
vocabulary of grammar.lark; it highlights, it does not validate.
"""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Literal, Name, Number, Operator, Punctuation, String, Text, Whitespace

_ORDINAL = r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth)"
CITATION = (r"(?:Art(?:icle)?\.?[ \t]*\d+(?:\([0-9]+\)|\([a-z]+\))*|Annex[ \t]+[IVX]+)"
            rf"(?:,?[ \t]+{_ORDINAL}[ \t]+(?:sub)?paragraph)?"
            r"(?:,?[ \t]+point[ \t]*\((?:[a-z]+|[0-9]+)\)(?:\([a-z]+\))*)?"
            rf"(?:,?[ \t]+{_ORDINAL}[ \t]+sentence)?")

# `act`, `calendar`, `report` and `figure` are declarations only where they declare (below): elsewhere they
# are names (`using report: AnnualReport`, `report.year`, `for act: CouncilImplementingAct`).
_DECLARATIONS = ("authority", "constant", "parameter", "dataset", "document", "record", "definition",
                 "requirement", "exception", "coverage", "reading")
_CLAUSES = ("interpretation", "source", "file", "scale", "eli", "url", "using", "when", "unless",
            "requires", "notwithstanding", "priority", "then", "default", "participates", "from",
            "compliant", "applicable", "checkable", "alternative", "uses", "with", "encoded")
_OPERATORS = ("and", "or", "not", "in", "if", "else", "is", "at", "least", "most", "more", "less", "than",
              "on", "before", "after", "given", "of", "where", "each", "for", "by", "per")
_TYPES = ("persons", "person", "EUR", "days", "day", "weeks", "week", "months", "month", "share", "number",
          "date", "year", "text", "list", "million", "billion", "thousand")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
# The aggregates of grammar.lark and the functions of language/library.py (tests/test_editors.py checks both).
_BUILTINS = ("sum", "count", "minimum", "maximum", "all", "any", "min", "max", "abs", "floor", "ceiling",
             "year", "period_end", "time_limit", "union_time_limit", "date_before")


class AmmrLexer(RegexLexer):
    name = "AMMR rules"
    aliases = ["ammr", "ammr-rules"]
    filenames = ["*.rules"]
    mimetypes = ["text/x-ammr-rules"]
    url = "https://eur-lex.europa.eu/eli/reg/2024/1351/oj"

    tokens = {
        "root": [
            (r"[ \t\r\n]+", Whitespace),
            (r"#.*?$", Comment.Single),
            (r'"(?:[^"\\\n]|\\.)*"', String.Double),
            (r"\b(cites)(\s+)", bygroups(Keyword, Whitespace), "citations"),
            (rf"\b(coverage)([ \t]+)({CITATION})", bygroups(Keyword.Declaration, Whitespace, Name.Label)),
            (r"\b(member\s+state)(\s+)([A-Z]{2})\b", bygroups(Keyword.Declaration, Whitespace, Name.Constant)),
            (r"\b(participating\s+member\s+states|member\s+state|by\s+member\s+state)\b", Keyword.Type),
            (r"\b(needs\s+assessment\s+by)(\s+)([A-Za-z_]\w*)", bygroups(Keyword, Whitespace, Name.Entity)),
            (r"\b(law\s+text|not\s+applicable|not\s+checkable|does\s+not\s+participate)\b", Keyword),
            (r"\b(requirement|exception|definition|constant|parameter|dataset|reading)(\s+)([A-Za-z_]\w*)",
             bygroups(Keyword.Declaration, Whitespace, Name.Function)),
            (r"^(calendar|report)([ \t]+)([A-Za-z_]\w*)", bygroups(Keyword.Declaration, Whitespace, Name.Function)),
            (r"\b(figure)([ \t]+)([A-Za-z_]\w*)(?=[ \t]*=)", bygroups(Keyword.Declaration, Whitespace, Name.Function)),
            (r"\b(document|record|authority)(\s+)([A-Za-z_]\w*)",
             bygroups(Keyword.Declaration, Whitespace, Name.Class)),
            (r"\bact\b(?=[ \t]*\")", Keyword.Declaration),
            # a field after a dot, or a name declared or bound before a colon, is a name whatever its spelling
            (r"(\.)([A-Za-z_]\w*)", bygroups(Punctuation, Name)),
            (r"[A-Za-z_]\w*(?=[ \t]*:)", Name),
            (words(_DECLARATIONS, suffix=r"\b"), Keyword.Declaration),
            (r"\byes/no\b", Keyword.Type),
            (words(("yes", "no", "none"), prefix=r"\b", suffix=r"\b"), Keyword.Constant),
            (words(_CLAUSES, prefix=r"\b", suffix=r"\b"), Keyword),
            (words(_BUILTINS, prefix=r"\b", suffix=r"(?=\s*\()"), Name.Builtin),
            (words(_OPERATORS, prefix=r"\b", suffix=r"\b"), Operator.Word),
            (words(_TYPES, prefix=r"\b", suffix=r"\b"), Keyword.Type),
            (words(_MONTHS, prefix=r"\b", suffix=r"\b"), Literal.Date),
            (r"\d{4}-\d{2}-\d{2}", Literal.Date),
            (r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:\.\d+)?(?!\d)|\d+(?:\.\d+)?", Number),
            (r"%", Number),
            (r">=|<=|!=|[<>=+\-*/]", Operator),
            (r"[()\[\],.:]", Punctuation),
            (r"[A-Z][A-Za-z0-9]*", Name.Class),
            (r"[A-Za-z_]\w*", Name),
            (r".", Text),
        ],
        "citations": [
            (CITATION, Name.Label),
            (r"(\s+)(and)(\s+)", bygroups(Whitespace, Operator.Word, Whitespace)),
            (r"", Text, "#pop"),
        ],
    }
