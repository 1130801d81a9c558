"""Nothing is lost: every record is loaded, quarantined or counted as a duplicate."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening import Store
from screening.ingest import pipeline
from tests.conftest import HEADER, csv_text

Write = Callable[..., Path]
ROW = "{id},2026-03-0{day}T10:00:00Z,{amount},EUR,A1,Anna,DE,A2,GB,wire,{purpose}"


def row(txn: str, amount: str = "10.00", day: int = 1, purpose: str = "rent") -> str:
    return ROW.format(id=txn, amount=amount, day=day, purpose=purpose)


def test_exact_duplicate_in_one_file_is_counted_not_loaded(store: Store, write: Write) -> None:
    result = store.load(write("d.csv", csv_text(row("T1"), row("T1"))))
    assert (result.read, result.loaded, result.duplicates, result.quarantined) == (2, 1, 1, 0)


def test_conflicting_duplicate_in_one_file_is_quarantined(store: Store, write: Write) -> None:
    result = store.load(write("c.csv", csv_text(row("T1"), row("T1", amount="99.00"))))
    assert (result.loaded, result.quarantined) == (1, 1)
    reason = store.quarantine()["reason"].item()
    assert reason == "conflict: txn_id 'T1' repeats row 1 of this file with different amount"
    assert store.payments()["amount"].cast(str).to_list() == ["10.000"]


def test_conflict_with_a_stored_payment_never_overwrites_it(store: Store, write: Write) -> None:
    store.load(write("first.csv", csv_text(row("T1"))))
    result = store.load(write("second.csv", csv_text(row("T1", amount="99.00", day=2))))
    assert (result.loaded, result.quarantined) == (0, 1)
    assert "already loaded (batch 1, " in store.quarantine()["reason"].item()
    assert "with different ts, amount" in store.quarantine()["reason"].item()
    assert store.payments()["amount"].cast(str).to_list() == ["10.000"]


def test_same_txn_id_from_another_source_is_another_payment(store: Store, write: Write) -> None:
    path = write("p.csv", csv_text(row("T1")))
    store.load(path, source="bank-a")
    assert store.load(path, source="bank-b").loaded == 1


def test_reloading_a_file_adds_nothing(store: Store, write: Write) -> None:
    path = write("mixed.csv", csv_text(row("T1"), row("T2", amount="abc"), row("T3"), row("T3", amount="5")))
    first = store.load(path)
    before = (len(store.payments()), len(store.quarantine()))
    again = store.load(path)
    assert (first.loaded, first.quarantined) == (2, 2)
    assert (again.read, again.loaded, again.quarantined, again.duplicates) == (4, 0, 0, 4)
    assert (len(store.payments()), len(store.quarantine())) == before


def test_every_load_is_logged_with_counts_that_reconcile(store: Store, write: Write) -> None:
    store.load(write("a.csv", csv_text(row("T1"), row("T2", amount="-1"))))
    log = store.loads().row(0, named=True)
    assert (log["read"], log["loaded"], log["quarantined"], log["duplicates"]) == (2, 1, 1, 0)


def test_a_load_that_fails_midway_leaves_the_store_as_before(
    store: Store, write: Write, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.load(write("a.csv", csv_text(row("T1"))))
    real_quarantine = pipeline._quarantine

    def quarantine_then_crash(*args: object, **kwargs: object) -> int:
        real_quarantine(*args, **kwargs)  # type: ignore[arg-type]
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, "_quarantine", quarantine_then_crash)
    with pytest.raises(KeyboardInterrupt):
        store.load(write("b.csv", csv_text(row("T2"), row("T3", amount="x"))))
    assert store.payments()["txn_id"].to_list() == ["T1"]
    assert store.quarantine().is_empty()
    assert len(store.loads()) == 1


_GOOD = st.builds(
    lambda txn, cents, day: row(f"T{txn}", f"{cents / 100:.2f}", day),
    st.integers(0, 30),
    st.integers(1, 10_000_00),
    st.integers(1, 9),
)
_BAD = st.sampled_from(
    [
        row("B1", amount="0"),
        row("B2", amount="abc"),
        "B3,not-a-date,5,EUR,A1,,,A2,,,",
        "B4,2026-03-01,5,ZZZ,A1,,,A2,,,",
        "B5,2026-03-01,5,EUR,,,,,,,",
        "B6,2026-03-01,5",
        ",2026-03-01,5,EUR,A1,,,A2,,,",
        row("B7", amount="1.23456"),
    ]
)


def as_parquet(rows: list[str], path: Path) -> Path:
    """The same records as a Parquet file of text columns (ragged rows padded, as a bank system would)."""
    columns = HEADER.split(",")
    records = [
        (fields + [""] * len(columns))[: len(columns)] for fields in csv.reader(io.StringIO("\n".join(rows)))
    ]
    table = pa.table(
        {name: pa.array([r[i] or None for r in records], pa.string()) for i, name in enumerate(columns)}
    )
    pq.write_table(table, path)
    return path


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_duplicates_and_conflicts_settle_the_same_way_in_every_format(
    store: Store, tmp_path: Path, fmt: str
) -> None:
    rows = [row("T1"), row("T1"), row("T2"), row("T2", amount="5"), row("T3", amount="x")]
    path = tmp_path / f"mixed.{fmt}"
    if fmt == "csv":
        path.write_text(csv_text(*rows))
    else:
        as_parquet(rows, path)
    result = store.load(path)
    assert (result.read, result.loaded, result.quarantined, result.duplicates) == (5, 2, 2, 1)
    assert dict(store.payments().select("txn_id", "source_row").iter_rows()) == {"T1": 1, "T2": 3}
    assert store.quarantine().select("source_row", "field").rows() == [(4, "txn_id"), (5, "amount")]
    again = store.load(path)
    assert (again.loaded, again.quarantined, again.duplicates) == (0, 0, 5)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_GOOD, _BAD), max_size=40), st.sampled_from(["csv", "parquet"]))
def test_read_always_equals_loaded_plus_quarantined_plus_duplicates(rows: list[str], fmt: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"mix.{fmt}"
        if fmt == "csv":
            path.write_text(csv_text(*rows), encoding="utf-8")
        else:
            as_parquet(rows, path)
        with Store.open(Path(tmp) / "s.duckdb") as store:
            result = store.load(path)
            assert result.read == len(list(csv.reader(io.StringIO("\n".join(rows)))))
            assert result.reconciles
            assert len(store.payments()) == result.loaded
            assert len(store.quarantine()) == result.quarantined
            again = store.load(path)
            assert (again.loaded, again.quarantined, again.duplicates) == (0, 0, result.read)


def test_header_constant_is_the_canonical_order() -> None:
    assert HEADER.split(",")[:4] == ["txn_id", "ts", "amount", "currency"]
