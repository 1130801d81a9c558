"""Every network pattern on DuckDB and on Spark (local mode) over the same screened world: the same alerts.

The detectors' queries run on Spark, translated by the dialect layer; only their
reduced rows reach the driver, where the detectors' Python and networkx finish
as on DuckDB. Alert ids, subjects, windows, figures, explanations, evidence,
members and communities must be identical; scores agree to twelve digits (sums
of doubles added in another order).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from screening import Store
from screening.detection.ruleset import load_rules, read_settings
from screening.detection.runner import RunResult
from screening.network.patterns import load_patterns
from screening.network.runner import run_patterns
from tests.spark.conftest import Screened, assert_same_alerts

PATTERNS = load_patterns()
PATTERN_IDS = [pattern.id for pattern in PATTERNS.patterns]


@dataclass(frozen=True)
class Networked:
    """What one engine's network run stored: its alerts, evidence, members and communities."""

    alerts: dict[str, dict[str, Any]]
    evidence: dict[str, set[tuple[str, str]]]
    members: dict[str, set[tuple[str, str, bool, str]]]
    communities: set[tuple[str, str]]
    run: RunResult


@pytest.fixture(scope="session")
def patterns_on_duckdb(world_store: Path, on_duckdb: Screened) -> Networked:
    with Store.open(world_store.with_name("duckdb.duckdb")) as store:
        return _networked(store, _run(store))


@pytest.fixture(scope="session")
def patterns_on_spark(world_store: Path, on_spark: Screened, spark: Any) -> Networked:
    from screening.engines.spark import find_networks_on_spark

    ruleset = load_rules()
    with Store.open(world_store.with_name("spark.duckdb")) as store:
        result = find_networks_on_spark(store.connection, PATTERNS, ruleset.reference,
                                        read_settings(None, ruleset, PATTERNS.patterns),
                                        base_currency=store.base_currency, spark=spark)  # fmt: skip
        return _networked(store, result)


def _run(store: Store) -> RunResult:
    ruleset = load_rules()
    settings = read_settings(None, ruleset, PATTERNS.patterns)
    return run_patterns(store.connection, PATTERNS, ruleset.reference, base_currency=store.base_currency,
                        settings=settings)  # fmt: skip


def _networked(store: Store, run: RunResult) -> Networked:
    ids = tuple(PATTERN_IDS)
    alerts = {}
    for row in store.sql("SELECT * FROM alerts WHERE list_contains($ids, rule_id)", {"ids": ids}).to_dicts():
        row["figures"] = json.loads(row["figures"])
        alerts[row["alert_id"]] = row
    evidence: dict[str, set[tuple[str, str]]] = {}
    for alert_id, source, txn_id in store.sql("SELECT alert_id, source, txn_id FROM alert_evidence").rows():
        if alert_id in alerts:
            evidence.setdefault(alert_id, set()).add((source, txn_id))
    members: dict[str, set[tuple[str, str, bool, str]]] = {}
    for alert_id, account, role, victim, figures in store.sql(
        "SELECT alert_id, account, role, victim, figures::VARCHAR FROM alert_members"
    ).rows():
        members.setdefault(alert_id, set()).add((account, role, victim, figures))
    communities = set(store.sql("SELECT community_id, account FROM communities").rows())
    return Networked(alerts, evidence, members, communities, run)


def _of(networked: Networked, pattern_id: str) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in networked.alerts.items() if v["rule_id"] == pattern_id}


@pytest.mark.parametrize("pattern_id", PATTERN_IDS)
def test_a_pattern_raises_the_same_alerts_on_spark(
    patterns_on_duckdb: Networked, patterns_on_spark: Networked, pattern_id: str
) -> None:
    expected = _of(patterns_on_duckdb, pattern_id)
    assert_same_alerts(expected, _of(patterns_on_spark, pattern_id))
    for alert_id in expected:
        assert patterns_on_spark.evidence[alert_id] == patterns_on_duckdb.evidence[alert_id], alert_id
        assert patterns_on_spark.members[alert_id] == patterns_on_duckdb.members[alert_id], alert_id


def test_the_world_raises_every_pattern(patterns_on_duckdb: Networked, patterns_on_spark: Networked) -> None:
    """Parity over no findings would prove nothing."""
    for networked in (patterns_on_duckdb, patterns_on_spark):
        assert {a["rule_id"] for a in networked.alerts.values()} == set(PATTERN_IDS)


def test_communities_are_the_same(patterns_on_duckdb: Networked, patterns_on_spark: Networked) -> None:
    assert patterns_on_spark.communities == patterns_on_duckdb.communities != set()


def test_the_network_manifest_names_the_engine(
    patterns_on_duckdb: Networked, patterns_on_spark: Networked
) -> None:
    assert (patterns_on_duckdb.run.manifest["engine"], patterns_on_spark.run.manifest["engine"]) == (
        "duckdb",
        "spark",
    )
    same = {k: v for k, v in patterns_on_spark.run.manifest.items() if k != "engine"}
    assert same == {k: v for k, v in patterns_on_duckdb.run.manifest.items() if k != "engine"}


def test_spark_keeps_no_scratch_table_after_the_run(patterns_on_spark: Networked, spark: Any) -> None:
    left = [t.name for t in spark.catalog.listTables() if t.name.startswith("__")]
    assert left == []
