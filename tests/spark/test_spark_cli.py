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


def test_rules_list_names_the_rules_spark_cannot_run_and_why(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "list", "--engine", "spark", "--format", "json")
    assert code == 0
    spark = {row["id"]: row["spark"] for row in json.loads(out)}
    assert spark["ML-01"] == "runs"
    assert spark["OB-10"] == "DuckDB's list_slice() has no Spark translation yet"
    assert spark["OB-04"] == "runs"
    assert all(note for note in spark.values())


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
