"""Run the network patterns over the store and keep what they find as alerts with members.

A network run is a stage of its own, with its own bookmark (see
``screening.detection.runner.last_screened``): it looks back as far as the
longest pattern window from the first payment no network run has screened, and
keeps a finding only when its evidence includes one of those new payments. A
finding becomes an alert of the same kind as a rule's (one per episode: pattern,
version, subject, start), its members and their roles go to ``alert_members``,
and, like a rule run, the whole stage is one transaction.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import duckdb
import pyarrow as pa

from screening.detection.model import RuleError
from screening.detection.reference import Reference
from screening.detection.ruleset import Settings
from screening.detection.runner import (
    ENGINE_VERSION,
    DuckDBEngine,
    RuleEngine,
    RuleOutcome,
    RunResult,
    episode_id,
    explain,
    last_screened,
    logged_run,
    write_alerts,
)
from screening.network.context import Context, QueryError
from screening.network.detectors import DETECTORS, READS_FINDINGS
from screening.network.model import Finding, Pattern
from screening.network.patterns import PatternSet

PatternProgress = Callable[[str, int, int], None]
"""Called with a pattern id, its position and the number of patterns, before the pattern runs."""

KIND = "networks"


def run_patterns(
    con: duckdb.DuckDBPyConnection,
    patterns: PatternSet,
    reference: Reference,
    *,
    base_currency: str,
    settings: Settings | None = None,
    as_of: date | datetime | None = None,
    progress: PatternProgress | None = None,
    engine: RuleEngine | None = None,
) -> RunResult:
    """Run every enabled network pattern over the payments no network run has screened yet.

    ``engine`` runs the detectors' queries (the store's DuckDB session by default);
    the findings are kept in the store behind ``con`` whichever engine found them.
    """
    engine = engine or DuckDBEngine(con)
    settings = settings or Settings()
    chosen = [p for p in patterns.patterns if settings.enabled(p)]
    chosen.sort(key=lambda p: p.detector in READS_FINDINGS)  # they read what the others found
    last_batch, last_as_of = last_screened(con, KIND)
    until = engine.period_end(as_of)
    unscreened = {"b": last_batch, "last": last_as_of, "until": until}
    new_payments, first_new = engine.unscreened(unscreened)
    run_id = int(con.execute("SELECT nextval('run_ids')").fetchall()[0][0])
    started = datetime.now(UTC)
    longest = max((p.lookback for p in chosen), default=None)
    scan_from = first_new - longest if first_new is not None and longest is not None else until
    max_batch = engine.max_batch()
    manifest = {
        "kind": KIND,
        "engine": engine.name,
        "engine_version": ENGINE_VERSION,
        "as_of": until.isoformat(),
        "scan_from": scan_from.isoformat(),
        "batches": [last_batch + 1, max_batch],
        "max_batch": max_batch,
        "patterns_fingerprint": patterns.fingerprint,
        "reference_fingerprint": reference.fingerprint,
        "base_currency": base_currency,
        "patterns": [
            {"id": p.id, "version": p.version, "parameters": settings.parameters_for(p)} for p in chosen
        ],
    }
    outcomes: list[RuleOutcome] = []
    with logged_run(con, run_id, started, until, manifest):
        if new_payments == 0:
            outcomes = [RuleOutcome(p.id, p.pack, p.typology, 0, 0.0, "no new payments") for p in chosen]
        else:
            engine.prepare(reference, unscreened, scan_from, until)
            con.execute(
                "CREATE TEMP TABLE IF NOT EXISTS run_alerts AS "
                "SELECT rule_id, typology, subject, severity, score FROM alerts LIMIT 0"
            )
            context = engine.context(scan_from, until, base_currency)
            for position, pattern in enumerate(chosen):
                if progress is not None:
                    progress(pattern.id, position, len(chosen))
                clock = time.perf_counter()
                parameters = settings.parameters_for(pattern)
                found = _touching_new(engine, _detect(pattern, context, parameters))
                new, updated = store_findings(
                    con, pattern, found, run_id, base_currency, engine.evidence_sources
                )
                outcomes.append(
                    RuleOutcome(
                        pattern.id,
                        pattern.pack,
                        pattern.typology,
                        new,
                        time.perf_counter() - clock,
                        updated=updated,
                    )
                )
    alerts = sum(o.alerts for o in outcomes)
    return RunResult(run_id, "completed", new_payments, alerts, tuple(outcomes), manifest)


def _detect(pattern: Pattern, context: Context, parameters: dict[str, float | int]) -> list[Finding]:
    """The pattern's findings; a query the engine cannot run is reported against the pattern file."""
    try:
        return DETECTORS[pattern.detector](context, parameters)
    except QueryError as error:
        raise RuleError(f"detector {pattern.detector}: {error}", path=str(pattern.path)) from error


