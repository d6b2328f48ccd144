"""Tests for interpreter.law against the law text shipped in rules/law/."""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interpreter.language.law import (
    CITATION_PATTERN,
    ORDINALS,
    Citation,
    CitationRef,
    CitationSyntaxError,
    Law,
    LawFormatError,
    UnresolvedCitation,
    parse_citation,
    split_sentences,
)

LAW_DIR = Path(__file__).resolve().parent.parent / "rules" / "law"

# The CITATION token of the rule grammar: the grammar decides what reaches
# parse_citation, so both must agree on the pattern.
GRAMMAR = Path(__file__).resolve().parent.parent / "interpreter" / "language" / "grammar.lark"
GRAMMAR_CITATION = re.search(r"^CITATION: /(.*)/$", GRAMMAR.read_text(encoding="utf-8"), re.M).group(1)


@pytest.fixture(scope="module")
def law() -> Law:
    return Law.load(LAW_DIR)


def labels(points) -> list[str]:
    return [point.label for point in points]


# --------------------------------------------------------------------------
# Citation syntax
# --------------------------------------------------------------------------


def test_citation_pattern_is_the_grammar_token():
    assert CITATION_PATTERN == GRAMMAR_CITATION
    assert ORDINALS[0] == "first" and ORDINALS[-1] == "tenth" and len(ORDINALS) == 10


@pytest.mark.parametrize(
    "text, article, annex, groups, subparagraph, points, sentence, as_paragraph",
    [
        ("Art 12(2)(a)", "12", False, ("2", "a"), None, (), None, False),
        ("Art. 12(3), second subparagraph", "12", False, ("3",), 2, (), None, False),
        ("Article 12(2), first subparagraph, point (a)", "12", False, ("2",), 1, ("a",), None, False),
        ("Art 56(2)(a)(ii)", "56", False, ("2", "a", "ii"), None, (), None, False),
        ("Art 66(a)", "66", False, ("a",), None, (), None, False),
        ("Art 66 point (a)", "66", False, (), None, ("a",), None, False),
        ("Art 2(19)", "2", False, ("19",), None, (), None, False),
        ("Art 2 point (8)(a)", "2", False, (), None, ("8", "a"), None, False),
        ("Art 85 second subparagraph", "85", False, (), 2, (), None, False),
        ("Art 85, second paragraph", "85", False, (), 2, (), None, True),
        ("Art 57(4) second sentence", "57", False, ("4",), None, (), 2, False),
        ("Art 63(3) point (b)", "63", False, ("3",), None, ("b",), None, False),
        ("Annex I", "I", True, (), None, (), None, False),
        ("Art.012", "12", False, (), None, (), None, False),
        ("  Art 12(3), first subparagraph, second sentence ", "12", False, ("3",), 1, (), 2, False),
    ],
)
def test_parse_examples(text, article, annex, groups, subparagraph, points, sentence, as_paragraph):
    ref = parse_citation(text)
    assert ref == CitationRef(text, article, annex, groups, subparagraph, points, sentence, as_paragraph)


def _generated_citations():
    """A systematic sample of what the grammar token accepts, odd spacing included."""
    heads = ["Art 12", "Art.12", "Article\t7", "Art. 2(19)", "Art 56(2)(a)(ii)", "Art 1(a)(2)", "Annex I", "Annex  XIV"]
    separators = [" ", ", ", ",\t", "  "]
    subparagraphs = [""] + [f"{sep}{word} subparagraph" for sep, word in zip(separators, ("first", "tenth", "third", "second"))]
    subparagraphs += [f"{sep}{word} paragraph" for sep, word in zip(separators, ("second", "fourth"))]
    points = ["", " point (a)", ", point(8)(a)(ii)", "  point  (12)", ",\tpoint (xvii)"]
    sentences = [""] + [f"{sep}{word} sentence" for sep, word in zip(separators, ("second", "ninth", "first", "fourth"))]
    for parts in itertools.product(heads, subparagraphs, points, sentences):
        yield "".join(parts)


