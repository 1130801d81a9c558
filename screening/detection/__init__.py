"""Detection: the declarative rule packs compiled to SQL and run over the store.

The Python API for FIU systems::

    from screening import Store
    from screening.detection import screen, alerts, entity_risk

    with Store.open("screening.duckdb") as store:
        result = screen(store)                 # every enabled rule, new payments only
        top = entity_risk(store, limit=20)     # a polars DataFrame
        organ = alerts(store, typology="organ brokering")
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import polars as pl

from screening.detection.evaluate import Evaluation, evaluate
from screening.detection.findings import alert_detail, alerts_frame
from screening.detection.findings import entity_risk as _entity_risk
from screening.detection.model import Rule, RuleError
from screening.detection.ruleset import RuleSet, Settings, load_rules, read_settings
from screening.detection.runner import RuleProgress, RunResult, run_rules
from screening.store import Store

__all__ = [
    "Evaluation",
    "Rule",
    "RuleError",
    "RuleSet",
    "RunResult",
    "Settings",
    "alert_detail",
    "alerts",
    "entity_risk",
    "evaluate",
    "load_rules",
    "screen",
]


def screen(
    store: Store,
    *,
    as_of: date | datetime | None = None,
    packs: tuple[str, ...] = (),
    settings: Path | None = None,
    rules: Path | None = None,
    progress: RuleProgress | None = None,
) -> RunResult:
    """Run the enabled rules over the payments loaded since the last run.

    ``settings`` is a deployment's TOML file of overrides; ``rules`` a rule
    folder other than the installed packs.
    """
    ruleset = load_rules(rules)
    return run_rules(
        store.connection,
        ruleset,
        read_settings(settings, ruleset),
        base_currency=store.base_currency,
        as_of=as_of,
        packs=packs,
        progress=progress,
    )


def alerts(
    store: Store,
    *,
    rule: str | None = None,
    typology: str | None = None,
    min_score: float | None = None,
    subject: str | None = None,
) -> pl.DataFrame:
    """Alerts as a Polars frame, highest score first."""
    return alerts_frame(store.connection, rule=rule, typology=typology, min_score=min_score, subject=subject)


def entity_risk(store: Store, *, limit: int | None = None) -> pl.DataFrame:
    """Accounts ranked by combined risk, with the alerts behind each."""
    return _entity_risk(store.connection, limit=limit)
