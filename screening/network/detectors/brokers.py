"""Brokers by structure: accounts that bridge otherwise separate groups, weighted by money.

Three measures, each computed where it is cheap:

1. **Gould-Fernandez brokerage** in DuckDB over the whole period. For each account
   ``v`` every two-step flow ``a -> v -> b`` is classified by the groups (countries)
   of ``a``, ``v`` and ``b``: coordinator (all one group), gatekeeper (money from
   another group into v's), representative (from v's group to another), itinerant
   (from one foreign group back to the same foreign group) and liaison (three
   different groups). Money is weighted, not only counted: the inflow from group
   ``g`` is spread over the outflows in proportion, so the money v brokers from
   ``g`` to ``h`` is ``in(g) * out(h) / out_total``.
2. **Burt's constraint and effective size** with networkx on the candidates' ego
   networks only (weighted by amount): a broker's contacts are not connected to
   each other, so its constraint is low and its effective size close to its degree.
3. **Ego betweenness**: betweenness within the account's own ego network, with
   distance 1/amount so that large flows are short.

Ego networks are capped at each candidate's ``max_contacts`` largest counterparties
so a hub paid by thousands cannot stall the networkx step.

Money remitters bridge countries by trade; they are left out (their customers are
screened by the other patterns).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import numpy as np
import polars as pl
import pyarrow as pa

from screening.network.context import Context
from screening.network.model import Finding, Member

_FLOWS = """
SELECT payer_account AS source, payee_account AS target, sum(amt) AS amount, count(*) AS payments,
       min(ts) AS first, max(ts) AS last
FROM sp
WHERE payer_account IS NOT NULL AND payee_account IS NOT NULL AND payer_account <> payee_account
  AND amt IS NOT NULL
GROUP BY ALL HAVING sum(amt) >= $min_flow
"""

_BROKERAGE = """
WITH grp AS (SELECT account, coalesce(country, '?') AS g, is_msb FROM party),
inflow AS (SELECT f.target AS v, grp.g, sum(f.amount) AS amount, count(*) AS contacts
           FROM broker_flows f JOIN grp ON grp.account = f.source GROUP BY ALL),
outflow AS (SELECT f.source AS v, grp.g AS h, sum(f.amount) AS amount, count(*) AS contacts
            FROM broker_flows f JOIN grp ON grp.account = f.target GROUP BY ALL),
total AS (SELECT v, sum(amount) AS out_total FROM outflow GROUP BY v),
brokered AS (
    SELECT i.v, i.g, o.h, i.amount * o.amount / t.out_total AS money, i.contacts * o.contacts AS pairs
    FROM inflow i JOIN outflow o USING (v) JOIN total t USING (v)
)
SELECT b.v AS account, grp.g AS country,
       coalesce(sum(money) FILTER (WHERE b.g = grp.g AND b.h = grp.g), 0) AS coordinator,
       coalesce(sum(money) FILTER (WHERE b.g <> grp.g AND b.h = grp.g), 0) AS gatekeeper,
       coalesce(sum(money) FILTER (WHERE b.g = grp.g AND b.h <> grp.g), 0) AS representative,
       coalesce(sum(money) FILTER (WHERE b.g <> grp.g AND b.h = b.g), 0) AS itinerant,
       coalesce(sum(money) FILTER (WHERE b.g <> grp.g AND b.h <> grp.g AND b.h <> b.g), 0) AS liaison,
       sum(money) AS throughput,
       list_distinct(list(b.g) || list(b.h)) AS groups
FROM brokered b JOIN grp ON grp.account = b.v
WHERE NOT grp.is_msb
GROUP BY ALL
HAVING liaison + itinerant >= $min_brokered
   AND len(list_distinct(list(b.g) || list(b.h))) >= $min_groups
ORDER BY liaison + itinerant DESC, account
LIMIT $max_candidates
"""

_CONTACTS = """
WITH ties AS (
    SELECT f.source AS centre, f.target AS contact, f.amount FROM broker_flows f
    SEMI JOIN __candidates c ON c.account = f.source
    UNION ALL
    SELECT f.target, f.source, f.amount FROM broker_flows f SEMI JOIN __candidates c ON c.account = f.target
),
summed AS (SELECT centre, contact, sum(amount) AS amount FROM ties GROUP BY ALL)
SELECT centre, contact FROM summed
QUALIFY row_number() OVER (PARTITION BY centre ORDER BY amount DESC, contact) <= $max_contacts
ORDER BY centre, contact
"""

_EGO_EDGES = """
WITH ego AS (SELECT DISTINCT contact AS account FROM __contacts UNION SELECT account FROM __candidates)
SELECT f.source, f.target, f.amount, f.payments, f.first, f.last
FROM broker_flows f SEMI JOIN ego a ON a.account = f.source SEMI JOIN ego b ON b.account = f.target
ORDER BY f.source, f.target
"""

_EVIDENCE = """
SELECT txn_id, payer_account, payee_account FROM sp
WHERE amt IS NOT NULL AND (payer_account IN (SELECT account FROM __candidates)
                           OR payee_account IN (SELECT account FROM __candidates))
