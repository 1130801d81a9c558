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
from tests.spark.conftest import Screened

RULES = [rule.id for rule in load_rules().rules]


def _of(screened: Screened, rule_id: str) -> dict[str, dict[str, object]]:
    return {k: v for k, v in screened.alerts.items() if v["rule_id"] == rule_id}


def _outcome(screened: Screened, rule_id: str) -> str | None:
    return next(o.skipped for o in screened.run.outcomes if o.rule_id == rule_id)


@pytest.mark.parametrize("rule_id", RULES)
def test_a_rule_raises_the_same_alerts_on_spark(
    on_duckdb: Screened, on_spark: Screened, rule_id: str
) -> None:
    skipped = _outcome(on_spark, rule_id)
    if skipped is not None and "cannot run on spark" in skipped:
        pytest.skip(skipped)
    expected, found = _of(on_duckdb, rule_id), _of(on_spark, rule_id)
    assert sorted(found) == sorted(expected)
    for alert_id, alert in expected.items():
        spark_alert = dict(found[alert_id])
        assert spark_alert.pop("score") == pytest.approx(alert["score"], rel=1e-12, abs=0), alert_id
        assert spark_alert == {k: v for k, v in alert.items() if k != "score"}, alert_id
        assert on_spark.evidence[alert_id] == on_duckdb.evidence[alert_id], alert_id


def test_the_world_alerts_on_every_pack(on_duckdb: Screened) -> None:
    """Parity over no alerts would prove nothing."""
    assert {a["pack"] for a in on_duckdb.alerts.values()} == {r.pack for r in load_rules().rules}


def test_rules_spark_cannot_run_are_named_in_the_run(on_spark: Screened) -> None:
    notes = {o.rule_id: o.skipped for o in on_spark.run.outcomes if o.skipped}
    assert all(note.startswith("skipped: ") for note in notes.values())
    assert len(on_spark.run.outcomes) == len(RULES)


def test_the_manifest_names_the_engine(on_duckdb: Screened, on_spark: Screened) -> None:
    assert (on_duckdb.run.manifest["engine"], on_spark.run.manifest["engine"]) == ("duckdb", "spark")
    same = {k: v for k, v in on_spark.run.manifest.items() if k != "engine"}
    assert same == {k: v for k, v in on_duckdb.run.manifest.items() if k != "engine"}
