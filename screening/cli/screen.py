"""Commands that screen the store and read what it found: run, alerts, explain, risk, evaluate, rules."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import polars as pl
import typer
from rich.table import Table
from rich.text import Text

from screening.cli.common import (
    DbOption,
    FormatOption,
    MemoryOption,
    OutputFormat,
    QuietOption,
    app,
    err,
    open_store,
    out,
    parse_day,
    progress_display,
    safe_for_spreadsheets,
)
from screening.cli.engine_options import (
    Engine,
    EngineOption,
    SparkMasterOption,
    SparkPaymentsOption,
    check_payments,
)
from screening.cli.sanctions import print_sanctions_run, screen_sanctions
from screening.detection.cases import run_case
from screening.detection.evaluate import Evaluation, evaluate
from screening.detection.findings import alert_detail, alerts_frame, entity_risk
from screening.detection.ruleset import load_rules, read_settings, validate_rules
from screening.detection.runner import RunResult, run_rules
from screening.engines import DEFAULT_SPARK_MASTER
from screening.errors import InputError
from screening.network import find_networks
from screening.network.patterns import load_patterns
from screening.store import DEFAULT_DB
from screening.store.store import DEFAULT_MEMORY_LIMIT

rules_app = typer.Typer(help="The rule packs: list, show, validate.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")

SettingsOption = Annotated[
    Path | None,
    typer.Option(
        "--settings", envvar="SCREENING_SETTINGS", help="TOML overrides: disabled rules, parameters."
    ),
]
RulesOption = Annotated[
    Path | None, typer.Option("--rules", help="A rule folder instead of the installed packs.")
]


class ExportFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    parquet = "parquet"


@app.command()
def run(
    db: DbOption = DEFAULT_DB,
    as_of: Annotated[str | None, typer.Option(help="Screen up to the end of this day (YYYY-MM-DD).")] = None,
    packs: Annotated[list[str] | None, typer.Option("--packs", help="Only these packs.")] = None,
    settings: SettingsOption = None,
    rules: RulesOption = None,
    networks: Annotated[
        bool, typer.Option("--networks/--no-networks", help="Then run the network patterns of graphs/.")
    ] = True,
    engine: EngineOption = Engine.duckdb,
    spark_master: SparkMasterOption = DEFAULT_SPARK_MASTER,
    payments: SparkPaymentsOption = None,
    memory_limit: MemoryOption = DEFAULT_MEMORY_LIMIT,
    output: FormatOption = OutputFormat.table,
    quiet: QuietOption = False,
) -> None:
    """Screen the payments loaded since the last run with every enabled rule, then the network patterns."""
    hidden = quiet or output is OutputFormat.json
    result = screen_store(db, as_of=as_of, packs=packs, settings=settings, rules=rules, hidden=hidden,
                          engine=engine, spark_master=spark_master, payments=payments,
                          memory_limit=memory_limit)  # fmt: skip
    network = None
    if networks:
        network = screen_networks(db, as_of=as_of, settings=settings, rules=rules, hidden=hidden,
                                  engine=engine, spark_master=spark_master, payments=payments,
                                  memory_limit=memory_limit)  # fmt: skip
    sanctions = screen_sanctions(db, engine=engine, spark_master=spark_master, payments=payments,
                                 memory_limit=memory_limit)  # fmt: skip
    if output is OutputFormat.json:
        both = {**result.as_dict(), "networks": network.as_dict() if network else None,
                "sanctions": asdict(sanctions) if sanctions else None}  # fmt: skip
        out.print_json(json.dumps(both, default=str))
    elif not quiet:
        print_run_summary(result)
        if network is not None:
            print_run_summary(network)
        if sanctions is not None:
            print_sanctions_run(sanctions)


def screen_store(
    db: Path,
    *,
    as_of: str | None = None,
    packs: list[str] | None = None,
    settings: Path | None = None,
    rules: Path | None = None,
    hidden: bool = False,
    engine: Engine = Engine.duckdb,
    spark_master: str = DEFAULT_SPARK_MASTER,
    payments: str | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> RunResult:
    """Open the store and run the rules with a progress display per rule.

    With the Spark engine the rules run on Spark and the alerts still land in the store.
    """
    check_payments(engine, payments)
    day = parse_day(as_of, "--as-of")
    ruleset = load_rules(rules)
    chosen = read_settings(settings, ruleset, load_patterns().patterns)
    with open_store(db, create=False, memory_limit=memory_limit) as store, progress_display(hidden) as bar:
        task = bar.add_task("screening", total=len(ruleset.rules)) if bar else None

        def report(rule_id: str, position: int, total: int) -> None:
            if bar is not None and task is not None:
                bar.update(task, description=f"rule {rule_id}", completed=position, total=total)

        if engine is Engine.spark:
            from screening.engines.spark import screen_on_spark

            return screen_on_spark(store.connection, ruleset, chosen, base_currency=store.base_currency,
                                   payments=payments, master=spark_master, as_of=day,
                                   packs=tuple(packs or ()), progress=report)  # fmt: skip
        return run_rules(store.connection, ruleset, chosen, base_currency=store.base_currency,
                         as_of=day, packs=tuple(packs or ()), progress=report)  # fmt: skip


def screen_networks(
    db: Path,
    *,
    as_of: str | None = None,
    settings: Path | None = None,
    rules: Path | None = None,
    hidden: bool = False,
    engine: Engine = Engine.duckdb,
    spark_master: str = DEFAULT_SPARK_MASTER,
    payments: str | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> RunResult:
    """Open the store and run the network patterns, then the view index, with a progress display.

    With the Spark engine the detectors' queries run on Spark and the findings still land in the store.
    """
    day = parse_day(as_of, "--as-of")
    with open_store(db, create=False, memory_limit=memory_limit) as store, progress_display(hidden) as bar:
        task = bar.add_task("networks", total=None) if bar else None

        def report(pattern_id: str, position: int, total: int) -> None:
            if bar is not None and task is not None:
                bar.update(task, description=f"pattern {pattern_id}", completed=position, total=total)

        return find_networks(store, as_of=day, settings=settings, rules=rules, progress=report,
                             engine=engine.value, spark_master=spark_master, payments=payments)  # fmt: skip


def print_run_summary(result: RunResult) -> None:
    """Alerts and time per rule, then per typology."""
    if result.new_payments == 0:
        out.print(f"Run {result.run_id}: no payments since the last run; nothing to screen.")
        return
    kind = "networks" if result.manifest.get("kind") == "networks" else "rules"
    table = Table(
        "rule" if kind == "rules" else "pattern",
        "pack",
        "typology",
        "new",
        "updated",
        "seconds",
        "note",
        title=f"Run {result.run_id} ({kind})",
    )
    for o in result.outcomes:
        table.add_row(o.rule_id, o.pack, o.typology, str(o.alerts), str(o.updated), f"{o.seconds:.2f}",
                      o.skipped or "")  # fmt: skip
    out.print(table)
    per_typology: dict[str, int] = {}
    for o in result.outcomes:
        per_typology[o.typology] = per_typology.get(o.typology, 0) + o.alerts
    found = ", ".join(f"{t} {n}" for t, n in sorted(per_typology.items()) if n)
    out.print(
        f"{result.new_payments:,} new payments screened, {result.alerts:,} new alerts"
        + (f": {found}" if found else ".")
    )


@app.command()
def alerts(
    db: DbOption = DEFAULT_DB,
    rule: Annotated[str | None, typer.Option(help="Only this rule.")] = None,
    typology: Annotated[str | None, typer.Option(help="Only this typology.")] = None,
    min_score: Annotated[float | None, typer.Option(help="Only alerts scoring at least this.")] = None,
    output: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.table,
    to: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of the screen.")
    ] = None,
    limit: Annotated[int, typer.Option(help="At most this many on screen.")] = 50,
) -> None:
    """List alerts, highest score first; export them as JSON, CSV or Parquet."""
    with open_store(db, read_only=True) as store:
        frame = alerts_frame(store.connection, rule=rule, typology=typology, min_score=min_score)
    if output is ExportFormat.parquet:
        if to is None:
            raise InputError("--format parquet needs --out FILE")
        frame.write_parquet(to)
    elif output is ExportFormat.csv:
        text = safe_for_spreadsheets(frame.with_columns(pl.col(pl.Datetime).dt.to_string())).write_csv()
        _emit(text, to)
    elif output is ExportFormat.json:
        _emit(json.dumps(frame.to_dicts(), default=str, ensure_ascii=False, indent=2), to)
    elif frame.is_empty():
        out.print("No alerts.")
    else:
        table = Table("alert", "rule", "score", "subject", "explanation", title=f"{len(frame):,} alerts")
        for row in frame.head(limit).iter_rows(named=True):
            table.add_row(
                row["alert_id"], row["rule_id"], f"{row['score']:.2f}", row["subject"], row["explanation"]
            )
        out.print(table)


@app.command()
def explain(
    alert_id: Annotated[str, typer.Argument(help="The alert's id, as `screening alerts` shows it.")],
    db: DbOption = DEFAULT_DB,
    output: FormatOption = OutputFormat.table,
) -> None:
    """One alert: why it was raised, with its figures, parameters and evidence payments."""
    with open_store(db, read_only=True) as store:
        detail = alert_detail(store.connection, alert_id)
    if detail is None:
        raise InputError(f"no alert {alert_id!r}; `screening alerts` lists them")
    evidence: pl.DataFrame = detail.pop("evidence")
    members: pl.DataFrame = detail.pop("members")
    if output is OutputFormat.json:
        both = {**detail, "evidence": evidence.to_dicts(), "members": members.to_dicts()}
        out.print_json(json.dumps(both, default=str))
        return
    out.print(Text.assemble((detail["alert_id"], "bold"), f"  {detail['rule_id']} v{detail['rule_version']} "
              f"({detail['typology']}, {detail['severity']}), score {detail['score']:.2f}"))  # fmt: skip
    out.print(detail["explanation"], markup=False)
    out.print("Figures: " + ", ".join(f"{k}={v}" for k, v in detail["figures"].items()), markup=False)
    out.print("Parameters: " + ", ".join(f"{k}={v}" for k, v in detail["parameters"].items()), markup=False)
    table = Table("txn", "time (UTC)", "amount", "payer", "payee", "channel", "purpose", title="Evidence")
    for row in evidence.iter_rows(named=True):
        table.add_row(
            row["txn_id"], f"{row['ts']:%Y-%m-%d %H:%M}", f"{row['amount']:,} {row['currency']}",
            f"{row['payer_account'] or '-'} {row['payer_country'] or ''}",
            f"{row['payee_account'] or '-'} {row['payee_country'] or ''}",
            row["channel"] or "", row["purpose"] or "",
        )  # fmt: skip
    out.print(table)
    if not members.is_empty():
        roles = Table("account", "role", "figures", title="Members")
        for row in members.iter_rows(named=True):
            role = row["role"] + (" (likely victim)" if row["victim"] else "")
            roles.add_row(row["account"], role, row["figures"] or "")
        out.print(roles)


@app.command()
def risk(
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="How many accounts.")] = 20,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Accounts ranked by combined risk: where an analyst starts."""
    with open_store(db, read_only=True) as store:
        frame = entity_risk(store.connection, limit=limit)
    if output is OutputFormat.json:
        out.print_json(json.dumps(frame.to_dicts(), default=str))
        return
    print_risk(frame)