def test_every_generated_grammar_match_parses():
    count = 0
    for text in _generated_citations():
        assert re.fullmatch(CITATION_PATTERN, text), text
        ref = parse_citation(text)
        assert ref.text == text
        count += 1
    assert count == 8 * 7 * 5 * 5


@settings(max_examples=200, deadline=None)
@given(st.from_regex(CITATION_PATTERN, fullmatch=True))
@pytest.mark.slow
def test_every_random_grammar_match_parses(text):
    ref = parse_citation(text)
    # What was parsed must say the same thing as the text: nothing skipped.
    assert ref.annex == text.startswith("Annex")
    assert len(re.findall(r"\(", text)) == len(ref.groups) + len(ref.points)
    assert (ref.subparagraph is not None) == ("paragraph" in text)
    assert ref.as_paragraph == ("paragraph" in text and "subparagraph" not in text)
    assert (ref.sentence is not None) == ("sentence" in text)


@pytest.mark.parametrize(
    "text, offset, message_part, hint_part",
    [
        ("", 0, "empty", "Art 12(2)(a)"),
        ("art 12", 0, "capitalisation", "'Art'"),
        ("Art twelve", 4, "article number", "digits"),
        ("Articles 61 and 62", 0, "one article", "separately"),
        ("Art 12(2", 6, "bracket", ")"),
        ("Art 12(A)", 6, "lower case", "(a)"),
        ("Art 12 (2)", 6, "space before a bracket", "Art 12(2)(a)"),
        ("Art 12, paragraph 2", 8, "by number", "Art 12(3)"),
        ("Art 12(2), points (a) and (b)", 11, "one point", "separately"),
        ("Art 57(4) second sentence, point (a)", 27, "order", "subparagraph, point, sentence"),
        ("Art 12(3), eleventh subparagraph", 11, "ordinal", "tenth"),
        ("Annex I(1)", 7, "annex", "Annex I"),
        ("Art 12(2)(a) and (b)", 13, "unexpected text", "Art 12(2)(a)"),
    ],
)
def test_parse_errors_point_at_the_mistake(text, offset, message_part, hint_part):
    with pytest.raises(CitationSyntaxError) as caught:
        parse_citation(text)
    error = caught.value
    assert error.offset == offset
    assert message_part in error.message
    assert hint_part in error.hint
    assert isinstance(error, ValueError)


def test_parse_rejects_non_text_without_traceback():
    with pytest.raises(CitationSyntaxError):
        parse_citation(12)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# The tree
# --------------------------------------------------------------------------


def test_articles_follow_the_index(law):
    index = json.loads((LAW_DIR / "index.json").read_text(encoding="utf-8"))
    assert [(a.number, a.annex) for a in law.articles()] == [(e["number"], e["part"] == "Annex") for e in index]
    assert [a.title for a in law.articles()] == [e["title"] for e in index]
    assert law.article("12").title == "Commission proposal for a Council implementing act establishing the Annual Solidarity Pool"
    assert law.article("012") is law.article("12")
    assert law.article("I", annex=True).annex
    assert law.article("I") is None
    assert law.article("16") is None


def test_article_12_structure(law):
    article = law.article("12")
    assert article.numbered
    assert [p.number for p in article.paragraphs] == [1, 2, 3, 4, 5, 6]
    paragraph = article.paragraph(2)
    assert len(paragraph.subparagraphs) == 2
    assert labels(paragraph.subparagraphs[0].points) == ["a", "b"]
    assert paragraph.subparagraphs[1].points == ()
    assert paragraph.subparagraphs[1].prose.startswith("The Commission proposal referred to in paragraph 1 of this Article shall also")


def test_article_6_3_point_i_is_the_letter_after_h(law):
    points = law.article("6").paragraph(3).subparagraphs[0].points
    assert labels(points) == list("abcdefghij")
    assert all(point.children == () for point in points)
    assert points[8].kind == "letter"


