"""The network reduction on Spark gives what DuckDB and networkx give on the same store.

A small synthetic world plus a few hand-made payments that hit the edge cases:
a self-payment, a payment without a payee, a NULL base amount, a hub whose
neighbours tie on amount (the node budget must keep the same ones).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import pyarrow as pa
import pytest

from screening import Store
from screening.network.build import Scope, flows, neighbourhood, network
from screening.store.view_index import index_is_current, refresh_view_index
from screening.synth import bundled_fx_rates, generate

HAND_MADE = pa.table({
    "txn_id": ["h1", "h2", "h3", "h4", "h5", "h6", "h7"],
    "ts": ["2026-02-01T10:00:00.5Z", "2026-02-01T10:00:01.5Z", "2026-02-02T09:00:00Z",
           "2026-02-03T09:00:00Z", "2026-02-03T09:00:00Z", "2026-02-04T09:00:00Z", "2026-02-05T09:00:00Z"],
    "amount": ["500", "500", "700", "250", "250", "90", "40"],
    "currency": ["USD", "USD", "USD", "USD", "USD", "USD", "XXX"],
    "payer_account": ["HUB-1", "HUB-1", "HUB-1", "HUB-1", "HUB-1", "HUB-1", "LEAF-4"],
    "payee_account": ["LEAF-1", "LEAF-2", "HUB-1", "LEAF-3", "LEAF-4", None, "LEAF-5"],
})  # fmt: skip
"""Ties between LEAF-1/LEAF-2 and LEAF-3/LEAF-4, a self-payment, no payee, an unconvertible currency."""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with _world(tmp_path_factory.mktemp("network")) as opened:
        yield opened


@pytest.fixture(scope="module")
def indexed_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The same world with the view index built: DuckDB then answers from its precomputed flows."""
    with _world(tmp_path_factory.mktemp("network-indexed")) as opened:
        assert refresh_view_index(opened.connection)
        assert index_is_current(opened.connection)
        yield opened


def _world(folder: Path) -> Store:
    world = generate(3_000, folder / "payments.parquet", seed=11)
    opened = Store.open(folder / "network.duckdb")
    opened.load(bundled_fx_rates(), dataset="fx_rates")
    opened.load(world.accounts_path, dataset="accounts")
    opened.load(world.payments_path)
    opened.load(HAND_MADE)
    return opened


@pytest.fixture(scope="module")
def payments(store: Store, spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from screening.engines.spark import read_payments, store_payments

    folder = tmp_path_factory.mktemp("network-parquet")
    return read_payments(spark, store_payments(store.connection, Path(folder))).cache()


@pytest.fixture(scope="module")
def spark_flows(payments: Any) -> Any:
    from screening.engines.spark_network import spark_flows

    return spark_flows(payments).cache()


def _rows(frame: Any) -> list[tuple[Any, ...]]:
    return sorted(tuple(row) for row in frame.select("source", "target", "count", "amount", "first", "last")
                  .collect())  # fmt: skip


def test_the_flows_are_those_duckdb_aggregates(store: Store, spark_flows: Any) -> None:
    expected = sorted(flows(store.connection, Scope()).iter_rows())
    assert len(expected) > 1000
    assert _rows(spark_flows) == expected


def test_a_window_and_a_minimum_filter_the_flows_as_in_duckdb(store: Store, payments: Any) -> None:
    from screening.engines.spark_network import spark_flows

    since, until = datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 6, 30, tzinfo=UTC)
    expected = sorted(flows(store.connection, Scope(since=since, until=until, min_amount=2_000)).iter_rows())
    assert expected
    assert _rows(spark_flows(payments, since, until, min_amount=2_000)) == expected


def test_flows_skip_self_payments_and_missing_payees(spark_flows: Any) -> None:
    hub = {row["target"]: row for row in spark_flows.where("source = 'HUB-1'").collect()}
    assert sorted(hub) == ["LEAF-1", "LEAF-2", "LEAF-3", "LEAF-4"]
    # 10:00:00.5 and 10:00:01.5 round half to even, as DuckDB's epoch(ts)::BIGINT does
    assert (hub["LEAF-1"]["first"], hub["LEAF-2"]["first"]) == (1769940000, 1769940002)


@pytest.mark.parametrize(
    ("hops", "direction", "max_nodes", "min_amount"),
    [(1, "both", 2000, 0.0), (2, "out", 2000, 0.0), (2, "in", 2000, 0.0), (3, "both", 40, 0.0),
     (2, "both", 2000, 5_000.0)],
)  # fmt: skip
def test_a_neighbourhood_is_the_one_duckdb_expands(
    store: Store, spark_flows: Any, hops: int, direction: Any, max_nodes: int, min_amount: float
) -> None:
    from screening.engines.spark_network import spark_neighbourhood

    around = _busiest(store, 3)
    scope = Scope(around=around, hops=hops, direction=direction, min_amount=min_amount, max_nodes=max_nodes)
    accounts, left_out = neighbourhood(store.connection, scope)
    found = spark_neighbourhood(spark_flows, around, hops, direction, min_amount, max_nodes)
    assert found == (accounts["account"].to_pylist(), left_out)
    assert len(found[0]) > len(around)


def test_the_node_budget_keeps_the_same_tied_neighbours(store: Store, spark_flows: Any) -> None:
    from screening.engines.spark_network import spark_neighbourhood

    accounts, left_out = neighbourhood(store.connection, Scope(around=("HUB-1",), hops=1, max_nodes=3))
    assert spark_neighbourhood(spark_flows, ["HUB-1"], 1, max_nodes=3) == (["HUB-1", "LEAF-1", "LEAF-2"], 2)
    assert (accounts["account"].to_pylist(), left_out) == (["HUB-1", "LEAF-1", "LEAF-2"], 2)