def _touching_new(engine: RuleEngine, findings: list[Finding]) -> list[Finding]:
    """The findings whose evidence includes a payment this run screens for the first time."""
    evidence = sorted({t for f in findings for t in f.evidence})
    if not evidence:
        return []
    new = engine.unscreened_among(evidence)
    return [f for f in findings if new.intersection(f.evidence)]


def store_findings(
    con: duckdb.DuckDBPyConnection,
    pattern: Pattern,
    findings: list[Finding],
    run_id: int,
    base_currency: str,
    sources: str = "payments",
) -> tuple[int, int]:
    """Write findings as alerts (episode semantics shared with rules) and their members; (new, updated)."""
    rows: list[dict[str, Any]] = []
    evidence: list[dict[str, str]] = []
    members: list[dict[str, Any]] = []
    for finding in findings:
        alert_id = episode_id(pattern, finding.subject, finding.window_start)
        figures = {**finding.figures, "members": len(finding.members)}
        values = {"window_start": finding.window_start, "window_end": finding.window_end, **figures}
        txns = sorted(set(finding.evidence))
        rows.append({
            "alert_id": alert_id, "run_id": run_id, "rule_id": pattern.id,
            "rule_version": str(pattern.version), "typology": pattern.typology, "severity": pattern.severity,
            "score": min(max(finding.score, 0.0), 1.0), "subject": finding.subject,
            "window_start": finding.window_start, "window_end": finding.window_end,
            "figures": json.dumps(figures, ensure_ascii=False, default=str),
            "explanation": explain(pattern, finding.subject, values, figures, base_currency),
            "standalone": not pattern.scores_only, "pack": pattern.pack, "updated_run_id": run_id,
            "evidence_count": len(txns),
        })  # fmt: skip
        evidence.extend({"alert_id": alert_id, "txn_id": t} for t in txns)
        members.extend(
            {
                "alert_id": alert_id,
                "account": m.account,
                "role": m.role,
                "victim": m.victim,
                "figures": json.dumps(m.figures, ensure_ascii=False, default=str),
            }
            for m in finding.members
        )
    counts = write_alerts(con, rows, evidence, sources=sources)
    communities = [
        {"run_id": run_id, "community_id": str(f.figures["community"]), "account": m.account}
        for f in findings if "community" in f.figures for m in f.members
    ]  # fmt: skip
    if communities:
        con.register("__communities", pa.Table.from_pylist(communities))
        try:
            con.execute("INSERT INTO communities SELECT run_id, community_id, account FROM __communities")
        finally:
            con.unregister("__communities")
    if members:
        con.register("__members", pa.Table.from_pylist(members))
        try:
            con.execute(
                "DELETE FROM alert_members WHERE alert_id IN (SELECT DISTINCT alert_id FROM __members)"
            )
            con.execute(
                "INSERT INTO alert_members SELECT DISTINCT ON (alert_id, account) alert_id, account, role, "
                "victim, figures::JSON FROM __members"
            )
        finally:
            con.unregister("__members")
    return counts
