"""DuckDB and Spark (local mode, 2 cores) screening the same world with every rule, side by side.

Both run in child processes over copies of one loaded store; Spark reads the
store's payments exported to Parquet (the export is timed apart), and its
time includes starting the JVM. The baseline is DuckDB over the same rules in
the same run. Spark is not expected to win on one machine: this measures
what the cluster path costs where DuckDB would do. Run with:

    pytest benchmarks/bench_spark.py                # 1 million payments
    pytest benchmarks/bench_spark.py -m heavy       # 10 million payments
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from benchmarks.conftest import loaded_store, world
from benchmarks.measure import in_child
from screening.engines.spark import spark_available
from screening.synth import SynthSummary

pytestmark = pytest.mark.skipif(spark_available() is not None, reason=f"needs Spark: {spark_available()}")

SIZES = [pytest.param(1_000_000, id="1M"), pytest.param(10_000_000, id="10M", marks=pytest.mark.heavy)]

SETUP = """
import time
from screening import Store
from screening.detection.ruleset import load_rules, Settings
from screening.detection.runner import run_rules
ruleset = load_rules()
settings = Settings()
"""

DUCKDB = (
    SETUP
    + """
with Store.open({db!r}, memory_limit="3GB") as store:
    started = time.perf_counter()
    outcome = run_rules(store.connection, ruleset, settings, base_currency=store.base_currency)
    result = {{"seconds": time.perf_counter() - started, "alerts": outcome.alerts}}
"""
)

SPARK = (
    SETUP
    + """
from screening.engines.spark import screen_on_spark, spark_session, store_payments
from pathlib import Path
with Store.open({db!r}) as store:
    started = time.perf_counter()
    path = store_payments(store.connection, Path({folder!r}))
    exported = time.perf_counter() - started
    spark = spark_session("local[2]")
    outcome = screen_on_spark(store.connection, ruleset, settings, base_currency=store.base_currency,
                              payments=path, spark=spark)
    result = {{"seconds": time.perf_counter() - started - exported, "export_seconds": exported,
               "alerts": outcome.alerts}}
"""
)


@pytest.fixture(scope="module")
def loaded() -> dict[int, Path]:
    return {}


@pytest.mark.parametrize("payments", SIZES)
def test_duckdb_and_spark_side_by_side(
    benchmark: BenchmarkFixture,
    synthetic: dict[tuple[int, str], SynthSummary],
    loaded: dict[int, Path],
    tmp_path: Path,
    payments: int,
) -> None:
    world_ = world(synthetic, tmp_path.parent, payments, "parquet")
    source = loaded_store(loaded, tmp_path.parent, world_, payments)
    benchmark.group = f"spark {payments:,}"
    runs = []

    def on_spark() -> None:
        db = tmp_path / "spark.duckdb"
        shutil.copy(source, db)
        runs.append(in_child(SPARK.format(db=str(db), folder=str(tmp_path))))

    benchmark.pedantic(on_spark, rounds=1, iterations=1)
    spark = runs[0]
    baseline_db = tmp_path / "duckdb.duckdb"
    shutil.copy(source, baseline_db)
    duck = in_child(DUCKDB.format(db=str(baseline_db)))
    assert spark.result["alerts"] == duck.result["alerts"]
    benchmark.extra_info.update(
        spark_seconds=round(spark.result["seconds"], 1),
        spark_export_seconds=round(spark.result["export_seconds"], 1),
        duckdb_seconds=round(duck.result["seconds"], 1),
        duckdb_peak_mb=round(duck.peak_mb),
        alerts=duck.result["alerts"],
    )
    print(
        f"\n{payments:,} payments, all rules: DuckDB {duck.result['seconds']:.1f} s "
        f"(peak {duck.peak_mb:,.0f} MB); Spark local[2] {spark.result['seconds']:.1f} s with JVM start "
        f"(+ {spark.result['export_seconds']:.1f} s Parquet export); {duck.result['alerts']} alerts each"
    )
