"""Ordinary payments: the 99.9% of the data that the rules must leave alone.

Every chunk is one slice of the calendar. Its rows are split among payment
kinds (card shopping, rent, utilities, remittances, hospital bills, travel,
donations, cash, business invoices, crypto) by a multinomial draw, and each
kind is generated as whole numpy arrays: a payer, a payee chosen from the
right pool in the payer's country, an amount scaled by the country's income,
a time of day that suits the kind, and a remittance text in the payer's
language. Payroll is not sampled but scheduled: the same employees are paid by
the same employers on the 25th of every month, as real payroll is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from screening.synth import texts
from screening.synth.frame import CHANNEL, NONE, Frame
from screening.synth.fx import FxTable, month_index
from screening.synth.places import COUNTRIES, CURRENCY_INDEX, UTC_OFFSET
from screening.synth.strings import digits, fixed_width
from screening.synth.world import RETAIL, Pool, World

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

SALARY_SHARE = 0.06
"""Share of all payments that are salaries (sets how many people are on payroll)."""

PAYDAY = 25
PAYROLL_SECOND = 5 * 3600
"""Payroll batches post at 05:00 UTC."""
_EPOCH_MONTH = 1970 * 12

_INCOME = np.array([c.income / 4800.0 for c in COUNTRIES])
_OFFSET = np.array([UTC_OFFSET.get(c.code, 0.0) for c in COUNTRIES])
_CURRENCY = np.array([CURRENCY_INDEX[c.currency] for c in COUNTRIES], dtype=np.int64)


def paydays(first_day: int, days: int) -> list[int]:
    """Days (since epoch) on which payroll runs: the 25th, or the Friday before it."""
    result: list[int] = []
    day = dt.date(1970, 1, 1) + dt.timedelta(days=first_day)
    month = dt.date(day.year, day.month, 1)
    end = first_day + days
    while True:
        pay = dt.date(month.year, month.month, PAYDAY)
        pay -= dt.timedelta(days=max(0, pay.weekday() - 4))
        number = (pay - dt.date(1970, 1, 1)).days
        if number >= end:
            return result
        if number >= first_day:
            result.append(number)
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


@dataclass(frozen=True)
class Slice:
    """One chunk's share of the calendar, in UTC epoch seconds ``[start, end)``."""

    start: int
    end: int
    rows: int


