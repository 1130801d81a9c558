"""One Spark session and one synthetic world, screened on both engines, for the whole parity suite.

Skipped, with the reason, where pyspark or Java is missing: the core never needs them.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from screening import Store
from screening.detection import screen
from screening.detection.ruleset import load_rules, read_settings
from screening.detection.runner import RunResult
from screening.engines.spark import spark_available
from screening.network.patterns import load_patterns
from screening.synth import bundled_fx_rates, generate

PARITY_PAYMENTS = 20_000
"""Small enough for the suite to stay within minutes with the JVM start, large enough for every pack to alert."""

MISSING = spark_available()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.spark)
            if MISSING is not None and {"spark", "on_spark"} & set(getattr(item, "fixturenames", ())):
                item.add_marker(pytest.mark.skip(reason=f"Spark parity needs pyspark and Java: {MISSING}"))


PLANTED_ACCOUNTS = """account,holder_name,holder_type,country,occupation,opened,bank
PLANT-DOC,Imran Qureshi,person,PK,transplant surgeon,2015-02-01,HABBPKKA
PLANT-NPO,Lahore Kidney Patients Support Foundation,organisation,PK,charity,2024-01-01,HABBPKKA
"""
PLANTED_PAYMENTS = """txn_id,ts,amount,currency,payer_account,payer_name,payer_type,payer_country,payee_account,\
payee_name,payee_type,payee_country,channel,mcc,purpose
PLANT-W1,2026-05-02T10:00:00Z,2500,USD,PLANT-BROKER,Avi Cohen,person,IL,PLANT-DONOR1,Ion Rusu,person,MD,msb,4829,kidney
PLANT-W2,2026-05-09T10:00:00Z,2500,USD,PLANT-BROKER,Avi Cohen,person,IL,PLANT-DONOR2,Vasile Lungu,person,MD,msb,4829,kidney
PLANT-W4,2026-05-16T10:00:00Z,900,USD,PLANT-BROKER,Avi Cohen,person,IL,PLANT-LAB,Ana Popa,person,MD,msb,4829,crossmatch
PLANT-W3,2026-05-16T10:00:00Z,700,USD,PLANT-BROKER,Avi Cohen,person,IL,PLANT-LAB,Ana Popa,person,MD,msb,4829,HLA typing
PLANT-W5,2026-06-01T10:00:00Z,3000,USD,PLANT-BROKER,Avi Cohen,person,IL,PLANT-DONOR3,Petru Ciobanu,person,MD,msb,4829,dialysis
PLANT-W6,2026-06-20T10:00:00Z,2800,USD,PLANT-BROKER,Avi Cohen,person,IL,PLANT-DONOR4,Mihai Rotaru,person,MD,msb,4829,transplant
PLANT-N1,2026-03-10T10:00:00Z,4800.10,USD,PLANT-NPO,Lahore Kidney Patients Support Foundation,organisation,PK,\
PLANT-DOC,Imran Qureshi,person,PK,wire,,honorarium
PLANT-N2,2026-04-22T10:00:00Z,8400.35,USD,PLANT-NPO,Lahore Kidney Patients Support Foundation,organisation,PK,\
PLANT-DOC,Imran Qureshi,person,PK,wire,,consultancy
PLANT-N3,2026-05-01T10:00:00Z,2650.20,USD,PLANT-DOC,Imran Qureshi,person,PK,PLANT-NPO,\
Lahore Kidney Patients Support Foundation,organisation,PK,wire,8398,donation
PLANT-N4,2026-05-29T10:00:00Z,6133.33,USD,PLANT-NPO,Lahore Kidney Patients Support Foundation,organisation,PK,\
PLANT-DOC,Imran Qureshi,person,PK,wire,,lecture fee
"""
"""Cases the world lacks, for the list rewrites: a broker whose six transplant-word transfers have five texts
(one repeated, two at the same instant), so OB-10 quotes the first four; a surgeon and a charity paying each
other four irregular sums, so OB-12 sums and measures a list of four amounts and three gaps."""


NETWORK_CASES = ("NW-04", "NW-05")
"""Patterns the world alone does not trigger: their files' first case is planted in it, so that both
engines must find the nexus (organ broker to terrorist-financing cash-out) and the gather-scatter hub."""


@dataclass(frozen=True)
class Screened:
    """What one engine stored for the world: alerts by id, evidence by alert, the run."""

    alerts: dict[str, dict[str, Any]]
    evidence: dict[str, set[tuple[str, str]]]
    run: RunResult


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    from screening.engines.spark import spark_session

    session = spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def world_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store holding rates, KYC accounts and the payments of a small synthetic world, not yet screened."""
    folder = tmp_path_factory.mktemp("parity")
    world = generate(PARITY_PAYMENTS, folder / "payments.parquet", seed=7)
    path = folder / "world.duckdb"
    (folder / "planted_accounts.csv").write_text(PLANTED_ACCOUNTS, encoding="utf-8")
    (folder / "planted_payments.csv").write_text(PLANTED_PAYMENTS, encoding="utf-8")
    with Store.open(path) as store:
        store.load(bundled_fx_rates(), dataset="fx_rates")
        store.load(world.accounts_path, dataset="accounts")
        store.load(world.payments_path)
        store.load(folder / "planted_accounts.csv", dataset="accounts")
        store.load(folder / "planted_payments.csv")
        patterns = load_patterns()
        for pattern_id in NETWORK_CASES:
            case = folder / f"{pattern_id}.csv"
            case.write_text(patterns.get(pattern_id).cases[0].case.payments, encoding="utf-8")
            store.load(case)
    return path


@pytest.fixture(scope="session")
def on_duckdb(world_store: Path) -> Screened:
    path = world_store.with_name("duckdb.duckdb")
    shutil.copy(world_store, path)
    with Store.open(path) as store:
        return _stored(store, screen(store))


@pytest.fixture(scope="session")
def on_spark(world_store: Path, spark: Any) -> Screened:
    from screening.engines.spark import screen_on_spark

    path = world_store.with_name("spark.duckdb")
    shutil.copy(world_store, path)
    ruleset = load_rules()
    with Store.open(path) as store:
        result = screen_on_spark(store.connection, ruleset, read_settings(None, ruleset),
                                 base_currency=store.base_currency, spark=spark)  # fmt: skip
        return _stored(store, result)


def _stored(store: Store, run: RunResult) -> Screened:
    alerts = {}
    for row in store.sql("SELECT * FROM alerts").to_dicts():
        row["figures"] = json.loads(row["figures"])
        alerts[row["alert_id"]] = row
    evidence: dict[str, set[tuple[str, str]]] = {}
    for row in store.sql("SELECT alert_id, source, txn_id FROM alert_evidence").iter_rows():
        evidence.setdefault(row[0], set()).add((row[1], row[2]))
    return Screened(alerts, evidence, run)


def assert_same_alerts(expected: dict[str, dict[str, Any]], found: dict[str, dict[str, Any]]) -> None:
    """The same alert ids with the same fields; scores to twelve significant digits (sums of doubles
    added in another order differ in the last bits; the figures analysts see are rounded and exact)."""
    assert sorted(found) == sorted(expected)
    for alert_id, alert in expected.items():
        spark_alert = dict(found[alert_id])
        assert spark_alert.pop("score") == pytest.approx(alert["score"], rel=1e-12, abs=0), alert_id
        assert spark_alert == {k: v for k, v in alert.items() if k != "score"}, alert_id
