"""This folder is the rule set, and, installed, the package `interpreter.ruleset` (pyproject.toml maps
it), so that the rules, the law text, the reference data and the holiday calendar travel with the
`ammr` command. Nothing here is run: the rules are read as files (interpreter/api.py)."""
