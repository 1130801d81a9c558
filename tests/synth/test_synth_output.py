"""The generator's files: layout, types, validity, determinism and exact row counts."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pycountry
import pytest

from screening.schema import ACCOUNTS, CHANNELS, PARTY_TYPES, PAYMENTS
from screening.synth import generate, generator
from tests.synth.conftest import PAYMENTS as N
from tests.synth.conftest import SEED, World

BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")
COUNTRIES = {c.alpha_2 for c in pycountry.countries} | {"XK"}
CURRENCIES = {c.alpha_3 for c in pycountry.currencies}


def _files(summary: generator.SynthSummary) -> list[bytes]:
    paths = (summary.payments_path, summary.accounts_path, summary.truth_path)
    return [path.read_bytes() for path in paths]


def test_summary_and_paths(world: World) -> None:
    summary = world.parquet
    assert summary.payments == N == world.payments.num_rows
    assert summary.accounts == world.accounts.num_rows
    assert summary.accounts_path.name == "payments.accounts.parquet"
    assert summary.truth_path.name == "payments.truth.csv"
    assert world.csv.accounts_path.name == "payments.accounts.csv"
    assert summary.planted_patterns == world.truth["pattern_id"].n_unique() > 20


def test_parquet_schemas_are_canonical(world: World) -> None:
    assert world.payments.schema.remove_metadata().equals(PAYMENTS.arrow_schema)
    assert world.accounts.schema.remove_metadata().equals(ACCOUNTS.arrow_schema)


def test_same_seed_same_bytes_other_seed_other_data(world: World, tmp_path: Path) -> None:
    again = generate(N, tmp_path / "payments.parquet", seed=SEED)
    assert _files(again) == _files(world.parquet)
    csv_again = generate(N, tmp_path / "payments.csv", seed=SEED)
    assert _files(csv_again) == _files(world.csv)
    other = generate(N, tmp_path / "other.parquet", seed=SEED + 1)
    assert not pq.read_table(other.payments_path).equals(world.payments)


def test_csv_round_trips_to_the_parquet_content(world: World) -> None:
    path = world.csv.payments_path
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(PAYMENTS.field_names)
    options = pacsv.ConvertOptions(column_types=PAYMENTS.arrow_schema, strings_can_be_null=True)
    table = pacsv.read_csv(path, convert_options=options)
    assert table.column_names == list(PAYMENTS.field_names)
    assert table.cast(PAYMENTS.arrow_schema).equals(world.payments)
    first = path.read_text(encoding="utf-8").splitlines()[1].split(",")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first[1])
    assert re.fullmatch(r"\d+(\.\d{2,3})?", first[2])


def test_accounts_csv_matches_parquet(world: World) -> None:
    options = pacsv.ConvertOptions(column_types=ACCOUNTS.arrow_schema, strings_can_be_null=True)
    table = pacsv.read_csv(world.csv.accounts_path, convert_options=options)
    assert table.cast(ACCOUNTS.arrow_schema).equals(world.accounts)


def test_values_are_valid(world: World) -> None:
    t = world.payments
    assert pc.all(pc.greater(t["amount"], pa.scalar(0, t["amount"].type))).as_py()
    assert set(t["currency"].unique().to_pylist()) <= CURRENCIES
    for side in ("payer", "payee"):
        assert set(t[f"{side}_country"].drop_null().unique().to_pylist()) <= COUNTRIES
        assert set(t[f"{side}_type"].drop_null().unique().to_pylist()) <= set(PARTY_TYPES)
        assert all(BIC.match(b) for b in t[f"{side}_bank"].drop_null().unique().to_pylist())
    assert set(t["channel"].unique().to_pylist()) <= set(CHANNELS)
    assert all(re.fullmatch(r"\d{4}", m) for m in t["mcc"].drop_null().unique().to_pylist())
    ids = t["txn_id"]
    assert pc.count_distinct(ids).as_py() == t.num_rows
    ts = t["ts"].to_numpy()
    assert (np.diff(ts.astype(np.int64)) >= 0).all(), "payments are sorted by time"
    start, end = np.datetime64("2026-01-01"), np.datetime64("2027-01-01")
    assert ts.min() >= start and ts.max() < end


def test_every_payment_has_an_account_and_cash_lacks_one_side(world: World) -> None:
    f = world.frame
    assert f.filter(f["payer_account"].is_null() & f["payee_account"].is_null()).height == 0
    one_sided = f.filter(f["payer_account"].is_null() | f["payee_account"].is_null())
    assert one_sided.height > 0
    assert set(one_sided["channel"].unique()) == {"cash"}


def test_nobody_pays_themselves(world: World) -> None:
    f = world.frame
    assert f.filter(pl.col("payer_account") == pl.col("payee_account")).height == 0


def test_accounts_are_iban_shaped_with_valid_check_digits(world: World) -> None:
    accounts = world.accounts["account"].to_pylist()
    assert len(set(accounts)) == len(accounts)
    for account in accounts[:: max(1, len(accounts) // 500)]:
        assert re.fullmatch(r"[A-Z]{2}\d{20}", account)
        digits = "".join(str(int(ch, 36)) for ch in account[4:] + account[:4])
        assert int(digits) % 97 == 1
    kyc = set(accounts)
    for side in ("payer_account", "payee_account"):
        assert set(world.payments[side].drop_null().unique().to_pylist()) <= kyc


def test_kyc_has_medical_occupations(world: World) -> None:
    occupations = set(world.accounts["occupation"].drop_null().unique().to_pylist())
    assert {"nurse", "surgeon", "nephrologist", "teacher", "driver"} <= occupations


def test_background_mix(world: World) -> None:
    f = world.frame
    channels = f["channel"].value_counts()
    assert channels.height >= 8
    mccs = set(f["mcc"].drop_nulls().unique())
    assert {"8062", "8011", "8071", "4829", "7011", "4722", "8398", "6051", "5411"} <= mccs
    assert any(m.startswith("3") or m == "4511" for m in mccs)
    currencies = f["currency"].value_counts().sort("count", descending=True)["currency"]
    assert set(currencies[:3]) == {"USD", "EUR", "GBP"}
    assert f["purpose"].drop_nulls().str.contains("[\u0590-\u05ff\u0600-\u06ff]").any()


@pytest.mark.parametrize("payments", [0, 1, 7, 999, 4_321])
def test_exact_row_counts_for_small_sets(payments: int, tmp_path: Path) -> None:
    summary = generate(payments, tmp_path / "p.parquet", days=30)
    table = pq.read_table(summary.payments_path)
    assert table.num_rows == summary.payments == payments
    assert table.schema.remove_metadata().equals(PAYMENTS.arrow_schema)


def test_chunked_output_is_sorted_and_exact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator, "CHUNK_ROWS", 1_500)
    seen: list[int] = []
    summary = generate(10_001, tmp_path / "p.csv", days=40, progress=seen.append)
    assert seen == sorted(seen) and seen[-1] == 10_001 and len(seen) == 7
    options = pacsv.ConvertOptions(column_types=PAYMENTS.arrow_schema, strings_can_be_null=True)
    table = pacsv.read_csv(summary.payments_path, convert_options=options)
    assert table.num_rows == 10_001
    ts = table["ts"].to_numpy().astype(np.int64)
    assert (np.diff(ts) >= 0).all()
    ids = table["txn_id"].to_pylist()
    assert ids[0] == "SYN0000000001" and ids[-1] == "SYN0000010001"


def test_short_windows_and_other_starts(tmp_path: Path) -> None:
    import datetime as dt

    summary = generate(3_000, tmp_path / "p.parquet", start=dt.date(2025, 6, 15), days=3)
    ts = pq.read_table(summary.payments_path)["ts"].to_numpy()
    assert ts.min() >= np.datetime64("2025-06-15") and ts.max() < np.datetime64("2025-06-18")


def test_rejects_bad_arguments(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=r"\.parquet or \.csv"):
        generate(10, tmp_path / "p.json")
    with pytest.raises(ValueError, match="payments"):
        generate(-1, tmp_path / "p.csv")
    with pytest.raises(ValueError, match="days"):
        generate(10, tmp_path / "p.csv", days=0)
