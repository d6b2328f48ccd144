"""Tools for rule authors, on top of the pipeline.

    lint.py           warnings about rules that check but may not say what was meant, and the rules
                      held to the law's figures and to their tests (`ammr lint`)
    law_figures.py    the figures a text states, as the law writes them ("30 000", "one week")
    formatter.py      the one canonical layout of a rule file (`ammr fmt`)
    scenarios.py      scenario tests (YAML): facts and the verdicts expected of them (`ammr test`)
    tested.py         which rules the scenarios show holding and failing, and which are untested
    pytest_plugin.py  the scenarios collected by pytest
    sweep.py          many variants of a case evaluated at once (`ammr sweep`)
    highlight.py      the Pygments lexer of the rule language
    files.py          files written whole or not at all
    docs/             the reference documentation site generator (`ammr docs`)
    lsp/              the language server for editors (`ammr lsp`)
"""
