"""``screening graph``: draw or export the network around an account, an alert or a community."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import networkx as nx
import typer

from screening.cli.common import DbOption, app, day_end, day_start, open_store, out, parse_day
from screening.cli.engine_options import Engine, GraphEngineOption, SparkMasterOption
from screening.engines import DEFAULT_SPARK_MASTER
from screening.errors import InputError
from screening.network.build import Direction, Scope, network
from screening.network.export import WRITERS, write_graph
from screening.store import DEFAULT_DB, Store


@app.command(name="graph")
def graph_command(
    to: Annotated[
        Path,
        typer.Option(
            "--out", help="File to write; its suffix chooses the format: " + ", ".join(sorted(WRITERS))
        ),
    ],
    around: Annotated[
        list[str] | None, typer.Option("--around", help="Centre on this account (repeat for several).")
    ] = None,
    alert: Annotated[
        str | None, typer.Option("--alert", help="Centre on an alert's subject and members.")
    ] = None,
    community: Annotated[
        str | None, typer.Option("--community", help="A community found by NW-03 (C-<account>).")
    ] = None,
    hops: Annotated[int, typer.Option("--hops", min=0, max=6, help="How many payments far to look.")] = 2,
    direction: Annotated[
        str, typer.Option("--direction", help="Follow money in, out or both ways.")
    ] = "both",
    since: Annotated[str | None, typer.Option("--since", help="From this day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Up to the end of this day.")] = None,
    min_amount: Annotated[
        float, typer.Option("--min-amount", help="Leave out flows below this (base currency).")
    ] = 0.0,
    max_nodes: Annotated[
        int, typer.Option("--max-nodes", min=1, help="Node budget: the strongest flows are kept.")
    ] = 500,
    payments: Annotated[
        bool, typer.Option("--payments", help="One edge per payment instead of one per flow.")
    ] = False,
    engine: GraphEngineOption = Engine.duckdb,
    spark_master: SparkMasterOption = DEFAULT_SPARK_MASTER,
    spark_payments: Annotated[
        str | None,
        typer.Option(
            "--spark-payments",
            help="With --engine spark: Parquet payments (path or URL) or a Spark table; default the store's.",
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Export the payment network around an account, an alert or a community (Gephi, Cytoscape, HTML...).

    With --engine spark the flows are aggregated and the neighbourhood expanded
    on Spark; only the reduced graph comes to this machine.
    """
    chosen = [name for name, value in (("--around", around), ("--alert", alert), ("--community", community))
              if value]  # fmt: skip
    if len(chosen) != 1:
        raise InputError("give exactly one of --around ACCOUNT, --alert ID or --community ID")
    if direction not in ("in", "out", "both"):
        raise InputError(f"--direction {direction!r}: choose in, out or both")
    way: Direction = "in" if direction == "in" else "out" if direction == "out" else "both"
    if engine is Engine.spark and payments:
        raise InputError("--payments (one edge per payment) is drawn by the DuckDB engine only")
    if spark_payments is not None and engine is not Engine.spark:
        raise InputError("--spark-payments is read by --engine spark only")
    with open_store(db, read_only=True) as store:
        if community:
            centre, hops = _community(store, community), 0
        elif alert:
            centre = _alert(store, alert)
        else:
            centre = tuple(around or ())
        window = day_start(parse_day(since, "--since")), day_end(parse_day(until, "--until"))
        scope = Scope(*window, centre, hops, way, min_amount, max_nodes)
        if engine is Engine.spark:
            graph = _on_spark(store, scope, spark_master, spark_payments)
        else:
            graph = network(store.connection, scope, payments=payments)
    written = write_graph(graph, to)
    left_out = graph.graph.get("left_out", 0)
    note = f"; {left_out:,} more accounts left out by the node budget (--max-nodes)" if left_out else ""
    out.print(
        f"{graph.number_of_nodes():,} accounts and {graph.number_of_edges():,} "
        f"{'payments' if payments else 'flows'} written to {', '.join(str(p) for p in written)}{note}.",
        markup=False,
    )


def _on_spark(store: Store, scope: Scope, master: str, payments: str | None) -> nx.DiGraph[str]:
    from screening.engines.spark import payments_frame, spark_session
    from screening.engines.spark_network import spark_network

    with payments_frame(store.connection, spark_session(master), payments) as frame:
        return spark_network(store.connection, frame, scope)


def _alert(store: Store, alert_id: str) -> tuple[str, ...]:
    subject = store.sql("SELECT subject FROM alerts WHERE alert_id = $id", {"id": alert_id})
    if subject.is_empty():
        raise InputError(f"no alert {alert_id!r}; `screening alerts` lists them")
    members = store.sql("SELECT account FROM alert_members WHERE alert_id = $id", {"id": alert_id})
    return tuple(sorted({subject["subject"][0], *members["account"].to_list()}))


def _community(store: Store, community_id: str) -> tuple[str, ...]:
    members = store.sql(
        "SELECT account FROM communities WHERE community_id = $id AND run_id = "
        "(SELECT max(run_id) FROM communities WHERE community_id = $id)",
        {"id": community_id},
    )
    if members.is_empty():
        raise InputError(
            f"no community {community_id!r}; NW-03 alerts name them (screening alerts --rule NW-03)"
        )
    return tuple(sorted(members["account"].to_list()))
