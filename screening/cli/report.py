"""The report command: goAML STR XML for the FIU, HTML or PDF case reports for people."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from screening.cli.common import DbOption, app, err, open_store
from screening.errors import InputError
from screening.reports.case import load_case
from screening.reports.config import EXAMPLE_CONFIG, ReportConfig, load_config
from screening.reports.goaml import ReportOptions, build_report, load_schema, write_report
from screening.reports.goaml import write_atomically as write_file
from screening.reports.graph import case_graph
from screening.reports.html import network_picture, render_html
from screening.reports.pdf import render_pdf
from screening.store import DEFAULT_DB


class ReportFormat(StrEnum):
    goaml = "goaml"
    html = "html"
    pdf = "pdf"


@app.command()
def report(
    alert_ids: Annotated[list[str], typer.Argument(help="Alert ids, as `screening alerts` shows them.")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    output: Annotated[
        ReportFormat, typer.Option("--format", help="goaml for the FIU; html or pdf for people.")
    ] = ReportFormat.html,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            envvar="SCREENING_REPORTING",
            help=f"goAML settings (TOML) of the reporting entity; see {EXAMPLE_CONFIG.name}.",
        ),
    ] = None,
    xsd: Annotated[
        Path | None,
        typer.Option(
            "--xsd",
            envvar="SCREENING_GOAML_XSD",
            help="The FIU's goAML schema; overrides report.xsd of the config.",
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--date", help="Report date and time, UTC (2026-04-01T09:30:00); default now."),
    ] = None,
    reference: Annotated[
        str | None, typer.Option(help="goAML entity_reference; default the config's prefix and a digest.")
    ] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Report alerts: a goAML STR validated against the FIU's schema, or a case report."""
    moment = _moment(at)
    goaml = _goaml_settings(config, xsd) if output is ReportFormat.goaml else None
    with open_store(db, read_only=True) as store:
        case = load_case(store.connection, alert_ids, store.base_currency)
        graph = case_graph(store.connection, case) if goaml is None else None
    if goaml is not None:
        settings, schema_path = goaml
        tree = build_report(case, settings, ReportOptions(submission_date=moment, reference=reference))
        write_report(tree, load_schema(schema_path), schema_path, out)
    elif graph is not None:
        page = render_html(case, graph, generated_at=moment, picture=network_picture(graph))
        if output is ReportFormat.html:
            write_file(out, page.encode("utf-8"))
        else:
            render_pdf(page, out)
    err.print(f"wrote {out}", markup=False)


def _goaml_settings(config: Path | None, xsd: Path | None) -> tuple[ReportConfig, Path]:
    """The reporting config and the schema to validate with, checked before the store is read."""
    if config is None:
        raise InputError(f"--format goaml needs --config FILE (start from {EXAMPLE_CONFIG})")
    settings = load_config(config)
    schema_path = xsd or settings.xsd
    if schema_path is None:
        raise InputError(
            "no goAML schema to validate against: pass --xsd PATH (the FIU's goAMLSchema.xsd) "
            "or set report.xsd in the config",
            path=str(config),
        )
    return settings, schema_path


def _moment(text: str | None) -> datetime:
    if text is None:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as error:
        raise InputError(f"--date {text!r} is not a date and time like 2026-04-01T09:30:00") from error
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
