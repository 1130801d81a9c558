"""Network runs: incremental like rule runs, findings stored as alerts with members and roles."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from screening.detection.cases import load_case_text
from screening.detection.findings import alert_detail, entity_risk
from screening.detection.model import RuleError
from screening.detection.ruleset import Settings, load_rules, read_settings
from screening.detection.runner import run_rules
from screening.network.context import Context, QueryError
from screening.network.detectors import DETECTORS
from screening.network.model import Finding
from screening.network.patterns import load_patterns
from screening.network.runner import run_patterns
from screening.store import Store
from screening.synth import bundled_fx_rates

PATTERNS = load_patterns()
RING = PATTERNS.get("NW-01")
ONLY_RING = Settings(disabled=frozenset(p.id for p in PATTERNS.patterns if p.id != "NW-01"))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    with Store.open(tmp_path / "net.duckdb") as opened:
        opened.load(bundled_fx_rates(), dataset="fx_rates")
        load_case_text(opened, RING, RING.cases[0].case, RING.cases[0].case.payments, "payments")
        yield opened


def _run(store: Store) -> int:
    result = run_patterns(store.connection, PATTERNS, load_rules().reference,
                          base_currency=store.base_currency, settings=ONLY_RING)  # fmt: skip
    return result.alerts


def test_a_ring_becomes_an_alert_with_its_members(store: Store) -> None:
    assert _run(store) == 1
    members = store.sql("SELECT account, role, victim FROM alert_members ORDER BY account")
    assert ("DON-2", "donor", True) in members.rows()
    assert ("BRK-1", "broker", False) in members.rows()


def test_a_second_run_over_the_same_payments_adds_nothing(store: Store) -> None:
    _run(store)
    assert _run(store) == 0
    assert store.sql("SELECT count(*) AS n FROM alerts")["n"][0] == 1


def test_network_runs_do_not_move_the_rules_bookmark(store: Store) -> None:
    _run(store)
    result = run_rules(store.connection, load_rules(), Settings(), base_currency=store.base_currency)
    assert result.new_payments == store.sql("SELECT count(*) AS n FROM payments")["n"][0]


def test_an_alert_explains_its_members_and_parameters(store: Store) -> None:
    _run(store)
    alert_id = store.sql("SELECT alert_id FROM alerts")["alert_id"][0]
    detail = alert_detail(store.connection, alert_id)
    assert detail is not None
    assert detail["parameters"]["min_donors"] == 2
    assert set(detail["members"]["role"]) >= {"broker", "recipient", "donor", "recruiter"}


def test_entity_risk_marks_accounts_only_ever_named_as_donors_as_likely_victims(store: Store) -> None:
    _run(store)
    store.connection.execute(
        "INSERT INTO alerts (alert_id, run_id, rule_id, rule_version, typology, severity, score, subject, "
        "explanation, standalone) VALUES ('OB-10-x', 1, 'OB-10', '1', 'organ brokering', 'high', 0.8, "
        "'DON-2', 'medical words', true)"
    )
    risk = entity_risk(store.connection)
    flags = dict(zip(risk["account"], risk["likely_victim"], strict=True))
    assert flags["DON-2"] is True
    assert flags["BRK-1"] is False


def test_deployment_settings_tune_patterns_like_rules(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("[rules.NW-01.parameters]\nmin_donors = 4\n", encoding="utf-8")
    settings = read_settings(path, load_rules(), PATTERNS.patterns)
    tuned = Settings(disabled=ONLY_RING.disabled, parameters=settings.parameters, path=path)
    result = run_patterns(store.connection, PATTERNS, load_rules().reference,
                          base_currency=store.base_currency, settings=tuned)  # fmt: skip
    assert result.alerts == 0  # the case's ring pays three donors
    assert result.manifest["patterns"][0]["parameters"]["min_donors"] == 4


def test_a_query_the_engine_cannot_run_is_reported_against_the_pattern_file(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused(ctx: Context, params: object) -> list[Finding]:
        raise QueryError("cannot run on Spark: DuckDB's list_zip() has no Spark translation yet")

    monkeypatch.setitem(DETECTORS, "organ_ring", refused)
    with pytest.raises(
        RuleError, match="detector organ_ring: cannot run on Spark: DuckDB's list_zip"
    ) as raised:
        _run(store)
    assert raised.value.path == str(RING.path)
    assert store.sql("SELECT status FROM runs")["status"].to_list() == ["failed"]
