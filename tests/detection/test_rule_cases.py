"""Every rule's own cases: the subjects each must flag, and nothing else."""

from __future__ import annotations

import pytest

from screening.detection.cases import run_case
from screening.detection.ruleset import load_rules

RULESET = load_rules()
CASES = [
    pytest.param(rule, case, id=f"{rule.id}: {case.name}") for rule in RULESET.rules for case in rule.cases
]


@pytest.mark.parametrize(("rule", "case"), CASES)
def test_rule_case(rule, case) -> None:  # type: ignore[no-untyped-def]
    result = run_case(rule, case, RULESET)
    assert sorted(result.flagged) == sorted(result.expected), result.explanations
    assert all(result.explanations)
