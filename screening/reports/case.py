"""A case: the alerts chosen for a report, their evidence payments and the subjects they are about."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import duckdb
import polars as pl

from screening.detection.findings import SEVERITY_WEIGHTS, alert_detail
from screening.errors import InputError

_EVIDENCE = """
WITH ev AS (
    SELECT source, txn_id, list(DISTINCT alert_id ORDER BY alert_id) AS alert_ids
    FROM alert_evidence WHERE list_contains($ids, alert_id)
    GROUP BY source, txn_id
)
SELECT p.source, p.txn_id, p.ts, p.amount, p.currency, p.amount_base,
       p.payer_account, p.payer_name, p.payer_country, p.payer_type, p.payer_bank,
       p.payee_account, p.payee_name, p.payee_country, p.payee_type, p.payee_bank,
       p.channel, p.mcc, p.purpose, ev.alert_ids
FROM ev JOIN payments p ON p.source = ev.source AND p.txn_id = ev.txn_id
ORDER BY p.ts, p.source, p.txn_id
"""
_MEMBERS = """
SELECT alert_id, account, role, victim FROM alert_members
WHERE list_contains($ids, alert_id) ORDER BY alert_id, victim, role, account
"""


@dataclass(frozen=True)
class Subject:
    """An account an alert is about, as the evidence payments show it."""

    account: str
    names: tuple[str, ...]
    country: str | None
    type: str | None
    alert_ids: tuple[str, ...]
    risk: float
    """Combined risk of this case's alerts on the account, weighed as in ``screening risk``."""


@dataclass(frozen=True)
class Case:
    """What a report is built from; alerts in the order asked for, payments by time.

    Each alert is ``alert_detail``'s dict with ``members``: the accounts of a
    network finding with their roles, victims (such as organ donors) marked.
    """

    alerts: tuple[dict[str, Any], ...]
    payments: pl.DataFrame
    subjects: tuple[Subject, ...]
    base_currency: str


def load_case(con: duckdb.DuckDBPyConnection, alert_ids: list[str], base_currency: str) -> Case:
    """Read the alerts and their evidence; an unknown alert id is the user's error."""
    wanted = list(dict.fromkeys(alert_ids))
    if not wanted:
        raise InputError("name at least one alert id; `screening alerts` lists them")
    alerts: list[dict[str, Any]] = []
    for alert_id in wanted:
        detail = alert_detail(con, alert_id)
        if detail is None:
            raise InputError(f"no alert {alert_id!r}; `screening alerts` lists them")
        detail.pop("evidence")
        alerts.append(detail)
    members: dict[str, list[dict[str, Any]]] = {}
    for alert_id, account, role, victim in con.execute(_MEMBERS, {"ids": wanted}).fetchall():
        members.setdefault(alert_id, []).append({"account": account, "role": role, "victim": victim})
    for alert in alerts:
        alert["members"] = members.get(alert["alert_id"], [])
    frame = pl.from_arrow(con.sql(_EVIDENCE, params={"ids": wanted}).to_arrow_table())
    assert isinstance(frame, pl.DataFrame)
    return Case(
        alerts=tuple(alerts),
        payments=frame,
        subjects=_subjects(alerts, frame),
        base_currency=base_currency,
    )


def _subjects(alerts: list[dict[str, Any]], payments: pl.DataFrame) -> tuple[Subject, ...]:
    per_subject: dict[str, list[dict[str, Any]]] = {}
    for alert in alerts:
        per_subject.setdefault(alert["subject"], []).append(alert)
    result = []
    for account, own in per_subject.items():
        sides = [
            payments.filter(pl.col(f"{side}_account") == account).select(
                name=pl.col(f"{side}_name"), country=pl.col(f"{side}_country"), type=pl.col(f"{side}_type")
            )
            for side in ("payer", "payee")
        ]
        seen = pl.concat(sides)
        names = tuple(sorted({n for n in seen["name"].to_list() if n}))
        result.append(
            Subject(
                account=account,
                names=names,
                country=_most_common(seen["country"]),
                type=_most_common(seen["type"]),
                alert_ids=tuple(a["alert_id"] for a in own),
                risk=combined_risk(own),
            )
        )
    return tuple(result)


def combined_risk(alerts: list[dict[str, Any]]) -> float:
    """1 - product of (1 - severity weight x score), the formula of ``screening risk``."""
    survival = 1.0
    for alert in alerts:
        survival *= 1 - min(alert["score"] * SEVERITY_WEIGHTS.get(alert["severity"], 0.5), 0.999)
    return round(1 - survival, 4) if not math.isclose(survival, 1.0) else 0.0


def _most_common(values: pl.Series) -> str | None:
    present = values.drop_nulls()
    if present.is_empty():
        return None
    counts = present.value_counts(sort=True)
    best: str = counts.sort(["count", counts.columns[0]], descending=[True, False]).item(0, 0)
    return best
