"""Every rule on DuckDB and on Spark (local mode) over the same world: the same alerts.

Alert ids, subjects, windows, figures, explanations and evidence must be
identical. Scores are compared to twelve significant digits: a score computed
from unrounded sums of doubles can differ in its last bit, because the two
engines add the same amounts in a different order (the figures shown to
analysts are rounded by the rules and compared exactly).
"""

from __future__ import annotations

import pytest

from screening.detection.ruleset import load_rules
from tests.spark.conftest import Screened, assert_same_alerts

RULES = [rule.id for rule in load_rules().rules]


def _of(screened: Screened, rule_id: str) -> dict[str, dict[str, object]]:
    return {k: v for k, v in screened.alerts.items() if v["rule_id"] == rule_id}


def _outcome(screened: Screened, rule_id: str) -> str | None:
    return next(o.skipped for o in screened.run.outcomes if o.rule_id == rule_id)


@pytest.mark.parametrize("rule_id", RULES)
def test_a_rule_raises_the_same_alerts_on_spark(
    on_duckdb: Screened, on_spark: Screened, rule_id: str
) -> None:
    assert _outcome(on_spark, rule_id) is None
    expected = _of(on_duckdb, rule_id)
    assert_same_alerts(expected, _of(on_spark, rule_id))
    for alert_id in expected:
        assert on_spark.evidence[alert_id] == on_duckdb.evidence[alert_id], alert_id


def test_the_world_alerts_on_every_rule(on_duckdb: Screened, on_spark: Screened) -> None:
    """Parity over no alerts would prove nothing."""
    for screened in (on_duckdb, on_spark):
        assert {a["rule_id"] for a in screened.alerts.values()} == set(RULES)


def test_every_rule_runs_on_spark(on_spark: Screened) -> None:
    assert [(o.rule_id, o.skipped) for o in on_spark.run.outcomes] == [(rule_id, None) for rule_id in RULES]


def test_the_manifest_names_the_engine(on_duckdb: Screened, on_spark: Screened) -> None:
    assert (on_duckdb.run.manifest["engine"], on_spark.run.manifest["engine"]) == ("duckdb", "spark")
    same = {k: v for k, v in on_spark.run.manifest.items() if k != "engine"}
    assert same == {k: v for k, v in on_duckdb.run.manifest.items() if k != "engine"}


def test_the_planted_cases_reach_the_list_rewrites(on_spark: Screened) -> None:
    """The broker's texts are cut to four, the surgeon's four payments summed and measured, on Spark too."""
    figures = {(a["rule_id"], a["subject"]): a["figures"] for a in on_spark.alerts.values()}
    broker = figures["OB-10", "PLANT-BROKER"]
    assert (broker["transfers"], broker["texts"]) == (6, '"kidney", "HLA typing", "crossmatch", "dialysis"')
    surgeon = figures["OB-12", "PLANT-DOC"]
    assert (surgeon["payments"], surgeon["total"]) == (4, 21983.98)