def print_risk(frame: pl.DataFrame) -> None:
    table = Table("account", "name", "risk", "alerts", "rules", title="Entity risk")
    for row in frame.iter_rows(named=True):
        name = (row["name"] or "") + (" (likely victim)" if row["likely_victim"] else "")
        table.add_row(row["account"], name, f"{row['risk']:.3f}", str(row["alerts"]), ", ".join(row["rules"]))
    out.print(table)


@app.command(name="evaluate")
def evaluate_command(
    truth: Annotated[Path, typer.Option("--truth", help="Ground-truth CSV of a synthetic world.")],
    db: DbOption = DEFAULT_DB,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Score the alerts against ground truth: recall per typology, precision per account."""
    with open_store(db, read_only=True) as store:
        result = evaluate(store.connection, truth)
    if output is OutputFormat.json:
        out.print_json(json.dumps(result.as_dict()))
        return
    print_evaluation(result)


def print_evaluation(result: Evaluation) -> None:
    table = Table("typology", "planted", "found", "recall", title="Recall per planted typology")
    for row in result.per_typology.iter_rows(named=True):
        table.add_row(row["typology"], str(row["planted"]), str(row["found"]), f"{row['recall']:.0%}")
    out.print(table)
    out.print(
        f"Alerted accounts: {result.alerted_accounts:,}, of which planted {result.alerted_planted:,} "
        f"(precision {result.precision:.1%}). Legitimate accounts alerted: {result.alerted_legitimate:,} "
        f"of {result.legitimate_accounts:,} ({1000 * result.false_alert_rate:.2f} per 1,000)."
    )


@rules_app.command("list")
def rules_list(
    settings: SettingsOption = None,
    rules: RulesOption = None,
    engine: Annotated[
        Engine | None,
        typer.Option(
            "--engine",
            envvar="SCREENING_ENGINE",
            help="Also say which rules this engine cannot run yet, and why.",
        ),
    ] = None,
    output: FormatOption = OutputFormat.table,
) -> None:
    """Every rule, its pack, state and effective parameters."""
    ruleset = load_rules(rules)
    chosen = read_settings(settings, ruleset, load_patterns().patterns)
    rows: list[dict[str, Any]] = [
        {"id": r.id, "pack": r.pack, "version": r.version, "severity": r.severity, "title": r.title,
         "enabled": chosen.enabled(r), "parameters": chosen.parameters_for(r)}
        for r in ruleset.rules
    ]  # fmt: skip
    if engine is Engine.spark:
        try:
            from screening.engines.dialect import untranslatable
        except ImportError as error:
            raise InputError(
                "checking rules for Spark needs the spark extra: pip install 'fiu-screening[spark]'"
            ) from error

        for row, rule in zip(rows, ruleset.rules, strict=True):
            row["spark"] = untranslatable(rule) or "runs"
    if output is OutputFormat.json:
        out.print_json(json.dumps(rows))
        return
    columns = (
        "rule",
        "pack",
        "state",
        "title",
        "parameters",
        *(("on spark",) if engine is Engine.spark else ()),
    )
    table = Table(*columns, title=f"Rules in {ruleset.folder}")
    for row in rows:
        parameters = ", ".join(f"{k}={v:g}" for k, v in row["parameters"].items())
        spark = (row["spark"],) if "spark" in row else ()
        table.add_row(
            row["id"], row["pack"], "on" if row["enabled"] else "off", row["title"], parameters, *spark
        )
    out.print(table)


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="Rule id, e.g. OB-01.")],
    sql: Annotated[bool, typer.Option("--sql", help="Print the SQL the rule runs.")] = False,
    rules: RulesOption = None,
) -> None:
    """A rule's description, sources and parameters, or its SQL."""
    rule = load_rules(rules).get(rule_id)
    if sql:
        sys.stdout.write(rule.detection.rstrip() + "\n")
        return
    out.print(
        Text.assemble(
            (rule.id, "bold"),
            f" v{rule.version} {rule.title} ({rule.pack}, {rule.typology}, {rule.severity})",
        )
    )
    out.print(rule.description, markup=False)
    for name, p in rule.parameters.items():
        out.print(f"  {name} = {p.default:g} {p.unit}: {p.description}", markup=False)
    for reference in rule.references:
        out.print(f"  source: {reference}", markup=False)


@rules_app.command("validate")
def rules_validate(
    folder: Annotated[
        Path, typer.Argument(help="A rule folder (packs as subfolders, reference/ beside them).")
    ],
) -> None:
    """Check a rule folder: every file's fields, then every rule's own cases."""
    errors = validate_rules(folder)
    for error in errors:
        print(f"error: {error}", file=sys.stderr)
    if errors:
        raise typer.Exit(2)
    ruleset = load_rules(folder)
    failed = 0
    for rule in ruleset.rules:
        for case in rule.cases:
            result = run_case(rule, case, ruleset)
            if not result.passed:
                failed += 1
                print(f"error: {rule.path}: case {case.name!r} expected {sorted(result.expected)}, "
                      f"flagged {sorted(result.flagged)}", file=sys.stderr)  # fmt: skip
    cases = sum(len(r.cases) for r in ruleset.rules)
    out.print(f"{len(ruleset.rules)} rules, {cases} cases, {failed} failed")
    if failed:
        raise typer.Exit(1)


def _emit(text: str, to: Path | None) -> None:
    if to is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
    else:
        to.write_text(text, encoding="utf-8")
        err.print(f"wrote {to}")