def test_article_9_3_a_has_roman_sub_points(law):
    points = law.article("9").paragraph(3).subparagraphs[0].points
    assert labels(points) == list("abcdef")
    romans = labels(points[0].children)
    assert romans == ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x",
                      "xi", "xii", "xiii", "xiv", "xv", "xvi", "xvii"]
    assert {child.kind for child in points[0].children} == {"roman"}


def test_article_56_2_a_has_two_sub_points(law):
    points = law.article("56").paragraph(2).subparagraphs[0].points
    assert labels(points) == ["a", "b", "c"]
    assert labels(points[0].children) == ["i", "ii"]


def test_article_2_has_28_definitions_with_letter_sub_points(law):
    article = law.article("2")
    assert not article.numbered
    (paragraph,) = article.paragraphs
    (sub,) = paragraph.subparagraphs
    assert labels(sub.points) == [str(n) for n in range(1, 29)]
    with_children = {p.label: labels(p.children) for p in sub.points if p.children}
    assert with_children == {"8": list("abcd"), "14": list("abc"), "17": list("abc")}


def test_point_blocks_after_a_blank_line_belong_to_the_subparagraph(law):
    for number, expected in (("1", ["a", "b", "c"]), ("66", ["a", "b"]), ("75", ["a", "b", "c", "d"])):
        (sub,) = law.article(number).paragraphs[0].subparagraphs
        assert labels(sub.points) == expected, number


def test_articles_without_numbered_paragraphs(law):
    assert law.article("85").paragraphs[0].number is None
    assert len(law.article("85").paragraphs[0].subparagraphs) == 4
    assert len(law.article("79").paragraphs[0].subparagraphs) == 3
    assert len(law.article("84").paragraph(3).subparagraphs) == 6


def test_sentences(law):
    def sentences(article, paragraph, sub=0):
        return law.article(article).paragraph(paragraph).subparagraphs[sub].sentences

    assert len(sentences("57", 1)) == 3
    assert len(sentences("57", 4)) == 4
    assert len(sentences("12", 6)) == 4
    # "No 1560/2003." ends the sentence; it must not be split or glued on.
    assert len(sentences("63", 6)) == 1
    assert sentences("63", 6)[0].endswith("Regulation (EC) No 1560/2003.")
    assert sentences("12", 6)[3] == (
        "It shall be classified ‘RESTREINT UE/EU RESTRICTED’ and shall be handled as such in "
        "accordance with Council Decision 2013/488/EU."
    )


def test_split_sentences_keeps_abbreviations_together():
    assert split_sentences("See OJ L No. 5 of 2024. It applies.") == ("See OJ L No. 5 of 2024.", "It applies.")
    assert split_sentences("First one. ‘Quoted’ second.") == ("First one.", "‘Quoted’ second.")
    assert split_sentences("Article 12(2). lower case goes on.") == ("Article 12(2). lower case goes on.",)


def test_annex_keeps_the_gap_marker_and_is_incomplete(law):
    annex = law.article("I", annex=True)
    assert annex.complete is False
    assert "[TEXT NOT RECOVERED:" in annex.text
    assert all(a.complete for a in law.articles() if not a.annex)
    provision = law.resolve("Annex I")
    assert provision.complete is False
    assert "ShareMS = 50 % Population effectMS + 50 % GDP effectMS" in provision.text
    assert all(not p.complete for p in law.provisions() if p.citation.annex)


# --------------------------------------------------------------------------
# Resolution
# --------------------------------------------------------------------------


def test_resolve_point_in_first_subparagraph(law):
    provision = law.resolve("Art 12(2)(a)")
    assert provision.text == "(a) 30 000 for relocations;"
    assert provision.lead_in.startswith("The Commission proposal referred to in paragraph 1 shall identify")
    assert provision.lead_in.endswith("which shall be at least:")
    assert provision.article_title.startswith("Commission proposal for a Council implementing act")
    assert provision.complete
    citation = provision.citation
    assert citation == Citation("12", False, 2, 1, ("a",), None)
    assert citation.short() == "Art. 12(2)(a)"
    assert citation.full() == "Article 12(2), first subparagraph, point (a)"
    assert citation.anchor() == "art-12-2-s1-a"
    assert law.resolve("Article 12(2), first subparagraph, point (a)").citation == citation