def test_a_centre_without_flows_is_refused(spark_flows: Any) -> None:
    from screening.engines.spark_network import spark_neighbourhood
    from screening.errors import InputError

    with pytest.raises(InputError, match="NOBODY"):
        spark_neighbourhood(spark_flows, ["NOBODY"], 1)


def test_an_unknown_direction_is_refused(spark_flows: Any) -> None:
    from screening.engines.spark_network import spark_neighbourhood
    from screening.errors import InputError

    with pytest.raises(InputError, match="direction"):
        spark_neighbourhood(spark_flows, ["HUB-1"], 1, direction="sideways")  # type: ignore[arg-type]


def test_components_are_the_weakly_connected_components_of_the_flows(store: Store, spark_flows: Any) -> None:
    from screening.engines.spark_network import spark_components

    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_edges_from((s, t) for s, t, *_ in flows(store.connection, Scope()).iter_rows())
    expected = {account: min(part) for part in nx.weakly_connected_components(graph) for account in part}
    found = {row["account"]: row["component"] for row in spark_components(spark_flows).collect()}
    assert found == expected
    assert found["LEAF-5"] == "HUB-1"


def test_components_that_do_not_settle_are_reported(spark_flows: Any) -> None:
    from screening.engines.spark_network import spark_components
    from screening.errors import InputError

    with pytest.raises(InputError, match="did not settle"):
        spark_components(spark_flows, max_iterations=1).collect()


def test_the_reduced_graph_has_the_edges_of_the_store_network(store: Store, spark_flows: Any) -> None:
    from screening.engines.spark_network import reduced_graph, spark_neighbourhood

    around = _busiest(store, 2)
    expected = store.network(around=around, hops=2)
    accounts, _ = spark_neighbourhood(spark_flows, around, 2)
    found = reduced_graph(spark_flows, accounts)
    assert sorted(found.nodes) == sorted(expected.nodes)
    assert sorted(found.edges(data=True)) == sorted(expected.edges(data=True))
    assert found.number_of_edges() > 10


def test_a_store_with_the_view_index_gives_the_same_network(indexed_store: Store, spark_flows: Any) -> None:
    from screening.engines.spark_network import reduced_graph, spark_neighbourhood

    around = _busiest(indexed_store, 2)
    expected = indexed_store.network(around=around, hops=2, max_nodes=30)
    accounts, left_out = spark_neighbourhood(spark_flows, around, 2, max_nodes=30)
    assert (accounts, left_out) == (sorted(expected.nodes), expected.graph["left_out"])
    assert left_out > 0
    assert sorted(reduced_graph(spark_flows, accounts).edges(data=True)) == sorted(expected.edges(data=True))


def _busiest(store: Store, n: int) -> tuple[str, ...]:
    """Accounts with many counterparties, so the neighbourhoods are not trivial."""
    rows = store.sql(
        "SELECT payer_account FROM payments WHERE payer_account IS NOT NULL AND payee_account IS NOT NULL "
        "GROUP BY payer_account "
        "ORDER BY count(DISTINCT payee_account) DESC, payer_account LIMIT $n",
        {"n": n},
    )
    return tuple(rows["payer_account"].to_list())


@pytest.mark.parametrize(("hops", "min_amount"), [(1, 0.0), (2, 5_000.0)])
def test_a_graph_reduced_on_spark_is_the_one_the_store_draws(
    store: Store, payments: Any, hops: int, min_amount: float
) -> None:
    from screening.engines.spark_network import spark_network

    scope = Scope(around=_busiest(store, 2), hops=hops, min_amount=min_amount, max_nodes=60)
    on_duckdb = network(store.connection, scope)
    on_spark = spark_network(store.connection, payments, scope)
    assert sorted(on_spark.nodes(data=True)) == sorted(on_duckdb.nodes(data=True))
    assert sorted(on_spark.edges(data=True)) == sorted(on_duckdb.edges(data=True))
    assert on_spark.graph == on_duckdb.graph


def test_a_graph_of_every_account_is_refused_on_spark(store: Store, payments: Any) -> None:
    from screening.engines.spark_network import spark_network
    from screening.errors import InputError

    with pytest.raises(InputError, match="centre accounts"):
        spark_network(store.connection, payments, Scope())


def test_screening_graph_on_spark_writes_the_reduced_neighbourhood(
    store: Store, spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from screening.cli import main

    around = _busiest(store, 1)[0]
    out = tmp_path / "around.graphml"
    args = ["graph", "--around", around, "--hops", "1", "--out", str(out), "--db", _copy(store, tmp_path)]
    code = main([*args, "--engine", "spark"])
    assert code == 0, capsys.readouterr().err
    drawn = nx.read_graphml(out)
    expected = network(store.connection, Scope(around=(around,), hops=1, max_nodes=500))
    assert sorted(drawn.nodes) == sorted(expected.nodes)
    assert drawn.number_of_edges() == expected.number_of_edges()


def test_per_payment_edges_are_refused_on_spark(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from screening.cli import main

    args = ["graph", "--around", "HUB-1", "--payments", "--out", "x.graphml", "--db", _copy(store, tmp_path)]
    assert main([*args, "--engine", "spark"]) == 2
    assert "DuckDB engine only" in capsys.readouterr().err


def _copy(store: Store, folder: Path) -> str:
    """A copy of the store file, for a command that opens its own connection."""
    store.connection.execute("CHECKPOINT")
    copy = folder / "copy.duckdb"
    shutil.copyfile(store.path, copy)
    return str(copy)
