"""One 20,000-payment world per session (Parquet and CSV from the same seed), read once."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from screening.synth import SynthSummary, bundled_fx_rates, generate

PAYMENTS = 20_000
SEED = 7


@dataclass(frozen=True)
class World:
    """A generated data set and its files, loaded for inspection."""

    parquet: SynthSummary
    csv: SynthSummary
    payments: pa.Table
    accounts: pa.Table
    truth: pl.DataFrame

    @property
    def frame(self) -> pl.DataFrame:
        frame = pl.from_arrow(self.payments)
        assert isinstance(frame, pl.DataFrame)
        return frame


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    folder = tmp_path_factory.mktemp("synth")
    parquet = generate(PAYMENTS, folder / "payments.parquet", seed=SEED)
    csv = generate(PAYMENTS, folder / "payments.csv", seed=SEED)
    return World(
        parquet=parquet,
        csv=csv,
        payments=pq.read_table(parquet.payments_path),
        accounts=pq.read_table(parquet.accounts_path),
        truth=pl.read_csv(parquet.truth_path),
    )


def usd_amounts(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with an ``usd`` column: amount at the bundled rate of its month."""
    fx = pl.read_csv(bundled_fx_rates(), try_parse_dates=True).with_columns(pl.col("day").dt.month_start())
    return (
        frame.with_columns(pl.col("ts").dt.date().dt.month_start().alias("day"))
        .join(fx, on=["day", "currency"], how="left")
        .with_columns((pl.col("amount").cast(pl.Float64) * pl.col("rate")).alias("usd"))
    )
