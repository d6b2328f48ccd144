"""The scenario tests of the shipped rule set; installed, the package `interpreter.ruleset.scenarios`
(pyproject.toml maps it), so that `ammr test` and `ammr coverage` run them outside the project."""
