"""Screen the store: run every enabled rule in one DuckDB session and keep what they find.

Nightly use is incremental. A run screens the payments loaded since the last
completed run, reading back as far as the longest rule window needs, and keeps
a finding only when its evidence includes one of those new payments. An
alert is one episode (rule, version, subject and start): the same night run
twice adds nothing, and an episode that grows updates its alert with the new
evidence rather than raising another. A run is one transaction: if it fails, no
alert of it remains, it is logged as failed, and the next run starts from the
last completed one.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as day_time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import duckdb
import pyarrow as pa

from screening.detection.model import OPTIONAL_FIELDS, REQUIRED_COLUMNS, Rule, RuleError
from screening.detection.reference import Reference
from screening.detection.ruleset import RuleSet, Settings
from screening.detection.views import build_views

if TYPE_CHECKING:
    from screening.network.context import Context

RuleProgress = Callable[[str, int, int], None]
"""Called with a rule id, its position and the number of rules, before the rule runs."""

ENGINE_VERSION = "1"


class Detection(Protocol):
    """What alert ids and explanations need of a rule or a network pattern."""

    @property
    def id(self) -> str: ...
    @property
    def version(self) -> int: ...
    @property
    def explanation(self) -> str: ...
    @property
    def path(self) -> Path: ...


_RUN_ALERTS = "run_alerts"


class RuleEngine(Protocol):
    """Where rule and network-pattern queries run: the payments they read and the rows they return.

    The runner keeps everything else (bookmarks, episodes, alerts, evidence, the
    manifest) in the store, the same for every engine: an engine turns a rule
    into result rows, the runner turns result rows into alerts.
    """

    @property
    def name(self) -> str: ...
    @property
    def evidence_sources(self) -> str:
        """A relation in the store with the (source, txn_id) of evidence payments."""
        ...

    def unsupported(self, rule: Rule) -> str | None:
        """Why this engine cannot run the rule yet, or None when it can."""
        ...

    def period_end(self, as_of: date | datetime | None) -> datetime: ...
    def max_batch(self) -> int: ...
    def unscreened(self, bookmark: dict[str, Any]) -> tuple[int, datetime | None]:
        """How many payments the bookmark leaves unscreened, and the earliest one's time."""
        ...

    def prepare(
        self, reference: Reference, bookmark: dict[str, Any], scan_from: datetime, until: datetime
    ) -> None:
        """Build the shared views and the set of unscreened payments (``new_txn``)."""
        ...

    def findings(
        self, rule: Rule, parameters: dict[str, float | int], scan_from: datetime, until: datetime
    ) -> pa.Table:
        """The rule's rows whose evidence includes an unscreened payment."""
        ...

    def context(self, scan_from: datetime, until: datetime, base_currency: str) -> Context:
        """What the network detectors query once :meth:`prepare` has built the period's views."""
        ...

    def unscreened_among(self, txns: list[str]) -> set[str]:
        """Which of these evidence payments are unscreened (and note their sources for the evidence)."""
        ...


class DuckDBEngine:
    """The embedded engine: rules run in the store's own DuckDB session."""

    name = "duckdb"
    evidence_sources = "payments"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def unsupported(self, rule: Rule) -> str | None:
        return None

    def period_end(self, as_of: date | datetime | None) -> datetime:
        return period_end(self.con, as_of)

    def max_batch(self) -> int:
        return int(_one(self.con, "SELECT coalesce(max(batch_id), 0) FROM payments")[0])

    def unscreened(self, bookmark: dict[str, Any]) -> tuple[int, datetime | None]:
        new = _one(self.con, f"SELECT count(*), min(ts) FROM payments WHERE {UNSCREENED}", bookmark)
        return int(new[0]), new[1]

    def prepare(
        self, reference: Reference, bookmark: dict[str, Any], scan_from: datetime, until: datetime
    ) -> None:
        build_views(self.con, reference, scan_from=scan_from, as_of=until)
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE new_txn AS SELECT DISTINCT txn_id FROM payments "
            f"WHERE {UNSCREENED}",
            bookmark,
        )

    def findings(
        self, rule: Rule, parameters: dict[str, float | int], scan_from: datetime, until: datetime
    ) -> pa.Table:
        return _findings(self.con, rule, parameters, scan_from, until)

    def context(self, scan_from: datetime, until: datetime, base_currency: str) -> Context:
        from screening.network.context import DuckDBContext

        return DuckDBContext(self.con, scan_from, until, base_currency)

    def unscreened_among(self, txns: list[str]) -> set[str]:
        self.con.register("__evidence_ids", pa.table({"txn_id": pa.array(txns, pa.string())}))
        try:
            rows = self.con.execute(
                "SELECT DISTINCT e.txn_id FROM __evidence_ids e JOIN new_txn n ON n.txn_id = e.txn_id"
            ).fetchall()
        finally:
            self.con.unregister("__evidence_ids")
        return {str(row[0]) for row in rows}


