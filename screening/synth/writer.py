"""Turning frames into the canonical tables and writing them chunk by chunk.

Payments go out through one open Parquet or CSV writer, one row group (or CSV
block) per chunk, so memory stays bounded by the chunk size however many rows
are written. The format follows the suffix of the output path. Parquet uses
the Arrow types of :data:`screening.schema.PAYMENTS`; CSV writes ISO 8601
timestamps with ``Z`` and amounts as plain decimals with the currency's minor
units, quoting only fields that need it.
"""

from __future__ import annotations

import csv
from pathlib import Path
from types import TracebackType
from typing import IO

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from screening.schema import ACCOUNTS, AMOUNT_TYPE, CHANNELS, PAYMENTS, TIMESTAMP_TYPE
from screening.synth.frame import NONE, Frame
from screening.synth.places import COUNTRY_CODES, CURRENCIES, minor_units
from screening.synth.strings import decimal_text, iso_timestamps, prefixed_numbers
from screening.synth.world import HOLDER_TYPES, World

IntArray = npt.NDArray[np.int64]

TXN_PREFIX = "SYN"
TXN_DIGITS = 10
_PLACES = np.array([minor_units(c) for c in CURRENCIES], dtype=np.int64)


def output_format(path: Path) -> str:
    """``parquet`` or ``csv`` from a path's suffix; anything else is an error."""
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return "parquet"
    if suffix == ".csv":
        return "csv"
    raise ValueError(f"output must end in .parquet or .csv, not {path.name!r}")


def _masked(index: IntArray) -> pa.Array:
    return pa.array(index, mask=index < 0)


def _decimal(milli: IntArray) -> pa.Array:
    """Thousandths as decimal128(18, 3) values, built straight from their buffer."""
    words = np.zeros((milli.shape[0], 2), dtype=np.int64)
    words[:, 0] = milli
    return pa.Array.from_buffers(AMOUNT_TYPE, milli.shape[0], [None, pa.py_buffer(words)])


def _polars(table: pa.Table) -> pl.DataFrame:
    """A zero-copy polars view of a table, for polars' fast CSV writer.

    Polars quotes only fields that need it (RFC 4180), where Arrow's writer
    would quote every string.
    """
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame


class Lookups:
    """The per-account and vocabulary arrays a frame's integer codes point into."""

    def __init__(self, world: World) -> None:
        self.country, self.holder, self.bank, _, self.opened = world.columns()
        self.accounts = world.accounts()
        self.names = world.names()
        self.occupations = world.occupations()
        self.country_codes = pa.array(COUNTRY_CODES, pa.string())
        self.holder_types = pa.array(HOLDER_TYPES, pa.string())
        self.bics = pa.array(world.bics, pa.string())
        self.mccs = pa.array(world.mccs, pa.string())
        self.channels = pa.array(CHANNELS, pa.string())
        self.currencies = pa.array(CURRENCIES, pa.string())

    def side(self, account: IntArray, cash_country: IntArray, cash_bank: IntArray) -> list[pa.Array]:
        """Account, name, country, type and bank columns of one side of the payments."""
        has = account >= 0
        safe = np.where(has, account, 0)
        country = np.where(has, self.country[safe], cash_country)
        holder = np.where(has, self.holder[safe], NONE)
        bank = np.where(has, self.bank[safe], cash_bank)
        index = _masked(np.where(has, account, NONE))
        return [
            self.accounts.take(index),
            self.names.take(index),
            self.country_codes.take(_masked(country)),
            self.holder_types.take(_masked(holder)),
            self.bics.take(_masked(bank)),
        ]

    def payments(self, frame: Frame, first_id: int, *, text: bool) -> pa.Table:
        """A sorted frame as a payments table; ``text`` renders ts and amount for CSV."""
        ids = prefixed_numbers(
            TXN_PREFIX, np.arange(first_id, first_id + len(frame), dtype=np.int64), TXN_DIGITS
        )
        if text:
            ts: pa.Array = iso_timestamps(frame.ts)
            amount: pa.Array = decimal_text(frame.amount, _PLACES[frame.currency])
        else:
            ts = pa.array(frame.ts * 1_000_000, type=TIMESTAMP_TYPE)
            amount = _decimal(frame.amount)
        columns = [
            ids,
            ts,
            amount,
            self.currencies.take(pa.array(frame.currency)),
            *self.side(frame.payer, frame.cash_country, frame.cash_bank),
            *self.side(frame.payee, frame.cash_country, frame.cash_bank),
            self.channels.take(pa.array(frame.channel)),
            self.mccs.take(_masked(frame.mcc)),
            frame.purpose,
        ]
        if text:
            return pa.Table.from_arrays(columns, names=list(PAYMENTS.field_names))
        return pa.Table.from_arrays(columns, schema=PAYMENTS.arrow_schema)

    def accounts_table(self) -> pa.Table:
        """The KYC table of every account in the world."""
        columns = [
            self.accounts,
            self.names,
            self.holder_types.take(pa.array(self.holder)),
            self.country_codes.take(pa.array(self.country)),
            self.occupations,
            pa.array(self.opened.astype(np.int32), pa.date32()),
            self.bics.take(pa.array(self.bank)),
        ]
        return pa.Table.from_arrays(columns, schema=ACCOUNTS.arrow_schema)


ROW_GROUP_ROWS = 128 * 1024
"""Parquet row-group size, as common writers (Spark, DuckDB) use: readers parallelise by row group."""


class PaymentWriter:
    """Appends payment chunks to one Parquet or CSV file."""

    def __init__(self, path: Path, lookups: Lookups) -> None:
        self.path = path
        self.format = output_format(path)
        self.lookups = lookups
        self.rows = 0
        self._parquet: pq.ParquetWriter | None = None
        self._csv: IO[bytes] | None = None
        if self.format == "parquet":
            self._parquet = pq.ParquetWriter(path, PAYMENTS.arrow_schema, compression="zstd")
        else:
            self._csv = path.open("wb")
            self._csv.write((",".join(PAYMENTS.field_names) + "\n").encode())

    def write(self, frame: Frame) -> None:
        """Write a frame already sorted by time; ids continue from the last chunk."""
        table = self.lookups.payments(frame, self.rows + 1, text=self._csv is not None)
        if self._parquet is not None:
            self._parquet.write_table(table, row_group_size=ROW_GROUP_ROWS)
        elif self._csv is not None:
            _polars(table).write_csv(self._csv, include_header=False)
        self.rows += len(frame)

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
        if self._csv is not None:
            self._csv.close()

    def __enter__(self) -> PaymentWriter:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def write_accounts(path: Path, table: pa.Table) -> None:
    """The KYC accounts file, in the format of its suffix."""
    if output_format(path) == "parquet":
        pq.write_table(table, path, compression="zstd")
    else:
        _polars(table).write_csv(path)


TRUTH_COLUMNS = ("pattern_id", "typology", "role", "account")


def write_truth(path: Path, rows: list[tuple[str, str, str, str]]) -> None:
    """The ground truth, one row per pattern member, sorted for stable output."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, lineterminator="\n")
        out.writerow(TRUTH_COLUMNS)
        out.writerows(sorted(set(rows)))
