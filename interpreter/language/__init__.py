"""The language: rule text in, a checked program out.

Takes the rule files (`rules/*.rules`) and the law text they cite; gives a `Program` (checker.py)
whose expressions are typed IR nodes, or `Failed` with every positioned error. In pipeline order:

    grammar.lark    the syntax, as Lark reads it
    parse.py        rule text -> syntax tree (syntax.py), syntax errors explained by example
    syntax.py       the typed syntax tree, with the source span of every node
    law.py          the law text tree and citations ("Art 12(2), first subparagraph, point (a)")
    diagnostics.py  positioned errors and warnings, with a quoted line and a hint
    typesys.py      the types of the language and their units
    library.py      the functions a rule file may call (min, max, time_limit, ...)
    checker.py      check_rules(files, law) -> Program: names, types, units, citations resolved
    readings.py     readings checked; a choice of readings -> the definitions put in place of others
    ir.py           the checked program's expressions, as the engines evaluate them
    cache.py        the prepared program kept on disk, so a command does not re-check unchanged rules
"""
