"""ML-06: a set of senders paying a set of receivers nearly all-to-all, and the stack it may start.

A bipartite block is at least ``min_senders`` senders and ``min_receivers``
receivers with at least ``min_density`` of all sender-receiver pairs paid
within ``window_days``. DuckDB finds the candidates: pairs of receivers that
share ``min_shared`` senders within the window, on account-to-account
transfers between accounts that are neither busy (more than
``max_counterparties``) nor regular partners. networkx groups those receivers
(connected components of the overlap graph) and each group, with the senders
that pay at least two of its receivers, is peeled (the member with the fewest
links in the block goes first) until it is dense enough or too small. Blocks
whose receivers are the senders of a later block are stacked into one
finding; its subject is the first-layer sender with the lowest account id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import networkx as nx
import polars as pl
import pyarrow as pa

from screening.network.context import Context
from screening.network.detectors.transfers import TRANSFERS, scratch
from screening.network.model import Finding, Member

_EDGES = f"""
WITH t AS MATERIALIZED ({TRANSFERS}),
degree AS (
    SELECT account, count(DISTINCT other) AS counterparties
    FROM (SELECT src AS account, dst AS other FROM t UNION ALL SELECT dst, src FROM t)
    GROUP BY account
),
partners AS (
    SELECT least(src, dst) AS a, greatest(src, dst) AS b FROM t
    GROUP BY ALL HAVING count(*) > $max_pair_transfers
)
SELECT t.src, t.dst, min(t.ts) AS first_ts, max(t.ts) AS last_ts, sum(t.amt) AS amount,
       list(t.txn_id ORDER BY t.ts, t.txn_id) AS txns
FROM t
JOIN degree ds ON ds.account = t.src AND ds.counterparties <= $max_counterparties
JOIN degree dr ON dr.account = t.dst AND dr.counterparties <= $max_counterparties
ANTI JOIN partners p ON p.a = least(t.src, t.dst) AND p.b = greatest(t.src, t.dst)
GROUP BY t.src, t.dst
"""
"""One row per (sender, receiver) with its payments, between accounts that are not hubs or partners."""

_RECEIVER_PAIRS = """
SELECT a.dst AS r1, b.dst AS r2
FROM {edges} a JOIN {edges} b ON a.src = b.src AND a.dst < b.dst
     AND b.first_ts BETWEEN a.first_ts - to_days($window_days) AND a.first_ts + to_days($window_days)
GROUP BY a.dst, b.dst
HAVING count(DISTINCT a.src) >= $min_shared
ORDER BY r1, r2
"""


@dataclass(frozen=True)
class _Block:
    senders: frozenset[str]
    receivers: frozenset[str]
    density: float
    edges: pl.DataFrame


def detect_bipartite(ctx: Context, params: Mapping[str, float | int]) -> list[Finding]:
    """Dense sender-to-receiver blocks, stacked when one block's receivers send on to the next."""
    window = int(params["window_days"])
    with scratch(ctx, "pairs") as (edges,):
        ctx.create(
            edges,
            _EDGES,
            {
                "min_amount": float(params["min_amount"]),
                "max_counterparties": int(params["max_counterparties"]),
                "max_pair_transfers": int(params["max_pair_transfers"]),
            },
        )
        pairs = ctx.frame(
            _RECEIVER_PAIRS.format(edges=edges),
            {"window_days": window, "min_shared": int(params["min_shared"])},
        )
        overlap: nx.Graph[str] = nx.Graph()
        overlap.add_edges_from(pairs.iter_rows())
        seeds = sorted(overlap.nodes)
        with ctx.registered("__receivers", pa.table({"account": pa.array(seeds, pa.string())})):
            links = ctx.frame(
                f"SELECT e.* FROM {edges} e WHERE e.src IN "
                f"(SELECT DISTINCT src FROM {edges} WHERE dst IN (SELECT account FROM __receivers)) "
                "ORDER BY e.src, e.dst"
            )
    blocks: dict[tuple[frozenset[str], frozenset[str]], _Block] = {}
    for group in nx.connected_components(overlap):
        block = _peel(_around(links, group, window), params)
        if block is not None and _span(block.edges) <= timedelta(days=window):
            blocks.setdefault((block.senders, block.receivers), block)
    return [_finding(stack, params) for stack in _stacks(list(blocks.values()), params)]


def _around(links: pl.DataFrame, receivers: set[str], window: int) -> pl.DataFrame:
    """The senders that pay a group of receivers, and everyone those senders pay around that time."""
    core = links.filter(pl.col("dst").is_in(list(receivers)))
    start = core["first_ts"].min()
    assert isinstance(start, datetime)
    reach = timedelta(days=window)
    return links.filter(
        pl.col("src").is_in(core["src"].unique().to_list())
        & pl.col("first_ts").is_between(start - reach, start + reach)
    )


