"""Payment networks: graphs built from the store, network patterns, tracing and exports.

from screening import Store
from screening.network import find_networks, trace, write_graph

with Store.open("screening.duckdb") as store:
    find_networks(store)                        # the patterns of graphs/, after the rules
    graph = store.network(around=["BRK-1"], hops=2)
    write_graph(graph, Path("broker.gexf"))
    where = trace(store, "BRK-1", hops=3).totals
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from screening.detection.ruleset import load_rules, read_settings
from screening.detection.runner import RunResult
from screening.engines import DEFAULT_SPARK_MASTER
from screening.network.build import Scope, network
from screening.network.export import write_graph
from screening.network.patterns import load_patterns
from screening.network.runner import PatternProgress, run_patterns
from screening.network.trace import TraceResult, trace
from screening.store.view_index import refresh_view_index

if TYPE_CHECKING:
    from screening.store import Store

__all__ = ["Scope", "TraceResult", "find_networks", "network", "trace", "write_graph"]


def find_networks(
    store: Store,
    *,
    as_of: date | datetime | None = None,
    settings: Path | None = None,
    rules: Path | None = None,
    progress: PatternProgress | None = None,
    engine: Literal["duckdb", "spark"] = "duckdb",
    spark_master: str = DEFAULT_SPARK_MASTER,
    payments: str | None = None,
) -> RunResult:
    """Run the enabled network patterns over the payments no network run has screened yet.

    Then bring the view index up to date, so neighbourhood views stay sub-second.

    Run it after :func:`screening.detection.screen`: the community and nexus
    patterns start from what the rules found. ``settings`` is the deployment's
    TOML file of overrides, shared with the rules. With ``engine="spark"`` the
    detectors' queries run on Spark (``spark_master``) over ``payments`` (a Parquet
    path or Spark table; the store's own payments without it), and the findings
    are kept in the store all the same.
    """
    ruleset = load_rules(rules)
    patterns = load_patterns()
    chosen = read_settings(settings, ruleset, patterns.patterns)
    if engine == "spark":
        from screening.engines.spark import find_networks_on_spark

        result = find_networks_on_spark(store.connection, patterns, ruleset.reference, chosen,
                                        base_currency=store.base_currency, payments=payments,
                                        master=spark_master, as_of=as_of, progress=progress)  # fmt: skip
    else:
        result = run_patterns(store.connection, patterns, ruleset.reference, settings=chosen,
                              base_currency=store.base_currency, as_of=as_of, progress=progress)  # fmt: skip
    refresh_view_index(store.connection)
    return result
