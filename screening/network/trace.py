"""Following the proceeds: where an account's money went, or where it came from, pro rata and in time order.

**Attribution.** Every account the trace follows is a *pool*. Money paid into it
mixes with what is already there; each payment out of it carries every origin in
the pool in proportion to the pool's composition at that instant (proportional,
pro-rata or "haircut" tracing). A payment carries only funds that arrived
strictly before it: payments at the same instant cannot finance each other.

- **Forward** (where did A's money go): every payment A made since ``since`` is
  A's money in full. A followed payee's later payments carry A's money in
  proportion to the share of its pool that came from A, and so on up to ``hops``.
- **Backward** (where did A's money come from): every payment A received since
  ``since`` is traced back in full. A followed payer's payment to A is split
  over the payer's earlier receipts in proportion to what of each was still in
  its pool, and so on up to ``hops``.

**Unknown origin.** Balances before the window are unknown. A pool opens with
the smallest balance its recorded payments need so that it never goes
negative; that opening balance has *unknown origin* (the holder's own or
pre-window funds, or receipts outside the data). Forward, it dilutes A's share
of the pool; backward, the part of A's money it explains is reported as
``unexplained``.

**Scope.** The payments of the accounts reached are selected hop by hop in
DuckDB; an account is followed (its pool computed and its counterparts
reached) when it lies within ``hops - 1`` hops of the start and the traced
money it handled is at least ``min_amount``; smaller traces are *crumbs*,
summed but not listed. At most ``max_accounts`` pools are followed, those
handling the most money first, so that a hub cannot explode the trace. The
pool arithmetic is one chronological Python loop over the selected payments
(two events per payment), repeated once per hop: its work is bounded by the
payments of the followed accounts, not by the store. Amounts are base-currency
amounts (``amount_base``); payments without one (no exchange rate yet) and
payments of an account to itself are left out.

Why pro rata rather than first-in-first-out or last-in-first-out: it needs no
assumption about which deposit a bank "spent first", treats every origin of a
mixed account alike, and never attributes more of a payment to an origin than
its share of the pool. ``docs/network.md`` compares the methods.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any, Literal, NamedTuple

import duckdb
import networkx as nx
import polars as pl
import pyarrow as pa

from screening.errors import InputError
from screening.network.build import node_attributes
from screening.store import Store

Direction = Literal["forward", "backward"]
DIRECTIONS: tuple[Direction, ...] = ("forward", "backward")
DEFAULT_MIN_AMOUNT = 100.0
"""Base-currency amount below which a reached account is a crumb: counted, not listed, not followed."""
DEFAULT_MAX_ACCOUNTS = 5000
"""The most accounts whose pools a trace follows."""

FLOW_SCHEMA = pl.Schema({
    "hop": pl.Int64(), "from": pl.String(), "to": pl.String(), "txn_id": pl.String(), "source": pl.String(),
    "ts": pl.Datetime("us", "UTC"), "amount": pl.Float64(), "attributed": pl.Float64(), "share": pl.Float64(),
})  # fmt: skip
TOTAL_SCHEMA = pl.Schema({
    "account": pl.String, "hop": pl.Int64, "attributed": pl.Float64, "share": pl.Float64,
    "onward": pl.Float64, "remaining": pl.Float64, "followed": pl.Boolean, "opening": pl.Float64,
    "name": pl.String, "country": pl.String, "type": pl.String, "role": pl.String, "roles": pl.String,
    "risk": pl.Float64, "alerts": pl.Int64, "victim": pl.Boolean, "focus": pl.Boolean,
})  # fmt: skip


class _Payment(NamedTuple):
    source: str
    txn_id: str
    ts: datetime
    payer: str | None
    payee: str | None
    cents: int


class _Pools(NamedTuple):
    """The pool arithmetic's outcome, in cents: the traced money each payment carried, and the openings."""

    rows: Sequence[_Payment]
    opening: dict[str, int]
    carried: list[float]
    unexplained: float