def _peel(links: pl.DataFrame, params: Mapping[str, float | int]) -> _Block | None:
    """Drop the least-linked member until the block is dense enough, or too small to be one."""
    pairs = {(s, r) for s, r in links.select("src", "dst").iter_rows()}
    senders = {s for s, _ in pairs}
    receivers = {r for _, r in pairs}
    min_s, min_r, density = (
        int(params["min_senders"]),
        int(params["min_receivers"]),
        float(params["min_density"]),
    )
    while len(senders) >= min_s and len(receivers) >= min_r:
        inside = {(s, r) for s, r in pairs if s in senders and r in receivers}
        share = len(inside) / (len(senders) * len(receivers))
        if share >= density:
            kept = links.filter(pl.col("src").is_in(list(senders)) & pl.col("dst").is_in(list(receivers)))
            return _Block(frozenset(senders), frozenset(receivers), share, kept)
        out, into = Counter(s for s, _ in inside), Counter(r for _, r in inside)
        fill = {s: out[s] / len(receivers) for s in senders} | {r: into[r] / len(senders) for r in receivers}
        weakest = min(fill, key=lambda a: (fill[a], a))
        (senders if weakest in senders else receivers).discard(weakest)
    return None


def _span(edges: pl.DataFrame) -> timedelta:
    start, end = edges["first_ts"].min(), edges["last_ts"].max()
    assert isinstance(start, datetime) and isinstance(end, datetime)
    return end - start


def _stacks(blocks: list[_Block], params: Mapping[str, float | int]) -> list[list[_Block]]:
    """Blocks chained where enough of one block's receivers send in a later block, in layer order."""
    chain: nx.DiGraph[int] = nx.DiGraph()
    chain.add_nodes_from(range(len(blocks)))
    for i, first in enumerate(blocks):
        for j, then in enumerate(blocks):
            shared = first.receivers & then.senders
            if i != j and len(shared) >= int(params["min_senders"]) and _start(then) > _start(first):
                chain.add_edge(i, j)
    stacks = []
    for component in nx.weakly_connected_components(chain):
        order = sorted(component, key=lambda i: (_start(blocks[i]), min(blocks[i].senders)))
        stacks.append([blocks[i] for i in order])
    return sorted(stacks, key=lambda s: min(s[0].senders))


def _start(block: _Block) -> datetime:
    start = block.edges["first_ts"].min()
    assert isinstance(start, datetime)
    return start


def _finding(stack: list[_Block], params: Mapping[str, float | int]) -> Finding:
    edges = pl.concat([b.edges for b in stack])
    senders = set().union(*(b.senders for b in stack))
    receivers = set().union(*(b.receivers for b in stack))
    roles: dict[str, str] = {}
    for account in sorted(senders | receivers):
        both = account in senders and account in receivers
        roles[account] = "intermediary" if both else "sender" if account in senders else "receiver"
    first_layer = sorted(a for a in stack[0].senders if roles[a] == "sender") or sorted(stack[0].senders)
    start, end = edges["first_ts"].min(), edges["last_ts"].max()
    assert isinstance(start, datetime) and isinstance(end, datetime)
    density = min(b.density for b in stack)
    layers = len(stack) + 1
    score = (
        0.5
        + 0.2 * min(1.0, (layers - 2) / 2)
        + 0.3 * (density - float(params["min_density"])) / max(1e-9, 1.0 - float(params["min_density"]))
    )
    figures: dict[str, Any] = {
        "layers": layers,
        "senders": sum(1 for r in roles.values() if r == "sender"),
        "intermediaries": sum(1 for r in roles.values() if r == "intermediary"),
        "receivers": sum(1 for r in roles.values() if r == "receiver"),
        "links": edges.height,
        "density": round(density, 3),
        "total": round(float(edges["amount"].sum()), 2),
        "days": round((end - start).total_seconds() / 86400, 1),
        "structure": "a stacked bipartite" if len(stack) > 1 else "a bipartite block",
    }
    return Finding(
        subject=first_layer[0],
        window_start=start,
        window_end=end,
        score=round(min(1.0, score), 3),
        evidence=tuple(sorted({t for txns in edges["txns"].to_list() for t in txns})),
        members=tuple(Member(a, roles[a]) for a in sorted(roles, key=lambda a: (_rank(roles[a]), a))),
        figures=figures,
    )


def _rank(role: str) -> int:
    return ("sender", "intermediary", "receiver").index(role)