@pytest.mark.parametrize(
    "text, short, full, anchor",
    [
        ("Art 12", "Art. 12", "Article 12", "art-12"),
        ("Art 12(2)", "Art. 12(2)", "Article 12(2)", "art-12-2"),
        ("Art. 12(3), second subparagraph", "Art. 12(3), second subparagraph", "Article 12(3), second subparagraph", "art-12-3-s2"),
        ("Art 63(3) point (b)", "Art. 63(3)(b)", "Article 63(3), point (b)", "art-63-3-b"),
        ("Art 56(2)(a)(ii)", "Art. 56(2)(a)(ii)", "Article 56(2), first subparagraph, point (a)(ii)", "art-56-2-s1-a-ii"),
        ("Art 66(a)", "Art. 66, point (a)", "Article 66, point (a)", "art-66-a"),
        ("Art 66 point (a)", "Art. 66, point (a)", "Article 66, point (a)", "art-66-a"),
        ("Art 2(19)", "Art. 2, point (19)", "Article 2, point (19)", "art-2-19"),
        ("Art 2 point (8)(a)", "Art. 2, point (8)(a)", "Article 2, point (8)(a)", "art-2-8-a"),
        # an article without numbered paragraphs has paragraphs; the older "subparagraph" still resolves
        ("Art 85, second paragraph", "Art. 85, second paragraph", "Article 85, second paragraph", "art-85-s2"),
        ("Art 85 second subparagraph", "Art. 85, second paragraph", "Article 85, second paragraph", "art-85-s2"),
        ("Art 57(4) second sentence", "Art. 57(4), second sentence", "Article 57(4), second sentence", "art-57-4-sent2"),
        ("Annex I", "Annex I", "Annex I", "annex-1"),
        # A lone subparagraph is the paragraph itself.
        ("Art 57(4), first subparagraph", "Art. 57(4)", "Article 57(4)", "art-57-4"),
        # Points of a second subparagraph keep the subparagraph even in short form.
        ("Art 7(1)(c)", "Art. 7(1), second subparagraph, point (c)", "Article 7(1), second subparagraph, point (c)", "art-7-1-s2-c"),
        ("Art 9(3)(a)(xvii)", "Art. 9(3)(a)(xvii)", "Article 9(3), point (a)(xvii)", "art-9-3-a-xvii"),
        ("Art 6(3)(i)", "Art. 6(3)(i)", "Article 6(3), point (i)", "art-6-3-i"),
    ],
)
def test_resolve_forms(law, text, short, full, anchor):
    citation = law.resolve(text).citation
    assert (citation.short(), citation.full(), citation.anchor()) == (short, full, anchor)
    assert str(citation) == short


def test_resolved_texts(law):
    assert law.resolve("Art 66(a)").text == "(a) the size of the population (50 % weighting);"
    assert law.resolve("Art 6(3)(i)").text == "(i) supporting effective and human rights-based migration policies in third countries;"
    assert law.resolve("Art 56(2)(a)(ii)").text.startswith("(ii) where bilaterally agreed by the contributing and benefitting")
    assert law.resolve("Art 57(4) second sentence").text == (
        "Member States pledging alternative solidarity measures shall indicate the financial value of such "
        "measures, based on objective criteria."
    )
    assert law.resolve("Art 85 second subparagraph").text == "It shall apply from 1 July 2026."


def test_paragraph_text_drops_its_number_and_keeps_its_subparagraphs(law):
    text = law.resolve("Art 12(2)").text
    assert text.startswith("The Commission proposal referred to in paragraph 1 shall identify")
    assert "\n(a) 30 000 for relocations;\n(b) EUR 600 million for financial contributions.\n\nThe Commission" in text
    assert law.resolve("Art 12(2)").lead_in == ""


