"""Commands that bring data in and look at it: load, quarantine, info, synth, demo."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from screening.cli.common import (
    INTERRUPTED_EXIT,
    QUARANTINE_EXIT,
    DbOption,
    FormatOption,
    ListFormat,
    MemoryOption,
    OutputFormat,
    QuietOption,
    app,
    err,
    open_store,
    out,
    progress_display,
    safe_for_spreadsheets,
)
from screening.ingest.sources import FILE_FORMATS, FORMATS, reading_as
from screening.schema import DATASETS
from screening.store import DEFAULT_DB, LoadResult, Store
from screening.store.store import DEFAULT_MEMORY_LIMIT
from screening.synth import SynthSummary, bundled_fx_rates, generate


class InputFormat(StrEnum):
    """File formats ``load`` reads (``screening.ingest.sources.FORMATS``)."""

    csv = "csv"
    parquet = "parquet"
    jsonl = "jsonl"
    iso20022 = "iso20022"
    mt = "mt"
    goaml = "goaml"


class LoadFormat(StrEnum):
    """``load --format``: how the summary is shown, or which format the files are read as."""

    table = "table"
    json = "json"
    csv = "csv"
    parquet = "parquet"
    jsonl = "jsonl"
    iso20022 = "iso20022"
    mt = "mt"
    goaml = "goaml"


DEMO_PAYMENTS = 200_000
_SHOWN_PROBLEMS = 10


@app.command()
def load(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="CSV, Parquet, JSON Lines or payment message files, or folders of them.", show_default=False
        ),
    ],
    mapping: Annotated[
        Path | None, typer.Option(help="Mapping file (TOML/YAML) for a bank's export format.")
    ] = None,
    dataset: Annotated[
        str | None,
        typer.Option(help=f"What the files hold: {', '.join(DATASETS)} (default payments)."),
    ] = None,
    source: Annotated[str | None, typer.Option(help="Source system; txn_ids are unique within it.")] = None,
    base_currency: Annotated[
        str | None, typer.Option(help="Base currency of a new store (default USD).")
    ] = None,
    db: DbOption = DEFAULT_DB,
    memory_limit: MemoryOption = DEFAULT_MEMORY_LIMIT,
    fmt: Annotated[
        LoadFormat,
        typer.Option(
            "--format",
            help="table or json: how the summary is shown. A file format (csv, parquet, jsonl, iso20022, "
            "mt, goaml) reads the files as that, whatever their content or name says.",
        ),
    ] = LoadFormat.table,
    input_format: Annotated[
        InputFormat | None,
        typer.Option(help="Read the files as this format, with --format json for the summary."),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Load payment, KYC or FX-rate files into the store; bad records go to quarantine.

    Payment messages (ISO 20022 pacs.008, pain.001, camt.052/053/054; SWIFT
    MT103, MT940; goAML reports) are recognised by their content.
    """
    output = OutputFormat.json if fmt is LoadFormat.json else OutputFormat.table
    as_format = input_format.value if input_format else None
    if fmt.value in FORMATS:
        as_format = fmt.value
    results: list[LoadResult] = []
    with (
        open_store(db, base_currency=base_currency, memory_limit=memory_limit) as store,
        progress_display(quiet or output is OutputFormat.json) as bar,
        reading_as(as_format),
    ):
        for path in _expand(paths):
            task = bar.add_task(path.name, total=1.0) if bar else None

            def report(share: float, task: Any = task) -> None:
                if bar is not None and task is not None:
                    bar.update(task, completed=share)

            try:
                results.append(
                    store.load(path, mapping=mapping, dataset=dataset, source=source, progress=report)
                )
            except KeyboardInterrupt:
                err.print(f"interrupted while loading {path}; nothing of that file was stored")
                raise typer.Exit(INTERRUPTED_EXIT) from None
            if bar is not None and task is not None:
                bar.update(task, completed=1.0)
        problems = _first_problems(store, results)
    if output is OutputFormat.json:
        out.print_json(json.dumps([r.as_dict() for r in results]))
    elif not quiet:
        _print_load_summary(results)
    for line in problems:
        print(line, file=sys.stderr)
    if any(r.quarantined for r in results):
        raise typer.Exit(QUARANTINE_EXIT)


@app.command()
def quarantine(
    db: DbOption = DEFAULT_DB,
    batch: Annotated[int | None, typer.Option(help="Only this load batch.")] = None,
    limit: Annotated[int, typer.Option(help="Show at most this many records.")] = 50,
    output: Annotated[ListFormat, typer.Option("--format")] = ListFormat.table,
) -> None:
    """List rejected records: where they came from and why."""
    with open_store(db, read_only=True) as store:
        frame = store.quarantine(batch_id=batch, limit=limit)
    if output is ListFormat.json:
        out.print_json(json.dumps(frame.to_dicts(), default=str))
    elif output is ListFormat.csv:
        sys.stdout.write(safe_for_spreadsheets(frame).write_csv())
    elif frame.is_empty():
        out.print("Nothing in quarantine.")
    else:
        table = Table("batch", "file", "row", "reason", title="Quarantine")
        for row in frame.iter_rows(named=True):
            table.add_row(
                str(row["batch_id"]),
                row["source_file"],
                str(row["source_row"] or ""),
                row["reason"],
            )
        out.print(table)


