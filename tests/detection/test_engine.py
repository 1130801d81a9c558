"""The rules engine: rule files checked by field, deployment settings, incremental and atomic runs."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from screening import Store
from screening.detection import alerts, entity_risk, screen
from screening.detection import runner as runner_module
from screening.detection.model import RuleError
from screening.detection.ruleset import load_rules, read_settings, validate_rules
from tests.conftest import csv_text

ML01 = "money-laundering/ML-01.yaml"


def edit(folder: Path, old: str, new: str) -> None:
    path = folder / ML01
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "severity: high",
            "severity: dire",
            "field severity: 'dire' is not one of low, medium, high, critical",
        ),
        ("id: ML-01", "id: ML-99", "field id: 'ML-99' differs from the file name 'ML-01.yaml'"),
        ("lookback: 7 days", "lookback: a week", "field lookback: 'a week' is not like '30 days'"),
        (
            "$min_count",
            "$min_cnt",
            "field detection: $min_cnt is neither a parameter nor one the engine binds",
        ),
        ("    default: 3\n", "    default: 1\n", "parameter min_count = 1 is below its minimum 2"),
    ],
)
def test_rule_file_mistakes_name_file_and_field(rule_folder: Path, old: str, new: str, message: str) -> None:
    edit(rule_folder, old, new)
    errors = [str(e) for e in validate_rules(rule_folder)]
    assert len(errors) == 1
    assert errors[0].startswith(str(rule_folder / ML01))
    assert message in errors[0]


def test_a_rule_needs_positive_and_negative_cases(rule_folder: Path) -> None:
    path = rule_folder / ML01
    text = path.read_text()
    path.write_text(text[: text.index("  - name: deposits below the band")])
    assert "needs at least one positive and one negative case" in str(validate_rules(rule_folder)[0])


def test_settings_disable_rules_and_override_parameters(rule_folder: Path, tmp_path: Path) -> None:
    ruleset = load_rules(rule_folder)
    path = tmp_path / "settings.toml"
    path.write_text("[rules.ML-01.parameters]\nthreshold = 15000\n")
    settings = read_settings(path, ruleset)
    assert settings.parameters_for(ruleset.get("ML-01"))["threshold"] == 15000.0
    path.write_text("[rules.ML-01]\nenabled = false\n")
    assert not read_settings(path, ruleset).enabled(ruleset.get("ML-01"))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[rules.ML-01.parameters]\nthresh = 1\n", "rule ML-01 has no parameter 'thresh'"),
        ("[rules.ML-01.parameters]\nthreshold = 5\n", "threshold = 5 is below its minimum 1000"),
        ("[rules.XX-01]\nenabled = false\n", "no rule or network pattern 'XX-01'"),
    ],
)
def test_settings_mistakes_are_named(rule_folder: Path, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text)
    with pytest.raises(RuleError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_settings(path, load_rules(rule_folder))


def test_a_run_raises_alerts_that_explain_themselves(screened_store: Store, rule_folder: Path) -> None:
    result = screen(screened_store, rules=rule_folder)
    assert (result.new_payments, result.alerts) == (4, 1)
    alert = alerts(screened_store).row(0, named=True)
    assert alert["subject"] == "ACC-1"
    assert alert["explanation"].startswith("Account ACC-1 had 3 cash or money-transfer transactions")
    assert json.loads(alert["figures"])["total"] == 28600.0
    evidence = screened_store.sql("SELECT txn_id FROM alert_evidence ORDER BY txn_id")["txn_id"].to_list()
    assert evidence == ["S1", "S2", "S3"]


def test_running_the_same_night_twice_adds_nothing(screened_store: Store, rule_folder: Path) -> None:
    screen(screened_store, rules=rule_folder)
    again = screen(screened_store, rules=rule_folder)
    assert (again.new_payments, again.alerts) == (0, 0)
    assert len(alerts(screened_store)) == 1


def test_a_later_run_screens_only_new_payments_reading_back_the_window(
    screened_store: Store, rule_folder: Path, tmp_path: Path
) -> None:
    screen(screened_store, rules=rule_folder)
    later = tmp_path / "day2.csv"
    later.write_text(csv_text("S4,2026-03-03T09:00:00Z,9600,USD,,,,ACC-2,US,cash,",
                              "S5,2026-03-03T10:00:00Z,9700,USD,,,,ACC-2,US,cash,",
                              "S6,2026-03-03T11:00:00Z,9800,USD,,,,ACC-2,US,cash,"))  # fmt: skip
    screened_store.load(later)
    result = screen(screened_store, rules=rule_folder)
    assert (result.new_payments, result.alerts) == (3, 1)
    assert sorted(alerts(screened_store)["subject"].to_list()) == ["ACC-1", "ACC-2"]


def test_a_failed_run_leaves_no_alerts_and_the_next_run_picks_up(
    screened_store: Store, rule_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = runner_module._store_alerts

    def store_then_fail(*args: object) -> int:
        real(*args)  # type: ignore[arg-type]
        raise RuntimeError("disk full")

    monkeypatch.setattr(runner_module, "_store_alerts", store_then_fail)
    with pytest.raises(RuntimeError):
        screen(screened_store, rules=rule_folder)
    assert alerts(screened_store).is_empty()
    assert screened_store.sql("SELECT status FROM runs")["status"].to_list() == ["failed"]
    monkeypatch.setattr(runner_module, "_store_alerts", real)
    assert screen(screened_store, rules=rule_folder).alerts == 1


def test_the_manifest_records_rules_parameters_and_fingerprints(
    screened_store: Store, rule_folder: Path
) -> None:
    result = screen(screened_store, rules=rule_folder)
    stored = json.loads(screened_store.sql("SELECT manifest FROM runs")["manifest"].item())
    assert stored == json.loads(json.dumps(result.manifest))
    assert stored["rules"][0]["id"] == "ML-01"
    assert stored["rules"][0]["parameters"]["threshold"] == 10000.0
    assert len(stored["rules_fingerprint"]) == 16 and len(stored["reference_fingerprint"]) == 16


def test_a_rule_needing_kyc_occupation_is_skipped_with_a_note(
    screened_store: Store, rule_folder: Path
) -> None:
    edit(rule_folder, "lookback: 7 days", "lookback: 7 days\nrequires: [accounts.occupation]")
    result = screen(screened_store, rules=rule_folder)
    assert (
        result.outcomes[0].skipped
        == "skipped: needs KYC occupation (load accounts with an occupation column)"
    )
    assert result.alerts == 0


def test_entity_risk_ranks_accounts_by_their_alerts(screened_store: Store, rule_folder: Path) -> None:
    screen(screened_store, rules=rule_folder)
    risk = entity_risk(screened_store).row(0, named=True)
    assert (risk["account"], risk["alerts"], risk["rules"]) == ("ACC-1", 1, ["ML-01"])
    assert risk["risk"] == pytest.approx(0.9 * 0.75)


def test_unknown_pack_is_refused(screened_store: Store, rule_folder: Path) -> None:
    with pytest.raises(RuleError, match="no pack 'nope'; the packs are money-laundering"):
        screen(screened_store, rules=rule_folder, packs=("nope",))


def test_an_episode_that_grows_updates_its_alert(
    screened_store: Store, rule_folder: Path, tmp_path: Path
) -> None:
    screen(screened_store, rules=rule_folder)
    later = tmp_path / "evening.csv"
    later.write_text(csv_text("S7,2026-03-02T19:30:00Z,9400,USD,,,,ACC-1,US,cash,"))
    screened_store.load(later)
    result = screen(screened_store, rules=rule_folder)
    assert (result.alerts, result.outcomes[0].updated) == (0, 1)
    [alert] = alerts(screened_store).to_dicts()
    assert json.loads(alert["figures"])["deposits"] == 4
    evidence = screened_store.sql("SELECT txn_id FROM alert_evidence ORDER BY txn_id")["txn_id"].to_list()
    assert evidence == ["S1", "S2", "S3", "S7"]


def test_payments_after_an_earlier_as_of_are_screened_by_the_next_run(
    screened_store: Store, rule_folder: Path
) -> None:
    first = screen(screened_store, rules=rule_folder, as_of=date(2026, 3, 1))
    assert (first.new_payments, first.alerts) == (0, 0)
    later = screen(screened_store, rules=rule_folder, as_of=date(2026, 3, 2))
    assert (later.new_payments, later.alerts) == (4, 1)