@dataclass(frozen=True)
class RuleOutcome:
    """What one rule did in a run."""

    rule_id: str
    pack: str
    typology: str
    alerts: int
    seconds: float
    skipped: str | None = None
    updated: int = 0


@dataclass(frozen=True)
class RunResult:
    """A run's summary; ``manifest`` is what was stored to reproduce it."""

    run_id: int
    status: str
    new_payments: int
    alerts: int
    outcomes: tuple[RuleOutcome, ...]
    manifest: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "new_payments": self.new_payments,
            "alerts": self.alerts,
            "rules": [o.__dict__ for o in self.outcomes],
        }


def run_rules(
    con: duckdb.DuckDBPyConnection,
    ruleset: RuleSet,
    settings: Settings,
    *,
    base_currency: str,
    as_of: date | datetime | None = None,
    packs: tuple[str, ...] = (),
    progress: RuleProgress | None = None,
    engine: RuleEngine | None = None,
) -> RunResult:
    """Run the enabled rules of ``packs`` (all packs when empty) over new payments.

    ``engine`` runs the rule queries (the store's DuckDB session by default); the
    alerts, evidence and run record always go to the store behind ``con``.
    """
    engine = engine or DuckDBEngine(con)
    unknown = sorted(set(packs) - set(ruleset.packs))
    if unknown:
        raise RuleError(f"no pack {unknown[0]!r}; the packs are {', '.join(ruleset.packs)}")
    rules = [r for r in ruleset.rules if settings.enabled(r) and (not packs or r.pack in packs)]
    rules.sort(key=lambda r: _RUN_ALERTS in r.detection)  # rules reading other rules' findings go last
    last_batch, last_as_of = last_screened(con)
    until = engine.period_end(as_of)
    unscreened = {"b": last_batch, "last": last_as_of, "until": until}
    new_payments, first_new = engine.unscreened(unscreened)
    run_id = int(_one(con, "SELECT nextval('run_ids')")[0])
    started = datetime.now(UTC)
    longest = max((r.lookback for r in rules), default=None)
    scan_from = first_new - longest if first_new is not None and longest is not None else until
    max_batch = engine.max_batch()
    manifest = {
        "kind": "rules",
        "engine": engine.name,
        "engine_version": ENGINE_VERSION,
        "as_of": until.isoformat(),
        "scan_from": scan_from.isoformat(),
        "batches": [last_batch + 1, max_batch],
        "previous_as_of": last_as_of.isoformat() if last_as_of else None,
        "max_batch": max_batch,
        "rules_fingerprint": ruleset.fingerprint,
        "reference_fingerprint": ruleset.reference.fingerprint,
        "base_currency": base_currency,
        "rules": [
            {"id": r.id, "version": r.version, "pack": r.pack, "parameters": settings.parameters_for(r)}
            for r in rules
        ],
    }
    with logged_run(con, run_id, started, until, manifest):
        outcomes = _screen(con, engine, rules, ruleset, settings, run_id, unscreened, scan_from, until,
                           base_currency, new_payments, progress)  # fmt: skip
    alerts = sum(o.alerts for o in outcomes)
    return RunResult(run_id, "completed", new_payments, alerts, tuple(outcomes), manifest)


@contextmanager
def logged_run(
    con: duckdb.DuckDBPyConnection, run_id: int, started: datetime, until: datetime, manifest: dict[str, Any]
) -> Iterator[None]:
    """One run is one transaction, logged in ``runs``: completed, or rolled back and logged failed."""
    row = {"id": run_id, "started": started, "as_of": until, "manifest": json.dumps(manifest)}
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("INSERT INTO runs VALUES ($id, $started, now(), $as_of, 'completed', $manifest)", row)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        con.execute("INSERT INTO runs VALUES ($id, $started, now(), $as_of, 'failed', $manifest)", row)
        raise


