"""Network reduction on Spark: aggregate, expand and split the payment graph there, draw it on the driver.

The payments of a large FIU do not fit a driver, but the graph an analyst looks
at does: the flows around a few alerted accounts, or one connected component.
These functions do the reduction in Spark, exactly as
:mod:`screening.network.build` does it in DuckDB (same filters, same ordering,
same node budget), so that only the reduced edge list is collected into
networkx. Only the frontier of a neighbourhood (at most ``max_nodes`` accounts)
and the final subgraph cross to the driver.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import duckdb
import networkx as nx
import pyarrow as pa

from screening.errors import InputError
from screening.network.build import Direction, Scope, describe

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

DEFAULT_MAX_ITERATIONS = 100
"""Label propagation takes about one pass per hop of the widest component's diameter."""


def spark_flows(
    payments_df: DataFrame,
    since: datetime | None = None,
    until: datetime | None = None,
    min_amount: float = 0.0,
) -> DataFrame:
    """Aggregated flows (source, target, count, amount, first, last) as ``build.flows`` computes them.

    ``first`` and ``last`` are Unix seconds rounded half to even, as DuckDB casts them.
    """
    from pyspark.sql import functions as fn

    payments = payments_df.where(
        fn.col("payer_account").isNotNull()
        & fn.col("payee_account").isNotNull()
        & (fn.col("payer_account") != fn.col("payee_account"))
    )
    if since is not None:
        payments = payments.where(fn.col("ts") >= fn.lit(since))
    if until is not None:
        payments = payments.where(fn.col("ts") <= fn.lit(until))
    amount = fn.coalesce(fn.sum("amount_base"), fn.lit(0.0)).cast("double")
    return (
        payments.groupBy(fn.col("payer_account").alias("source"), fn.col("payee_account").alias("target"))
        .agg(
            fn.count(fn.lit(1)).alias("count"),
            amount.alias("amount"),
            _seconds(fn.min("ts")).alias("first"),
            _seconds(fn.max("ts")).alias("last"),
        )
        .where(fn.col("amount") >= fn.lit(float(min_amount)))
    )


def spark_neighbourhood(
    flows_df: DataFrame,
    around: tuple[str, ...] | list[str],
    hops: int,
    direction: Direction = "both",
    min_amount: float = 0.0,
    max_nodes: int = 2000,
) -> tuple[list[str], int]:
    """The accounts within ``hops`` of ``around`` and how many the node budget left out.

    Same rule as ``build.neighbourhood``: each hop keeps the new neighbours joined
    by the largest summed flow (ties by account) until ``max_nodes`` is reached.
    A centre account must have a flow in ``flows_df``.
    """
    from pyspark.sql import functions as fn

    if hops < 0:
        raise InputError("hops must be 0 or more", field="hops")
    if direction not in ("in", "out", "both"):
        raise InputError(f"direction must be in, out or both, not {direction!r}", field="direction")
    spark = flows_df.sparkSession
    centre = sorted(set(around))
    known = {
        row[0]
        for row in flows_df.select(fn.col("source").alias("account"))
        .union(flows_df.select("target"))
        .where(fn.col("account").isin(centre))
        .distinct()
        .collect()
    }
    missing = [account for account in centre if account not in known]
    if missing:
        raise InputError(f"no flows of account {missing[0]!r}", field="account")
    seen, frontier, left_out = list(centre), list(centre), 0
    for _ in range(hops):
        if not frontier or len(seen) >= max_nodes:
            break
        near = spark.createDataFrame([(a,) for a in frontier], "near string")
        done = spark.createDataFrame([(a,) for a in seen], "account string")
        sides = [
            flows_df.join(fn.broadcast(near), fn.col(near_end) == fn.col("near")).select(
                fn.col(far_end).alias("account"), "amount"
            )
            for way, near_end, far_end in (("out", "source", "target"), ("in", "target", "source"))
            if direction in (way, "both")
        ]
        union = sides[0] if len(sides) == 1 else sides[0].unionAll(sides[1])
        fresh = (
            union.groupBy("account")
            .agg(fn.sum("amount").alias("amount"))
            .where(fn.col("amount") >= fn.lit(float(min_amount)))
            .join(fn.broadcast(done), "account", "left_anti")
            .cache()
        )
        room = max_nodes - len(seen)
        left_out += max(fresh.count() - room, 0)
        ranked = fresh.orderBy(fn.col("amount").desc(), fn.col("account")).limit(room)
        frontier = [row[0] for row in ranked.select("account").collect()]
        fresh.unpersist()
        seen.extend(frontier)
    return sorted(seen), left_out