def test_point_with_sub_points_includes_them(law):
    point = law.resolve("Art 56(2)(a)")
    assert point.text.split("\n")[0] == "(a) relocation, in accordance with Articles 67 and 68:"
    assert point.text.split("\n")[1] == "(i) of applicants for international protection;"
    assert len(point.text.split("\n")) == 3


def test_sub_point_lead_in_carries_the_enclosing_point(law):
    provision = law.resolve("Art 2 point (8)(a)")
    assert provision.text.startswith("(a) the spouse of the applicant")
    lead_in = provision.lead_in.split("\n")
    assert lead_in[0] == "For the purposes of this Regulation, the following definitions apply:"
    assert lead_in[1].startswith("(8) ‘family member’ means")
    assert len(lead_in) == 2


def test_equivalent_citations_resolve_to_one_provision(law):
    assert law.resolve("Art 66(a)") == law.resolve("Art 66 point (a)") == law.resolve("Article 66, first subparagraph, point (a)")
    assert law.resolve("Art 2(8)(a)") == law.resolve("Art 2(8) point (a)") == law.resolve("Art 2 point (8)(a)")
    assert law.resolve(parse_citation("Art 12(2)(a)")) == law.resolve("Art 12(2)(a)")


@pytest.mark.parametrize(
    "text, message_parts, first_suggestions",
    [
        ("Art 57(5)", ["Article 57 has no paragraph 5", "paragraphs 1 to 4"], ["Art. 57(4)"]),
        ("Art 63(10)", ["Article 63 has no paragraph 10", "1 to 9"], ["Art. 63(9)"]),
        ("Art 12(2)(c)", ["Article 12(2) has no point (c)", "points (a) and (b)"], ["Art. 12(2)(b)", "Art. 12(2)(a)"]),
        ("Art 16", ["Article 16 is not in the shipped text", "15, 14 and 13"], ["Art. 15", "Art. 14", "Art. 13"]),
        ("Annex II", ["Annex II is not in the shipped text"], ["Annex I"]),
        ("Art 12(3) third subparagraph", ["no third subparagraph", "two subparagraphs"], ["Art. 12(3), second subparagraph"]),
        ("Art 57(4), fifth sentence", ["no fifth sentence", "four sentences"], ["Art. 57(4), fourth sentence"]),
        ("Art 12(3), second sentence", ["two subparagraphs", "say which"], ["Art. 12(3), first subparagraph, second sentence"]),
        ("Art 12(3)(a)", ["Article 12(3) has no points"], ["Art. 12(2)(a)"]),
        ("Art 12(a)", ["numbered paragraphs"], ["Art. 12(2)(a)"]),
        ("Art 12 point (b)", ["numbered paragraphs"], ["Art. 12(2)(b)"]),
        ("Art 2(29)", ["Article 2 has no point (29)", "points (1) to (28)"], ["Art. 2, point (28)"]),
        ("Art 2(8)(e)", ["Article 2, point (8) has no point (e)", "(a) to (d)"], ["Art. 2, point (8)(d)"]),
        ("Art 6(3)(k)", ["(a) to (j)"], ["Art. 6(3)(j)", "Art. 6(3)(i)", "Art. 6(3)(h)"]),
        ("Art 9(3)(a)(xviii)", ["(i) to (xvii)"], ["Art. 9(3)(a)(xvii)"]),
        ("Art 85, fifth paragraph", ["Article 85 has no fifth paragraph", "four paragraphs"], ["Art. 85, fourth paragraph"]),
        ("Art 12, second paragraph", ["Article 12 has numbered paragraphs"], ["Art. 12(2)"]),
        ("Art 66(a)(i)", ["Article 66, point (a) has no points"], []),
    ],
)
def test_unresolved_citations_say_what_exists(law, text, message_parts, first_suggestions):
    with pytest.raises(UnresolvedCitation) as caught:
        law.resolve(text)
    error = caught.value
    for part in message_parts:
        assert part in error.message
    assert list(error.suggestions[:len(first_suggestions)]) == first_suggestions
    assert len(error.suggestions) <= 3
    assert isinstance(error, LookupError)
    # Suggestions are only useful if they work.
    for suggestion in error.suggestions:
        law.resolve(suggestion)


