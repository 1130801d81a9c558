"""Score the alerts against a synthetic world's ground truth: recall per typology, precision per account.

A planted pattern counts as found when one of its members is the subject of an
alert; an organ-brokering network (OB-01) only when its broker is. Every
account of the store that is not a member of a planted suspicious pattern is
legitimate, look-alikes (``LEGIT-*``) included, and any alert on one is a
false alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from screening.errors import InputError

_KEY_ROLE = {"OB-01": "broker"}
_TRUTH_COLUMNS = {"pattern_id", "typology", "role", "account"}


@dataclass(frozen=True)
class Evaluation:
    """Detection quality against ground truth."""

    per_typology: pl.DataFrame
    alerted_accounts: int
    alerted_planted: int
    legitimate_accounts: int
    alerted_legitimate: int

    @property
    def precision(self) -> float:
        return self.alerted_planted / self.alerted_accounts if self.alerted_accounts else 1.0

    @property
    def false_alert_rate(self) -> float:
        """Share of legitimate accounts alerted."""
        return self.alerted_legitimate / self.legitimate_accounts if self.legitimate_accounts else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "per_typology": self.per_typology.to_dicts(),
            "alerted_accounts": self.alerted_accounts,
            "alerted_planted": self.alerted_planted,
            "precision": round(self.precision, 4),
            "legitimate_accounts": self.legitimate_accounts,
            "alerted_legitimate": self.alerted_legitimate,
            "false_alerts_per_1000_legitimate": round(1000 * self.false_alert_rate, 3),
        }


def evaluate(con: duckdb.DuckDBPyConnection, truth_path: Path) -> Evaluation:
    """Compare the store's standalone alerts with a ground-truth CSV (pattern_id, typology, role, account)."""
    try:
        truth = pl.read_csv(truth_path, schema_overrides={"account": pl.String})
    except (OSError, pl.exceptions.PolarsError) as error:
        raise InputError(f"cannot read the ground truth: {error}", path=str(truth_path)) from error
    missing = _TRUTH_COLUMNS - set(truth.columns)
    if missing:
        raise InputError(f"the ground truth lacks columns {', '.join(sorted(missing))}", path=str(truth_path))
    alerted = {
        row[0] for row in con.execute("SELECT DISTINCT subject FROM alerts WHERE standalone").fetchall()
    }
    suspicious = truth.filter(~pl.col("typology").str.starts_with("LEGIT-"))
    key_members = suspicious.filter(
        pl.struct("typology", "role").map_elements(
            lambda r: _KEY_ROLE.get(r["typology"], r["role"]) == r["role"], return_dtype=pl.Boolean
        )
    )
    found = (
        key_members.with_columns(pl.col("account").is_in(list(alerted)).alias("alerted"))
        .group_by("typology", "pattern_id")
        .agg(pl.col("alerted").any())
        .group_by("typology")
        .agg(pl.len().alias("planted"), pl.col("alerted").sum().alias("found"))
        .with_columns((pl.col("found") / pl.col("planted")).round(3).alias("recall"))
        .sort("typology")
    )
    planted_accounts = set(suspicious["account"].to_list())
    all_accounts = {
        row[0]
        for row in con.execute(
            "SELECT payer_account FROM payments WHERE payer_account IS NOT NULL "
            "UNION SELECT payee_account FROM payments WHERE payee_account IS NOT NULL"
        ).fetchall()
    }
    legitimate = all_accounts - planted_accounts
    return Evaluation(
        per_typology=found,
        alerted_accounts=len(alerted),
        alerted_planted=len(alerted & planted_accounts),
        legitimate_accounts=len(legitimate),
        alerted_legitimate=len(alerted & legitimate),
    )
