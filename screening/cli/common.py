"""What every command shares: the app, consoles, options, opening the store, progress, safe CSV.

``safe_for_spreadsheets`` lives in :mod:`screening.spreadsheet` (exports outside the CLI use it
too) and is re-exported here for the commands.

Exit codes: 0 done; 1 done, but some records were quarantined; 2 bad input or
usage; 3 the store is busy; 130 interrupted (nothing of the batch was stored).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from screening.errors import InputError, ScreeningError
from screening.spreadsheet import safe_for_spreadsheets as safe_for_spreadsheets
from screening.sqltext import first_line
from screening.store import Store

app = typer.Typer(
    name="screening",
    help="Screen payment data for organ-brokering proceeds, terrorist financing and money laundering.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console(highlight=False, markup=False, emoji=False)
err = Console(stderr=True, highlight=False, markup=False, emoji=False)
"""Payment data is hostile: a name like ``[/]`` or ``:smile:`` is printed as written, never as markup."""

QUARANTINE_EXIT = 1
INTERRUPTED_EXIT = 130


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


@contextmanager
def open_store(db: Path, **options: Any) -> Iterator[Store]:
    store = Store.open(db, **options)
    try:
        yield store
    finally:
        store.close()


@contextmanager
def progress_display(hidden: bool) -> Iterator[Progress | None]:
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


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; user errors print one line and give a non-zero exit code."""
    try:
        app(args=argv, prog_name="screening")
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    except ScreeningError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except duckdb.OutOfMemoryException as error:
        print(f"error: DuckDB ran out of its working memory ({first_line(error)}); give it more with "
              "--memory-limit or SCREENING_MEMORY_LIMIT, e.g. 4GB", file=sys.stderr)  # fmt: skip
        return OUT_OF_MEMORY
    return 0


OUT_OF_MEMORY = 3
"""The exit code when DuckDB's memory limit is too small for the work asked of it."""


def parse_day(text: str | None, option: str) -> date | None:
    """An option's YYYY-MM-DD value, or a one-line error naming the option."""
    if text is None:
        return None
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError as error:
        raise InputError(f"{option} {text!r} is not a date like 2026-03-31") from error


def day_start(day: date | None) -> datetime | None:
    """The first instant of ``day``, UTC (payment times are UTC)."""
    return datetime.combine(day, time.min, tzinfo=UTC) if day else None


def day_end(day: date | None) -> datetime | None:
    """The last instant of ``day``, UTC."""
    return datetime.combine(day, time.max, tzinfo=UTC) if day else None