def test_resolve_reports_syntax_errors_for_strings(law):
    with pytest.raises(CitationSyntaxError):
        law.resolve("Article twelve")
    with pytest.raises(CitationSyntaxError):
        law.resolve(None)  # type: ignore[arg-type]


def test_hand_made_refs_with_odd_values_do_not_crash(law):
    for ref in (
        CitationRef("x", "12", False, ("2",), 0, (), None),
        CitationRef("x", "57", False, ("4",), None, (), -1),
        CitationRef("x", "12", False, ("2", ""), None, (), None),
        CitationRef("x", "I", True, ("1",), None, (), None),
        CitationRef("x", "abc", False),
        CitationRef("x", "12", False, (), 0, (), None),
    ):
        with pytest.raises(UnresolvedCitation):
            law.resolve(ref)


# --------------------------------------------------------------------------
# Provisions as a whole
# --------------------------------------------------------------------------


def test_provisions_of_article_12_in_document_order(law):
    shorts = [p.citation.short() for p in law.provisions() if p.citation.article == "12" and not p.citation.annex]
    assert shorts == [
        "Art. 12", "Art. 12(1)",
        "Art. 12(2)", "Art. 12(2), first subparagraph", "Art. 12(2)(a)", "Art. 12(2)(b)", "Art. 12(2), second subparagraph",
        "Art. 12(3)", "Art. 12(3), first subparagraph", "Art. 12(3), second subparagraph",
        "Art. 12(4)", "Art. 12(5)", "Art. 12(6)",
    ]


def test_every_provision_round_trips_through_short_and_full(law):
    for provision in law.provisions():
        citation = provision.citation
        for written in (citation.short(), citation.full()):
            assert re.fullmatch(CITATION_PATTERN, written), written
            again = law.resolve(written)
            assert again.citation == citation, written
            assert again.text == provision.text, written


def test_anchors_are_unique_and_html_safe(law):
    anchors = [p.citation.anchor() for p in law.provisions()]
    assert len(anchors) == len(set(anchors))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", anchor) for anchor in anchors)


def test_article_text_is_the_file_body(law):
    for article in law.articles():
        lines = (LAW_DIR / article.file).read_text(encoding="utf-8").split("\n")
        assert lines[0] == f"# {article.name} — {article.title}"
        assert article.text == "\n".join(lines[1:]).strip("\n")
        assert law.resolve(article.citation.short()).text == article.text


def _without_numbers(text: str) -> list[str]:
    # Paragraph provisions drop their leading "2. ", the article keeps it.
    return [re.sub(r"^\d+\. ", "", line) for line in text.split("\n") if line.strip()]


def _own_lines(provision, children) -> list[str]:
    """Lines of a provision that none of its direct children hold."""
    remaining = _without_numbers(provision.text)
    for child in children:
        for line in _without_numbers(child.text):
            remaining.remove(line)  # ValueError: the child is not inside its parent
    return remaining


def test_provisions_cover_every_line_once_in_document_order(law):
    provisions = law.provisions()
    by_citation = {p.citation: p for p in provisions}

    def parent_of(citation: Citation) -> Citation | None:
        if citation.points:
            up = dataclasses.replace(citation, points=citation.points[:-1])
        elif citation.subparagraph is not None:
            up = dataclasses.replace(citation, subparagraph=None)
        elif citation.paragraph is not None:
            up = dataclasses.replace(citation, paragraph=None)
        else:
            return None
        # A lone subparagraph is not a provision of its own: skip to its paragraph.
        return up if up in by_citation else parent_of(up)

    children: dict[Citation, list] = {}
    for provision in provisions:
        parent = parent_of(provision.citation)
        if parent is not None:
            children.setdefault(parent, []).append(provision)

    for article in law.articles():
        own = [p for p in provisions if (p.citation.article, p.citation.annex) == (article.number, article.annex)]
        rebuilt = [line for p in own for line in _own_lines(p, children.get(p.citation, []))]
        file_lines = (LAW_DIR / article.file).read_text(encoding="utf-8").split("\n")[1:]
        assert rebuilt == _without_numbers("\n".join(file_lines)), article.name


