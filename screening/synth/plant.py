"""The workbench planted patterns are built on: accounts, payments, ground truth.

A pattern is a few dozen payments, written one at a time in plain Python
(there are only hundreds of patterns, so clarity beats vectorisation here).
:class:`Plant` converts USD amounts to the payment currency at the bundled
rate of the payment's month, keeps every planted payment inside the data
window, records who played which role, and can roll a pattern back when it
does not fit the row budget of a small data set.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from screening.synth import texts
from screening.synth.frame import CHANNEL, NONE, Frame
from screening.synth.fx import FxTable, round_minor
from screening.synth.places import BY_CODE, COUNTRY_INDEX, CURRENCY_INDEX
from screening.synth.world import ORGANISATION, PERSON, World

DAY = 86400
AUTO = "auto"
_TRADED = ("USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD")


@dataclass(frozen=True)
class Clock:
    """Pattern time: day offsets from an anchor, squeezed when the data window is short."""

    anchor: float
    factor: float
    start: int
    end: int

    def at(self, day: float, rng: np.random.Generator, hour: float | None = None) -> int:
        """UTC seconds ``day`` pattern-days after the anchor, at a business hour by default."""
        when = hour if hour is not None else rng.uniform(8.0, 19.0)
        base = self.anchor + math.floor(day * self.factor) * DAY
        ts = int(base + when * 3600)
        return min(max(ts, self.start), self.end - 1)


@dataclass(frozen=True)
class Savepoint:
    rows: int
    truth: int
    accounts: int
    counters: dict[str, int]


class Plant:
    """Collects planted payments, accounts and ground-truth rows."""

    def __init__(self, world: World, fx: FxTable, first_day: int, days: int) -> None:
        self.world = world
        self.fx = fx
        self.first_day = first_day
        self.days = days
        self.start = first_day * DAY
        self.end = (first_day + days) * DAY
        self.rows: list[tuple[int, int, int, int, int, int, int, int, int, str | None]] = []
        self.truth: list[tuple[str, str, str, int]] = []
        self.counters: dict[str, int] = {}
        self.payroll: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        """Persons the background pays on every payday (set by the generator)."""

    # -- bookkeeping ----------------------------------------------------------------

    def savepoint(self) -> Savepoint:
        return Savepoint(len(self.rows), len(self.truth), self.world.size, dict(self.counters))

    def rollback(self, point: Savepoint) -> None:
        del self.rows[point.rows :]
        del self.truth[point.truth :]
        self.world.rollback(point.accounts)
        self.counters = point.counters

    def number(self, typology: str) -> int:
        """The next instance number of a typology (1, 2, ...)."""
        self.counters[typology] = self.counters.get(typology, 0) + 1
        return self.counters[typology]

    def next_id(self, typology: str) -> str:
        """A new pattern id such as ``ML-05-0003``."""
        return f"{typology}-{self.number(typology):04d}"

    def member(self, pattern_id: str, role: str, account: int) -> None:
        """Record that ``account`` plays ``role`` in pattern ``pattern_id``."""
        typology = pattern_id.rsplit("-", 1)[0]
        self.truth.append((pattern_id, typology, role, account))

    def members(self, pattern_id: str, role: str, accounts: list[int]) -> None:
        for account in accounts:
            self.member(pattern_id, role, account)

    # -- time -----------------------------------------------------------------------

    def window(self, rng: np.random.Generator, span: float) -> Clock:
        """A clock for a pattern lasting ``span`` days, placed at random in the window."""
        room = self.days - 1
        if room >= span:
            anchor_day = self.first_day + int(rng.integers(0, int(room - span) + 1))
            return Clock(anchor_day * DAY, 1.0, self.start, self.end)
        return Clock(self.start, max(room, 0) / span, self.start, self.end)

    # -- accounts -------------------------------------------------------------------

    def person(
        self,
        country: str,
        rng: np.random.Generator,
        occupation: str | None = None,
        opened_day: int | None = None,
    ) -> int:
        """A new individual in ``country`` with a name in the local language."""
        lang = BY_CODE[country].language
        first = str(rng.choice(texts.FIRST_NAMES[lang]))
        last = str(rng.choice(texts.LAST_NAMES[lang]))
        if occupation is None:
            occupation = str(rng.choice(texts.ORDINARY_OCCUPATIONS))
        opened = opened_day if opened_day is not None else self.first_day - int(rng.integers(200, 6000))
        return self.world.add_account(country, PERSON, f"{first} {last}", occupation, opened, rng)

    def org(
        self,
        country: str,
        rng: np.random.Generator,
        name: str,
        sector: str,
        mcc: str | None = None,
        opened_day: int | None = None,
    ) -> int:
        """A new organisation."""
        opened = opened_day if opened_day is not None else self.first_day - int(rng.integers(200, 6000))
        return self.world.add_account(country, ORGANISATION, name, sector, opened, rng, mcc)

    def existing(self, pool: str, country: str, rng: np.random.Generator) -> int:
        """A background account of a kind (hospital, hotel, ...) in ``country``."""
        return self.world.pools[pool].one(country, rng)

    def persons(self, country: str, k: int, rng: np.random.Generator) -> list[int]:
        """``k`` distinct background persons, from ``country`` first and elsewhere if it has too few."""
        pool = self.world.pools["person"]
        c = COUNTRY_INDEX[country]
        local = pool.members[pool.start[c] : pool.start[c] + pool.count[c]]
        chosen = rng.choice(local, min(k, local.shape[0]), replace=False).tolist()
        if len(chosen) < k:
            others = np.setdiff1d(pool.members, local)
            chosen += rng.choice(others, k - len(chosen), replace=False).tolist()
        return sorted(int(a) for a in chosen)

    def name(self, account: int) -> str:
        return self.world.name_of(account)

    # -- payments -------------------------------------------------------------------

    def pay(
        self,
        ts: int,
        payer: int | None,
        payee: int | None,
        *,
        usd: float | None = None,
        local: float | None = None,
        currency: str | None = None,
        channel: str = "wire",
        mcc: str | None = AUTO,
        purpose: str | None = None,
        cash_country: str | None = None,
        cash_bank: int | None = None,
        nice: bool = False,
    ) -> float:
        """Record one payment; returns its USD equivalent at the bundled rate.

        Give the amount in USD (converted at the rate of the payment's month) or
        in ``local`` units of ``currency``. ``currency`` defaults to the payer's
        at home and, across a border, to the payee's if it is widely traded, else
        USD. ``mcc`` defaults to the payee's merchant category. ``nice`` rounds to
        three significant digits, as people do with large agreed sums. Cash with
        no account on one side takes that side's place and bank from the account
        holder unless ``cash_country`` / ``cash_bank`` say otherwise.
        """
        ts = min(max(ts, self.start), self.end - 1)
        owner = payer if payer is not None else payee
        assert owner is not None, "a payment needs at least one account"
        code = currency or self._currency(payer, payee)
        cur = CURRENCY_INDEX[code]
        rate = float(self.fx.usd_per_unit(np.array([ts]), np.array([cur]))[0])
        amount = local if local is not None else (usd or 0.0) / rate
        if nice and amount >= 1000:
            step = 10 ** (math.floor(math.log10(amount)) - 2)
            amount = round(amount / step) * step
        milli = int(round_minor(np.array([amount]), np.array([cur]))[0])
        if mcc == AUTO:
            mcc_index = self.world.mcc_of(payee) if payee is not None else NONE
        else:
            mcc_index = self.world.mcc_index(mcc) if mcc else NONE
        cash_c = NONE
        if channel == "cash" and (payer is None or payee is None):
            where = cash_country or self.world.country_of(owner)
            cash_c = COUNTRY_INDEX[where]
            if cash_bank is None:
                cash_bank = self.world.bank_of(owner)
        self.rows.append(
            (
                ts,
                milli,
                cur,
                NONE if payer is None else payer,
                NONE if payee is None else payee,
                CHANNEL[channel],
                mcc_index,
                cash_c,
                NONE if cash_bank is None else cash_bank,
                purpose,
            )
        )
        return milli / 1000.0 * rate

    def _currency(self, payer: int | None, payee: int | None) -> str:
        """The payer's currency at home; abroad the payee's if widely traded, else USD."""
        owner = payer if payer is not None else payee
        assert owner is not None
        home = BY_CODE[self.world.country_of(owner)].currency
        if payer is None or payee is None:
            return home
        there = BY_CODE[self.world.country_of(payee)].currency
        if there == home:
            return home
        return there if there in _TRADED else "USD"

    def frame(self) -> Frame:
        """Everything planted so far as one (unsorted) frame."""
        if not self.rows:
            return Frame.empty()
        columns = list(zip(*self.rows, strict=True))
        names = ("ts", "amount", "currency", "payer", "payee", "channel", "mcc", "cash_country", "cash_bank")
        ints = {name: np.array(col, dtype=np.int64) for name, col in zip(names, columns, strict=False)}
        return Frame(**ints, purpose=pa.array(list(columns[9]), pa.string()))
