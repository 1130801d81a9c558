"""Commands for sanctions and watchlists: load a list file as a snapshot, show what is loaded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from screening.cli.common import DbOption, FormatOption, MemoryOption, OutputFormat, app, open_store, out
from screening.cli.engine_options import (
    Engine,
    EngineOption,
    SparkMasterOption,
    SparkPaymentsOption,
    check_payments,
)
from screening.engines import DEFAULT_SPARK_MASTER
from screening.sanctions.lists import READERS, load_list, snapshots
from screening.sanctions.screen import SanctionsRun, decide, hits, screen_parties
from screening.store import DEFAULT_DB, Store
from screening.store.store import DEFAULT_MEMORY_LIMIT

lists_app = typer.Typer(help="Sanctions and watchlists: load snapshots, show what is loaded, screen parties.")
app.add_typer(lists_app, name="lists")
hits_app = typer.Typer(help="Sanctions hits: list them, decide on them.")
app.add_typer(hits_app, name="hits")


@lists_app.callback(invoke_without_command=True)
def lists_show(
    ctx: typer.Context, db: DbOption = DEFAULT_DB, output: FormatOption = OutputFormat.table
) -> None:
    """Show the loaded list snapshots, newest first."""
    if ctx.invoked_subcommand is not None:
        return
    with open_store(db, read_only=True) as store:
        loaded = snapshots(store)
    if output is OutputFormat.json:
        out.print_json(json.dumps([s.as_dict() for s in loaded]))
        return
    if not loaded:
        out.print("No lists loaded; `screening lists load FILE` loads one.")
        return
    table = Table("snapshot", "list", "format", "entries", "names", "added", "changed", "removed", "file")
    for s in loaded:
        table.add_row(str(s.snapshot_id), s.list_name, s.format, f"{s.entries:,}", f"{s.names:,}",
                      f"{s.added:,}", f"{s.changed:,}", f"{s.removed:,}", s.source_file)  # fmt: skip
    out.print(table)


@lists_app.command("load")
def lists_load(
    path: Annotated[Path, typer.Argument(help="A list file (UN XML) or folder (OFAC sdn/add/alt CSV).")],
    list_name: Annotated[str | None, typer.Option("--list", help="Name to store it under.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help=f"One of {', '.join(READERS)}.")] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Store a sanctions or watchlist file as a dated snapshot, with what changed since the last one."""
    with open_store(db) as store:
        snapshot = load_list(store, path, list_name=list_name, fmt=fmt)
    out.print(
        f"{snapshot.list_name}: {snapshot.entries:,} entries, {snapshot.names:,} names "
        f"({snapshot.added:,} new, {snapshot.changed:,} changed, {snapshot.removed:,} removed "
        f"since the last snapshot) as snapshot {snapshot.snapshot_id}"
    )


@lists_app.command("screen")
def lists_screen(
    db: DbOption = DEFAULT_DB,
    engine: EngineOption = Engine.duckdb,
    spark_master: SparkMasterOption = DEFAULT_SPARK_MASTER,
    payments: SparkPaymentsOption = None,
    memory_limit: MemoryOption = DEFAULT_MEMORY_LIMIT,
) -> None:
    """Screen every payer and payee against the latest snapshot of each list (rule TF-01)."""
    check_payments(engine, payments)
    with open_store(db, create=False, memory_limit=memory_limit) as store:
        run = _screen(store, engine, spark_master, payments)
    print_sanctions_run(run)


def screen_sanctions(
    db: Path,
    *,
    engine: Engine = Engine.duckdb,
    spark_master: str = DEFAULT_SPARK_MASTER,
    payments: str | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> SanctionsRun | None:
    """The nightly part of TF-01: screen what is new against the loaded lists, if any list is loaded."""
    with open_store(db, create=False, memory_limit=memory_limit) as store:
        return _screen(store, engine, spark_master, payments) if snapshots(store) else None


def _screen(store: Store, engine: Engine, spark_master: str, payments: str | None) -> SanctionsRun:
    """The names screened by the engine asked for; the hits kept in the store the same way by both."""
    if engine is not Engine.spark:
        return screen_parties(store)
    from screening.engines.spark_sanctions import screen_parties_on_spark

    return screen_parties_on_spark(store, payments=payments, master=spark_master)


def print_sanctions_run(run: SanctionsRun) -> None:
    where = "on Spark" if run.engine == "spark" else "on DuckDB"
    out.print(
        f"{run.parties:,} party names against {run.entries:,} list entries {where}: {run.hits:,} hits, "
        f"{run.new_hits:,} new (raised as TF-01 alerts), {run.suppressed:,} decided false positive before"
    )


@hits_app.callback(invoke_without_command=True)
def hits_show(
    ctx: typer.Context,
    db: DbOption = DEFAULT_DB,
    status: Annotated[str | None, typer.Option(help="open, false_positive or confirmed.")] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """List sanctions hits, best score first."""
    if ctx.invoked_subcommand is not None:
        return
    with open_store(db, read_only=True) as store:
        frame = hits(store, status=status)
    if output is OutputFormat.json:
        out.print_json(json.dumps(frame.to_dicts(), default=str))
        return
    table = Table("hit", "status", "level", "score", "account", "party name", "list", "entry", "listed name")
    for row in frame.iter_rows(named=True):
        table.add_row(row["hit_id"], row["status"], row["level"], f"{row['score']:.2f}", row["account"],
                      row["party_name"], row["list_name"], row["entry_id"], row["matched_name"])  # fmt: skip
    out.print(table)


@hits_app.command("decide")
def hits_decide(
    hit_id: Annotated[str, typer.Argument(help="The hit, as `screening hits` shows it.")],
    decision: Annotated[str, typer.Option(help="false_positive or confirmed.")],
    note: Annotated[str | None, typer.Option(help="Why, for the file.")] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Record an analyst's decision; a false positive is not raised again unless either side changes."""
    with open_store(db, create=False) as store:
        decide(store, hit_id, decision, note)
    out.print(f"hit {hit_id}: {decision}")
