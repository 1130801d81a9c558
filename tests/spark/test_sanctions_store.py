"""Sanctions screening on Spark stores exactly what the DuckDB screening stores: hits, bookmarks, alerts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from screening import Store
from screening.sanctions.lists import load_list
from screening.sanctions.screen import SanctionsRun, decide, screen_parties
from tests.conftest import csv_text

FIXTURES = Path(__file__).parents[1] / "sanctions" / "fixtures"
HEADER = (
    "txn_id,ts,amount,currency,payer_account,payer_name,payer_country,"
    "payee_account,payee_name,payee_country,channel,purpose"
)
PAYMENTS = (
    # listed names and their variants, as payers and as payees
    "T01,2026-03-01T09:00:00Z,4800,USD,ACC-001,Viktor Testenko,MD,ACC-100,Nordic Timber AB,SE,wire,",
    "T02,2026-03-02T09:00:00Z,5100,USD,ACC-001,Viktor Testenko,MD,ACC-101,Acme Trading Corp,US,wire,",
    # ACC-001 once from Ukraine: its most frequent country (MD) is the one it is scored with
    "T03,2026-03-03T09:00:00Z,700,USD,ACC-001,Viktor Testenko,UA,ACC-100,Nordic Timber AB,SE,wire,",
    # the same name held by accounts of other countries, one of them a tie (DE and UA once each: DE)
    "T04,2026-03-03T10:00:00Z,900,USD,ACC-029,Viktor Testenko,UA,ACC-100,Nordic Timber AB,SE,wire,",
    "T05,2026-03-03T11:00:00Z,950,USD,ACC-029,Viktor Testenko,DE,ACC-101,Acme Trading Corp,US,wire,",
    "T06,2026-03-04T09:00:00Z,300,USD,ACC-030,Viktor Testenko,,ACC-102,Li Wei,CN,card,",
    "T07,2026-03-04T10:00:00Z,2500,EUR,ACC-100,Nordic Timber AB,SE,ACC-009,Sunrise Transplant Clinic,PL,wire,",
    "T08,2026-03-05T10:00:00Z,2500,EUR,ACC-101,Acme Trading Corp,US,ACC-011,Klinika Sunrise,PL,wire,",
    "T09,2026-03-05T11:00:00Z,8000,USD,ACC-013,Abdul Rahman Al-Testi,IQ,ACC-019,Example Shipping Company Limited,IR,wire,",
    "T10,2026-03-06T11:00:00Z,8000,USD,ACC-019,Example Shipping Company Limited,IR,ACC-024,Ivan Petrovich Testov,IR,wire,",
    "T11,2026-03-06T12:00:00Z,1200,USD,ACC-006,Anna Example,TR,ACC-022,Jane Testova,RU,wire,",
    "T12,2026-03-07T12:00:00Z,1200,USD,ACC-031,Jane Testova,GB,ACC-054,Victor Testenco,DE,wire,",
    # names that share words with the list but are other people or firms; a payee without an account
    "T13,2026-03-07T13:00:00Z,60,USD,ACC-032,Anna Schmidt,DE,ACC-034,Sunrise Bakery,PL,card,",
    "T14,2026-03-08T13:00:00Z,75,USD,ACC-033,Viktor Petrov,,,Example Marine,,cash,",
    # two payments at the same instant: the evidence order is still defined
    "T15,2026-03-08T14:00:00Z,10,USD,ACC-013,Abdul Rahman Al-Testi,IQ,ACC-102,Li Wei,CN,card,",
    "T16,2026-03-08T14:00:00Z,11,USD,ACC-013,Abdul Rahman Al-Testi,IQ,ACC-102,Li Wei,CN,card,",
)  # fmt: skip
LATER = (
    # a new party, and a known one paying again
    "T17,2026-03-09T09:00:00Z,400,USD,ACC-003,Testenko Viktor,UA,ACC-001,Viktor Testenko,MD,wire,",
    "T18,2026-03-09T10:00:00Z,500,USD,ACC-015,Abdulrahman Altesti,SY,ACC-100,Nordic Timber AB,SE,wire,",
)  # fmt: skip


def _listed(path: Path, *rows: str, payments: bool = True) -> Path:
    """A store with the lists loaded and, unless told otherwise, the payments."""
    with Store.open(path) as store:
        if payments:
            source = path.with_suffix(".csv")
            source.write_text(csv_text(*rows, header=HEADER))
            store.load(source)
        load_list(store, FIXTURES / "internal" / "watchlist.csv")
        load_list(store, FIXTURES / "ofac")
        load_list(store, FIXTURES / "un_small.xml")
    return path


@pytest.fixture
def twins(tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of one store, one screened on DuckDB, the other on Spark."""
    on_duckdb = _listed(tmp_path / "duckdb.duckdb", *PAYMENTS)
    on_spark = tmp_path / "spark.duckdb"
    shutil.copy(on_duckdb, on_spark)
    return on_duckdb, on_spark