"""


def detect_brokers(ctx: Context, params: Mapping[str, float | int]) -> list[Finding]:
    """Accounts that broker money between groups, with contacts that do not know each other."""
    ctx.create("broker_flows", _FLOWS, params)
    candidates = ctx.frame(_BROKERAGE, params)
    if candidates.is_empty():
        return []
    with ctx.registered("__candidates", pa.table({"account": candidates["account"].to_arrow()})):
        contacts = ctx.frame(_CONTACTS, params)
        with ctx.registered("__contacts", contacts.to_arrow()):
            edges = ctx.frame(_EGO_EDGES)
        evidence = ctx.frame(_EVIDENCE)
    graph = _ego_graph(edges)
    circles = {c: [c, *group["contact"].to_list()] for (c,), group in contacts.group_by("centre")}
    findings = []
    for row in candidates.iter_rows(named=True):
        account = row["account"]
        ego = graph.subgraph(circles.get(account, [account]))
        constraint, effective = structural_holes(ego, account)
        if constraint > params["max_constraint"] or effective < params["min_effective_size"]:
            continue
        betweenness = _ego_betweenness(ego, account)
        findings.append(_finding(row, graph, edges, evidence, constraint, effective, betweenness))
    return findings


def _ego_graph(edges: pl.DataFrame) -> nx.Graph[str]:
    """Undirected, money-weighted: constraint and effective size ask who is tied to whom."""
    graph: nx.Graph[str] = nx.Graph()
    for row in edges.iter_rows(named=True):
        a, b = row["source"], row["target"]
        amount = row["amount"] + (graph.edges[a, b]["amount"] if graph.has_edge(a, b) else 0.0)
        graph.add_edge(a, b, amount=amount)
    return graph


def structural_holes(ego: nx.Graph[str], account: str) -> tuple[float, float]:
    """Burt's constraint and effective size of ``account`` in its ego network, weighted by amount.

    The same definitions as ``nx.constraint`` and ``nx.effective_size`` on an undirected
    graph, computed as matrix products: networkx's pure-Python version costs seconds for one
    well-connected hub and the nightly run screens hundreds of candidates.
    """
    nodes = list(ego)
    if ego.degree(account) == 0:
        return float("nan"), 0.0
    weights = nx.to_numpy_array(ego, nodelist=nodes, weight="amount")
    share = np.divide(weights, weights.sum(axis=1, keepdims=True), out=np.zeros_like(weights),
                      where=weights.sum(axis=1, keepdims=True) > 0)  # fmt: skip
    strongest = np.divide(weights, weights.max(axis=1, keepdims=True), out=np.zeros_like(weights),
                          where=weights.max(axis=1, keepdims=True) > 0)  # fmt: skip
    i = nodes.index(account)
    contacts = np.flatnonzero(weights[i])
    direct_and_indirect = share[i] + share[i] @ share
    constraint = float((direct_and_indirect[contacts] ** 2).sum())
    redundancy = float((strongest[contacts] @ share[i]).sum())
    return constraint, len(contacts) - redundancy


def _ego_betweenness(ego: nx.Graph[str], account: str) -> float:
    """The account's betweenness within its own ego network, large flows as short distances.

    Ego betweenness tracks global betweenness closely (Everett and Borgatti 2005) at a
    fraction of the cost: each candidate's circle, not the whole store.
    """
    distance: nx.Graph[str] = nx.Graph()
    distance.add_edges_from((a, b, {"distance": 1.0 / d["amount"]}) for a, b, d in ego.edges(data=True))
    if account not in distance:
        return 0.0
    return float(nx.betweenness_centrality(distance, weight="distance")[account])


def _finding(
    row: dict[str, Any],
    graph: nx.Graph[str],
    edges: pl.DataFrame,
    evidence: pl.DataFrame,
    constraint: float,
    effective: float,
    betweenness: float,
) -> Finding:
    account = row["account"]
    mine = edges.filter((pl.col("source") == account) | (pl.col("target") == account))
    senders = mine.filter(pl.col("target") == account).sort("amount", descending=True)
    receivers = mine.filter(pl.col("source") == account).sort("amount", descending=True)
    members = [Member(account, "bridge")]
    members += [
        Member(a, "sender", {"amount": round(x, 2)}) for a, x in senders.select("source", "amount").rows()
    ]
    members += [
        Member(a, "receiver", {"amount": round(x, 2)})
        for a, x in receivers.select("target", "amount").rows()
        if a not in set(senders["source"])
    ]
    txns = evidence.filter((pl.col("payer_account") == account) | (pl.col("payee_account") == account))
    brokered = row["liaison"] + row["itinerant"]
    share = brokered / row["throughput"] if row["throughput"] else 0.0
    score = min(0.9, 0.4 + 0.3 * share + 0.2 * (1 - constraint))
    return Finding(
        subject=account,
        window_start=min(mine["first"]),
        window_end=max(mine["last"]),
        score=score,
        evidence=tuple(sorted(txns["txn_id"].to_list())),
        members=tuple(members),
        figures={
            "country": row["country"],
            "groups": len(row["groups"]),
            "liaison": round(row["liaison"], 2),
            "itinerant": round(row["itinerant"], 2),
            "gatekeeper": round(row["gatekeeper"], 2),
            "representative": round(row["representative"], 2),
            "coordinator": round(row["coordinator"], 2),
            "brokered": round(brokered, 2),
            "brokered_share": round(share, 4),
            "constraint": round(constraint, 4),
            "effective_size": round(effective, 2),
            "degree": graph.degree(account),
            "betweenness": round(betweenness, 6),
        },
    )
