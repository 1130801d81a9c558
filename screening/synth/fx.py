"""The bundled exchange-rate table and conversions between USD and payment currencies.

``fx_rates.csv`` holds one rate per currency per month start from 2025-01-01 to
2027-12-01, as units of USD for one unit of the currency. They are approximate
demo rates, smoothed by hand from the 2025 levels with a small wobble, **not
market data**: good enough that price bands in USD survive conversion, and the
same table is what tests and the demo load into the store so that
``amount_base`` agrees with what the generator intended.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from screening.synth.places import CURRENCIES, CURRENCY_INDEX, minor_units

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

FIRST_MONTH = dt.date(2025, 1, 1)
_EPOCH_MONTH = 1970 * 12


def bundled_fx_rates() -> Path:
    """Path of the bundled FX table (``day,currency,rate``; rate = USD per unit).

    >>> bundled_fx_rates().name
    'fx_rates.csv'
    """
    return Path(__file__).with_name("fx_rates.csv")


def month_index(seconds: IntArray) -> IntArray:
    """Months since 1970-01 of UTC epoch seconds."""
    months = seconds.astype("datetime64[s]").astype("datetime64[M]").astype(np.int64)
    return months


@dataclass(frozen=True)
class FxTable:
    """Monthly rates as a matrix: ``rates[month, currency]`` in USD per unit."""

    rates: FloatArray
    first_month: int

    @classmethod
    def bundled(cls) -> FxTable:
        """Load ``fx_rates.csv``; every generator currency must be in it."""
        first = FIRST_MONTH.year * 12 + FIRST_MONTH.month - 1 - _EPOCH_MONTH
        table: dict[tuple[int, int], float] = {}
        with bundled_fx_rates().open(newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                day = dt.date.fromisoformat(row["day"])
                month = day.year * 12 + day.month - 1 - _EPOCH_MONTH - first
                if row["currency"] in CURRENCY_INDEX:
                    table[month, CURRENCY_INDEX[row["currency"]]] = float(row["rate"])
        months = max(m for m, _ in table) + 1
        rates = np.full((months, len(CURRENCIES)), np.nan)
        for (m, c), rate in table.items():
            rates[m, c] = rate
        if np.isnan(rates).any():
            raise ValueError("fx_rates.csv lacks a rate for some currency and month")
        return cls(rates=rates, first_month=first)

    def usd_per_unit(self, seconds: IntArray, currency: IntArray) -> FloatArray:
        """Rate for each payment: the month it falls in, clamped to the table's span."""
        row = np.clip(month_index(seconds) - self.first_month, 0, self.rates.shape[0] - 1)
        rates: FloatArray = self.rates[row, currency]
        return rates

    def from_usd(self, usd: FloatArray, seconds: IntArray, currency: IntArray) -> IntArray:
        """USD amounts to payment-currency amounts in thousandths, rounded to minor units."""
        local = usd / self.usd_per_unit(seconds, currency)
        return round_minor(local, currency)

    def to_usd(self, milli: IntArray, seconds: IntArray, currency: IntArray) -> FloatArray:
        """Thousandths of the payment currency back to USD."""
        usd: FloatArray = milli / 1000.0 * self.usd_per_unit(seconds, currency)
        return usd


_STEP = np.array([10 ** (3 - minor_units(c)) for c in CURRENCIES], dtype=np.int64)
"""Per currency: thousandths in one minor unit (10 for cents, 1000 for yen)."""


def round_minor(local: FloatArray, currency: IntArray) -> IntArray:
    """Amounts to thousandths, rounded to the currency's minor unit and at least one unit."""
    step = _STEP[currency]
    units = np.maximum(np.rint(local * 1000.0 / step), 1).astype(np.int64)
    rounded: IntArray = units * step
    return rounded