def _stored(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """What a screening leaves in the store, less the time it ran."""
    queries = {
        "hits": "SELECT * EXCLUDE (found_at) FROM sanction_hits ORDER BY hit_id",
        "screened": "SELECT account, name FROM screened_parties ORDER BY ALL",
        "snapshots": "SELECT snapshots FROM sanctions_screenings ORDER BY screened_at",
        "alerts": "SELECT alert_id, rule_id, severity, score, subject, window_start, window_end, figures, "
        "explanation FROM alerts ORDER BY alert_id",
        "evidence": "SELECT * FROM alert_evidence ORDER BY ALL",
    }
    with Store.open(path, read_only=True) as store:
        return {name: store.connection.sql(sql).fetchall() for name, sql in queries.items()}


def _on_spark(path: Path, spark: Any, payments: str | None = None) -> SanctionsRun:
    from screening.engines.spark_sanctions import screen_parties_on_spark

    with Store.open(path) as store:
        return screen_parties_on_spark(store, payments=payments, spark=spark)


def _on_duckdb(path: Path) -> SanctionsRun:
    with Store.open(path) as store:
        return screen_parties(store)


def _same_run(duckdb: SanctionsRun, spark: SanctionsRun) -> None:
    assert (duckdb.engine, spark.engine) == ("duckdb", "spark")
    assert (duckdb.parties, duckdb.entries, duckdb.hits, duckdb.new_hits, duckdb.suppressed) == (
        spark.parties, spark.entries, spark.hits, spark.new_hits, spark.suppressed,
    )  # fmt: skip


def test_spark_stores_exactly_the_hits_and_alerts_duckdb_stores(twins: tuple[Path, Path], spark: Any) -> None:
    on_duckdb, on_spark = twins
    _same_run(_on_duckdb(on_duckdb), _on_spark(on_spark, spark))
    stored = _stored(on_duckdb)
    assert {row[9] for row in stored["hits"]} == {"hold", "review"}
    assert len(stored["alerts"]) == len(stored["hits"]) and stored["evidence"]
    assert _stored(on_spark) == stored


def test_each_account_is_scored_with_its_own_most_frequent_country(twins: tuple[Path, Path]) -> None:
    on_duckdb, _ = twins
    _on_duckdb(on_duckdb)
    with Store.open(on_duckdb, read_only=True) as store:
        country = dict(
            store.connection.sql(
                "SELECT account, components->>'country' FROM sanction_hits "
                "WHERE party_name = 'Viktor Testenko' AND entry_id = 'BRK-0001'"
            ).fetchall()
        )
    # MD (twice, over UA once) is one of the entry's nationalities; DE wins a tie with UA and is not one
    assert country == {"ACC-001": "0.03", "ACC-029": "-0.05", "ACC-030": None}


def test_an_incremental_screening_on_spark_stores_what_duckdb_stores(
    twins: tuple[Path, Path], spark: Any
) -> None:
    on_duckdb, on_spark = twins
    _on_duckdb(on_duckdb)
    _on_spark(on_spark, spark)
    for path in twins:
        with Store.open(path) as store:
            [[hit_id]] = store.connection.sql(
                "SELECT hit_id FROM sanction_hits WHERE account = 'ACC-030' AND entry_id = 'BRK-0001'"
            ).fetchall()
            decide(store, hit_id, "false_positive", note="different person")
            source = path.with_name("later.csv")
            source.write_text(csv_text(*LATER, header=HEADER))
            store.load(source)
            changed = path.with_name("watchlist.csv")
            text = (FIXTURES / "internal" / "watchlist.csv").read_text(encoding="utf-8")
            changed.write_text(text.replace("Ukraine|Moldova", "Ukraine|Moldova|Germany"), encoding="utf-8")
            load_list(store, changed)
    _same_run(_on_duckdb(on_duckdb), again := _on_spark(on_spark, spark))
    assert again.new_hits > 0
    assert _stored(on_spark) == _stored(on_duckdb)


def test_payments_only_spark_reads_give_the_alerts_their_window_and_evidence(
    tmp_path: Path, spark: Any
) -> None:
    on_duckdb = _listed(tmp_path / "duckdb.duckdb", *PAYMENTS)
    parquet = tmp_path / "payments.parquet"
    with Store.open(on_duckdb, read_only=True) as store:
        store.connection.execute(f"COPY payments TO '{parquet}' (FORMAT parquet)")
    without = _listed(tmp_path / "spark.duckdb", payments=False)
    _same_run(_on_duckdb(on_duckdb), _on_spark(without, spark, payments=str(parquet)))
    assert _stored(without) == _stored(on_duckdb)


def _command(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    from screening.cli import main

    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_lists_screen_on_spark_stores_what_lists_screen_stores(
    twins: tuple[Path, Path], spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    on_duckdb, on_spark = twins
    code, out, _ = _command(capsys, "lists", "screen", "--db", str(on_spark), "--engine", "spark")
    assert code == 0 and "list entries on Spark" in " ".join(out.split())
    assert _command(capsys, "lists", "screen", "--db", str(on_duckdb))[0] == 0
    assert _stored(on_spark) == _stored(on_duckdb)


def test_lists_screen_on_spark_again_stores_nothing_new(
    twins: tuple[Path, Path], spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    _, on_spark = twins
    first = _on_spark(on_spark, spark)
    before = _stored(on_spark)
    code, out, _ = _command(capsys, "lists", "screen", "--db", str(on_spark), "--engine", "spark")
    assert first.new_hits > 0 and code == 0 and ": 0 hits, 0 new" in " ".join(out.split())
    after = _stored(on_spark)
    assert len(after.pop("snapshots")) == len(before.pop("snapshots")) + 1
    assert after == before


def test_lists_screen_names_payments_spark_cannot_read(
    twins: tuple[Path, Path], spark: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "payments.parquet"
    code, _, err = _command(capsys, "lists", "screen", "--db", str(twins[1]), "--engine", "spark",
                            "--payments", str(missing))  # fmt: skip
    assert code == 2
    assert "Spark cannot read the payments" in err and str(missing) in err and "Traceback" not in err
    assert _stored(twins[1])["hits"] == []


def test_lists_screen_takes_payments_only_with_the_spark_engine(
    twins: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = _command(capsys, "lists", "screen", "--db", str(twins[0]), "--payments", "x.parquet")
    assert code == 2 and "--payments is read by --engine spark only" in err


def test_the_nightly_run_on_spark_screens_the_names_on_spark(
    twins: tuple[Path, Path], rule_folder: Path, spark: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    on_duckdb, on_spark = twins
    code, out, _ = _command(capsys, "run", "--db", str(on_spark), "--rules", str(rule_folder), "--engine",
                            "spark", "--no-networks", "--format", "json")  # fmt: skip
    assert code == 0
    sanctions = json.loads(out)["sanctions"]
    assert sanctions["engine"] == "spark" and sanctions["new_hits"] > 0
    assert _command(capsys, "lists", "screen", "--db", str(on_duckdb))[0] == 0
    assert _stored(on_spark)["hits"] == _stored(on_duckdb)["hits"]


def test_a_list_loaded_under_another_name_is_screened_under_that_name(tmp_path: Path) -> None:
    path = tmp_path / "renamed.duckdb"
    with Store.open(path) as store:
        source = tmp_path / "p.csv"
        source.write_text(csv_text(*PAYMENTS, header=HEADER))
        store.load(source)
        load_list(store, FIXTURES / "ofac", list_name="OFAC-SDN-2026")
        assert screen_parties(store).new_hits > 0
    assert {row[3] for row in _stored(path)["hits"]} == {"OFAC-SDN-2026"}
