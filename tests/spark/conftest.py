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
    with Store.open(path) as store:
        store.load(bundled_fx_rates(), dataset="fx_rates")
        store.load(world.accounts_path, dataset="accounts")
        store.load(world.payments_path)
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
