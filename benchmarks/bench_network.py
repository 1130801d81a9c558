"""Network speed: every pattern over the whole store, and neighbourhood views of single accounts.

Goals on the 2-core reference machine: all network patterns over 10 million
payments (about a million accounts) in under 120 seconds, and a 2-hop
neighbourhood view of any account in under a second (read from the view index
the nightly job rebuilds; its build time is reported beside the views). The baseline, measured in
the same run, is the obvious approach: the whole store's flows loaded into one
networkx graph and split into communities there, stopped after
``BASELINE_LIMIT`` seconds (reported as at least that long). Run with:

    pytest benchmarks/bench_network.py -s              # 1 million payments
    pytest benchmarks/bench_network.py -s -m heavy     # 10 million payments
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import time
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from benchmarks.conftest import WorldStore
from benchmarks.measure import Measurement, in_child
from screening import Store
from screening.store.view_index import refresh_view_index

SIZES = [pytest.param(1_000_000, id="1M"), pytest.param(10_000_000, id="10M", marks=pytest.mark.heavy)]
BASELINE_LIMIT = 300
VIEWS = 25

PATTERNS = """
import time
from screening import Store
from screening.detection.ruleset import Settings, load_rules
from screening.detection.runner import run_rules
from screening.network.patterns import load_patterns
from screening.network.runner import run_patterns
from screening.store.view_index import refresh_view_index
rules = load_rules()
with Store.open({db!r}, memory_limit="3GB") as store:
    started = time.perf_counter()
    run_rules(store.connection, rules, Settings(), base_currency=store.base_currency)
    rules_seconds = time.perf_counter() - started
    started = time.perf_counter()
    outcome = run_patterns(store.connection, load_patterns(), rules.reference,
                           base_currency=store.base_currency)
    seconds = time.perf_counter() - started
    started = time.perf_counter()
    refresh_view_index(store.connection)
    result = {{"seconds": seconds, "rules_seconds": rules_seconds,
               "index_seconds": time.perf_counter() - started, "alerts": outcome.alerts,
               "patterns": {{o.rule_id: [round(o.seconds, 2), o.alerts] for o in outcome.outcomes}}}}
"""

NAIVE = """
import time
import duckdb
import networkx as nx
started = time.perf_counter()
con = duckdb.connect({db!r}, read_only=True)
edges = con.sql("SELECT payer_account, payee_account, sum(amount_base)::DOUBLE FROM payments "
                "WHERE payer_account IS NOT NULL AND payee_account IS NOT NULL GROUP BY ALL").fetchall()
graph = nx.Graph()
graph.add_weighted_edges_from(edges, weight="amount")
built = time.perf_counter() - started
communities = nx.community.louvain_communities(graph, weight="amount", seed=7)
result = {{"seconds": time.perf_counter() - started, "build_seconds": built, "communities": len(communities)}}
"""


@pytest.mark.parametrize("payments", SIZES)
def test_all_patterns(
    benchmark: BenchmarkFixture,
    world_store: WorldStore,
    tmp_path: Path,
    payments: int,
) -> None:
    _, source = world_store(payments)
    benchmark.group = f"network patterns {payments:,}"
    runs: list[Measurement] = []

    def detect_all() -> None:
        db = tmp_path / f"copy-{len(runs)}.duckdb"
        shutil.copy(source, db)
        runs.append(in_child(PATTERNS.format(db=str(db))))

    benchmark.pedantic(detect_all, rounds=1, iterations=1)
    measured = runs[0].result
    naive = _naive(source)
    benchmark.extra_info.update(
        seconds=round(measured["seconds"], 2),
        peak_mb=round(runs[0].peak_mb),
        alerts=measured["alerts"],
        per_pattern=measured["patterns"],
        rules_seconds=round(measured["rules_seconds"], 2),
        view_index_seconds=round(measured["index_seconds"], 2),
        naive_networkx_seconds=naive,
    )
    at_least = ">= " if naive >= BASELINE_LIMIT else ""
    print(
        f"\nall network patterns over {payments:,} payments: {measured['seconds']:.1f} s "
        f"(after the rules, {measured['rules_seconds']:.1f} s; then the view index, "
        f"{measured['index_seconds']:.1f} s), peak {runs[0].peak_mb:,.0f} MB, "
        f"{measured['alerts']} alerts; per pattern [seconds, alerts] {measured['patterns']}\n"
        f"naive networkx (whole store in one graph, Louvain): {at_least}{naive:.1f} s"
    )


@pytest.mark.parametrize("payments", SIZES)
def test_two_hop_views(
    benchmark: BenchmarkFixture,
    world_store: WorldStore,
    tmp_path: Path,
    payments: int,
) -> None:
    _, source = world_store(payments)
    benchmark.group = f"2-hop view {payments:,}"
    indexed = tmp_path / "indexed.duckdb"
    shutil.copy(source, indexed)
    with Store.open(indexed) as store:
        started = time.perf_counter()
        refresh_view_index(store.connection)
        index_seconds = time.perf_counter() - started
    with Store.open(indexed, read_only=True) as store:
        hub = store.sql(
            "SELECT payee_account AS account, count(*) AS n FROM payments WHERE payee_account IS NOT NULL "
            "GROUP BY ALL ORDER BY n DESC LIMIT 1"
        )["account"][0]
        sample = store.sql(
            "SELECT account FROM (SELECT DISTINCT payer_account AS account FROM payments "
            f"WHERE payer_account IS NOT NULL) USING SAMPLE reservoir({VIEWS - 1} ROWS) REPEATABLE (7) "
            "ORDER BY account"
        )["account"].to_list()
        accounts = [hub, *sample]
        seconds: list[float] = []

        def views() -> None:
            for account in accounts:
                started = time.perf_counter()
                store.network(around=[account], hops=2)
                seconds.append(time.perf_counter() - started)

        benchmark.pedantic(views, rounds=1, iterations=1)
    benchmark.extra_info.update(
        views=len(seconds), median_seconds=round(statistics.median(seconds), 3),
        max_seconds=round(max(seconds), 3), busiest_account_seconds=round(seconds[0], 3),
        view_index_seconds=round(index_seconds, 1),
    )  # fmt: skip
    print(
        f"\n2-hop views over {payments:,} payments: median {statistics.median(seconds):.3f} s, "
        f"slowest {max(seconds):.3f} s, busiest account {seconds[0]:.3f} s ({len(seconds)} accounts); "
        f"view index built in {index_seconds:.1f} s"
    )


def _naive(db: Path) -> float:
    """Seconds the whole-store networkx approach took, or the limit when it was stopped there."""
    try:
        return float(in_child(NAIVE.format(db=str(db)), timeout=BASELINE_LIMIT).result["seconds"])
    except subprocess.TimeoutExpired:
        return float(BASELINE_LIMIT)


TRACE_LIMIT = 300

TRACES = """
import csv, statistics, time
from screening import Store
from screening.network.trace import trace
brokers = sorted({{r["account"] for r in csv.DictReader(open({truth!r})) if r["role"] == "broker"}})
seconds = {{"forward": [], "backward": []}}
with Store.open({db!r}, read_only=True) as store:
    for direction in seconds:
        for broker in brokers:
            started = time.perf_counter()
            trace(store, broker, direction=direction, hops=3)
            seconds[direction].append(time.perf_counter() - started)
