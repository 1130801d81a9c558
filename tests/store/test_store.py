"""The store file: schema versions, base currency, locking, crash safety, FX and KYC."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from screening import Store, StoreBusyError, StoreError
from screening.store.migrations import SCHEMA_VERSION
from tests.conftest import csv_text

Write = Callable[..., Path]
RATES = "day,currency,rate\n2026-01-01,EUR,1.10\n2026-03-01,EUR,1.20\n2026-01-01,KWD,3.25\n"


def test_new_store_records_schema_version_and_base_currency(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.duckdb", base_currency="eur") as store:
        assert store.base_currency == "EUR"
        assert store.info().schema_version == SCHEMA_VERSION


def test_reopening_with_another_base_currency_is_refused(tmp_path: Path) -> None:
    Store.open(tmp_path / "s.duckdb").close()
    with pytest.raises(StoreError, match="base currency is USD, not EUR"):
        Store.open(tmp_path / "s.duckdb", base_currency="EUR")


def test_a_duckdb_file_of_something_else_is_not_taken_for_a_store(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "other.duckdb")) as con:
        con.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(StoreError, match="not a screening store"):
        Store.open(tmp_path / "other.duckdb")


def test_a_store_from_a_newer_engine_is_refused(tmp_path: Path) -> None:
    Store.open(tmp_path / "s.duckdb").close()
    with duckdb.connect(str(tmp_path / "s.duckdb")) as con:
        con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="schema version 99, newer than this engine"):
        Store.open(tmp_path / "s.duckdb")


def test_read_only_open_of_a_missing_store_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such store"):
        Store.open(tmp_path / "none.duckdb", read_only=True)


def test_second_process_gets_a_clear_message_while_the_store_is_held(tmp_path: Path) -> None:
    db = tmp_path / "s.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from screening import Store; s = Store.open({str(db)!r}); print('ready', flush=True); input()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreBusyError, match=rf"in use by another process \(process {holder.pid}\)"):
            Store.open(db)
    finally:
        holder.kill()
        holder.wait()


def test_killed_load_leaves_all_or_nothing(tmp_path: Path) -> None:
    path, db = tmp_path / "big.csv", tmp_path / "s.duckdb"
    with duckdb.connect() as con:
        con.execute(
            "COPY (SELECT 'K' || i AS txn_id, '2026-03-01T10:00:00Z' AS ts, (i % 900 + 1) || '.25' AS amount, "
            "'EUR' AS currency, 'A' || (i % 97) AS payer_account, 'B' || (i % 89) AS payee_account "
            f"FROM range(1000000) t(i)) TO '{path}' (HEADER)"
        )
    loader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from screening import Store; s = Store.open(" + repr(str(db)) + "); "
            "print('loading', flush=True); s.load(" + repr(str(path)) + ")",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert loader.stdout is not None and loader.stdout.readline().strip() == "loading"
    time.sleep(0.3)
    os.kill(loader.pid, signal.SIGKILL)
    loader.wait()
    with Store.open(db) as store:
        loads, payments = len(store.loads()), len(store.payments())
    assert (loads, payments) in {(0, 0), (1, 1_000_000)}


def test_amounts_are_converted_at_the_rate_in_force_that_day(store: Store, write: Write) -> None:
    store.load(write("fx.csv", RATES), dataset="fx_rates")
    store.load(
        write(
            "p.csv",
            csv_text(
                "T1,2026-02-15T10:00:00Z,100,EUR,A1,,,A2,,,",
                "T2,2026-03-15T10:00:00Z,100,EUR,A1,,,A2,,,",
                "T3,2026-03-15T10:00:00Z,2.5,KWD,A1,,,A2,,,",
                "T4,2026-03-15T10:00:00Z,7,USD,A1,,,A2,,,",
            ),
        )
    )
    bases = dict(store.payments().select("txn_id", "amount_base").iter_rows())
    assert bases == {
        "T1": Decimal("110.00"),
        "T2": Decimal("120.00"),
        "T3": Decimal("8.13"),
        "T4": Decimal("7.00"),
    }


def test_payments_without_a_rate_are_counted_then_backfilled(store: Store, write: Write) -> None:
    result = store.load(write("p.csv", csv_text("T1,2026-02-15T10:00:00Z,100,EUR,A1,,,A2,,,")))
    assert result.missing_fx == 1
    store.load(write("fx.csv", RATES), dataset="fx_rates")
    assert store.payments()["amount_base"].to_list() == [Decimal("110.00")]


def test_conflicting_rates_for_one_day_are_quarantined(store: Store, write: Write) -> None:
    store.load(write("fx.csv", RATES), dataset="fx_rates")
    result = store.load(
        write("fx2.csv", "day,currency,rate\n2026-01-01,EUR,1.5\n"),
        dataset="fx_rates",
        source="ecb",
    )
    assert result.quarantined == 1


def test_kyc_accounts_load_with_their_own_checks(store: Store, write: Write) -> None:
    text = (
        "account,holder_name,holder_type,country,occupation,opened,bank\n"
        "DE89370400440532013000,Dr. Lena Vogt,individual,DE,nephrologist,2019-04-01,COBADEFFXXX\n"
        "A2,Klinik Anadolu,company,TR,,2015-01-10,NOTABIC\n"
    )
    result = store.load(write("kyc.csv", text), dataset="accounts")
    assert (result.loaded, result.quarantined) == (1, 1)
    assert store.accounts()["holder_type"].to_list() == ["person"]
    assert store.quarantine()["reason"].item() == "bank: not a BIC (8 or 11 letters and digits): 'NOTABIC'"


def test_a_store_of_an_older_schema_is_migrated_on_open(tmp_path: Path) -> None:
    from screening.store.migrations import MIGRATIONS

    db = tmp_path / "old.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute(MIGRATIONS[0])
        con.execute("INSERT INTO meta VALUES ('schema_version', '1'), ('base_currency', 'USD')")
    with Store.open(db) as store:
        assert store.info().schema_version == SCHEMA_VERSION
        columns = store.sql("SELECT column_name FROM duckdb_columns() WHERE table_name = 'alerts'")
        assert {"pack", "standalone", "updated_run_id"} <= set(columns["column_name"].to_list())
