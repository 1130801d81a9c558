"""Payment graphs from the store: DuckDB aggregates, networkx only sees the reduced edge list.

Nodes are accounts, with the attributes every export and view reads (``name``,
``country``, ``type``, ``role``, ``roles``, ``risk``, ``alerts``, ``victim``,
``focus``); an edge of a :class:`networkx.DiGraph` is the aggregated flow from
one account to another (``count``, ``amount`` in the base currency, ``first``
and ``last`` as Unix seconds). A :class:`networkx.MultiDiGraph` of individual
payments (edge key = txn_id) is available for small subgraphs.

A :class:`Scope` chooses what is built: a time window, the whole store, or the
k-hop neighbourhood of accounts (in, out or both directions), with a minimum
flow and a node budget so that a hub cannot explode the view: when a hop would
exceed the budget, the neighbours joined by the largest flows are kept and the
graph says how many were left out.

>>> import networkx as nx
>>> from screening.store import Store
>>> from screening.synth import bundled_fx_rates
>>> import pyarrow as pa
>>> store = Store.open(":memory:")
>>> _ = store.load(bundled_fx_rates(), dataset="fx_rates")
>>> _ = store.load(pa.table({
...     "txn_id": ["t1", "t2", "t3"], "ts": ["2026-03-01T10:00:00Z"] * 3,
...     "amount": ["90000", "1500", "800"], "currency": ["USD"] * 3,
...     "payer_account": ["REC-1", "BRK-1", "DON-1"], "payee_account": ["BRK-1", "DON-1", "SHOP-1"],
...     "payer_name": ["Avi Cohen", "Health Partners", "Ion Popa"],
...     "payee_name": ["Health Partners", "Ion Popa", "Shop"]}))
>>> graph = network(store.connection, Scope(around=("BRK-1",), hops=1))
>>> sorted(graph.nodes), graph.nodes["BRK-1"]["focus"], graph.edges["REC-1", "BRK-1"]["amount"]
(['BRK-1', 'DON-1', 'REC-1'], True, 90000.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

import duckdb
import networkx as nx
import polars as pl
import pyarrow as pa

from screening.detection.findings import SEVERITY_WEIGHT_SQL
from screening.errors import InputError
from screening.network.model import VICTIM_ROLES
from screening.store.view_index import BETWEEN_ACCOUNTS, FLOW_COLUMNS, index_is_current, profiles_sql

Direction = Literal["in", "out", "both"]
GraphT = TypeVar("GraphT", "nx.DiGraph[str]", "nx.MultiDiGraph[str]")

ROLE_PRIORITY = (
    "sanctioned", "broker", "recruiter", "recipient", "organ-brokering subject",
    "terrorist-financing subject", "medical facility", "facilitator", "bridge", "hub", "origin",
    "beneficiary", "intermediary",
    "sender", "receiver", "donor", "member",
)  # fmt: skip
"""The role a node is coloured by when findings give it several: the most specific first."""

GENERIC_ROLES = frozenset({"member", "sender", "receiver"})
"""Roles that say where an account sits, not what it did."""


@dataclass(frozen=True)
class Scope:
    """Which part of the store a graph shows."""

    since: datetime | None = None
    until: datetime | None = None
    around: tuple[str, ...] = ()
    """Centre accounts; empty means every account in the window."""
    hops: int = 2
    direction: Direction = "both"
    min_amount: float = 0.0
    """Flows (summed over the window) below this base amount are left out."""
    max_nodes: int = 2000
    """Node budget of a neighbourhood view."""


def flows(
    con: duckdb.DuckDBPyConnection,
    scope: Scope,
    accounts: pa.Table | None = None,
    *,
    indexed: bool | None = None,
) -> pl.DataFrame:
    """Aggregated flows of the window as (source, target, count, amount, first, last).

    With ``accounts`` (a one-column table ``account``), only flows with both ends in it.
    ``indexed`` says whether the view index answers (decided here when not given).
    """
    if _indexed(con, scope) if indexed is None else indexed:
        return _indexed_flows(con, scope, accounts)
    where, params = _window(scope)
    join = ""
    if accounts is not None:
        con.register("__nodes", accounts)
        join = (
            "SEMI JOIN __nodes a ON a.account = p.payer_account "
            "SEMI JOIN __nodes b ON b.account = p.payee_account"
        )
    try:
        return _frame(
            con,
            f"""SELECT {FLOW_COLUMNS}
                FROM payments p {join}
                WHERE {where} AND {BETWEEN_ACCOUNTS}
                GROUP BY ALL HAVING coalesce(sum(amount_base), 0) >= $min_amount
                ORDER BY source, target""",
            {**params, "min_amount": scope.min_amount},
        )
    finally:
        if accounts is not None:
            con.unregister("__nodes")


def network(
    con: duckdb.DuckDBPyConnection, scope: Scope = Scope(), *, payments: bool = False
) -> nx.DiGraph[str] | nx.MultiDiGraph[str]:
    """The payment graph of ``scope``: aggregated flows, or individual payments with ``payments=True``."""
    indexed = _indexed(con, scope)
    if scope.around:
        nodes, left_out = neighbourhood(con, scope, indexed=indexed)
    else:
        nodes, left_out = None, 0
    edges = flows(con, scope, nodes, indexed=indexed)
    accounts = (
        nodes
        if nodes is not None
        else pa.table({"account": pl.concat([edges["source"], edges["target"]]).unique().sort().to_arrow()})
    )
    graph: nx.DiGraph[str] | nx.MultiDiGraph[str]
    if payments:
        graph = nx.MultiDiGraph()
        for row in _payments(con, scope, accounts).iter_rows(named=True):
            graph.add_edge(row.pop("source"), row.pop("target"), key=row.pop("txn_id"), **row)
    else:
        graph = nx.DiGraph()
        graph.add_edges_from(
            (row.pop("source"), row.pop("target"), row) for row in edges.iter_rows(named=True)
        )
    return describe(con, graph, accounts, scope, left_out, profiles=indexed)


def describe(
    con: duckdb.DuckDBPyConnection,
    graph: GraphT,
    accounts: pa.Table,
    scope: Scope,
    left_out: int,
    *,
    profiles: bool = False,
) -> GraphT:
    """Give ``graph`` its accounts' attributes from the store, and its title, currency and budget note.

    Shared by graphs reduced here and on Spark (``screening.engines.spark_network``).
    """
    for account, attributes in node_attributes(con, accounts, focus=scope.around, profiles=profiles).items():
        graph.add_node(account, **attributes)
    graph.graph.update(_graph_attributes(con, scope, left_out))
    return graph


def neighbourhood(
    con: duckdb.DuckDBPyConnection, scope: Scope, *, indexed: bool | None = None
) -> tuple[pa.Table, int]:
    """The accounts within ``scope.hops`` of the centre accounts, and how many were left out by the budget."""
    if scope.hops < 0:
        raise InputError("hops must be 0 or more", field="hops")
    centre = sorted(set(scope.around))
    indexed = _indexed(con, scope) if indexed is None else indexed
    seen_in = (
        "SELECT account FROM account_profiles"
        if indexed
        else "SELECT payer_account AS account FROM payments UNION ALL SELECT payee_account FROM payments"
    )
    known = _frame(
        con,
        f"SELECT DISTINCT account FROM ({seen_in}) WHERE account IN (SELECT unnest($ids))",
        {"ids": centre},
    )["account"].to_list()
    missing = sorted(set(centre) - set(known))
    if missing:
        raise InputError(f"no payments of account {missing[0]!r} in the store", field="account")
    seen = list(centre)
    frontier = list(centre)
    left_out = 0
    where, params = _window(scope)
    for _ in range(scope.hops):
        if not frontier or len(seen) >= scope.max_nodes:
            break
        found = _next_hop(con, frontier, scope, where, params, indexed)
        fresh = found.filter(~pl.col("account").is_in(seen))
        room = scope.max_nodes - len(seen)
        left_out += max(fresh.height - room, 0)
        frontier = fresh.head(room)["account"].to_list()
        seen.extend(frontier)
    return pa.table({"account": sorted(seen)}), left_out


def _next_hop(
    con: duckdb.DuckDBPyConnection,
    frontier: list[str],
    scope: Scope,
    where: str,
    params: dict[str, Any],
    indexed: bool,
) -> pl.DataFrame:
    """Neighbours of the frontier, strongest flow first (ties by account, so the result is stable)."""
    if indexed:
        ways = {"out": ("flows_out", "source", "target"), "in": ("flows_in", "target", "source")}
        sides = [
            f"SELECT {far} AS account, amount AS amount_base FROM {table} "
            f"WHERE {near} IN (SELECT unnest($frontier))"
            for way, (table, near, far) in ways.items()
            if scope.direction in (way, "both")
        ]
    else:
        pairs = {"out": ("payer", "payee"), "in": ("payee", "payer")}
        sides = [
            f"SELECT {far}_account AS account, amount_base FROM payments p WHERE {where} "
            f"AND {near}_account IN (SELECT unnest($frontier)) AND {far}_account IS NOT NULL"
            for way, (near, far) in pairs.items()
            if scope.direction in (way, "both")
        ]
    return _frame(
        con,
        f"SELECT account, coalesce(sum(amount_base), 0)::DOUBLE AS amount FROM ({' UNION ALL '.join(sides)}) "
        "GROUP BY account HAVING coalesce(sum(amount_base), 0) >= $min_amount ORDER BY amount DESC, account",
        {**params, "frontier": frontier, "min_amount": scope.min_amount},
    )


def node_attributes(
    con: duckdb.DuckDBPyConnection, accounts: pa.Table, *, focus: tuple[str, ...] = (), profiles: bool = False
) -> dict[str, dict[str, Any]]:
    """Name, country, type, roles, risk and alert count of each account, never None.

    With ``profiles`` the names, countries and types come from the view index
    (``account_profiles``) instead of every payment.
    """
    seen = _PROFILES_INDEXED if profiles else f"seen AS ({profiles_sql('__accounts')})"
    con.register("__accounts", accounts)
    try:
        frame = _frame(
            con,
            f"""
            WITH {seen},
            kyc AS (SELECT account, first(holder_name) AS name, first(country) AS country,
                           first(holder_type) AS type FROM accounts GROUP BY account),
            risk AS (SELECT subject AS account, count(*) FILTER (WHERE standalone) AS alerts,
                            1 - exp(sum(ln(1 - least(score * {SEVERITY_WEIGHT_SQL}, 0.999)))) AS risk
                     FROM alerts SEMI JOIN __accounts a ON a.account = alerts.subject GROUP BY subject),
            member AS (SELECT account, list(DISTINCT role ORDER BY role) AS roles
                       FROM alert_members SEMI JOIN __accounts a ON a.account = alert_members.account
                       GROUP BY account),
            listed AS (SELECT DISTINCT account FROM sanction_hits
                       WHERE status <> 'false positive' AND level IN ('hold', 'review'))
            SELECT a.account,
                   coalesce(seen.name, kyc.name, '') AS name,
                   coalesce(seen.country, kyc.country, '') AS country,
                   coalesce(seen.type, kyc.type, '') AS type,
                   list_concat(CASE WHEN listed.account IS NOT NULL THEN ['sanctioned'] ELSE [] END,
                               coalesce(member.roles, [])) AS roles,
                   round(coalesce(risk.risk, 0), 4)::DOUBLE AS risk,
                   coalesce(risk.alerts, 0)::BIGINT AS alerts
            FROM __accounts a
            LEFT JOIN seen USING (account) LEFT JOIN kyc USING (account) LEFT JOIN risk USING (account)
            LEFT JOIN member USING (account) LEFT JOIN listed USING (account)
            """,
            {},
        )
    finally:
        con.unregister("__accounts")
    centre = set(focus)
    attributes = {}
    for row in frame.iter_rows(named=True):
        account, roles = row.pop("account"), row.pop("roles")
        attributes[account] = {
            **row,
            "role": min(roles, key=_specificity, default=""),
            "roles": ";".join(roles),
            "victim": bool(VICTIM_ROLES & set(roles)) and not set(roles) - VICTIM_ROLES - GENERIC_ROLES,
            "focus": account in centre,
        }
    return attributes


_PROFILES_INDEXED = """seen AS (SELECT account, name, country, type FROM account_profiles
                     WHERE account IN (SELECT account FROM __accounts))"""


def _indexed(con: duckdb.DuckDBPyConnection, scope: Scope) -> bool:
    """Whether the view index can answer: it covers every payment and the view asks for all time."""
    return scope.since is None and scope.until is None and index_is_current(con)


def _indexed_flows(con: duckdb.DuckDBPyConnection, scope: Scope, accounts: pa.Table | None) -> pl.DataFrame:
    within = ""
    if accounts is not None:
        con.register("__nodes", accounts)
        within = "AND source IN (SELECT account FROM __nodes) AND target IN (SELECT account FROM __nodes)"
    try:
        return _frame(
            con,
            f"SELECT source, target, count, amount, first, last FROM flows_out "
            f"WHERE amount >= $min_amount {within} ORDER BY source, target",
            {"min_amount": scope.min_amount},
        )
    finally:
        if accounts is not None:
            con.unregister("__nodes")


def _specificity(role: str) -> int:
    """Rank of a role in the colouring order; roles from elsewhere (older stores) come last."""
    return ROLE_PRIORITY.index(role) if role in ROLE_PRIORITY else len(ROLE_PRIORITY)


def _payments(con: duckdb.DuckDBPyConnection, scope: Scope, accounts: pa.Table) -> pl.DataFrame:
    where, params = _window(scope)
    con.register("__nodes", accounts)
    try:
        return _frame(
            con,
            f"""SELECT payer_account AS source, payee_account AS target, txn_id,
                       coalesce(amount_base, 0)::DOUBLE AS amount, epoch(ts)::BIGINT AS ts, currency,
                       coalesce(purpose, '') AS purpose
                FROM payments p SEMI JOIN __nodes a ON a.account = p.payer_account
                SEMI JOIN __nodes b ON b.account = p.payee_account
                WHERE {where} AND payer_account <> payee_account ORDER BY ts, txn_id""",
            params,
        )
    finally:
        con.unregister("__nodes")


def _graph_attributes(con: duckdb.DuckDBPyConnection, scope: Scope, left_out: int) -> dict[str, Any]:
    base = con.execute("SELECT value FROM meta WHERE key = 'base_currency'").fetchall()
    centre = ", ".join(scope.around)
    title = f"{scope.hops}-hop network around {centre}" if scope.around else "Payment network"
    return {"title": title, "base_currency": base[0][0] if base else "", "left_out": left_out}


def _window(scope: Scope) -> tuple[str, dict[str, Any]]:
    clauses, params = ["true"], {}
    if scope.since is not None:
        clauses.append("ts >= $since")
        params["since"] = scope.since
    if scope.until is not None:
        clauses.append("ts <= $until")
        params["until"] = scope.until
    return " AND ".join(clauses), params


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pl.DataFrame:
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    frame = pl.from_arrow(con.sql(sql, params=used).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame
