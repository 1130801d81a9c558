"""Parquet, JSON Lines and in-memory tables load through the same checks as CSV."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from screening import PAYMENTS, InputError, Store

Write = Callable[..., Path]


def canonical_table(rows: int = 3) -> pa.Table:
    return pa.table(
        {
            "txn_id": [f"P{i}" for i in range(rows)],
            "ts": [datetime(2026, 3, 1, 10, i, tzinfo=UTC) for i in range(rows)],
            "amount": pa.array(
                [Decimal("100.500") + i for i in range(rows)],
                PAYMENTS.arrow_schema.field("amount").type,
            ),
            "currency": ["USD"] * rows,
            "payer_account": ["A1"] * rows,
            "payee_account": ["A2"] * rows,
            "mcc": pa.array([8062] * rows, pa.int32()),
        }
    )


def test_parquet_with_native_types_loads(store: Store, tmp_path: Path) -> None:
    pq.write_table(canonical_table(), tmp_path / "p.parquet")
    result = store.load(tmp_path / "p.parquet")
    assert (result.read, result.loaded) == (3, 3)
    row = store.payments().row(0, named=True)
    assert (row["amount"], row["mcc"], row["source_row"]) == (Decimal("100.500"), "8062", 1)


def test_parquet_float_amounts_are_rounded_to_cents_of_a_mill(store: Store, tmp_path: Path) -> None:
    table = canonical_table(1).set_column(2, "amount", pa.array([0.1 + 0.2]))
    pq.write_table(table, tmp_path / "f.parquet")
    store.load(tmp_path / "f.parquet")
    assert store.payments()["amount"].to_list() == [Decimal("0.300")]


def test_parquet_bad_values_are_quarantined_with_row_numbers(store: Store, tmp_path: Path) -> None:
    table = canonical_table(3).set_column(3, "currency", pa.array(["USD", "???", "USD"]))
    pq.write_table(table, tmp_path / "q.parquet")
    store.load(tmp_path / "q.parquet")
    assert store.quarantine().select("source_row", "field").rows() == [(2, "currency")]


def test_corrupt_parquet_is_refused_with_the_file_named(store: Store, write: Write) -> None:
    with pytest.raises(InputError, match=r"broken\.parquet: cannot read as Parquet"):
        store.load(write("broken.parquet", b"PAR1 not really"))


def test_json_lines_with_a_malformed_line(store: Store, write: Write) -> None:
    lines = [
        '{"txn_id": "J1", "ts": "2026-03-01T10:00:00Z", "amount": 12.5, "currency": "EUR", "payer_account": "A1"}',
        '{"txn_id": "J2", "ts": "2026-03-01T10:00:00Z", "amount": ',
        "",
        '{"txn_id": "J3", "ts": "2026-03-01T11:00:00Z", "amount": "7", "currency": "EUR", "payee_account": "A9"}',
    ]
    result = store.load(write("p.jsonl", "\n".join(lines) + "\n"))
    assert (result.read, result.loaded, result.quarantined) == (3, 2, 1)
    assert store.quarantine().select("source_row", "reason", "raw").rows() == [
        (2, "(record): not a JSON object", lines[1])
    ]
    assert dict(store.payments().select("txn_id", "source_row").iter_rows()) == {"J1": 1, "J3": 4}


def test_json_lines_nested_fields_by_mapping(store: Store, write: Write) -> None:
    line = '{"id": "N1", "at": "2026-03-01T10:00:00Z", "value": {"amount": "5", "ccy": "GBP"}, "from": {"iban": "A1"}}'
    mapping = write(
        "m.toml",
        '[columns]\ntxn_id = "id"\nts = "at"\namount = "value"\ncurrency = "value"\npayer_account = "from"\n',
    )
    # Whole nested objects are text; a mapping picks top-level keys, so nested values are quarantined.
    result = store.load(write("n.jsonl", line + "\n"), mapping=mapping)
    assert result.quarantined == 1


def test_polars_frame_loads_from_python(store: Store) -> None:
    frame = pl.from_arrow(canonical_table(2))
    assert isinstance(frame, pl.DataFrame)
    result = store.load(frame, source="core-banking")
    assert (result.loaded, result.source_file) == (2, "(in-memory table)")
    assert store.payments()["source"].unique().to_list() == ["core-banking"]


def test_arrow_table_reload_is_a_no_op(store: Store) -> None:
    store.load(canonical_table(), label="batch-1")
    again = store.load(canonical_table(), label="batch-1")
    assert (again.loaded, again.duplicates) == (0, 3)


def test_unknown_file_type_is_refused(store: Store, write: Write) -> None:
    with pytest.raises(InputError, match=r"unknown file type '\.xlsx'"):
        store.load(write("p.xlsx", "x"))


def test_missing_file_is_named(store: Store, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nothere\.csv: no such file"):
        store.load(tmp_path / "nothere.csv")


def test_json_lines_field_first_seen_late_in_the_file_is_read(store: Store, write: Write) -> None:
    early = '{"txn_id": "E%d", "ts": "2026-03-01T10:00:00Z", "amount": "1", "currency": "EUR", "payer_account": "A1"}'
    late = '{"txn_id": "L1", "ts": "2026-03-01T10:00:00Z", "amount": "1", "currency": "EUR", "payer_account": "A1", "purpose": "kidney"}'
    lines = [early % i for i in range(1500)] + [late]
    store.load(write("late.jsonl", "\n".join(lines) + "\n"))
    assert store.payments().filter(pl.col("txn_id") == "L1")["purpose"].to_list() == ["kidney"]


def test_progress_is_reported_up_to_completion(store: Store, tmp_path: Path) -> None:
    pq.write_table(canonical_table(), tmp_path / "p.parquet")
    shares: list[float] = []
    store.load(tmp_path / "p.parquet", progress=shares.append)
    assert shares[-1] == 1.0
    assert shares == sorted(shares)


def test_a_json_array_document_is_refused_with_advice(store: Store, write: Write) -> None:
    with pytest.raises(
        InputError, match=r"a\.json: a JSON array is not read; write one JSON object per line"
    ):
        store.load(write("a.json", '[\n  {"txn_id": "A1"}\n]\n'))
