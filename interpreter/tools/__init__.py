"""Tools for rule authors, on top of the pipeline.

    lint.py           warnings about rules that check but may not say what was meant
    formatter.py      the one canonical layout of a rule file (`ammr fmt`)
    scenarios.py      scenario tests (YAML): facts and the verdicts expected of them (`ammr test`)
    pytest_plugin.py  the scenarios collected by pytest
    sweep.py          many variants of a case evaluated at once (`ammr sweep`)
    highlight.py      the Pygments lexer of the rule language
    files.py          files written whole or not at all
    docs/             the reference documentation site generator (`ammr docs`)
"""