@dataclass(frozen=True)
class TraceResult:
    """A trace: the payments that carried the traced money and, per account reached, how much.

    ``flows``: one row per payment that carried traced money to (forward) or from
    (backward) a listed account or a cash counterpart (``to``/``from`` empty):
    ``hop``, ``from``, ``to``, ``txn_id``, ``source``, ``ts``, ``amount`` (base
    currency), ``attributed`` (the traced money in it) and ``share``
    (``attributed / amount``).

    ``totals``: one row per listed account, the start first. ``attributed`` is
    the traced money the account received (forward) or passed towards the start
    (backward); ``share`` is that over ``traced``; ``onward`` the part the trace
    followed further: paid on (forward) or explained by the account's own
    recorded receipts (backward); ``remaining = attributed - onward``: still held
    or not followed (forward), from the account's pre-window funds or not
    followed (backward). For the start, ``onward`` is ``traced`` and
    ``attributed`` = ``remaining`` is the money that came back to it in a cycle.
    ``opening`` is a followed pool's unknown-origin opening balance. Then the
    graph contract's node attributes (name, country, type, role, roles, risk,
    alerts, victim, focus).

    Everything adds up: ``sum(totals.remaining) + crumbs + cash == traced``.
    """

    start: str
    direction: Direction
    since: datetime | None
    hops: int
    min_amount: float
    traced: float
    """What the start paid out (forward) or received (backward) since ``since``."""
    flows: pl.DataFrame
    totals: pl.DataFrame
    crumbs: float
    """Traced money that reached accounts below ``min_amount`` (not listed)."""
    crumb_accounts: int
    cash: float
    """Traced money that left (forward) or entered (backward) through payments with no counterpart account."""
    unexplained: float
    """Backward: traced money explained only by followed pools' opening balances (unknown origin)."""
    opening: float
    """The followed pools' opening balances together: unknown-origin funds that dilute the trace."""
    base_currency: str
    unfollowed: int = 0
    """Accounts that qualified to be followed but were not, the ``max_accounts`` budget being spent."""

    @property
    def title(self) -> str:
        since = f" since {self.since:%Y-%m-%d}" if self.since else ""
        return f"{self.direction.capitalize()} trace of {self.start}{since}, {self.hops} hops"

    def graph(self) -> nx.DiGraph[str]:
        """The trace as a graph: listed accounts as nodes, traced money per pair of accounts as edges."""
        graph: nx.DiGraph[str] = nx.DiGraph(
            title=self.title, base_currency=self.base_currency, direction=self.direction, traced=self.traced
        )
        for row in self.totals.iter_rows(named=True):
            graph.add_node(row["account"], **{k: row[k] for k in _NODE_ATTRIBUTES})
        edges = (
            self.flows.drop_nulls(["from", "to"])
            .group_by("from", "to")
            .agg(
                pl.col("attributed").sum().alias("amount"),
                pl.len().alias("count"),
                pl.col("ts").min().dt.epoch("s").alias("first"),
                pl.col("ts").max().dt.epoch("s").alias("last"),
            )
            .sort("from", "to")
        )
        for edge in edges.iter_rows(named=True):
            graph.add_edge(edge["from"], edge["to"], amount=float(edge["amount"]), count=int(edge["count"]),
                           first=int(edge["first"]), last=int(edge["last"]))  # fmt: skip
        return graph

    def summary(self) -> dict[str, Any]:
        """The figures of the trace as plain values, for JSON."""
        return {
            "start": self.start,
            "direction": self.direction,
            "since": self.since.isoformat() if self.since else None,
            "hops": self.hops,
            "min_amount": self.min_amount,
            "traced": round(self.traced, 2),
            "accounts": len(self.totals) - 1,
            "crumbs": round(self.crumbs, 2),
            "crumb_accounts": self.crumb_accounts,
            "cash": round(self.cash, 2),
            "unexplained": round(self.unexplained, 2),
            "opening": round(self.opening, 2),
            "unfollowed": self.unfollowed,
        }


_NODE_ATTRIBUTES = ("name", "country", "type", "role", "roles", "risk", "alerts", "victim", "focus")


