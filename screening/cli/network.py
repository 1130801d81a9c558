"""Commands over payment networks: trace (following the proceeds)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.table import Column, Table
from rich.text import Text

from screening.cli.common import (
    DbOption,
    ListFormat,
    app,
    day_start,
    open_store,
    out,
    parse_day,
    safe_for_spreadsheets,
)
from screening.network.export import write_graph
from screening.network.trace import DEFAULT_MAX_ACCOUNTS, DEFAULT_MIN_AMOUNT, TraceResult, trace
from screening.store import DEFAULT_DB

_LABELS = {
    "forward": ("received", "paid on", "held"),
    "backward": ("sent", "traced back", "own / untraced"),
}
"""Column headings of attributed, onward and remaining, per direction."""


@app.command(name="trace")
def trace_command(
    account: Annotated[str, typer.Argument(help="The account whose money to follow.")],
    forward: Annotated[
        bool, typer.Option("--forward/--backward", help="Where the money went, or where it came from.")
    ] = True,
    hops: Annotated[int, typer.Option("--hops", help="Follow the money this many payments far.")] = 3,
    since: Annotated[
        str | None, typer.Option("--since", help="Only payments from this day on (YYYY-MM-DD).")
    ] = None,
    min_amount: Annotated[
        float,
        typer.Option("--min-amount", help="Stop at accounts handling less of the money (base currency)."),
    ] = DEFAULT_MIN_AMOUNT,
    max_accounts: Annotated[
        int, typer.Option("--max-accounts", help="Follow at most this many accounts, the largest first.")
    ] = DEFAULT_MAX_ACCOUNTS,
    flows: Annotated[bool, typer.Option("--flows", help="Also list the payments that carried it.")] = False,
    output: Annotated[ListFormat, typer.Option("--format", help="table, json or csv.")] = ListFormat.table,
    to: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Also write the trace as a graph; the suffix chooses the format (.html ...)."
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Where the money of ACCOUNT went (or came from), attributed pro rata and in time order."""
    start = day_start(parse_day(since, "--since"))
    with open_store(db, read_only=True) as store:
        result = trace(store, account, direction="forward" if forward else "backward", hops=hops,
                       since=start, min_amount=min_amount, max_accounts=max_accounts)  # fmt: skip
    written = write_graph(result.graph(), to) if to is not None else []
    if output is ListFormat.json:
        _say(_json(result, with_flows=flows))
    elif output is ListFormat.csv:
        _say(_csv(result.flows if flows else result.totals), end="")
    else:
        print_trace(result, with_flows=flows)
        for path in written:
            _say(f"Wrote {path}")


def _say(text: str, end: str = "\n") -> None:
    """Print text from the data as it is: no markup, emoji codes or highlighting, no wrapping."""
    out.print(Text(text), soft_wrap=True, end=end)


def _csv(frame: pl.DataFrame) -> str:
    return safe_for_spreadsheets(frame.with_columns(pl.col(pl.Datetime).dt.to_string())).write_csv()


def _json(result: TraceResult, *, with_flows: bool) -> str:
    document: dict[str, Any] = {"summary": result.summary(), "totals": result.totals.to_dicts()}
    if with_flows:
        document["flows"] = result.flows.to_dicts()
    return json.dumps(document, default=str, ensure_ascii=False, indent=2)


def print_trace(result: TraceResult, *, with_flows: bool = False) -> None:
    """The accounts the money reached, how much of it each handled, and what the trace could not explain."""
    currency = result.base_currency
    since = f" since {result.since:%Y-%m-%d}" if result.since else ""
    verb = "paid out" if result.direction == "forward" else "received"
    if result.traced == 0:
        _say(f"{result.start} {verb} nothing{since}; nothing to trace.")
        return
    got, onward, remaining = _LABELS[result.direction]
    table = Table(
        "hop", Column("account", no_wrap=True), "name", "role", got, "share", onward, remaining, "risk",
        title=Text(f"{result.title}: {result.traced:,.2f} {currency} {verb}"),
    )  # fmt: skip
    for row in result.totals.iter_rows(named=True):
        name = row["name"] + (f" ({row['country']})" if row["country"] else "")
        role = row["role"] + (" (likely victim)" if row["victim"] else "")
        table.add_row(
            str(row["hop"]), Text(row["account"]), Text(name), Text(role), f"{row['attributed']:,.2f}",
            f"{row['share']:.1%}",
            f"{row['onward']:,.2f}", f"{row['remaining']:,.2f}", f"{row['risk']:.2f}",
        )  # fmt: skip
    out.print(table)
    for line in _notes(result):
        out.print(Text(line))
    if with_flows:
        flows = Table("hop", "time (UTC)", "txn", "from", "to", "amount", "traced", "share", title="Flows")
        for row in result.flows.iter_rows(named=True):
            flows.add_row(str(row["hop"]), f"{row['ts']:%Y-%m-%d %H:%M}", Text(row["txn_id"]),
                          Text(row["from"] or "cash"), Text(row["to"] or "cash"), f"{row['amount']:,.2f}",
                          f"{row['attributed']:,.2f}", f"{row['share']:.1%}")  # fmt: skip
        out.print(flows)


def _notes(result: TraceResult) -> list[str]:
    """What the table does not show: cycles, crumbs, the budget, cash, and funds of unknown origin."""
    currency = result.base_currency
    notes = []
    came_back = result.totals.filter(pl.col("focus"))["attributed"].sum()
    if came_back:
        how = "came back to" if result.direction == "forward" else "had been sent by"
        notes.append(f"{came_back:,.2f} {currency} of it {how} {result.start} itself (a cycle).")
    if result.crumb_accounts:
        notes.append(
            f"{result.crumb_accounts:,} more accounts handled less than {result.min_amount:,.2f} {currency} "
            f"each: {result.crumbs:,.2f} {currency} in all, not listed or followed."
        )
    if result.unfollowed:
        notes.append(
            f"{result.unfollowed:,} accounts were not followed further: the --max-accounts budget was spent "
            "on those handling more of the money."
        )
    if result.cash:
        side = "left in cash (no payee account)" if result.direction == "forward" else "came in cash"
        notes.append(f"{result.cash:,.2f} {currency} {side}.")
    if result.direction == "backward" and result.unexplained:
        notes.append(
            f"Unexplained / own funds: {result.unexplained:,.2f} {currency} "
            f"({result.unexplained / result.traced:.1%}) goes back to money the followed accounts "
            "held before the window or got outside the data (unknown origin)."
        )
    if result.direction == "forward" and result.opening:
        notes.append(
            f"The followed accounts held at least {result.opening:,.2f} {currency} of unknown origin "
            "before the window; pro rata it dilutes the traced share of their payments."
        )
    return notes