result = {{"brokers": len(brokers), **{{d: [statistics.median(s), max(s)] for d, s in seconds.items()}}}}
"""

NAIVE_TRACE = """
import csv, time
import duckdb
broker = sorted({{r["account"] for r in csv.DictReader(open({truth!r})) if r["role"] == "broker"}})[0]
started = time.perf_counter()
con = duckdb.connect({db!r}, read_only=True)
rows = con.sql("SELECT payer_account, payee_account, amount_base::DOUBLE FROM payments "
               "WHERE amount_base > 0 ORDER BY ts, source, txn_id").fetchall()
balance, lowest = {{}}, {{}}
for payer, payee, amount in rows:
    for holder, change in ((payer, -amount), (payee, amount)):
        if holder is not None:
            balance[holder] = balance.get(holder, 0.0) + change
            lowest[holder] = min(lowest.get(holder, 0.0), balance[holder])
balance = {{a: -low for a, low in lowest.items()}}
tainted, hops = {{}}, {{broker: 0}}
for payer, payee, amount in rows:
    part = amount if payer == broker else 0.0
    if payer is not None and payer != broker and tainted.get(payer, 0.0) > 0 and hops[payer] < 3:
        part = tainted[payer] * amount / balance[payer]
        tainted[payer] -= part
    if payer is not None:
        balance[payer] -= amount
    if payee is not None:
        balance[payee] += amount
        if part > 0 and payee != broker:
            tainted[payee] = tainted.get(payee, 0.0) + part
            hops.setdefault(payee, hops[payer] + 1)
result = {{"seconds": time.perf_counter() - started, "reached": len(hops)}}
"""


@pytest.mark.parametrize("payments", SIZES)
def test_traces_from_brokers(
    benchmark: BenchmarkFixture,
    world_store: WorldStore,
    payments: int,
) -> None:
    generated, source = world_store(payments)
    benchmark.group = f"3-hop trace {payments:,}"
    runs: list[Measurement] = []

    def traces() -> None:
        runs.append(in_child(TRACES.format(db=str(source), truth=str(generated.truth_path))))

    benchmark.pedantic(traces, rounds=1, iterations=1)
    measured = runs[0].result
    try:
        naive = float(in_child(NAIVE_TRACE.format(db=str(source), truth=str(generated.truth_path)),
                               timeout=TRACE_LIMIT).result["seconds"])  # fmt: skip
    except subprocess.TimeoutExpired:
        naive = float(TRACE_LIMIT)
    benchmark.extra_info.update(
        brokers=measured["brokers"], forward_median_max=measured["forward"],
        backward_median_max=measured["backward"], peak_mb=round(runs[0].peak_mb),
        naive_whole_store_seconds=naive,
    )  # fmt: skip
    at_least = ">= " if naive >= TRACE_LIMIT else ""
    print(
        f"\n3-hop traces from {measured['brokers']} brokers over {payments:,} payments: forward median "
        f"{measured['forward'][0]:.3f} s (slowest {measured['forward'][1]:.3f} s), backward median "
        f"{measured['backward'][0]:.3f} s (slowest {measured['backward'][1]:.3f} s), peak "
        f"{runs[0].peak_mb:,.0f} MB\nnaive (whole store through one pro-rata pass): {at_least}{naive:.1f} s"
    )
