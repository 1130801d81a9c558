"""Screening speed and memory: every pack over a synthetic world, against pandas in the same run.

Goal on the 2-core reference machine: 10 million payments screened by all
packs in under 60 seconds with peak memory under 4 GB, and at least 10 times
faster than the same rules written the obvious way in pandas. The pandas
baseline covers the rules of ``benchmarks/pandas_rules.py``; it is compared
with the engine running just those rules, and stopped after ``BASELINE_LIMIT``
seconds (reported as at least that long). Run with:

    pytest benchmarks/bench_screen.py                # 1 million payments
    pytest benchmarks/bench_screen.py -m heavy       # 10 million payments
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from benchmarks.conftest import WorldStore
from benchmarks.measure import Measurement, in_child
from benchmarks.pandas_rules import BASELINES
from screening.detection.ruleset import load_rules
from screening.synth import bundled_fx_rates

SIZES = [pytest.param(1_000_000, id="1M"), pytest.param(10_000_000, id="10M", marks=pytest.mark.heavy)]
BASELINE_LIMIT = 600

SCREEN = """
import time
from screening import Store
from screening.detection.ruleset import load_rules, Settings
from screening.detection.runner import run_rules
ruleset = load_rules()
only = {only!r}
settings = Settings(disabled=frozenset(r.id for r in ruleset.rules if only and r.id not in only))
with Store.open({db!r}, memory_limit="3GB") as store:
    started = time.perf_counter()
    outcome = run_rules(store.connection, ruleset, settings, base_currency=store.base_currency)
    result = {{"seconds": time.perf_counter() - started, "alerts": outcome.alerts,
               "rules": {{o.rule_id: round(o.seconds, 2) for o in outcome.outcomes}}}}
"""

PANDAS = """
import time
import pandas as pd
from benchmarks.pandas_rules import BASELINES
started = time.perf_counter()
p = pd.read_parquet({path!r})
rates = pd.read_csv({rates!r}).groupby("currency")["rate"].mean()
p["amt"] = p["amount"].astype(float) * p["currency"].map(rates).fillna(1.0)
flagged = {{rule: len(BASELINES[rule](p)) for rule in {rules!r}}}
result = {{"seconds": time.perf_counter() - started, "flagged": flagged}}
"""


@pytest.mark.parametrize("payments", SIZES)
def test_all_packs(
    benchmark: BenchmarkFixture,
    world_store: WorldStore,
    tmp_path: Path,
    payments: int,
) -> None:
    world_, source = world_store(payments)
    benchmark.group = f"screen {payments:,}"
    runs: list[Measurement] = []

    def screen_all() -> None:
        db = tmp_path / f"copy-{len(runs)}.duckdb"
        shutil.copy(source, db)
        runs.append(in_child(SCREEN.format(db=str(db), only=[])))

    benchmark.pedantic(screen_all, rounds=1, iterations=1)
    measured = runs[0]
    rules = [r.id for r in load_rules().rules if r.id in BASELINES]
    subset_db = tmp_path / "subset.duckdb"
    shutil.copy(source, subset_db)
    subset = in_child(SCREEN.format(db=str(subset_db), only=rules))
    baseline = _pandas(world_.payments_path, rules)
    benchmark.extra_info.update(
        seconds=round(measured.result["seconds"], 2),
        peak_mb=round(measured.peak_mb),
        alerts=measured.result["alerts"],
        per_rule_seconds=measured.result["rules"],
        baseline_rules=rules,
        engine_subset_seconds=round(subset.result["seconds"], 2),
        pandas_seconds=baseline,
        speedup=round(baseline / subset.result["seconds"], 1),
    )
    at_least = ">= " if baseline >= BASELINE_LIMIT else ""
    print(
        f"\nall packs over {payments:,} payments: {measured.result['seconds']:.1f} s, "
        f"peak {measured.peak_mb:,.0f} MB, {measured.result['alerts']} alerts; "
        f"per rule {measured.result['rules']}\n"
        f"rules {', '.join(rules)}: engine {subset.result['seconds']:.1f} s, "
        f"pandas {at_least}{baseline:.1f} s ({baseline / subset.result['seconds']:.0f}x)"
    )


def _pandas(path: Path, rules: list[str]) -> float:
    """Seconds the pandas baseline took, or the limit when it was stopped there."""
    code = PANDAS.format(path=str(path), rates=str(bundled_fx_rates()), rules=rules)
    try:
        return float(in_child(code, timeout=BASELINE_LIMIT).result["seconds"])
    except subprocess.TimeoutExpired:
        return float(BASELINE_LIMIT)
