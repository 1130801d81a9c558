"""Findings as plain tables: alerts, their evidence, and risk rolled up per account.

Entity risk combines an account's alerts as independent signals: each alert
contributes its score weighted by severity, and the risk is the chance that at
least one of them is right (1 - product of (1 - weight x score)). Score-only
findings (corridor geography) add to an account's risk but never put an
account on the list by themselves. An account that network findings only ever
name as a donor is flagged ``likely_victim``: its alerts describe what was done
to it, and it is to be protected, not pursued.
"""

from __future__ import annotations

import json
from typing import Any

import duckdb
import polars as pl

SEVERITY_WEIGHTS = {"low": 0.25, "medium": 0.5, "high": 0.75, "critical": 1.0}
SEVERITY_WEIGHT_SQL = (
    "CASE severity " + " ".join(f"WHEN '{k}' THEN {v}" for k, v in SEVERITY_WEIGHTS.items()) + " END"
)
"""An alert's severity weight as SQL over the ``alerts`` table, for every risk roll-up."""


def alerts_frame(
    con: duckdb.DuckDBPyConnection,
    *,
    rule: str | None = None,
    typology: str | None = None,
    min_score: float | None = None,
    subject: str | None = None,
    include_score_only: bool = False,
) -> pl.DataFrame:
    """Alerts, highest score first, optionally filtered."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    for column, value in (("rule_id", rule), ("typology", typology), ("subject", subject)):
        if value is not None:
            clauses.append(f"{column} = ${column}")
            params[column] = value
    if min_score is not None:
        clauses.append("score >= $min_score")
        params["min_score"] = min_score
    if not include_score_only:
        clauses.append("standalone")
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    return _frame(
        con,
        "SELECT alert_id, run_id, rule_id, rule_version, pack, typology, severity, score, subject, "
        f"window_start, window_end, explanation, figures FROM alerts {where} "
        "ORDER BY score DESC, rule_id, subject, alert_id",
        params,
    )


def alert_detail(con: duckdb.DuckDBPyConnection, alert_id: str) -> dict[str, Any] | None:
    """One alert with its evidence payments and the parameters its rule ran with."""
    found = _frame(con, "SELECT * FROM alerts WHERE alert_id = $id", {"id": alert_id})
    if found.is_empty():
        return None
    alert = found.row(0, named=True)
    evidence = _frame(
        con,
        "SELECT p.source, p.txn_id, p.ts, p.amount, p.currency, p.amount_base, p.payer_account, "
        "p.payer_name, p.payer_country, p.payee_account, p.payee_name, p.payee_country, p.channel, p.mcc, "
        "p.purpose "
        "FROM alert_evidence e JOIN payments p ON p.source = e.source AND p.txn_id = e.txn_id "
        "WHERE e.alert_id = $id ORDER BY p.ts, p.txn_id",
        {"id": alert_id},
    )
    members = _frame(
        con,
        "SELECT account, role, victim, figures FROM alert_members WHERE alert_id = $id "
        "ORDER BY role, account",
        {"id": alert_id},
    )
    manifest = con.execute("SELECT manifest FROM runs WHERE run_id = $r", {"r": alert["run_id"]}).fetchall()
    parameters: dict[str, Any] = {}
    if manifest and manifest[0][0]:
        stored = json.loads(manifest[0][0])
        for entry in stored.get("rules", []) + stored.get("patterns", []):
            if entry["id"] == alert["rule_id"]:
                parameters = entry["parameters"]
    return {
        **alert,
        "figures": json.loads(alert["figures"]) if alert["figures"] else {},
        "parameters": parameters,
        "evidence": evidence,
        "members": members,
    }


def entity_risk(con: duckdb.DuckDBPyConnection, *, limit: int | None = None) -> pl.DataFrame:
    """Accounts ranked by combined risk, each with the alerts that contribute to it."""
    sql = f"""
        WITH weighted AS (
            SELECT subject, alert_id, rule_id, typology, standalone, score,
                   least(score * {SEVERITY_WEIGHT_SQL}, 0.999) AS w
            FROM alerts
        ),
        victims AS (
            SELECT account FROM alert_members GROUP BY account HAVING bool_and(victim)
        ),
        names AS (
            SELECT account, mode(name) AS name FROM (
                SELECT payee_account AS account, payee_name AS name FROM payments
                WHERE payee_account IN (SELECT subject FROM alerts)
                UNION ALL
                SELECT payer_account, payer_name FROM payments
                WHERE payer_account IN (SELECT subject FROM alerts))
            GROUP BY account
        )
        SELECT w.subject AS account, any_value(n.name) AS name,
               round(1 - exp(sum(ln(1 - w.w))), 4) AS risk,
               count(*) FILTER (WHERE w.standalone) AS alerts,
               list(DISTINCT w.rule_id ORDER BY w.rule_id) AS rules,
               list(DISTINCT w.typology ORDER BY w.typology) AS typologies,
               list(w.alert_id ORDER BY w.w DESC) AS alert_ids,
               any_value(v.account) IS NOT NULL AS likely_victim
        FROM weighted w LEFT JOIN names n ON n.account = w.subject
        LEFT JOIN victims v ON v.account = w.subject
        GROUP BY w.subject
        HAVING bool_or(w.standalone)
        ORDER BY risk DESC, alerts DESC, account
        {"LIMIT $limit" if limit is not None else ""}
    """
    return _frame(con, sql, {"limit": limit} if limit is not None else {})


def _frame(con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any]) -> pl.DataFrame:
    frame = pl.from_arrow(con.sql(sql, params=params).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return frame
