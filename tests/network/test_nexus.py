"""NW-04 follows money between organ-brokering and terrorist-financing subjects, but not through hubs."""

from __future__ import annotations

from pathlib import Path

from screening.detection.cases import load_case_text
from screening.detection.ruleset import Settings, load_rules
from screening.detection.runner import run_rules
from screening.network.patterns import load_patterns
from screening.network.runner import run_patterns
from screening.store import Store
from screening.synth import bundled_fx_rates

PATTERNS = load_patterns()
NEXUS = PATTERNS.get("NW-04")


def _nexus_alerts(tmp_path: Path, max_degree: int) -> list[str]:
    case = NEXUS.cases[0].case
    with Store.open(tmp_path / "nexus.duckdb") as store:
        store.load(bundled_fx_rates(), dataset="fx_rates")
        load_case_text(store, NEXUS, case, case.payments, "payments")
        rules = load_rules()
        run_rules(store.connection, rules, Settings(), base_currency=store.base_currency)
        early = Settings(disabled=frozenset({"NW-03", "NW-04"}))
        run_patterns(store.connection, PATTERNS, rules.reference, base_currency="USD", settings=early)
        store.connection.execute(
            "DELETE FROM runs WHERE json_extract_string(manifest, '$.kind') = 'networks'"
        )
        only = Settings(
            disabled=frozenset(p.id for p in PATTERNS.patterns if p.id != "NW-04"),
            parameters={"NW-04": {"max_degree": max_degree}},
        )
        run_patterns(store.connection, PATTERNS, rules.reference, base_currency="USD", settings=only)
        return store.sql("SELECT subject FROM alerts WHERE rule_id = 'NW-04'")["subject"].to_list()


def test_money_is_followed_through_an_ordinary_intermediary(tmp_path: Path) -> None:
    assert _nexus_alerts(tmp_path, max_degree=50) == ["BRK-1"]


def test_money_is_not_followed_through_a_hub(tmp_path: Path) -> None:
    assert _nexus_alerts(tmp_path, max_degree=1) == []
