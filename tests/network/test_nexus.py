"""NW-04 follows money between organ-brokering and terrorist-financing subjects, but not through hubs."""

from __future__ import annotations

from screening.detection.ruleset import Settings
from screening.network.cases import run_pattern_case
from screening.network.patterns import load_patterns

NEXUS = load_patterns().get("NW-04")


def _flagged(max_degree: int) -> frozenset[str]:
    tuned = Settings(parameters={"NW-04": {"max_degree": max_degree}})
    return run_pattern_case(NEXUS, NEXUS.cases[0], settings=tuned).flagged


def test_money_is_followed_through_an_ordinary_intermediary() -> None:
    assert _flagged(max_degree=50) == {"BRK-1"}


def test_money_is_not_followed_through_a_hub() -> None:
    assert _flagged(max_degree=1) == frozenset()
