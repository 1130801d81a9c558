"""`screening rules list --engine spark` and `screening run --engine spark` from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from screening import Store
from screening.cli import main
from screening.network.patterns import load_patterns
from tests.conftest import STRUCTURING, csv_text

pytest.importorskip("sqlglot", reason="the Spark engine needs the spark extra")


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A store with one structuring episode (ML-01), not yet screened."""
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


@pytest.fixture
def untranslatable_folder(rule_folder: Path) -> Path:
    """The rule folder with ML-01 quoting the first three of its distinct payments, in DuckDB's own order."""
    path = rule_folder / "money-laundering" / "ML-01.yaml"
    text = path.read_text(encoding="utf-8")
    evidence = "arg_max(txns, (hard, deposits, total)) AS evidence,"
    assert evidence in text
    quoted = "list_slice(list_distinct(arg_max(txns, (hard, deposits, total))), 1, 3) AS evidence,"
    path.write_text(text.replace(evidence, quoted), encoding="utf-8")
    return rule_folder


ORDER = "list_distinct() leaves elements in DuckDB's own order: sort before slicing, joining or indexing"


def test_rules_list_says_every_shipped_rule_runs_on_spark(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "list", "--engine", "spark", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert {row["id"]: row["spark"] for row in rows} == {row["id"]: "runs" for row in rows}
    assert {"OB-10", "OB-12"} <= {row["id"] for row in rows}


def test_rules_list_names_why_a_rule_cannot_run_on_spark(
    untranslatable_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "rules", "list", "--rules", str(untranslatable_folder), "--engine", "spark",
                       "--format", "json")  # fmt: skip
    assert code == 0
    assert [(row["id"], row["spark"]) for row in json.loads(out)] == [("ML-01", ORDER)]


def test_a_run_on_spark_skips_a_rule_it_cannot_translate_and_says_why(
    db: str, untranslatable_folder: Path, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "run", "--db", db, "--rules", str(untranslatable_folder), "--engine", "spark",
                       "--no-networks", "--format", "json")  # fmt: skip
    assert code == 0
    result = json.loads(out)
    assert result["alerts"] == 0
    assert [(o["rule_id"], o["skipped"]) for o in result["rules"]] == [
        ("ML-01", f"skipped: cannot run on spark yet: {ORDER}")
    ]


def test_run_on_spark_stores_the_alert_duckdb_would(
    db: str, rule_folder: Path, spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twin = tmp_path / "twin.duckdb"
    twin.write_bytes(Path(db).read_bytes())
    code, out, _ = run(capsys, "run", "--db", db, "--rules", str(rule_folder), "--engine", "spark",
                       "--no-networks", "--format", "json")  # fmt: skip
    assert code == 0 and json.loads(out)["alerts"] == 1
    assert run(capsys, "run", "--db", str(twin), "--rules", str(rule_folder), "--no-networks", "-q")[0] == 0
    columns = "alert_id, subject, window_start, window_end, score, figures, explanation"
    with Store.open(db) as on_spark, Store.open(twin) as on_duckdb:
        assert (
            on_spark.sql(f"SELECT {columns} FROM alerts").rows()
            == on_duckdb.sql(f"SELECT {columns} FROM alerts").rows()
        )
        manifest = json.loads(on_spark.sql("SELECT manifest FROM runs")["manifest"].item())
    assert manifest["engine"] == "spark"


def test_spark_payments_without_the_store_columns_are_refused_by_name(
    db: str, rule_folder: Path, spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bare.parquet"
    pq.write_table(pa.table({"txn_id": ["T1"], "ts": pa.array([0], pa.timestamp("us", tz="UTC"))}), path)
    code, _, err = run(capsys, "run", "--db", db, "--rules", str(rule_folder), "--engine", "spark",
                       "--payments", str(path), "--no-networks")  # fmt: skip
    assert code == 2
    assert str(path) in err and "lack amount, currency" in err and "Traceback" not in err


def test_payments_are_an_option_of_the_spark_engine_only(
    db: str, rule_folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "run", "--db", db, "--rules", str(rule_folder), "--payments", "x.parquet")
    assert code == 2 and "--payments is read by --engine spark only" in err


def test_run_on_spark_runs_the_network_patterns_there_too(
    rule_folder: Path, spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """NW-05's own case (a gather-scatter hub): Spark finds the hub and stores the alert DuckDB would."""
    case = tmp_path / "hub.csv"
    case.write_text(load_patterns().get("NW-05").cases[0].case.payments, encoding="utf-8")
    db, twin = tmp_path / "spark.duckdb", tmp_path / "duckdb.duckdb"
    assert main(["load", str(case), "--db", str(db), "-q"]) == 0
    twin.write_bytes(db.read_bytes())
    code, out, _ = run(capsys, "run", "--db", str(db), "--rules", str(rule_folder), "--engine", "spark",
                       "--format", "json")  # fmt: skip
    assert code == 0
    assert {o["rule_id"]: o["alerts"] for o in json.loads(out)["networks"]["rules"]}["NW-05"] == 1
    assert run(capsys, "run", "--db", str(twin), "--rules", str(rule_folder), "-q")[0] == 0
    columns = "alert_id, subject, window_start, window_end, score, figures, explanation"
    found = (
        f"SELECT {columns} FROM alerts WHERE rule_id LIKE 'NW-%' OR rule_id LIKE 'ML-0_' ORDER BY alert_id"
    )
    with Store.open(db) as on_spark, Store.open(twin) as on_duckdb:
        assert on_spark.sql(found).rows() == on_duckdb.sql(found).rows() != []
        manifests = on_spark.sql("SELECT manifest FROM runs ORDER BY run_id")["manifest"].to_list()
    assert [(m["kind"], m["engine"]) for m in map(json.loads, manifests)] == [
        ("rules", "spark"),
        ("networks", "spark"),
    ]


def test_the_engine_can_be_chosen_by_the_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENING_ENGINE", "spark")
    code, out, _ = run(capsys, "rules", "list", "--format", "json")
    assert code == 0
    assert {row["spark"] for row in json.loads(out)} == {"runs"}


def test_payments_from_the_environment_still_need_the_spark_engine(
    db: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCREENING_SPARK_PAYMENTS", "x.parquet")
    code, _, err = run(capsys, "run", "--db", db, "--engine", "duckdb")
    assert code == 2 and "--payments is read by --engine spark only" in err
