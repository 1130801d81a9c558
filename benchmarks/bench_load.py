"""Loading speed and peak memory, against plain DuckDB copying the same file in the same run.

Goals on the 2-core reference machine: at least 1,000,000 rows/s from Parquet,
at least 300,000 rows/s from CSV, peak memory under 2 GB for 10 million rows.
The baseline copies the file into a DuckDB table with no validation at all: the
floor any validating loader stands on. Run with:

    pytest benchmarks/bench_load.py                # 1 million rows
    pytest benchmarks/bench_load.py -m heavy       # 10 million rows
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from benchmarks.conftest import world
from benchmarks.measure import Measurement, in_child
from screening.synth import SynthSummary, bundled_fx_rates

SIZES = [pytest.param(1_000_000, id="1M"), pytest.param(10_000_000, id="10M", marks=pytest.mark.heavy)]
FORMATS = ["parquet", "csv"]
READERS = {"parquet": "read_parquet(?)", "csv": """read_csv(?, all_varchar=true, quote='"')"""}

LOADER = """
from screening import Store
store = Store.open({db!r})
store.load({fx!r}, dataset="fx_rates")
result = store.load({path!r})
assert result.reconciles
result = result.as_dict()
"""

BASELINE = """
import time, duckdb
con = duckdb.connect({db!r}, config={{"memory_limit": "1GB"}})
started = time.perf_counter()
con.execute(\'\'\'CREATE TABLE payments AS SELECT * FROM {reader}\'\'\', [{path!r}])
result = {{"seconds": time.perf_counter() - started}}
"""


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("payments", SIZES)
def test_load_speed_and_memory(
    benchmark: BenchmarkFixture,
    synthetic: dict[tuple[int, str], SynthSummary],
    tmp_path: Path,
    payments: int,
    fmt: str,
) -> None:
    source = world(synthetic, tmp_path.parent, payments, fmt).payments_path
    benchmark.group = f"load {fmt} {payments:,}"
    baseline = in_child(
        BASELINE.format(db=str(tmp_path / "baseline.duckdb"), reader=READERS[fmt], path=str(source))
    )
    runs: list[Measurement] = []

    def load() -> None:
        db = tmp_path / f"store-{len(runs)}.duckdb"
        runs.append(in_child(LOADER.format(db=str(db), fx=str(bundled_fx_rates()), path=str(source))))

    benchmark.pedantic(load, rounds=1, iterations=1)
    measured = runs[0]
    assert measured.result["loaded"] == payments
    rate = payments / measured.result["seconds"]
    baseline_rate = payments / baseline.result["seconds"]
    benchmark.extra_info.update(
        rows_per_second=round(rate),
        peak_mb=round(measured.peak_mb),
        baseline_rows_per_second=round(baseline_rate),
        baseline_peak_mb=round(baseline.peak_mb),
        share_of_baseline_speed=round(rate / baseline_rate, 2),
    )
    print(
        f"\n{fmt} {payments:,}: {rate:,.0f} rows/s, peak {measured.peak_mb:,.0f} MB "
        f"(plain DuckDB copy: {baseline_rate:,.0f} rows/s, peak {baseline.peak_mb:,.0f} MB)"
    )