def trace(
    store_or_con: Store | duckdb.DuckDBPyConnection,
    account: str,
    *,
    direction: Direction = "forward",
    hops: int = 3,
    since: date | datetime | None = None,
    min_amount: float = DEFAULT_MIN_AMOUNT,
    max_accounts: int = DEFAULT_MAX_ACCOUNTS,
) -> TraceResult:
    """Follow the money of ``account`` forward (where it went) or backward (where it came from).

    A paid B 100, then C paid B 300, then B paid D 200: pro rata, a quarter of
    B's pool was A's money, so 50 of D's 200 came from A and 50 of A's money is
    still with B.

    >>> import tempfile, pathlib, polars as pl
    >>> from datetime import datetime, UTC
    >>> from screening import Store
    >>> store = Store.open(pathlib.Path(tempfile.mkdtemp()) / "t.duckdb")
    >>> _ = store.load(pl.DataFrame({
    ...     "txn_id": ["1", "2", "3"], "currency": ["USD"] * 3, "amount": ["100", "300", "200"],
    ...     "ts": [datetime(2026, 3, d, tzinfo=UTC) for d in (1, 2, 3)],
    ...     "payer_account": ["A", "C", "B"], "payee_account": ["B", "B", "D"]}), dataset="payments")
    >>> result = trace(store, "A", hops=2, min_amount=1)
    >>> result.totals.select("account", "attributed", "remaining").rows()
    [('A', 0.0, 0.0), ('B', 100.0, 50.0), ('D', 50.0, 50.0)]
    >>> result.graph()["B"]["D"]["amount"]
    50.0
    >>> store.close()
    """
    con = store_or_con.connection if isinstance(store_or_con, Store) else store_or_con
    if direction not in DIRECTIONS:
        raise InputError(f"direction {direction!r} is not one of {', '.join(DIRECTIONS)}")
    if hops < 1:
        raise InputError(f"hops must be at least 1, not {hops}")
    if min_amount < 0:
        raise InputError(f"the minimum amount cannot be negative: {min_amount}")
    if max_accounts < 1:
        raise InputError(f"max accounts must be at least 1, not {max_accounts}")
    start_ts = _utc(since)
    forward = direction == "forward"
    payments: dict[tuple[str, str], _Payment] = {}
    depth = {account: 0}
    followed: set[str] = set()
    over_budget: set[str] = set()
    min_cents = min_amount * 100
    pools = _Pools([], {}, [], 0.0)
    for hop in range(1, hops + 1):
        handled = _handled(pools, forward)
        frontier = [a for a, d in depth.items() if d < hop and a not in followed
                    and (a == account or handled.get(a, 0.0) >= min_cents)]  # fmt: skip
        room = max_accounts + 1 - len(followed)
        if len(frontier) > room:
            frontier.sort(key=lambda a: (a != account, -handled.get(a, 0.0), a))
            over_budget.update(frontier[room:])
            frontier = frontier[:room]
        if not frontier:
            break
        followed.update(frontier)
        for p in _select(con, frontier, account, forward, start_ts):
            payments.setdefault((p.source, p.txn_id), p)
        if not payments and not _known(con, account):  # asked only when the start has nothing to trace
            raise InputError(f"no account {account!r} in the payments")
        rows = sorted(payments.values(), key=lambda p: (p.ts, p.source, p.txn_id))
        pools = (_forward if forward else _backward)(rows, account, followed - {account})
        for p, amount in zip(rows, pools.carried, strict=True):
            near, far = (p.payer, p.payee) if forward else (p.payee, p.payer)
            if amount > 0 and near in followed and far is not None and far not in depth:
                depth[far] = hop
    result = _result(con, account, direction, start_ts, hops, min_amount, pools, depth, followed)
    return replace(result, unfollowed=len(over_budget - followed))


def _utc(moment: date | datetime | None) -> datetime | None:
    if moment is None:
        return None
    if not isinstance(moment, datetime):
        return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _known(con: duckdb.DuckDBPyConnection, account: str) -> bool:
    sql = "SELECT count(*) FROM payments WHERE payer_account = $a OR payee_account = $a"
    return bool(con.sql(sql, params={"a": account}).fetchall()[0][0])