class _Vocab:
    """Remittance texts as one Arrow vocabulary with a named range per payment kind."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self.ranges: dict[str, tuple[int, int]] = {}

    def add(self, key: str, values: tuple[str, ...] | list[str]) -> None:
        self.ranges[key] = (len(self.values), len(values))
        self.values.extend(values)

    def pick(self, key: str, rng: np.random.Generator, n: int) -> IntArray:
        start, count = self.ranges[key]
        picked: IntArray = start + rng.integers(0, count, n).astype(np.int64)
        return picked


def _months(first_day: int, days: int) -> list[tuple[int, int]]:
    first = dt.date(1970, 1, 1) + dt.timedelta(days=first_day)
    last = first + dt.timedelta(days=max(days - 1, 0))
    months = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        months.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


class Background:
    """Generates the background payments of one slice at a time."""

    KINDS: tuple[tuple[str, float], ...] = (
        ("card", 0.44), ("p2p", 0.09), ("utility", 0.06), ("rent", 0.04),
        ("remittance", 0.045), ("msb", 0.015), ("health", 0.035), ("claims", 0.006),
        ("premium", 0.015), ("travel", 0.03), ("charity", 0.015), ("cash_in", 0.03),
        ("cash_out", 0.05), ("b2b", 0.035), ("crypto", 0.007),
    )  # fmt: skip

    def __init__(self, world: World, fx: FxTable, first_day: int, days: int, payroll: int):
        self.world = world
        self.fx = fx
        self.first_day = first_day
        self.days = days
        self.paydays = paydays(first_day, days)
        self.payroll = np.sort(world.payroll_order[:payroll])
        self.activity = world.activity_order
        self.country, self.holder, self.bank, self.mcc, _ = world.columns()
        self.mcc_code = {code: i for i, code in enumerate(world.mccs)}

        vocab = _Vocab()
        months = _months(first_day, days)
        self.month_ids = [y * 12 + m - 1 for y, m in months]
        self.salary_langs = sorted(texts.SALARY)
        for key, words in (("salary", texts.SALARY), ("rent", texts.RENT)):
            dated: list[str] = []
            for lang in self.salary_langs:
                names = texts.MONTHS.get(lang)
                for y, m in months:
                    when = f"{names[m - 1]} {y}" if names else f"{m:02d}/{y}"
                    dated.append(f"{words[lang]} {when}")
            vocab.add(key, dated)
        for key, values in (
            ("p2p", texts.P2P), ("remittance", texts.REMITTANCE), ("charity", texts.CHARITY),
            ("utility", texts.UTILITY), ("health", texts.HEALTH), ("b2b", texts.B2B),
            ("travel", texts.TRAVEL), ("crypto", texts.CRYPTO), ("premium", texts.INSURANCE),
            ("cash_in", texts.CASH_IN), ("cash_out", texts.CASH_OUT), ("claims", texts.CLAIMS),
        ):  # fmt: skip
            vocab.add(key, values)
        self.vocab = vocab
        self.vocab_array = pa.array(vocab.values, pa.string())
        lang_of = {lang: i for i, lang in enumerate(self.salary_langs)}
        self.text_lang = np.array([lang_of.get(c.language, lang_of["en"]) for c in COUNTRIES], dtype=np.int64)
        self._kinds: dict[str, Callable[[np.random.Generator, int, Slice], Frame]] = {
            "card": self._card, "p2p": self._p2p, "utility": self._utility, "rent": self._rent,
            "remittance": self._remittance, "msb": self._msb, "health": self._health,
            "claims": self._claims, "premium": self._premium, "travel": self._travel,
            "charity": self._charity, "cash_in": self._cash_in, "cash_out": self._cash_out,
            "b2b": self._b2b, "crypto": self._crypto,
        }  # fmt: skip

    # -- scheduling -----------------------------------------------------------------

    def _paydays_in(self, sl: Slice) -> list[int]:
        return [d for d in self.paydays if sl.start <= d * 86400 + PAYROLL_SECOND < sl.end]

    def salary_rows(self, sl: Slice) -> int:
        """Payroll rows that fall into a slice (before capping to its size)."""
        return len(self._paydays_in(sl)) * int(self.payroll.shape[0])

    def chunk(self, sl: Slice, rng: np.random.Generator) -> Frame:
        """All background payments of one slice, unsorted."""
        frames = [self._salaries(sl)]
        rest = sl.rows - len(frames[0])
        weights = np.array([w for _, w in self.KINDS])
        counts = rng.multinomial(rest, weights / weights.sum())
        for (kind, _), n in zip(self.KINDS, counts, strict=True):
            if n:
                frames.append(self._kinds[kind](rng, int(n), sl))
        return Frame.concat(frames)

    # -- helpers --------------------------------------------------------------------

    def _persons(self, rng: np.random.Generator, n: int) -> IntArray:
        """Persons, some far more active than others."""
        pos = (rng.random(n) ** 1.6 * self.activity.shape[0]).astype(np.int64)
        persons: IntArray = self.activity[pos]
        return persons

    def _someone_else(
        self, rng: np.random.Generator, payer: IntArray, pool: Pool, country: IntArray
    ) -> IntArray:
        """A member of ``pool`` in ``country`` for each payer, never the payer itself."""
        payee = pool.pick(country, rng.random(int(payer.shape[0])))
        for _ in range(3):
            same = payee == payer
            if not same.any():
                break
            payee[same] = pool.pick(country[same], rng.random(int(same.sum())))
        same = payee == payer
        if same.any():  # the payer is alone in its country: take the next member anywhere
            ordered = np.sort(pool.members)
            pos = np.searchsorted(ordered, payee[same]) + 1
            payee[same] = ordered[pos % ordered.shape[0]]
        return payee

    def _times(
        self,
        rng: np.random.Generator,
        sl: Slice,
        country: IntArray,
        hour: float,
        spread: float,
        weekdays: bool = False,
    ) -> IntArray:
        """Local times of day around ``hour`` on days of the slice, as UTC seconds."""
        n = int(country.shape[0])
        d0, d1 = sl.start // 86400, -(-sl.end // 86400)
        day = d0 + (rng.random(n) * (d1 - d0)).astype(np.int64)
        if weekdays:
            dow = (day + 3) % 7
            back = np.where(dow >= 5, day - (dow - 4), day)
            fwd = np.where(dow >= 5, day + (7 - dow), day)
            day = np.where(back >= d0, back, np.where(fwd < d1, fwd, day))
        local = np.clip(rng.normal(hour, spread, n), 0.0, 23.999) - _OFFSET[country]
        seconds = (local * 3600).astype(np.int64) % 86400
        ts = day * 86400 + seconds
        outside = (ts < sl.start) | (ts >= sl.end)
        if outside.any():
            span = sl.end - sl.start
            ts[outside] = sl.start + (rng.random(int(outside.sum())) * span).astype(np.int64)
        result: IntArray = ts
        return result

    def _amount(self, usd: FloatArray, ts: IntArray, currency: IntArray) -> IntArray:
        return self.fx.from_usd(np.clip(usd, 0.5, 5e6), ts, currency)

    def _round_units(self, usd: FloatArray, ts: IntArray, currency: IntArray) -> IntArray:
        """Round to a step worth about 20 USD (10 EUR, 1000 INR): cash and rent amounts."""
        rate = self.fx.usd_per_unit(ts, currency)
        step = 10.0 ** np.maximum(1, np.round(np.log10(20.0 / rate)))
        local = np.maximum(np.round(np.clip(usd, 0.5, 5e6) / rate / step), 1) * step
        milli: IntArray = (local * 1000).astype(np.int64)
        return milli

    def _texts(self, key: str, rng: np.random.Generator, n: int, blank: float = 0.0) -> pa.Array:
        idx = self.vocab.pick(key, rng, n)
        if blank:
            return self.vocab_array.take(pa.array(idx, mask=rng.random(n) < blank))
        return self.vocab_array.take(pa.array(idx))

    def _dated_texts(self, key: str, ts: IntArray, country: IntArray) -> pa.Array:
        """``Salary March 2026``-style texts in the language of each country."""
        month = month_index(ts) + _EPOCH_MONTH - self.month_ids[0]
        month = np.clip(month, 0, len(self.month_ids) - 1)
        start, _ = self.vocab.ranges[key]
        return self.vocab_array.take(pa.array(start + self.text_lang[country] * len(self.month_ids) + month))

    def _with_reference(self, text: pa.Array, rng: np.random.Generator, width: int) -> pa.Array:
        refs = fixed_width(digits(rng.integers(0, 10**width, len(text)).astype(np.int64), width))
        return pc.binary_join_element_wise(text, refs, " ")

    def _frame(
        self,
        ts: IntArray,
        amount: IntArray,
        currency: IntArray,
        payer: IntArray,
        payee: IntArray,
        channel: IntArray | int,
        purpose: pa.Array,
        mcc: IntArray | None = None,
        cash_country: IntArray | None = None,
        cash_bank: IntArray | None = None,
    ) -> Frame:
        n = ts.shape[0]
        none = np.full(n, NONE, dtype=np.int64)
        return Frame(
            ts=ts,
            amount=amount,
            currency=currency,
            payer=payer,
            payee=payee,
            channel=np.broadcast_to(np.asarray(channel, dtype=np.int64), (n,)),
            mcc=none if mcc is None else mcc,
            cash_country=none if cash_country is None else cash_country,
            cash_bank=none if cash_bank is None else cash_bank,
            purpose=purpose,
        )

    def _channels(self, rng: np.random.Generator, n: int, mix: dict[str, float]) -> IntArray:
        codes = np.array([CHANNEL[c] for c in mix], dtype=np.int64)
        p = np.array(list(mix.values()))
        chosen: IntArray = codes[rng.choice(codes.shape[0], n, p=p / p.sum())]
        return chosen

    def _mixed_payee(
        self,
        rng: np.random.Generator,
        country: IntArray,
        pools: list[tuple[str, float, float]],
    ) -> tuple[IntArray, FloatArray]:
        """Payees from several pools (name, share, median USD); returns payees and medians."""
        n = int(country.shape[0])
        which = rng.choice(len(pools), n, p=np.array([s for _, s, _ in pools]))
        payee = np.empty(n, dtype=np.int64)
        median = np.empty(n)
        u = rng.random(n)
        for i, (key, _, med) in enumerate(pools):
            mask = which == i
            payee[mask] = self.world.pools[key].pick(country[mask], u[mask], 1.5)
            median[mask] = med
        return payee, median

    # -- payment kinds --------------------------------------------------------------

    def _salaries(self, sl: Slice) -> Frame:
        days = self._paydays_in(sl)
        if not days or not self.payroll.shape[0]:
            return Frame.empty()
        staff = self.payroll
        per_day = min(staff.shape[0], sl.rows // len(days))
        staff = staff[:per_day]
        employer = self.world.employer[staff]
        n = staff.shape[0]
        ts = np.repeat(np.array(days, dtype=np.int64) * 86400 + PAYROLL_SECOND, n)
        payee = np.tile(staff, len(days))
        payer = np.tile(employer, len(days))
        currency = _CURRENCY[self.country[payer]]
        wobble = 1.0 + 0.004 * np.sin(payee.astype(np.float64) + ts / 86400.0)
        usd = self.world.salary_usd[payee] * wobble
        return self._frame(
            ts, self._amount(usd, ts, currency), currency, payer, payee, CHANNEL["ach"],
            self._dated_texts("salary", ts, self.country[payer]),
        )  # fmt: skip

    def _card(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        payer = self._persons(rng, n)
        country = self.country[payer]
        shares = np.array([s for _, _, s, _ in RETAIL])
        kind = rng.choice(len(RETAIL), n, p=shares / shares.sum())
        payee = np.empty(n, dtype=np.int64)
        median = np.empty(n)
        u = rng.random(n)
        for i, (mcc, _, _, med) in enumerate(RETAIL):
            mask = kind == i
            payee[mask] = self.world.pools[f"retail:{mcc}"].pick(country[mask], u[mask], 1.8)
            median[mask] = med
        ts = self._times(rng, sl, country, 14.0, 4.0)
        currency = _CURRENCY[country]
        usd = median * _INCOME[country] ** 0.7 * rng.lognormal(0.0, 0.8, n)
        return self._frame(
            ts, self._amount(usd, ts, currency), currency, payer, payee, CHANNEL["card"],
            pa.nulls(n, pa.string()), mcc=self.mcc[payee],
        )  # fmt: skip

    def _p2p(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        payer = self._persons(rng, n)
        country = self.country[payer]
        payee = self._someone_else(rng, payer, self.world.pools["person"], country)
        ts = self._times(rng, sl, country, 15.0, 5.0)
        currency = _CURRENCY[country]
        usd = 60.0 * _INCOME[country] * rng.lognormal(0.0, 1.1, n)
        channel = self._channels(rng, n, {"mobile": 0.5, "wire": 0.3, "internal": 0.2})
        return self._frame(
            ts, self._amount(usd, ts, currency), currency, payer, payee, channel,
            self._texts("p2p", rng, n, blank=0.3),
        )  # fmt: skip

    def _utility(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        payer = self._persons(rng, n)
        country = self.country[payer]
        payee, median = self._mixed_payee(rng, country, [("utility", 0.6, 90.0), ("telecom", 0.4, 45.0)])
        ts = self._times(rng, sl, country, 4.0, 1.0, weekdays=True)
        currency = _CURRENCY[country]
        usd = median * _INCOME[country] ** 0.6 * rng.lognormal(0.0, 0.45, n)
        text = self._with_reference(self._texts("utility", rng, n), rng, 9)
        return self._frame(
            ts, self._amount(usd, ts, currency), currency, payer, payee, CHANNEL["ach"], text,
            mcc=self.mcc[payee],
        )  # fmt: skip

    def _rent(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        payer = self._persons(rng, n)
        country = self.country[payer]
        payee = self.world.landlord[payer]
        ts = self._times(rng, sl, country, 7.0, 2.0, weekdays=True)
        currency = _CURRENCY[country]
        channel = self._channels(rng, n, {"ach": 0.6, "wire": 0.4})
        amount = self._round_units(self.world.rent_usd[payer], ts, currency)
        return self._frame(
            ts, amount, currency, payer, payee, channel, self._dated_texts("rent", ts, country)
        )

    def _remittance(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        payer = self._persons(rng, n)
        country = self.country[payer]
        payee = self.world.relative[payer]
        ts = self._times(rng, sl, country, 17.0, 4.0)
        currency = _CURRENCY[country]
        usd = 300.0 * (0.5 + 0.5 * _INCOME[country]) * rng.lognormal(0.0, 0.7, n)
        mcc = np.full(n, self.mcc_code.get("4829", NONE), dtype=np.int64)
        return self._frame(
            ts, self._amount(usd, ts, currency), currency, payer, payee, CHANNEL["msb"],
            self._texts("remittance", rng, n, blank=0.2), mcc=mcc,
        )  # fmt: skip

    def _msb(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        payer = self._persons(rng, n)
        country = self.country[payer]
        payee = self.world.pools["msb"].pick(country, rng.random(n), 2.0)
        ts = self._times(rng, sl, country, 17.0, 4.0)
        currency = _CURRENCY[country]
        usd = 300.0 * (0.5 + 0.5 * _INCOME[country]) * rng.lognormal(0.0, 0.7, n)
        return self._frame(
            ts, self._amount(usd, ts, currency), currency, payer, payee, CHANNEL["msb"],
            self._texts("remittance", rng, n, blank=0.3), mcc=self.mcc[payee],
        )  # fmt: skip

    def _health(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        payer = self._persons(rng, n)
        country = self.country[payer]
        payee, median = self._mixed_payee(
            rng, country,
            [("hospital", 0.35, 450.0), ("doctor", 0.4, 150.0), ("lab", 0.15, 90.0),
             ("medservice", 0.1, 120.0)],
        )  # fmt: skip
        ts = self._times(rng, sl, country, 11.0, 3.0, weekdays=True)
        currency = _CURRENCY[country]
        usd = median * _INCOME[country] ** 0.7 * rng.lognormal(0.0, 1.1, n)
        channel = self._channels(rng, n, {"card": 0.65, "wire": 0.35})
        return self._frame(
            ts, self._amount(usd, ts, currency), currency, payer, payee, channel,
            self._texts("health", rng, n, blank=0.4), mcc=self.mcc[payee],
        )  # fmt: skip

    def _claims(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        country = self.country[self._persons(rng, n)]
        payer = self.world.pools["insurer"].pick(country, rng.random(n), 1.5)
        payee, median = self._mixed_payee(
            rng, country, [("hospital", 0.6, 4000.0), ("doctor", 0.3, 900.0),
                           ("lab", 0.1, 600.0)],
        )  # fmt: skip
        ts = self._times(rng, sl, country, 3.0, 1.0, weekdays=True)
        currency = _CURRENCY[country]
        usd = median * _INCOME[country] ** 0.5 * rng.lognormal(0.0, 1.0, n)
        text = self._with_reference(self._texts("claims", rng, n), rng, 8)
        return self._frame(ts, self._amount(usd, ts, currency), currency, payer, payee, CHANNEL["ach"], text)

    def _premium(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        payer = self._persons(rng, n)
        country = self.country[payer]
        payee = self.world.pools["insurer"].pick(country, rng.random(n), 1.5)
        ts = self._times(rng, sl, country, 4.0, 1.0, weekdays=True)
        currency = _CURRENCY[country]
        usd = 120.0 * _INCOME[country] * rng.lognormal(0.0, 0.5, n)
        return self._frame(
            ts, self._amount(usd, ts, currency), currency, payer, payee, CHANNEL["ach"],
            self._texts("premium", rng, n), mcc=self.mcc[payee],
        )  # fmt: skip

    def _travel(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        payer = self._persons(rng, n)
        country = self.country[payer]
        abroad = self.country[self._persons(rng, n)]
        where = np.where(rng.random(n) < 0.3, abroad, country)
        payee, median = self._mixed_payee(
            rng, where, [("airline", 0.4, 450.0), ("hotel", 0.35, 280.0),
                         ("travel_agency", 0.25, 1100.0)],
        )  # fmt: skip
        ts = self._times(rng, sl, country, 13.0, 5.0)
        currency = _CURRENCY[country]
        usd = median * _INCOME[country] ** 0.5 * rng.lognormal(0.0, 0.75, n)
        channel = self._channels(rng, n, {"card": 0.85, "wire": 0.15})
        return self._frame(
            ts, self._amount(usd, ts, currency), currency, payer, payee, channel,
            self._texts("travel", rng, n, blank=0.5), mcc=self.mcc[payee],
        )  # fmt: skip

    def _charity(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        payer = self._persons(rng, n)
        country = self.country[payer]
        payee = self.world.pools["charity"].pick(country, rng.random(n), 2.0)
        ts = self._times(rng, sl, country, 14.0, 5.0)
        currency = _CURRENCY[country]
        usd = 35.0 * _INCOME[country] * rng.lognormal(0.0, 1.0, n)
        channel = self._channels(rng, n, {"card": 0.5, "mobile": 0.3, "wire": 0.2})
        return self._frame(
            ts, self._amount(usd, ts, currency), currency, payer, payee, channel,
            self._texts("charity", rng, n, blank=0.3), mcc=self.mcc[payee],
        )  # fmt: skip

    def _cash_in(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        payee = self._persons(rng, n)
        country = self.country[payee]
        ts = self._times(rng, sl, country, 12.0, 3.0, weekdays=True)
        currency = _CURRENCY[country]
        usd = 350.0 * _INCOME[country] * rng.lognormal(0.0, 1.0, n)
        payer = np.full(n, NONE, dtype=np.int64)
        return self._frame(
            ts, self._round_units(usd, ts, currency), currency, payer, payee, CHANNEL["cash"],
            self._texts("cash_in", rng, n, blank=0.5), cash_country=country,
            cash_bank=self.bank[payee],
        )  # fmt: skip

    def _cash_out(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        payer = self._persons(rng, n)
        country = self.country[payer]
        ts = self._times(rng, sl, country, 15.0, 5.0)
        currency = _CURRENCY[country]
        usd = 150.0 * _INCOME[country] * rng.lognormal(0.0, 0.7, n)
        payee = np.full(n, NONE, dtype=np.int64)
        return self._frame(
            ts, self._round_units(usd, ts, currency), currency, payer, payee, CHANNEL["cash"],
            self._texts("cash_out", rng, n, blank=0.5), cash_country=country,
            cash_bank=self.bank[payer],
        )  # fmt: skip

    def _b2b(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        country = self.country[self._persons(rng, n)]
        employers: Pool = self.world.pools["employer"]
        payer = employers.pick(country, rng.random(n), 1.5)
        abroad = self.country[self._persons(rng, n)]
        payee = self._someone_else(rng, payer, employers, np.where(rng.random(n) < 0.15, abroad, country))
        ts = self._times(rng, sl, country, 10.0, 2.0, weekdays=True)
        currency = _CURRENCY[country]
        usd = 4000.0 * _INCOME[country] ** 0.5 * rng.lognormal(0.0, 1.4, n)
        channel = self._channels(rng, n, {"wire": 0.8, "ach": 0.15, "cheque": 0.05})
        text = self._with_reference(self._texts("b2b", rng, n), rng, 7)
        return self._frame(ts, self._amount(usd, ts, currency), currency, payer, payee, channel, text)

    def _crypto(self, rng: np.random.Generator, n: int, sl: Slice) -> Frame:
        person = self._persons(rng, n)
        country = self.country[person]
        vasp = self.world.pools["vasp"].pick(country, rng.random(n))
        buy = rng.random(n) < 0.7
        ts = self._times(rng, sl, country, 12.0, 7.0)
        currency = _CURRENCY[country]
        usd = 400.0 * _INCOME[country] ** 0.5 * rng.lognormal(0.0, 1.3, n)
        return self._frame(
            ts, self._amount(usd, ts, currency), currency, np.where(buy, person, vasp),
            np.where(buy, vasp, person), CHANNEL["crypto"], self._texts("crypto", rng, n),
            mcc=self.mcc[vasp],
        )  # fmt: skip