# --------------------------------------------------------------------------
# Quotes
# --------------------------------------------------------------------------


def test_find_quote_ignores_quote_style_and_whitespace(law):
    provision = law.resolve("Art 12(2)")
    assert law.find_quote(provision, "(the ‘pledging exercise’)")
    assert law.find_quote(provision, "(the 'pledging exercise')")
    assert law.find_quote(provision, "at least:\n(a)   30 000 for relocations;")
    # Single and double quotes stay distinct: only the typography is ignored.
    assert not law.find_quote(provision, '(the "pledging exercise")')
    article_2 = law.resolve("Art 2(8)")
    assert law.find_quote(article_2, "members of the applicant's family")
    assert law.find_quote(law.resolve("Art 2(1)"), "'third-country national' means")


def test_find_quote_ignores_markdown_italics(law):
    provision = law.resolve("Art 6(3)(c)")
    assert "*acquis*" in provision.text
    assert law.find_quote(provision, "derogations in the Union acquis providing Member States")


def test_find_quote_looks_in_the_lead_in(law):
    provision = law.resolve("Art 12(2)(a)")
    assert law.find_quote(provision, "30 000 for relocations")
    assert law.find_quote(provision, "total annual numbers of required relocations")
    assert not law.find_quote(provision, "EUR 600 million")  # point (b), not (a)


def test_find_quote_rejects_rewording(law):
    provision = law.resolve("Art 57(4) second sentence")
    assert law.find_quote(provision, "shall indicate the financial value of such measures")
    assert not law.find_quote(provision, "shall state the financial value of such measures")
    assert not law.find_quote(provision, "Member States shall have full discretion")  # first sentence
    assert not law.find_quote(provision, "")
    assert not law.find_quote(provision, "   ")


def test_closest_passage_points_at_the_real_wording(law):
    provision = law.resolve("Art 57(4)")
    passage = law.closest_passage(provision, "Member States pledging alternative measures shall state the value of those measures")
    assert passage.startswith("Member States pledging alternative solidarity measures shall indicate")
    assert "\n" not in passage
    assert law.closest_passage(provision, "") == ""


def test_closest_passage_is_quick_on_the_longest_article(law):
    import time

    provision = law.resolve("Art 2")
    quote = " ".join(["the applicant's family who are present on the territory of a Member State"] * 8)
    started = time.perf_counter()
    passage = law.closest_passage(provision, quote)
    assert time.perf_counter() - started < 2.0
    assert "family" in passage


# --------------------------------------------------------------------------
# Dataclasses
# --------------------------------------------------------------------------


def test_dataclasses_are_frozen(law):
    provision = law.resolve("Art 12(2)(a)")
    for value in (provision, provision.citation, parse_citation("Art 12"), law.article("12"),
                  law.article("12").paragraphs[0], law.article("12").paragraph(2).subparagraphs[0],
                  law.article("12").paragraph(2).subparagraphs[0].points[0]):
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.text = "changed"  # type: ignore[misc]


def test_citation_equality_ignores_display_flag():
    a = Citation("12", False, 2, 1, ("a",), None)
    b = dataclasses.replace(a, points_locate_subparagraph=False)
    assert a == b and hash(a) == hash(b)
    assert a.short() == "Art. 12(2)(a)"
    assert b.short() == "Art. 12(2), first subparagraph, point (a)"


def test_law_constants():
    assert Law.title == "Regulation (EU) 2024/1351"
    assert Law.ELI == "http://data.europa.eu/eli/reg/2024/1351/oj"
    assert Law.EUR_LEX == "https://eur-lex.europa.eu/eli/reg/2024/1351/oj"


# --------------------------------------------------------------------------
# Other law directories: format errors and ambiguity
# --------------------------------------------------------------------------