def _screen(
    con: duckdb.DuckDBPyConnection,
    engine: RuleEngine,
    rules: list[Rule],
    ruleset: RuleSet,
    settings: Settings,
    run_id: int,
    unscreened: dict[str, Any],
    scan_from: datetime,
    until: datetime,
    base_currency: str,
    new_payments: int,
    progress: RuleProgress | None,
) -> list[RuleOutcome]:
    if new_payments == 0:
        return [RuleOutcome(r.id, r.pack, r.typology, 0, 0.0, "no new payments") for r in rules]
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {_RUN_ALERTS} (rule_id VARCHAR, typology VARCHAR, subject VARCHAR, "
        "severity VARCHAR, score DOUBLE)"
    )
    engine.prepare(ruleset.reference, unscreened, scan_from, until)
    has_occupation = int(_one(con, "SELECT count(*) FROM accounts WHERE occupation IS NOT NULL")[0]) > 0
    outcomes = []
    for position, rule in enumerate(rules):
        if progress is not None:
            progress(rule.id, position, len(rules))
        if "accounts.occupation" in rule.requires and not has_occupation:
            reason = "skipped: needs " + OPTIONAL_FIELDS["accounts.occupation"]
            outcomes.append(RuleOutcome(rule.id, rule.pack, rule.typology, 0, 0.0, reason))
            continue
        unsupported = engine.unsupported(rule)
        if unsupported is not None:
            reason = f"skipped: cannot run on {engine.name} yet: {unsupported}"
            outcomes.append(RuleOutcome(rule.id, rule.pack, rule.typology, 0, 0.0, reason))
            continue
        clock = time.perf_counter()
        findings = engine.findings(rule, settings.parameters_for(rule), scan_from, until)
        new, updated = _store_alerts(con, rule, findings, run_id, base_currency, engine.evidence_sources)
        outcomes.append(
            RuleOutcome(rule.id, rule.pack, rule.typology, new, time.perf_counter() - clock, updated=updated)
        )
    return outcomes


def _findings(
    con: duckdb.DuckDBPyConnection,
    rule: Rule,
    parameters: dict[str, float | int],
    scan_from: datetime,
    until: datetime,
) -> pa.Table:
    """Run a rule's query over the shared tables, keeping findings that touch new payments."""
    sql = rule.detection.rstrip().rstrip(";")
    params = {**parameters, "scan_from": scan_from, "as_of": until}
    used = {k: v for k, v in params.items() if f"${k}" in sql}
    try:
        table = con.sql(
            f"SELECT * FROM ({sql}) f WHERE EXISTS (SELECT 1 FROM unnest(f.evidence) e(txn) "
            "JOIN new_txn n ON n.txn_id = e.txn)",
            params=used,
        ).to_arrow_table()
    except duckdb.Error as error:
        message = str(error).strip().splitlines()[0]
        raise RuleError(f"field detection: the query failed: {message}", path=str(rule.path)) from error
    missing = [c for c in REQUIRED_COLUMNS if c not in table.column_names]
    if missing:
        raise RuleError(
            f"field detection: the query returns no column {', '.join(missing)}", path=str(rule.path)
        )
    return table


def _store_alerts(
    con: duckdb.DuckDBPyConnection,
    rule: Rule,
    findings: pa.Table,
    run_id: int,
    base_currency: str,
    sources: str = "payments",
) -> tuple[int, int]:
    """Write new alerts, bring episodes already alerted up to date; return (new, updated).

    An alert is one episode: its rule, version, subject and start. When a later
    run finds the same episode grown, the alert gains the new evidence and
    figures instead of a second alert being raised.
    """
    rows: list[dict[str, Any]] = []
    evidence: list[dict[str, str]] = []
    for finding in findings.to_pylist():
        txns = sorted({str(t) for t in finding["evidence"] or []})
        subject = str(finding["subject"])
        alert_id = episode_id(rule, subject, finding["window_start"])
        figures = {k: _plain(v) for k, v in finding.items() if k not in REQUIRED_COLUMNS}
        score = min(max(float(finding["score"] or 0.0), 0.0), 1.0)
        rows.append({
            "alert_id": alert_id, "run_id": run_id, "rule_id": rule.id, "rule_version": str(rule.version),
            "typology": rule.typology, "severity": rule.severity, "score": score, "subject": subject,
            "window_start": finding["window_start"], "window_end": finding["window_end"],
            "figures": json.dumps(figures, ensure_ascii=False),
            "explanation": explain(rule, subject, finding, figures, base_currency),
            "standalone": not rule.scores_only, "pack": rule.pack, "updated_run_id": run_id,
            "evidence_count": len(txns),
        })  # fmt: skip
        evidence.extend({"alert_id": alert_id, "txn_id": t} for t in txns)
    return write_alerts(con, rows, evidence, sources=sources)


