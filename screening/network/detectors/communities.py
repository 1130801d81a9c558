"""Communities: groups of accounts that deal mostly with each other, ranked by the alerts inside.

Louvain on the whole store would take minutes at a million accounts and say
little; what an analyst needs is the communities that hold alerts. So the graph
is reduced first, in DuckDB: the accounts that are subjects or (non-victim)
members of alerts, and each one's strongest counterparties, with flows of at
least ``min_flow``. networkx's Louvain method then splits that graph into
communities (money-weighted, fixed seed so a rerun gives the same groups). A
community becomes a finding when it joins the subjects of at least
``min_subjects`` different alerted accounts: that is what a single alert cannot
show. Its id is ``C-<top account>`` and every member is kept per run in the
``communities`` table, for ``screening graph --community``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import networkx as nx
import pyarrow as pa

from screening.detection.findings import SEVERITY_WEIGHT_SQL
from screening.network.context import Context
from screening.network.detectors.transfers import as_datetime
from screening.network.model import Finding, Member

_SEEDS = f"""
WITH involved AS (
    SELECT subject AS account, alert_id, typology, least(score * {SEVERITY_WEIGHT_SQL}, 0.999) AS w,
           true AS subject
    FROM alerts WHERE standalone AND window_end >= $scan_from
    UNION ALL
    SELECT m.account, a.alert_id, a.typology, least(a.score * {SEVERITY_WEIGHT_SQL}, 0.999) * 0.5, false
    FROM alert_members m JOIN alerts a USING (alert_id)
    WHERE NOT m.victim AND a.standalone AND a.window_end >= $scan_from AND m.account <> a.subject
)
SELECT account, bool_or(subject) AS subject, 1 - exp(sum(ln(1 - w))) AS risk,
       count(DISTINCT alert_id) AS alerts, list(DISTINCT typology ORDER BY typology) AS typologies,
       list(DISTINCT alert_id ORDER BY alert_id) AS alert_ids
FROM involved GROUP BY account
"""

_FLOWS = """
WITH flows AS (
    SELECT payer_account AS source, payee_account AS target, sum(amt) AS amount
    FROM sp
    WHERE (payer_account IN (SELECT account FROM __seeds) OR payee_account IN (SELECT account FROM __seeds))
      AND payer_account IS NOT NULL AND payee_account IS NOT NULL AND payer_account <> payee_account
      AND amt IS NOT NULL
    GROUP BY ALL HAVING sum(amt) >= $min_flow
),
ends AS (
    SELECT source AS seed, * FROM flows SEMI JOIN __seeds s ON s.account = flows.source
    UNION ALL
    SELECT target AS seed, * FROM flows SEMI JOIN __seeds s ON s.account = flows.target
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY seed ORDER BY amount DESC, source, target) AS rank FROM ends
)
SELECT DISTINCT source, target, amount FROM ranked WHERE rank <= $max_neighbours
ORDER BY source, target
"""

_EVIDENCE = """
SELECT txn_id, ts FROM sp
WHERE payer_account IN (SELECT account FROM __community)
  AND payee_account IN (SELECT account FROM __community)
ORDER BY amt DESC, txn_id LIMIT $max_evidence
"""


def detect_communities(ctx: Context, params: Mapping[str, float | int]) -> list[Finding]:
    """Communities of the alerted accounts' money network that join several alerted subjects."""
    seeds = ctx.frame(_SEEDS)
    if seeds.height < params["min_alerted"]:
        return []
    with ctx.registered("__seeds", pa.table({"account": seeds["account"].to_arrow()})):
        flows = ctx.frame(_FLOWS, params)
    graph: nx.Graph[str] = nx.Graph()
    for source, target, amount in flows.iter_rows():
        previous = graph.edges[source, target]["amount"] if graph.has_edge(source, target) else 0.0
        graph.add_edge(source, target, amount=previous + amount)
    communities = nx.community.louvain_communities(
        graph, weight="amount", resolution=params["resolution"], seed=7
    )
    by_account = {row["account"]: row for row in seeds.iter_rows(named=True)}
    findings = []
    for community in communities:
        finding = _finding(ctx, sorted(community), graph, by_account, params)
        if finding is not None:
            findings.append(finding)
    return findings


def _finding(
    ctx: Context,
    accounts: list[str],
    graph: nx.Graph[str],
    seeds: dict[str, dict[str, Any]],
    params: Mapping[str, float | int],
) -> Finding | None:
    alerted = [seeds[a] for a in accounts if a in seeds and seeds[a]["subject"]]
    if len(alerted) < params["min_alerted"]:
        return None
    groups = _separately_alerted(alerted)
    alerted.sort(key=lambda s: (-s["risk"], s["account"]))
    leader = alerted[0]["account"]
    inside = graph.subgraph(accounts)
    with ctx.registered("__community", pa.table({"account": accounts})):
        chosen = ctx.frame(_EVIDENCE, params)
    evidence = chosen["txn_id"].to_list()
    if not evidence:
        return None
    combined = 1.0
    for seed in alerted:
        combined *= 1 - seed["risk"]
    typologies = sorted({t for s in alerted for t in s["typologies"]})
    members = [Member(a, "hub" if a == leader else "member", _member_figures(seeds.get(a))) for a in accounts]
    return Finding(
        subject=leader,
        window_start=as_datetime(chosen["ts"].min()),
        window_end=as_datetime(chosen["ts"].max()),
        score=min(0.95, 0.5 * (1 - combined) + 0.15 * len(alerted) + 0.2 * (groups - 1)),
        evidence=tuple(evidence),
        members=tuple(members),
        figures={
            "community": f"C-{leader}",
            "size": len(accounts),
            "alerted": len(alerted),
            "groups": groups,
            "alerts": sum(s["alerts"] for s in alerted),
            "typologies": ", ".join(typologies),
            "risk": round(1 - combined, 4),
            "flow": round(sum(d["amount"] for _, _, d in inside.edges(data=True)), 2),
        },
    )


def _separately_alerted(alerted: list[dict[str, Any]]) -> int:
    """How many groups the alerted subjects form when those sharing an alert count as one.

    A ring already reported by one network finding (the broker, its recipients) is one
    group; a community joining groups alerted apart shows what no single alert does,
    and scores higher.
    """
    shared: nx.Graph[str] = nx.Graph()
    for seed in alerted:
        shared.add_node(seed["account"])
        shared.add_edges_from((seed["account"], f"alert:{a}") for a in seed["alert_ids"])
    accounts = {s["account"] for s in alerted}
    return sum(1 for part in nx.connected_components(shared) if part & accounts)


def _member_figures(seed: dict[str, Any] | None) -> dict[str, Any]:
    if seed is None:
        return {}
    return {"risk": round(seed["risk"], 4), "alerts": seed["alerts"]}
