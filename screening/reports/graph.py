"""The case's money flows as a graph: who paid whom, aggregated over the evidence payments."""

from __future__ import annotations

from typing import Any

import networkx as nx
import polars as pl

from screening.reports.case import Case


def case_graph(case: Case) -> nx.DiGraph[str]:
    """Payer -> payee, one edge per pair with count, amount (base currency), first and last (Unix seconds).

    Nodes are accounts, with name, country, type, role (subject or
    counterparty), risk and alerts (subjects only). A side without an account,
    such as the depositor of cash, is one node per channel, e.g. ``(cash)``.
    """
    graph: nx.DiGraph[str] = nx.DiGraph()
    subjects = {s.account: s for s in case.subjects}
    flows = (
        case.payments.with_columns(
            payer=pl.coalesce("payer_account", pl.format("({})", pl.col("channel").fill_null("unknown"))),
            payee=pl.coalesce("payee_account", pl.format("({})", pl.col("channel").fill_null("unknown"))),
            amount_base=pl.col("amount_base").cast(pl.Float64),
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
    for side in ("payer", "payee"):
        for row in _parties(case.payments, side).iter_rows(named=True):
            if row["account"] not in graph:
                graph.add_node(row["account"], **_node(row, subjects))
    for row in flows.iter_rows(named=True):
        for end in ("payer", "payee"):
            if row[end] not in graph:
                graph.add_node(row[end], **_node({"account": row[end]}, subjects))
        graph.add_edge(row["payer"], row["payee"], count=row["count"], amount=round(row["amount"], 2),
                       first=int(row["first"]), last=int(row["last"]))  # fmt: skip
    return graph


def _parties(payments: pl.DataFrame, side: str) -> pl.DataFrame:
    """Each account on one side with its most frequent name, country and type."""
    return (
        payments.filter(pl.col(f"{side}_account").is_not_null())
        .group_by(account=pl.col(f"{side}_account"))
        .agg(
            name=pl.col(f"{side}_name").drop_nulls().mode().sort().first(),
            country=pl.col(f"{side}_country").drop_nulls().mode().sort().first(),
            type=pl.col(f"{side}_type").drop_nulls().mode().sort().first(),
        )
        .sort("account")
    )


def _node(row: dict[str, Any], subjects: dict[str, Any]) -> dict[str, Any]:
    subject = subjects.get(row["account"])
    return {
        "name": row.get("name") or (subject.names[0] if subject and subject.names else None),
        "country": row.get("country"),
        "type": row.get("type"),
        "role": "subject" if subject else "counterparty",
        "risk": subject.risk if subject else None,
        "alerts": list(subject.alert_ids) if subject else [],
    }
