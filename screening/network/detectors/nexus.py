"""Nexus: the shortest money paths between organ-brokering subjects and terrorist financing.

Resolution 25/1 warns that organ-trafficking proceeds may finance terrorism.
Rule TF-05 sees the nexus when one account is both; this detector follows the
money between different accounts. Starting sets: the subjects of organ-brokering
alerts (and brokers of organ-brokering rings), and the subjects of
terrorist-financing alerts plus parties with open sanctions hits. DuckDB expands
the flows (at least ``min_flow`` over the period) breadth-first, up to
``max_hops``, from the organ-brokering side forwards and from the other side
backwards, so only accounts within reach of both ever leave the database;
networkx then finds the shortest path for each pair on that small graph.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import networkx as nx
import polars as pl
import pyarrow as pa

from screening.network.context import Context
from screening.network.model import Finding, Member

_FLOWS = """
SELECT payer_account AS source, payee_account AS target, sum(amt) AS amount
FROM sp
WHERE payer_account IS NOT NULL AND payee_account IS NOT NULL AND payer_account <> payee_account
  AND amt IS NOT NULL
GROUP BY ALL HAVING sum(amt) >= $min_flow
"""

_HUBS = """
SELECT account FROM (
    SELECT source AS account, target AS other FROM nexus_flows
    UNION SELECT target, source FROM nexus_flows
) GROUP BY account HAVING count(*) > $max_degree
"""

_ORGAN_SIDE = """
SELECT DISTINCT subject AS account FROM alerts
WHERE typology = 'organ brokering' AND standalone AND window_end >= $scan_from
UNION
SELECT DISTINCT m.account FROM alert_members m JOIN alerts a USING (alert_id)
WHERE a.typology = 'organ brokering' AND m.role = 'broker' AND a.window_end >= $scan_from
"""

_TERROR_SIDE = """
SELECT DISTINCT subject AS account, 'alert ' || rule_id AS why FROM alerts
WHERE typology = 'terrorist financing' AND standalone AND window_end >= $scan_from
UNION
SELECT DISTINCT account, 'sanctions hit on ' || list_name || ' ' || entry_id FROM sanction_hits
WHERE status <> 'false positive' AND level IN ('hold', 'review')
"""

_REACH = """
SELECT DISTINCT f.{far} AS account FROM nexus_flows f
WHERE f.{near} IN (SELECT account FROM __frontier {passable})
"""

_PAYMENTS = """
SELECT txn_id, payer_account, payee_account, ts FROM sp
WHERE payer_account IN (SELECT account FROM __path) AND payee_account IN (SELECT account FROM __path)
"""


def detect_nexus(ctx: Context, params: Mapping[str, float | int]) -> list[Finding]:
    """One finding per organ-brokering subject and terrorist-financing subject joined by money."""
    organ = set(ctx.frame(_ORGAN_SIDE)["account"].to_list())
    terror_rows = ctx.frame(_TERROR_SIDE)
    terror = set(terror_rows["account"].to_list()) - organ  # one account on both sides is TF-05's
    if not organ or not terror:
        return []
    why = dict(terror_rows.group_by("account").agg(pl.col("why").sort().first()).iter_rows())
    ctx.create("nexus_flows", _FLOWS, params)
    ctx.create("nexus_hubs", _HUBS, params)
    hops = int(params["max_hops"])
    forward = _reach(ctx, organ, "source", "target", hops)
    backward = _reach(ctx, terror, "target", "source", hops)
    between = set(forward) & set(backward)
    keep = {a for a in between if forward[a] + backward[a] <= hops}
    if not keep & terror:
        return []
    with ctx.registered("__path", pa.table({"account": sorted(keep)})):
        edges = ctx.frame(
            "SELECT source, target, amount FROM nexus_flows WHERE source IN (SELECT account FROM __path) "
            "AND target IN (SELECT account FROM __path) ORDER BY source, target"
        )
        payments = ctx.frame(_PAYMENTS)
    graph: nx.DiGraph[str] = nx.DiGraph()
    graph.add_weighted_edges_from(edges.iter_rows(), weight="amount")
    hubs = set(ctx.frame("SELECT account FROM nexus_hubs")["account"].to_list())
    graph.remove_edges_from([(a, b) for a, b in graph.edges if a in hubs - organ or b in hubs - terror])
    findings = []
    for start in sorted(organ & keep):
        reachable = nx.single_source_shortest_path(graph, start, cutoff=hops)
        for end in sorted(terror & set(reachable)):
            path = reachable[end]
            if organ.isdisjoint(path[1:]):  # through another organ subject: that one's path says it
                findings.append(_finding(path, graph, payments, why[end]))
    return findings


def _reach(ctx: Context, start: set[str], near: str, far: str, hops: int) -> dict[str, int]:
    """Accounts within ``hops`` of ``start`` along flows (``near`` -> ``far``), with their distance.

    Money is not followed through hubs (more than ``max_degree`` counterparties: merchants,
    employers, remitters): everyone is a few payments from everyone through them.
    """
    distance = dict.fromkeys(start, 0)
    frontier = sorted(start)
    for hop in range(1, hops + 1):
        passable = "" if hop == 1 else "EXCEPT SELECT account FROM nexus_hubs"  # a busy subject still counts
        with ctx.registered("__frontier", pa.table({"account": pa.array(frontier, pa.string())})):
            found = ctx.frame(_REACH.format(near=near, far=far, passable=passable))["account"].to_list()
        frontier = sorted(set(found) - set(distance))
        distance.update(dict.fromkeys(frontier, hop))
        if not frontier:
            break
    return distance


def _finding(path: list[str], graph: nx.DiGraph[str], payments: pl.DataFrame, why: str) -> Finding:
    legs = list(itertools.pairwise(path))
    amounts = [graph.edges[a, b]["amount"] for a, b in legs]
    on_path = payments.filter(
        pl.struct("payer_account", "payee_account").is_in(
            [{"payer_account": a, "payee_account": b} for a, b in legs]
        )
    )
    members = [Member(path[0], "organ-brokering subject")]
    members += [Member(a, "intermediary") for a in path[1:-1]]
    members.append(Member(path[-1], "terrorist-financing subject", {"why": why}))
    return Finding(
        subject=path[0],
        window_start=on_path["ts"].min(),  # type: ignore[arg-type]
        window_end=on_path["ts"].max(),  # type: ignore[arg-type]
        score=max(0.6, 0.95 - 0.1 * (len(legs) - 1)),
        evidence=tuple(sorted(on_path["txn_id"].to_list())),
        members=tuple(members),
        figures={
            "target": path[-1],
            "why": why,
            "hops": len(legs),
            "path": " -> ".join(path),
            "smallest_flow": round(min(amounts), 2),
        },
    )
