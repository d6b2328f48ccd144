"""Fuzzing of hostile input (issue 13): strategies that write documents as people type them
(documents.py), the reading a person gives each figure (oracle.py), rule files generated from the
grammar and mutated (rules.py), and the checks every input meets (harness.py). Used by
tests/test_fuzz_hostile.py (bounded, in CI) and bench/fuzz.py (the long run, by hand)."""