def _select(
    con: duckdb.DuckDBPyConnection, frontier: list[str], start: str, forward: bool, since: datetime | None
) -> list[_Payment]:
    """The payments the frontier's pools need: all of a pool's, only the start's own direction for it.

    One branch per side, each a plain filter or semi-join that DuckDB runs fast (an ``OR`` of
    them scans slower); ``UNION`` keeps one copy of a payment between two pools."""
    params: dict[str, Any] = {}
    where = "amount_base > 0 AND payer_account IS DISTINCT FROM payee_account"
    if since is not None:
        where += " AND ts >= $since"
        params["since"] = since
    columns = "source, txn_id, ts, payer_account, payee_account, CAST(round(amount_base * 100) AS BIGINT)"
    branches = []
    if start in frontier:
        branches.append(f"SELECT {columns} FROM payments WHERE {where} AND "
                        f"{'payer_account' if forward else 'payee_account'} = $start")  # fmt: skip
        params["start"] = start
    pools = [a for a in frontier if a != start]
    if pools:
        branches += [f"SELECT {columns} FROM payments SEMI JOIN chosen ON chosen.account = payments.{side} "
                     f"WHERE {where}" for side in ("payer_account", "payee_account")]  # fmt: skip
        params["pools"] = pools
    sql = "WITH chosen AS (SELECT unnest($pools::VARCHAR[]) AS account) " if pools else ""
    sql += " UNION ".join(branches)
    return [_Payment(*row) for row in con.sql(sql, params=params).fetchall()]


def _events(rows: Sequence[_Payment]) -> list[tuple[int, bool]]:
    """Each payment as an outflow then an inflow; at one instant every outflow precedes every inflow."""
    order: list[tuple[int, bool]] = []
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j].ts == rows[i].ts:
            j += 1
        order.extend((k, False) for k in range(i, j))
        order.extend((k, True) for k in range(i, j))
        i = j
    return order


def _openings(rows: Sequence[_Payment], events: list[tuple[int, bool]], pools: set[str]) -> dict[str, int]:
    """The smallest opening balance (cents) that keeps each pool from going negative."""
    balance = dict.fromkeys(pools, 0)
    lowest = dict.fromkeys(pools, 0)
    for k, inflow in events:
        p = rows[k]
        holder = p.payee if inflow else p.payer
        if holder in balance:
            balance[holder] += p.cents if inflow else -p.cents
            lowest[holder] = min(lowest[holder], balance[holder])
    return {a: -low for a, low in lowest.items()}


def _forward(rows: Sequence[_Payment], start: str, pools: set[str]) -> _Pools:
    """The start's money (cents) in each payment: the start's payments in full, pools' pro rata."""
    events = _events(rows)
    opening = _openings(rows, events, pools)
    balance = dict(opening)
    held = dict.fromkeys(pools, 0.0)
    carried = [0.0] * len(rows)
    for k, inflow in events:
        p = rows[k]
        if inflow:
            if p.payee in balance:
                balance[p.payee] += p.cents
                held[p.payee] += carried[k]
        elif p.payer == start:
            carried[k] = float(p.cents)
        elif p.payer in balance:
            pool = p.payer
            part = min(held[pool], held[pool] * p.cents / balance[pool])
            carried[k] = part
            held[pool] -= part
            balance[pool] -= p.cents
    return _Pools(rows, opening, carried, 0.0)


def _backward(rows: Sequence[_Payment], start: str, pools: set[str]) -> _Pools:
    """The start's receipts (cents) in each payment, found by walking back in time.

    Pro rata, what is left at time t of a receipt r into a pool is ``r * S(t) / S(t_r)``,
    where ``S`` is the product of ``1 - out / balance`` over the pool's earlier
    payments out (its "survival"). A payment out ``o`` carrying ``d_o`` of the
    traced money therefore takes ``d_o * S(t_o) / balance_o`` per unit of ``S``
    from each earlier receipt. Walking back, each pool sums those terms (``need``)
    and a receipt gets ``cents * need / S``. ``S`` is kept as a logarithm; a pool
    emptied to zero starts a new segment, as nothing before it survives.
    """
    events = _events(rows)
    opening = _openings(rows, events, pools)
    balance = dict(opening)
    log_s = dict.fromkeys(pools, 0.0)
    segment = dict.fromkeys(pools, 0)
    at: dict[tuple[int, bool], tuple[float, int, int]] = {}
    for k, inflow in events:
        p = rows[k]
        pool = p.payee if inflow else p.payer
        if pool not in balance:
            continue
        at[k, inflow] = (log_s[pool], segment[pool], balance[pool])
        if inflow:
            balance[pool] += p.cents
        else:
            balance[pool] -= p.cents
            if balance[pool] == 0:
                log_s[pool], segment[pool] = 0.0, segment[pool] + 1
            else:
                log_s[pool] += math.log1p(-p.cents / (balance[pool] + p.cents))
    need = dict.fromkeys(pools, 0.0)
    ref = dict(log_s)
    current = dict(segment)
    carried = [0.0] * len(rows)

    def rescale(pool: str, level: float, seg: int) -> None:
        if seg != current[pool]:
            need[pool], current[pool] = 0.0, seg
        else:
            need[pool] *= math.exp(ref[pool] - level)
        ref[pool] = level

    for k, inflow in reversed(events):
        p = rows[k]
        if inflow:
            if p.payee == start:
                carried[k] = float(p.cents)
            elif p.payee in need:
                level, seg, _ = at[k, True]
                rescale(p.payee, level, seg)
                carried[k] = min(float(p.cents), p.cents * need[p.payee])
        elif p.payer in need and carried[k] > 0:
            level, seg, before = at[k, False]
            rescale(p.payer, level, seg)
            need[p.payer] += carried[k] / before
    for pool in pools:
        rescale(pool, 0.0, 0)
    return _Pools(rows, opening, carried, sum(opening[a] * need[a] for a in pools))


