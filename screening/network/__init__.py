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
from typing import TYPE_CHECKING

from screening.detection.ruleset import load_rules, read_settings
from screening.detection.runner import RunResult
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
) -> RunResult:
    """Run the enabled network patterns over the payments no network run has screened yet.

    Then bring the view index up to date, so neighbourhood views stay sub-second.

    Run it after :func:`screening.detection.screen`: the community and nexus
    patterns start from what the rules found. ``settings`` is the deployment's
    TOML file of overrides, shared with the rules.
    """
    ruleset = load_rules(rules)
    patterns = load_patterns()
    result = run_patterns(
        store.connection,
        patterns,
        ruleset.reference,
        base_currency=store.base_currency,
        settings=read_settings(settings, ruleset, patterns.patterns),
        as_of=as_of,
        progress=progress,
    )
    refresh_view_index(store.connection)
    return result