def write_alerts(
    con: duckdb.DuckDBPyConnection,
    rows: list[dict[str, Any]],
    evidence: list[dict[str, str]],
    *,
    sources: str = "payments",
) -> tuple[int, int]:
    """Insert new alert episodes, update grown ones and add their evidence; return (new, updated).

    ``rows`` hold the ``alerts`` columns plus ``evidence_count``; ``evidence`` the
    (alert_id, txn_id) pairs. Rules and network patterns both write through here.
    ``sources`` names the relation giving each evidence payment's source system:
    the stored payments, or what another engine collected of its own.
    """
    if not rows:
        return 0, 0
    con.register("__found", pa.Table.from_pylist(rows))
    con.register("__evidence", pa.Table.from_pylist(evidence))
    try:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE __alerts AS SELECT * EXCLUDE (evidence_count) FROM __found "
            "QUALIFY row_number() OVER (PARTITION BY alert_id ORDER BY evidence_count DESC, window_end DESC) "
            "= 1"
        )
        counts = con.execute(
            "SELECT count(*) FILTER (WHERE a.alert_id NOT IN (SELECT alert_id FROM alerts)), "
            "count(*) FILTER (WHERE a.alert_id IN (SELECT alert_id FROM alerts)) FROM __alerts a"
        ).fetchall()[0]
        con.execute(
            "UPDATE alerts SET window_end = a.window_end, score = a.score, figures = a.figures, "
            "explanation = a.explanation, updated_run_id = a.updated_run_id FROM __alerts a "
            "WHERE alerts.alert_id = a.alert_id AND alerts.figures IS DISTINCT FROM a.figures"
        )
        con.execute(
            "INSERT INTO alerts BY NAME SELECT * FROM __alerts "
            "WHERE alert_id NOT IN (SELECT alert_id FROM alerts)"
        )
        con.execute(
            "INSERT INTO alert_evidence SELECT DISTINCT e.alert_id, p.source, e.txn_id FROM __evidence e "
            f"JOIN {sources} p ON p.txn_id = e.txn_id WHERE NOT EXISTS (SELECT 1 FROM alert_evidence x "
            "WHERE x.alert_id = e.alert_id AND x.source = p.source AND x.txn_id = e.txn_id)"
        )
        con.execute(
            f"INSERT INTO {_RUN_ALERTS} SELECT rule_id, typology, subject, severity, score FROM __alerts"
        )
        con.execute("DROP TABLE temp.__alerts")
    finally:
        con.unregister("__found")
        con.unregister("__evidence")
    return int(counts[0]), int(counts[1])


def explain(
    rule: Detection, subject: str, finding: dict[str, Any], figures: dict[str, Any], base: str
) -> str:
    """The rule's explanation template filled with the finding's figures."""
    values = {
        **finding,
        **{k: v for k, v in figures.items() if k not in finding},
        "subject": subject,
        "base": base,
    }
    try:
        return rule.explanation.format(**values)
    except (KeyError, ValueError, IndexError, TypeError) as error:
        raise RuleError(
            f"field explanation: cannot fill the template: {error!r}", path=str(rule.path)
        ) from error


def episode_id(rule: Detection, subject: str, window_start: datetime | None) -> str:
    """An episode's id: the same rule version, subject and start always give the same id."""
    episode = window_start.isoformat() if window_start is not None else ""
    digest = hashlib.sha256("\x1f".join([rule.id, str(rule.version), subject, episode]).encode())
    return f"{rule.id}-{digest.hexdigest()[:12]}"


def _plain(value: Any) -> Any:
    """A figure as JSON can hold it."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


UNSCREENED = "(batch_id > $b OR ts > $last) AND ts <= $until"
"""Payments no completed run has screened: loaded since, or dated after what it screened up to."""


def last_screened(con: duckdb.DuckDBPyConnection, kind: str = "rules") -> tuple[int, datetime | None]:
    """The newest batch and the end of the period the last completed run of ``kind`` screened.

    Rules and network patterns keep separate bookmarks: either may run without the other.
    """
    rows = con.execute(
        "SELECT json_extract(manifest, '$.max_batch')::BIGINT, as_of FROM runs WHERE status = 'completed' "
        "AND coalesce(json_extract_string(manifest, '$.kind'), 'rules') = $kind ORDER BY run_id DESC LIMIT 1",
        {"kind": kind},
    ).fetchall()
    if not rows:
        return 0, None  # no run yet: every loaded payment is new
    return int(rows[0][0]), rows[0][1]


def period_end(con: duckdb.DuckDBPyConnection, as_of: date | datetime | None) -> datetime:
    """The end of the screened period: the given day's end, or the newest payment."""
    if isinstance(as_of, datetime):
        return as_of if as_of.tzinfo else as_of.replace(tzinfo=UTC)
    if isinstance(as_of, date):
        return datetime.combine(as_of, day_time.max, tzinfo=UTC)
    newest = con.execute("SELECT max(ts) FROM payments").fetchall()[0][0]
    return newest or datetime.now(UTC)


def _one(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any] | None = None) -> tuple[Any, ...]:
    return tuple(con.execute(sql, params or {}).fetchall()[0])
