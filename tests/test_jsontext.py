"""The fast JSON writer gives the standard library's text byte for byte (report/jsontext.py): on every
golden JSON file, on the view of every bundled case, and on generated values (Hypothesis)."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interpreter.report import jsontext

ROOT = Path(__file__).resolve().parent.parent
GOLDENS = sorted((ROOT / "tests" / "golden").rglob("*.json"))


def standard(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def test_there_are_goldens():
    assert len(GOLDENS) >= 5


@pytest.mark.parametrize("path", GOLDENS, ids=lambda p: p.name)
def test_every_golden_is_written_alike(path):
    value = json.loads(path.read_text(encoding="utf-8"))
    assert jsontext.plain(value)                    # the fast writer is used, not the fallback
    assert jsontext.dumps(value) == standard(value)


def test_a_check_of_every_bundled_case_is_written_alike(rules):
    from interpreter import explain
    for folder in ("examples/2026", "examples/synthetic-2027"):
        data = explain(rules, rules.check([ROOT / folder]), traces=True, pool=True)
        clean = {k: v for k, v in data.items() if k != "groups"}
        assert jsontext.plain(clean)
        assert jsontext.dumps(clean) == standard(clean)


TEXT = st.text(st.characters(codec="utf-8") | st.sampled_from("\x00\x1f\x7f\"\\/\b\f\n\r\t\u2028\u2029é€😀"))
LEAVES = st.none() | st.booleans() | st.integers() | st.integers(min_value=-2**200, max_value=2**200) | TEXT
VALUES = st.recursive(LEAVES, lambda inner: st.lists(inner, max_size=5) | st.tuples(inner, inner)
                      | st.dictionaries(TEXT, inner, max_size=5), max_leaves=40)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_generated_values_are_written_alike(value):
    assert jsontext.dumps(value) == standard(value)


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.recursive(LEAVES | st.floats(allow_nan=True) | st.just(2.5) | st.just(1e16),
                    lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.integers() | TEXT, inner, max_size=4), max_leaves=20))
def test_what_the_fast_writer_does_not_take_is_written_by_the_standard_library(value):
    assert jsontext.dumps(value) == standard(value)


def test_a_lone_surrogate_is_left_to_the_standard_library():
    value = {"text": "a\ud800b", "n": [1, 2**70]}
    assert jsontext.dumps(value) == standard(value)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_the_utf8_text_is_the_text_encoded(value):
    """json_utf8 (what the portal sends) asks whether to escape of the characters outside ASCII only:
    the same bytes as json_text's text, escapes and all."""
    from interpreter.report.render import json_text, json_utf8
    try:
        text = json_text(value)
    except UnicodeEncodeError:
        return
    try:
        expected = text.encode()
    except UnicodeEncodeError:                      # a lone surrogate: neither can be sent
        with pytest.raises(UnicodeEncodeError):
            json_utf8(value)
        return
    assert json_utf8(value) == expected


@pytest.mark.parametrize("text", ["plain", "a\x7fb", "\x85", "x\u061cy", "\u200e\u200f", "\u202a\u202e",
                                  "\u2066\u2069", "é€😀 “quoted” — ✔", "\u2029\u202f\u2070"])
def test_escapes_are_found_among_the_characters_outside_ascii(text):
    from interpreter.report.render import _JSON_UNPRINTABLE, json_text, json_utf8
    value = {"k": [text, {"n": 1}]}
    assert json_utf8(value) == json_text(value).encode()
    assert ("\\u" in json_text(value)) == bool(_JSON_UNPRINTABLE.search(text))