def spark_components(flows_df: DataFrame, max_iterations: int = DEFAULT_MAX_ITERATIONS) -> DataFrame:
    """Weakly connected components as (account, component), component = its smallest account.

    Min-label propagation: every account takes the smallest label among itself and
    its neighbours until no label changes; each pass is checkpointed so the plan
    stays one pass long. Raises when ``max_iterations`` passes are not enough.
    """
    from pyspark.sql import functions as fn

    edges = (
        flows_df.select(fn.col("source").alias("a"), fn.col("target").alias("b"))
        .union(flows_df.select("target", "source"))
        .distinct()
        .localCheckpoint()
    )
    labels = edges.select(fn.col("a").alias("account"), fn.col("a").alias("component")).distinct()
    for _ in range(max_iterations):
        offered = (
            edges.join(labels.withColumnRenamed("account", "b"), "b")
            .groupBy(fn.col("a").alias("account"))
            .agg(fn.min("component").alias("offer"))
        )
        updated = (
            labels.join(offered, "account")
            .select(
                "account",
                fn.least("component", "offer").alias("component"),
                (fn.col("offer") < fn.col("component")).alias("changed"),
            )
            .localCheckpoint()
        )
        changed = updated.where("changed").count()
        labels = updated.select("account", "component")
        if changed == 0:
            return labels
    raise InputError(
        f"connected components did not settle in {max_iterations} passes; raise max_iterations",
        field="max_iterations",
    )


def reduced_graph(flows_df: DataFrame, accounts: list[str] | tuple[str, ...]) -> nx.DiGraph[str]:
    """The flows among ``accounts`` as a networkx graph: the only part of the flows collected."""
    from pyspark.sql import functions as fn

    spark = flows_df.sparkSession
    nodes = spark.createDataFrame([(a,) for a in sorted(set(accounts))], "account string")
    edges = (
        flows_df.join(fn.broadcast(nodes.withColumnRenamed("account", "source")), "source", "left_semi")
        .join(fn.broadcast(nodes.withColumnRenamed("account", "target")), "target", "left_semi")
        .select("source", "target", "count", "amount", "first", "last")
        .orderBy("source", "target")
        .collect()
    )
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_nodes_from(sorted(set(accounts)))
    graph.add_edges_from(
        (row["source"], row["target"],
         {"count": int(row["count"]), "amount": float(row["amount"]),
          "first": int(row["first"]), "last": int(row["last"])})
        for row in edges
    )  # fmt: skip
    return graph


def spark_network(con: duckdb.DuckDBPyConnection, payments_df: DataFrame, scope: Scope) -> nx.DiGraph[str]:
    """The flow graph of ``scope``, reduced on Spark; the accounts' attributes come from the store.

    Only a neighbourhood reaches the driver: the whole payment graph of a
    cluster-sized unit is what this path exists to keep off it.
    """
    if not scope.around:
        raise InputError("on Spark a graph needs centre accounts: give --around, --alert or --community")
    from pyspark.sql import functions as fn

    flows_df = spark_flows(payments_df, scope.since, scope.until).cache()
    try:
        accounts, left_out = spark_neighbourhood(
            flows_df, scope.around, scope.hops, scope.direction, scope.min_amount, scope.max_nodes
        )
        graph = reduced_graph(flows_df.where(fn.col("amount") >= fn.lit(float(scope.min_amount))), accounts)
    finally:
        flows_df.unpersist()
    return describe(con, graph, pa.table({"account": accounts}), scope, left_out)


def _seconds(instant: Column) -> Column:
    """Unix seconds of a timestamp, rounded half to even as DuckDB's ``epoch(ts)::BIGINT`` is."""
    from pyspark.sql import functions as fn

    return fn.bround(fn.unix_micros(instant) / fn.lit(1_000_000.0)).cast("bigint")
