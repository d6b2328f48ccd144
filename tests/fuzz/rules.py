"""Rule files for the fuzz runs: generated from the grammar (the syntax trees of
test_format_properties, written out by the formatter) and the shipped rule files with tokens
mutated, including words that are hostile to the reader (leading zeros, foreign digits, control
characters in strings, paths outside the rules folder)."""

from __future__ import annotations

from hypothesis import strategies as st
from test_format_properties import rule_files
from test_fuzz_rules import SOURCES, VOCABULARY, mutated

from interpreter.tools.formatter import canonical

HOSTILE = ["030 000 persons", "EUR 0600 million", "3\u0660 persons", "\uff13 persons", '"\\e[2J"', '"\x1b[2J"',
           'file "/etc/passwd"', 'file "../../x.csv"', 'law text "/etc"', 'law text "../.."', "31 December 9999",
           "1 January 0001", "1:23:20", "0x10", "\u202e", "99999999999999999999999999999999999999999 persons"]

rule_texts = st.one_of(rule_files.map(canonical), mutated(SOURCES, VOCABULARY + HOSTILE))
