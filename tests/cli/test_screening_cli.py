"""The screening commands: run, alerts, explain, risk, rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from screening.cli import main
from tests.conftest import STRUCTURING, csv_text


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A store with one structuring episode, screened with a rule folder of ML-01 only."""
    path = tmp_path / "p.csv"
    path.write_text(csv_text(*STRUCTURING))
    store = str(tmp_path / "s.duckdb")
    assert main(["load", str(path), "--db", store, "-q"]) == 0
    capsys.readouterr()
    return store


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_run_prints_alerts_and_time_per_rule(
    db: str, rule_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "run", "--db", db, "--rules", str(rule_folder))
    assert code == 0
    assert "ML-01" in out and "4 new payments screened, 1 new alerts: structuring 1" in out


def test_alerts_export_as_json_and_explain_shows_the_evidence(
    db: str, rule_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "run", "--db", db, "--rules", str(rule_folder), "-q")
    _, out, _ = run(capsys, "alerts", "--db", db, "--format", "json")
    [alert] = json.loads(out)
    code, out, _ = run(capsys, "explain", alert["alert_id"], "--db", db)
    assert code == 0
    assert "Account ACC-1 had 3 cash" in out and "S1" in out and "threshold=10000" in out


def test_alerts_csv_cannot_run_as_a_spreadsheet_formula(
    tmp_path: Path, rule_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [r.replace("ACC-1", "=HYPERLINK(1)") for r in STRUCTURING]
    path = tmp_path / "p.csv"
    path.write_text(csv_text(*(r.replace(",=HYPERLINK(1),", ',"=HYPERLINK(1)",') for r in rows)))
    store = str(tmp_path / "s.duckdb")
    main(["load", str(path), "--db", store, "-q"])
    run(capsys, "run", "--db", store, "--rules", str(rule_folder), "-q")
    _, out, _ = run(capsys, "alerts", "--db", store, "--format", "csv")
    assert ",'=HYPERLINK(1)," in out


def test_explain_an_unknown_alert_is_one_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "ML-01-nope", "--db", db)
    assert (code, err) == (2, "error: no alert 'ML-01-nope'; `screening alerts` lists them\n")


def test_rules_show_prints_the_sql_with_bound_parameters(
    rule_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "rules", "show", "ML-01", "--sql", "--rules", str(rule_folder))
    assert code == 0 and "$threshold" in out and "10000" not in out


def test_rules_validate_runs_the_cases(rule_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "validate", str(rule_folder))
    assert (code, out.strip()) == (0, "1 rules, 4 cases, 0 failed")


def test_rules_validate_names_file_and_field(rule_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = rule_folder / "money-laundering" / "ML-01.yaml"
    path.write_text(path.read_text().replace("severity: high", "severity: dire"))
    code, _, err = run(capsys, "rules", "validate", str(rule_folder))
    assert code == 2
    assert err.startswith(f"error: {path}: field severity")


def test_risk_lists_the_top_accounts(db: str, rule_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "run", "--db", db, "--rules", str(rule_folder), "-q")
    code, out, _ = run(capsys, "risk", "--db", db, "--format", "json")
    assert code == 0 and json.loads(out)[0]["account"] == "ACC-1"


def test_run_on_a_store_that_does_not_exist_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "run", "--db", str(tmp_path / "typo.duckdb"))
    assert code == 2 and "no such store" in err
    assert not (tmp_path / "typo.duckdb").exists()


def test_a_bad_as_of_date_is_one_line(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "run", "--db", db, "--as-of", "2026-13-01")
    assert (code, err) == (2, "error: --as-of '2026-13-01' is not a date like 2026-03-31\n")


def test_a_memory_limit_too_small_for_the_run_says_how_to_give_more(
    db: str, rule_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "run", "--db", db, "--rules", str(rule_folder), "--memory-limit", "1MB")
    assert code == 3
    assert err.startswith("error: DuckDB ran out of its working memory") and "--memory-limit" in err
    assert "Traceback" not in err


def test_the_run_takes_its_memory_limit_from_the_environment(
    db: str, rule_folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENING_MEMORY_LIMIT", "1MB")
    assert run(capsys, "run", "--db", db, "--rules", str(rule_folder), "-q")[0] == 3