def _handled(pools: _Pools, forward: bool) -> dict[str, float]:
    """Traced money (cents) each account received (forward) or passed towards the start (backward)."""
    handled: dict[str, float] = {}
    for p, amount in zip(pools.rows, pools.carried, strict=True):
        far = p.payee if forward else p.payer
        if amount > 0 and far is not None:
            handled[far] = handled.get(far, 0.0) + amount
    return handled


def _result(
    con: duckdb.DuckDBPyConnection,
    start: str,
    direction: Direction,
    since: datetime | None,
    hops: int,
    min_amount: float,
    pools: _Pools,
    depth: dict[str, int],
    followed: set[str],
) -> TraceResult:
    forward = direction == "forward"
    handled = _handled(pools, forward)
    listed = {a for a, cents in handled.items() if cents >= min_amount * 100} | {start}
    onward: dict[str, float] = {}
    flows: list[dict[str, Any]] = []
    cash = 0.0
    for p, carried in zip(pools.rows, pools.carried, strict=True):
        if carried <= 0:
            continue
        near, far = (p.payer, p.payee) if forward else (p.payee, p.payer)
        assert near is not None
        onward[near] = onward.get(near, 0.0) + carried
        if far is None:
            cash += carried
        elif far not in listed:
            continue
        flows.append({"hop": depth[near] + 1, "from": p.payer, "to": p.payee, "txn_id": p.txn_id,
                      "source": p.source, "ts": p.ts, "amount": p.cents / 100, "attributed": carried / 100,
                      "share": carried / p.cents})  # fmt: skip
    traced = onward.get(start, 0.0)
    crumbs = [cents for a, cents in handled.items() if a not in listed]
    totals: list[dict[str, Any]] = []
    for account in sorted(listed, key=lambda a: (a != start, depth[a], -handled.get(a, 0.0), a)):
        received = handled.get(account, 0.0)
        passed = traced if account == start else onward.get(account, 0.0) if account in followed else 0.0
        pool = account in followed and account != start
        totals.append({
            "account": account, "hop": depth[account], "attributed": received / 100,
            "share": received / traced if traced else 0.0, "onward": passed / 100,
            "remaining": (received if account == start else received - passed) / 100,
            "followed": account in followed, "opening": pools.opening[account] / 100 if pool else None,
        })  # fmt: skip
    attributes = node_attributes(con, pa.table({"account": [t["account"] for t in totals]}), focus=(start,))
    for row in totals:
        row.update(attributes[row["account"]])
    return TraceResult(
        start=start,
        direction=direction,
        since=since,
        hops=hops,
        min_amount=min_amount,
        traced=traced / 100,
        flows=pl.DataFrame(flows, schema=FLOW_SCHEMA, orient="row").sort("hop", "ts", "txn_id"),
        totals=pl.DataFrame(totals, schema=TOTAL_SCHEMA, orient="row"),
        crumbs=sum(crumbs) / 100,
        crumb_accounts=len(crumbs),
        cash=cash / 100,
        unexplained=pools.unexplained / 100,
        opening=sum(cents for a, cents in pools.opening.items()) / 100,
        base_currency=str(con.sql("SELECT value FROM meta WHERE key = 'base_currency'").fetchall()[0][0]),
    )
