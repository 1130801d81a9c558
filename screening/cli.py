"""The ``screening`` command: a thin shell over the Python API.

Exit codes: 0 done; 1 done, but some records were quarantined; 2 bad input or
usage; 3 the store is busy; 130 interrupted (nothing of the batch was stored).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from screening.errors import ScreeningError
from screening.ingest.sources import FILE_FORMATS
from screening.schema import DATASETS
from screening.store import DEFAULT_DB, LoadResult, Store
from screening.store.store import DEFAULT_MEMORY_LIMIT
from screening.synth import SynthSummary, bundled_fx_rates, generate

app = typer.Typer(
    name="screening",
    help="Screen payment data for organ-brokering proceeds, terrorist financing and money laundering.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(highlight=False)
err = Console(stderr=True, highlight=False)

DEMO_PAYMENTS = 200_000
QUARANTINE_EXIT = 1
INTERRUPTED_EXIT = 130
_SHOWN_PROBLEMS = 10


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


DbOption = Annotated[
    Path,
    typer.Option("--db", envvar="SCREENING_DB", help="The store: a DuckDB file.", show_default=True),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="table for people, json for programs.")]
MemoryOption = Annotated[
    str,
    typer.Option(
        envvar="SCREENING_MEMORY_LIMIT", help="DuckDB working memory, e.g. 1GB; beyond it, spill to disk."
    ),
]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress display or summary table.")]


@app.command()
def load(
    paths: Annotated[
        list[Path],
        typer.Argument(help="CSV, Parquet or JSON Lines files, or folders of them.", show_default=False),
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
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Load payment, KYC or FX-rate files into the store; bad records go to quarantine."""
    results: list[LoadResult] = []
    with (
        _store(db, base_currency=base_currency, memory_limit=memory_limit) as store,
        _progress(quiet or output is OutputFormat.json) as bar,
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
    with _store(db, read_only=True) as store:
        frame = store.quarantine(batch_id=batch, limit=limit)
    if output is ListFormat.json:
        out.print_json(json.dumps(frame.to_dicts(), default=str))
    elif output is ListFormat.csv:
        sys.stdout.write(_safe_for_spreadsheets(frame).write_csv())
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
    with _store(db, read_only=True) as store:
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
    """Build the demo world and load it (FX rates, KYC accounts, payments) into the store."""
    folder.mkdir(parents=True, exist_ok=True)
    summary = _generate(payments, seed, folder / "payments.parquet", quiet)
    with _store(db) as store:
        results = [
            store.load(bundled_fx_rates(), dataset="fx_rates", source="demo"),
            store.load(summary.accounts_path, dataset="accounts", source="demo"),
            store.load(summary.payments_path, source="demo"),
        ]
        info = store.info()
    if quiet:
        return
    _print_load_summary(results)
    truth = pl.read_csv(summary.truth_path)
    planted = truth.group_by("typology").agg(pl.col("pattern_id").n_unique()).sort("typology")
    table = Table("typology", "planted patterns", title=f"Demo world: {summary.payments:,} payments")
    for typology, count in planted.iter_rows():
        table.add_row(typology, str(count))
    out.print(table)
    tables = info.tables
    out.print(
        f"Store {info.path}: {tables['payments']:,} payments, {tables['accounts']:,} accounts, "
        f"{tables['quarantine']:,} in quarantine. Ground truth: {summary.truth_path}"
    )


def _generate(payments: int, seed: int, path: Path, quiet: bool) -> SynthSummary:
    with _progress(quiet) as bar:
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


@contextmanager
def _store(db: Path, **options: Any) -> Iterator[Store]:
    store = Store.open(db, **options)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def _progress(hidden: bool) -> Iterator[Progress | None]:
    """A progress display on a terminal; nothing for cron, pipes or --quiet."""
    if hidden or not err.is_terminal:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as bar:
        yield bar


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


_FORMULA_START = r"^[=+\-@\t\r]"


def _safe_for_spreadsheets(frame: pl.DataFrame) -> pl.DataFrame:
    """Prefix text cells that a spreadsheet would run as formulas with a quote."""
    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(_FORMULA_START))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; user errors print one line and give a non-zero exit code."""
    try:
        app(args=argv, prog_name="screening")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except ScreeningError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