@app.command()
def info(db: DbOption = DEFAULT_DB, output: FormatOption = OutputFormat.table) -> None:
    """What the store holds: counts per table, time span, sources."""
    with open_store(db, read_only=True) as store:
        summary = store.info()
    if output is OutputFormat.json:
        out.print_json(json.dumps(summary.as_dict()))
        return
    out.print(f"{summary.path}: schema v{summary.schema_version}, base currency {summary.base_currency}")
    table = Table("what", "count")
    for name, count in summary.tables.items():
        table.add_row(name, f"{count:,}")
    out.print(table)
    if summary.first_payment:
        out.print(
            f"Payments from {summary.first_payment:%Y-%m-%d %H:%M} "
            f"to {summary.last_payment:%Y-%m-%d %H:%M} UTC"
        )
    for name, count in summary.sources.items():
        out.print(f"  source {name}: {count:,} payments")


@app.command()
def synth(
    payments: Annotated[int, typer.Option(help="How many payments to write.", min=1)] = 100_000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives the same files.")] = 7,
    out: Annotated[Path, typer.Option(help="Payments file, .parquet or .csv.")] = Path("synthetic.parquet"),
    quiet: QuietOption = False,
) -> None:
    """Write a synthetic world: payments, KYC accounts and a ground-truth file of planted typologies."""
    summary = _generate(payments, seed, out, quiet)
    if not quiet:
        _print_synth_paths(summary)


@app.command()
def demo(
    db: DbOption = DEFAULT_DB,
    payments: Annotated[int, typer.Option(help="Size of the demo world.", min=1_000)] = DEMO_PAYMENTS,
    seed: Annotated[int, typer.Option(help="Random seed of the demo world.")] = 7,
    folder: Annotated[Path, typer.Option("--dir", help="Where the demo files are written.")] = Path("demo"),
    quiet: QuietOption = False,
) -> None:
    """The whole job on a synthetic world: generate, load, screen; show top entities and detection quality."""
    from screening.cli.sanctions import print_sanctions_run, screen_sanctions
    from screening.cli.screen import (
        print_evaluation,
        print_risk,
        print_run_summary,
        screen_networks,
        screen_store,
    )
    from screening.detection.evaluate import evaluate
    from screening.detection.findings import entity_risk

    folder.mkdir(parents=True, exist_ok=True)
    summary = _generate(payments, seed, folder / "payments.parquet", quiet)
    with open_store(db) as store:
        results = [
            store.load(bundled_fx_rates(), dataset="fx_rates", source="demo"),
            store.load(summary.accounts_path, dataset="accounts", source="demo"),
            store.load(summary.payments_path, source="demo"),
        ]
    run = screen_store(db, hidden=quiet)
    network_run = screen_networks(db, hidden=quiet)
    sanctions = screen_sanctions(db)
    with open_store(db, read_only=True) as store:
        top = entity_risk(store.connection, limit=10)
        quality = evaluate(store.connection, summary.truth_path)
    if quiet:
        return
    _print_load_summary(results)
    print_run_summary(run)
    print_run_summary(network_run)
    if sanctions is None:
        out.print("Sanctions (TF-01) skipped: no list loaded; `screening lists load FILE` adds one.")
    else:
        print_sanctions_run(sanctions)
    print_risk(top)
    print_evaluation(quality)
    out.print(
        f"Store: {db}. Ground truth: {summary.truth_path}. Next: screening alerts, screening explain ID."
    )


def _generate(payments: int, seed: int, path: Path, quiet: bool) -> SynthSummary:
    with progress_display(quiet) as bar:
        task = bar.add_task(f"generating {path.name}", total=payments) if bar else None

        def report(written: int) -> None:
            if bar is not None and task is not None:
                bar.update(task, completed=written)

        return generate(payments, path, seed=seed, progress=report)


def _print_synth_paths(summary: SynthSummary) -> None:
    out.print(f"{summary.payments:,} payments -> {summary.payments_path}")
    out.print(f"{summary.accounts:,} accounts -> {summary.accounts_path}")
    out.print(f"{summary.planted_patterns:,} planted patterns -> {summary.truth_path}")


def _expand(paths: list[Path]) -> list[Path]:
    """Files as given; a folder stands for the loadable files in it, in name order."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FILE_FORMATS)
            )
        else:
            files.append(path)
    return files


def _first_problems(store: Store, results: list[LoadResult]) -> list[str]:
    """One line per quarantined record, naming file, row and field, for the first few."""
    lines: list[str] = []
    for result in results:
        if not result.quarantined:
            continue
        frame = store.quarantine(batch_id=result.batch_id, limit=_SHOWN_PROBLEMS)
        for row in frame.iter_rows(named=True):
            where = (
                f"{row['source_file']} row {row['source_row']}" if row["source_row"] else row["source_file"]
            )
            lines.append(f"{where}: {row['reason']}")
        if result.quarantined > _SHOWN_PROBLEMS:
            lines.append(
                f"... and {result.quarantined - _SHOWN_PROBLEMS} more (screening quarantine --batch "
                f"{result.batch_id})"
            )
    return lines


def _print_load_summary(results: list[LoadResult]) -> None:
    table = Table(
        "file",
        "batch",
        "read",
        "loaded",
        "quarantined",
        "duplicates",
        "no FX rate",
        "rows/s",
        title="Load summary",
    )
    for r in results:
        rate = f"{r.read / r.seconds:,.0f}" if r.seconds > 0 else "-"
        table.add_row(
            Path(r.source_file).name,
            str(r.batch_id),
            f"{r.read:,}",
            f"{r.loaded:,}",
            f"{r.quarantined:,}",
            f"{r.duplicates:,}",
            f"{r.missing_fx:,}",
            rate,
        )
    out.print(table)
    for r in results:
        for note in r.notes:
            out.print(f"{r.source_file}: {note}")
