"""The bundled FX table: complete, plausible, and covering every currency the generator writes."""

from __future__ import annotations

import polars as pl
import pyarrow.csv as pacsv

from screening.schema import FX_RATES
from screening.synth import bundled_fx_rates
from screening.synth.places import CURRENCIES
from tests.synth.conftest import World


def test_table_shape_and_types() -> None:
    path = bundled_fx_rates()
    assert path.name == "fx_rates.csv" and path.parent.name == "synth"
    options = pacsv.ConvertOptions(column_types=FX_RATES.arrow_schema)
    table = pacsv.read_csv(path, convert_options=options)
    assert table.column_names == ["day", "currency", "rate"]
    frame = pl.read_csv(path, try_parse_dates=True)
    assert frame.height == 36 * len(CURRENCIES)
    per_currency = frame.group_by("currency").agg(
        pl.len(), pl.col("day").min().alias("first"), pl.col("day").max().alias("last")
    )
    assert set(per_currency["currency"]) == set(CURRENCIES)
    assert (per_currency["len"] == 36).all()
    assert {str(d) for d in per_currency["first"]} == {"2025-01-01"}
    assert {str(d) for d in per_currency["last"]} == {"2027-12-01"}
    assert frame.filter(pl.col("currency") == "USD")["rate"].unique().to_list() == [1.0]
    assert (frame["rate"] > 0).all()


def test_rates_are_plausible() -> None:
    frame = pl.read_csv(bundled_fx_rates()).group_by("currency").agg(pl.col("rate").mean())
    rate = dict(zip(frame["currency"], frame["rate"], strict=True))
    assert 1.0 < rate["EUR"] < 1.3 and 1.15 < rate["GBP"] < 1.45
    assert 3.0 < rate["KWD"] < 3.5 and 0.005 < rate["JPY"] < 0.008
    assert rate["INR"] < 0.02 and rate["PKR"] < 0.005


def test_every_payment_currency_has_rates(world: World) -> None:
    used = set(world.frame["currency"].unique())
    assert used <= set(CURRENCIES)
