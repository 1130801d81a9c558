"""The case's money flows as a graph: who paid whom, aggregated over the evidence payments.

Node and edge attributes are those of ``screening.network.build`` (the network
views and pictures read them), so a broker in a case report is the same broker
in every network view.
"""

from __future__ import annotations

from typing import Any

import duckdb
import networkx as nx
import polars as pl

from screening.network.build import node_attributes
from screening.reports.case import Case


def case_graph(con: duckdb.DuckDBPyConnection, case: Case) -> nx.DiGraph[str]:
    """Payer -> payee, one edge per pair: count, amount (base currency), first and last (Unix seconds).

    Accounts carry name, country, type, role, roles, risk, alerts, victim and
    focus (the case's subjects). A side without an account, such as the
    depositor of cash, becomes one node per channel, e.g. ``(cash)``.
    """
    unnamed = pl.format("({})", pl.col("channel").fill_null("unknown"))
    flows = (
        case.payments.with_columns(
            payer=pl.coalesce("payer_account", unnamed),
            payee=pl.coalesce("payee_account", unnamed),
            amount_base=pl.col("amount_base").cast(pl.Float64).fill_null(0.0),
            seconds=pl.col("ts").dt.epoch("s"),
        )
        .group_by("payer", "payee")
        .agg(
            count=pl.len(),
            amount=pl.col("amount_base").sum(),
            first=pl.col("seconds").min(),
            last=pl.col("seconds").max(),
        )
        .sort("payer", "payee")
    )
    accounts = sorted(
        {a for side in ("payer_account", "payee_account") for a in case.payments[side].drop_nulls().to_list()}
    )
    known = node_attributes(
        con,
        pl.DataFrame({"account": accounts}, schema={"account": pl.String}).to_arrow(),
        focus=tuple(s.account for s in case.subjects),
    )
    graph: nx.DiGraph[str] = nx.DiGraph(
        title=f"Money flows of {', '.join(s.account for s in case.subjects)}",
        base_currency=case.base_currency,
    )
    for row in flows.iter_rows(named=True):
        for end in (row["payer"], row["payee"]):
            if end not in graph:
                graph.add_node(end, **known.get(end, _unnamed(end)))
        graph.add_edge(row["payer"], row["payee"], count=row["count"], amount=round(row["amount"], 2),
                       first=int(row["first"]), last=int(row["last"]))  # fmt: skip
    return graph


def _unnamed(label: str) -> dict[str, Any]:
    """A side the payments name no account for: no one to attribute risk or alerts to."""
    return {"name": label, "country": "", "type": "", "role": "", "roles": "", "risk": 0.0, "alerts": 0,
            "victim": False, "focus": False}  # fmt: skip