def write_law(directory: Path, files: dict[str, str], annex: tuple[str, ...] = ()) -> Path:
    entries = []
    for name, text in files.items():
        number = re.match(r"# (?:Article|Annex) (\S+)", text)
        entries.append({
            "id": name.removesuffix(".md"), "number": number.group(1) if number else "?",
            "title": "T", "part": "Annex" if name in annex else "IV", "complete": True, "file": name,
        })
    (directory / "index.json").write_text(json.dumps(entries), encoding="utf-8")
    for name, text in files.items():
        (directory / name).write_text(text, encoding="utf-8")
    return directory


def test_point_label_shared_by_two_subparagraphs_is_ambiguous(tmp_path):
    law = Law.load(write_law(tmp_path, {"art-099.md": (
        "# Article 99 — T\n\n1. Lead:\n(a) one;\n(b) two;\n(c) five.\n\nSecond lead:\n(a) three;\n(b) four.\n"
    )}))
    with pytest.raises(UnresolvedCitation) as caught:
        law.resolve("Art 99(1)(a)")
    assert "first and second subparagraphs" in caught.value.message
    assert caught.value.suggestions == (
        "Art. 99(1), first subparagraph, point (a)",
        "Art. 99(1), second subparagraph, point (a)",
    )
    # Where the label is unique the short form may still leave the subparagraph out.
    assert law.resolve("Art 99(1)(c)").citation.short() == "Art. 99(1)(c)"
    second_a = law.resolve("Art 99(1), second subparagraph, point (a)")
    assert second_a.text == "(a) three;"
    assert second_a.citation.short() == "Art. 99(1), second subparagraph, point (a)"
    first_a = law.resolve("Art 99(1), first subparagraph, point (a)").citation
    assert first_a.short() == "Art. 99(1), first subparagraph, point (a)"
    assert law.resolve(first_a.short()).citation == first_a


def test_point_i_after_h_followed_by_ii_is_a_sub_point(tmp_path):
    letters = "".join(f"({c}) {c};\n" for c in "abcdefgh")
    law = Law.load(write_law(tmp_path, {"art-099.md": (
        f"# Article 99 — T\n\nLead:\n{letters}(i) first sub;\n(ii) second sub;\n(i) the letter i.\n"
    )}))
    (sub,) = law.article("99").paragraphs[0].subparagraphs
    assert labels(sub.points) == list("abcdefghi")
    assert labels(sub.points[7].children) == ["i", "ii"]
    assert law.resolve("Art 99 point (h)(ii)").text == "(ii) second sub;"
    assert law.resolve("Art 99(i)").text == "(i) the letter i."


@pytest.mark.parametrize(
    "body, line, message_part",
    [
        ("1. Lead:\n(a) one;\n(c) three.\n", 5, "point (c) cannot come after (a)"),
        ("1. Lead:\n(a) one;\n(b) two;\n(a) again.\n", 6, "point (a) cannot come after (b)"),
        ("1. One.\n\n3. Three.\n", 5, "paragraph 3 where paragraph 2 was expected"),
        ("Intro.\n\n1. One.\n", 5, "numbered paragraph after unnumbered text"),
        ("(a) orphan point;\n", 3, "points before any text"),
        ("1. Lead:\n(a) one;\nclosing words.\n", 5, "text after the points"),
        ("", 1, "no text"),
    ],
)
def test_format_errors_name_file_and_line(tmp_path, body, line, message_part):
    write_law(tmp_path, {"art-099.md": f"# Article 99 — T\n\n{body}"})
    with pytest.raises(LawFormatError) as caught:
        Law.load(tmp_path)
    assert caught.value.line == line
    assert message_part in caught.value.message
    assert f"art-099.md:{line}:" in str(caught.value)


def test_unreadable_directories_raise_format_errors(tmp_path):
    with pytest.raises(LawFormatError):
        Law.load(tmp_path / "missing")
    (tmp_path / "index.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(LawFormatError):
        Law.load(tmp_path)
    write_law(tmp_path, {"art-099.md": "Article 99 without a heading\n"})
    with pytest.raises(LawFormatError):
        Law.load(tmp_path)
