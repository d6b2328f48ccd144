import pytest

from interpreter.api import RuleSet


@pytest.fixture(scope="session")
def rules() -> RuleSet:
    return RuleSet.prepare()
