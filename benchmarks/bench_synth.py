"""Generator speed: one million payments to Parquet, one round.

Goal on the 2-core reference machine: ten million payments in a few minutes
with bounded memory, i.e. well over 100,000 rows/s. Run with:

    pytest benchmarks/bench_synth.py --benchmark-only -q
"""

from __future__ import annotations

from pathlib import Path

from pytest_benchmark.fixture import BenchmarkFixture

from screening.synth import SynthSummary, generate

PAYMENTS = 1_000_000


def test_generate_one_million_parquet(benchmark: BenchmarkFixture, tmp_path: Path) -> None:
    benchmark.group = "synth generate"

    def run() -> SynthSummary:
        return generate(PAYMENTS, tmp_path / "payments.parquet", seed=11)

    summary = benchmark.pedantic(run, rounds=1, iterations=1)
    seconds = benchmark.stats.stats.mean
    benchmark.extra_info["rows_per_second"] = round(PAYMENTS / seconds)
    print(f"\nsynth: {PAYMENTS:,} payments in {seconds:.1f} s = {PAYMENTS / seconds:,.0f} rows/s")
    assert summary.payments == PAYMENTS
